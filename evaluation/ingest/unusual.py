"""The warnings of an upload: figures that look unusual but do not block it (the uploader
confirms them), as (row, column, message) like the problems of `checks`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from evaluation.i18n import N_
from evaluation.ingest.checks import Issue, Upload
from evaluation.ingest.parsing import format_number
from evaluation.ingest.words import ItemName
from evaluation.periods import add_months

JUMP_FACTOR = 10.0


def previous_months(months: np.ndarray) -> np.ndarray:
    """The month before each `YYYY-MM`."""
    return np.array([add_months(m, -1) for m in months.tolist()], dtype=object)


def month_on_month(u: Upload) -> list[Issue]:
    """Warnings: a figure over 10x (or under a tenth of) last month's; a rate newly at 0.

    Only rows with a valid agency and month are compared, so a row refused for its agency
    never reveals that agency's stored figures. Last month is this file's row when it has
    one, else the stored figure.
    """
    framework, figures, valid, rows = u.framework, u.figures, u.valid, u.rows
    previous = u.previous
    fields = list(framework.field_ids())
    mine = figures[valid]
    if mine.empty:
        return []
    stored = (
        previous.reindex(columns=["agency_code", "period", *fields])
        if previous is not None and not previous.empty
        else None
    )
    before = pd.concat([stored, mine] if stored is not None else [mine], ignore_index=True)
    before = before.drop_duplicates(["agency_code", "period"], keep="last")
    lookup = pd.MultiIndex.from_arrays([before["agency_code"], before["period"]])
    wanted = pd.MultiIndex.from_arrays(
        [mine["agency_code"].to_numpy(object), previous_months(mine["period"].to_numpy(object))]
    )
    at = lookup.get_indexer(wanted)
    found = at >= 0
    if not found.any():
        return []
    now = mine[fields].to_numpy(dtype=float)[found]
    then = before[fields].to_numpy(dtype=float)[at[found]]
    with np.errstate(invalid="ignore"):
        jump = (then > 0) & (now > 0) & ((now > JUMP_FACTOR * then) | (then > JUMP_FACTOR * now))
        numerators = {i.numerator for i in framework.indicators if i.is_ratio}
        rate = np.array([f in numerators for f in fields], dtype=bool)
        zero = rate[None, :] & (now == 0) & (then > 0)
    file_rows = rows[valid][found]
    out: list[Issue] = []
    for r, c in zip(*np.nonzero(jump), strict=True):
        out.append(
            u.issue(
                int(file_rows[r]),
                fields[c],
                N_(
                    "{now} is more than {factor} times away from last month's {then}; "
                    "please check it",
                    now=format_number(now[r, c]),
                    factor=format_number(JUMP_FACTOR),
                    then=format_number(then[r, c]),
                ),
            )
        )
    for r, c in zip(*np.nonzero(zero), strict=True):
        out.append(
            u.issue(
                int(file_rows[r]),
                fields[c],
                N_(
                    "0 this month after {then} last month; please check it is not a blank cell",
                    then=format_number(then[r, c]),
                ),
            )
        )
    return out  # check_upload sorts every warning by row and column


def ratio_above_one(u: Upload) -> list[Issue]:
    """Warning: a ratio that may exceed 1 does so in a row (it scores as full marks)."""
    figures, valid = u.figures, u.valid
    out: list[Issue] = []
    for ind in u.framework.indicators:
        if not ind.may_exceed_one or ind.numerator not in u.cells:
            continue
        top = figures[str(ind.numerator)].to_numpy(dtype=float)
        bottom = figures[str(ind.denominator)].to_numpy(dtype=float)
        out += u.issues(
            valid & (top > bottom),
            str(ind.numerator),
            lambda i, t=top, b=bottom, ind=ind: N_(  # type: ignore[misc]
                "{numerator} ({top}) is above {denominator} ({bottom}), so {indicator} is above "
                "1 this month and scores as full marks; please check it",
                numerator=ItemName(u.field_defs.get(str(ind.numerator), str(ind.numerator))),
                top=format_number(t[i]),
                denominator=ItemName(u.field_defs.get(str(ind.denominator), str(ind.denominator))),
                bottom=format_number(b[i]),
                indicator=ItemName(ind),
            ),
        )
    return out


# Warnings do not block an upload; the uploader confirms them.
WARNINGS: tuple[Callable[[Upload], list[Issue]], ...] = (month_on_month, ratio_above_one)
