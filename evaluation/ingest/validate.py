"""Upload validation: the file's headers checked, its cells read once, then every check of
`checks.CHECKS` run on every row, so that every problem comes at once as (row, column,
message), with the warnings of `checks.WARNINGS` (and the totals rows the reader left out)
kept apart.

Row numbers are those a person sees in Excel: the header is row 1, the first figures row 2.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from evaluation.framework import Framework
from evaluation.i18n import N_
from evaluation.ingest.checks import CHECKS, Issue, Upload
from evaluation.ingest.layout import TOTALS_ROWS, identity_of
from evaluation.ingest.parsing import PERCENT_UNITS, header_map, parse_month, parse_numbers
from evaluation.ingest.readers import HEADER_ROW, ROW_INDEX
from evaluation.ingest.unusual import WARNINGS, previous_months
from evaluation.ingest.words import ColumnName, header_key
from evaluation.settings import setting

__all__ = ["Checked", "Issue", "check_upload", "comparison_months", "parse_month", "row_numbers"]


@dataclass(frozen=True)
class Checked:
    """The figures an upload would store, or why it cannot be stored."""

    figures: pd.DataFrame  # agency_code, period, framework fields (floats, NaN = empty)
    errors: tuple[Issue, ...] = field(default_factory=tuple)
    warnings: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when nothing blocks the upload."""
        return not self.errors


def comparison_months(framework: Framework, table: pd.DataFrame) -> list[str]:
    """The months of a table's period column and the month before each: the stored figures
    `check_upload` needs as `previous`."""
    names = header_map(framework)
    columns = [c for c in table.columns if names.get(header_key(c)) == "period"]
    if not columns:
        return []
    months = {parse_month(p) for p in table[columns[0]].dropna().astype(str).unique()}
    found = np.array(sorted(m for m in months if m is not None), dtype=object)
    return sorted({*found.tolist(), *previous_months(found).tolist()})


def row_numbers(table: pd.DataFrame) -> np.ndarray:
    """File row numbers: the reader's `row` index, else 2, 3, ... in order."""
    if table.index.name == ROW_INDEX and pd.api.types.is_integer_dtype(table.index):
        return table.index.to_numpy(dtype=np.int64)
    return np.arange(2, len(table) + 2, dtype=np.int64)


def skipped_totals(table: pd.DataFrame) -> list[Issue]:
    """Warnings: the totals rows the reader left out (the dashboard adds figures up itself)."""
    return [
        Issue(
            row,
            column,
            N_(
                "a totals row ({cell}) was skipped; totals are computed by the dashboard", cell=cell
            ),
            ColumnName(column, identity_of(column) or column),
        )
        for row, column, cell in table.attrs.get(TOTALS_ROWS, ())
    ]


def _headers(framework: Framework, table: pd.DataFrame) -> tuple[dict[str, str], list[Issue]]:
    """The file's column for each field it gives, and the problems of its header row."""
    header_row = int(table.attrs.get(HEADER_ROW, 1))
    names = header_map(framework)
    fields = {f.id: f for f in framework.fields}
    mapping: dict[str, str] = {}
    errors: list[Issue] = []
    for header in table.columns:
        target = names.get(header_key(header))
        if target is None:
            errors.append(
                Issue(
                    header_row,
                    str(header),
                    N_(
                        'unknown column "{header}"; expected agency_code, period and field ids '
                        "or labels of the framework",
                        header=header,
                    ),
                )
            )
        elif target in mapping.values():
            named = ColumnName(None, target, fields.get(target))
            message = N_('column for "{target}" appears twice', target=named)
            errors.append(Issue(header_row, str(header), message))
        else:
            mapping[str(header)] = target
    for required in ("agency_code", "period"):
        if required not in mapping.values():
            named = ColumnName(None, required)
            message = N_('missing column "{column}"', column=named)
            errors.append(Issue(header_row, required, message, named))
    return {v: k for k, v in mapping.items()}, errors


def read_upload(
    framework: Framework,
    table: pd.DataFrame,
    by_field: dict[str, str],
    agency_types: Mapping[str, str],
    today: date,
    allowed: Collection[str] | None,
    previous: pd.DataFrame | None,
) -> Upload:
    """The cells of a table whose header row is usable, read once for every check."""
    codes = table[by_field["agency_code"]].fillna("").astype(str).str.strip().to_numpy(object)
    raw_periods = table[by_field["period"]].fillna("").astype(str).str.strip()
    month_of = {p: parse_month(p) for p in raw_periods.unique()}
    months = np.array([month_of[p] for p in raw_periods.tolist()], dtype=object)
    units = {f.id: f.unit.lower() for f in framework.fields}
    values, unreadable, cells, percent = {}, {}, {}, {}
    for field_id in framework.field_ids():
        percent[field_id] = units[field_id] in PERCENT_UNITS
        column = by_field.get(field_id)
        if column is None:
            values[field_id] = np.full(len(table), np.nan)
            unreadable[field_id] = np.zeros(len(table), bool)
            continue
        cells[field_id] = table[column]
        values[field_id], unreadable[field_id] = parse_numbers(table[column], percent[field_id])
    return Upload(
        framework=framework,
        rows=row_numbers(table),
        by_field=by_field,
        codes=codes,
        months=months,
        raw_periods=raw_periods.to_numpy(object),
        values=values,
        unreadable=unreadable,
        cells=cells,
        agency_types=agency_types,
        allowed=allowed,
        today=today,
        previous=previous,
        percent_allowed=percent,
        earliest=setting("EARLIEST_MONTH"),
        largest=float(setting("LARGEST_FIGURE")),
    )


def check_upload(
    framework: Framework,
    table: pd.DataFrame,
    agency_types: Mapping[str, str],
    today: date,
    allowed: Collection[str] | None = None,
    previous: pd.DataFrame | None = None,
) -> Checked:
    """Validate a table read from a file against the framework and the known agencies.

    `agency_types` maps known agency codes to their type; `allowed` limits the codes the
    uploader may submit for (None = any); `previous` holds current stored figures used for the
    month-on-month warnings, which are given only for rows whose agency and month are valid.
    """
    empty = pd.DataFrame(columns=["agency_code", "period", *framework.field_ids()])
    if table.shape[0] == 0:
        no_rows = Issue(None, "", N_("the file has no figures rows"))
        return Checked(empty, (no_rows,), tuple(skipped_totals(table)))
    by_field, errors = _headers(framework, table)
    if errors and not {"agency_code", "period"} <= set(by_field):
        return Checked(empty, tuple(errors))
    upload = read_upload(framework, table, by_field, agency_types, today, allowed, previous)
    for check in CHECKS:
        errors.extend(check(upload))
    warnings = skipped_totals(table) + [issue for warn in WARNINGS for issue in warn(upload)]
    errors.sort(key=lambda e: (e.row or 0, e.column))
    warnings.sort(key=lambda w: (w.row or 0, w.column))
    return Checked(upload.figures, tuple(errors), tuple(warnings))
