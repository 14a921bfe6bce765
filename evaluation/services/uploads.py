"""Uploads of monthly figures: preview, commit, restore an earlier version, the template and an
agency's upload history. Agency users act for their own agency only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from evaluation.errors import InputError, UploadError
from evaluation.framework import Framework
from evaluation.i18n import N_
from evaluation.ingest.readers import read_table_bytes
from evaluation.ingest.template import template_xlsx
from evaluation.ingest.validate import (
    Checked,
    Issue,
    check_upload,
    comparison_months,
    row_numbers,
)
from evaluation.periods import last_complete_month
from evaluation.permissions import Actor, Permission, require, require_for
from evaluation.services.store import Dataset
from evaluation.storage import agencies as agency_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine


@dataclass(frozen=True)
class Preview:
    """What an upload would do, before anything is stored."""

    checked: Checked
    changes: pd.DataFrame  # agency_code, period, field, current, new, change (new/changed)
    table: pd.DataFrame  # the file as read, text cells, for showing problems in place


def _uploading_for(actor: Actor, as_agency: str | None) -> str | None:
    """The one agency the actor's file may hold rows of, or None for any (checked here)."""
    if as_agency is not None:
        require_for(
            actor,
            Permission.UPLOAD_FIGURES,
            as_agency,
            N_("upload figures for {agency}", agency=as_agency),
        )
        return as_agency
    require(actor, Permission.UPLOAD_FIGURES, N_("upload figures"))
    if actor.may(Permission.EVERY_AGENCY):
        return None
    require_for(actor, Permission.UPLOAD_FIGURES, actor.agency or "", N_("upload figures"))
    return actor.agency


def _check_file(
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    as_agency: str | None,
    today: date,
) -> tuple[Checked, pd.DataFrame, pd.DataFrame]:
    """Read and validate a file; returns the check, the current figures and the file's table."""
    table = read_table_bytes(raw, name)
    known = agency_store.agencies(engine)
    types = dict(zip(known["code"], known["type"], strict=True))
    current = submission_store.current_figures(engine, months=comparison_months(framework, table))
    allowed = {as_agency} if as_agency else None
    checked = check_upload(framework, table, types, today, allowed, current)
    rows = row_numbers(table)
    # A refused row (say, another agency's) is checked no further: no message may quote a
    # stored figure of an agency the uploader may not see.
    refused_rows = {issue.row for issue in checked.errors}
    accepted = np.array([int(row) not in refused_rows for row in rows], dtype=bool)
    errors = checked.errors + _kept_value_conflicts(framework, checked, current, rows, accepted)
    # Warnings compare with stored figures; a refused row (say, another agency's) gets none.
    refused = {issue.row for issue in errors}
    warnings = tuple(w for w in checked.warnings if w.row not in refused)
    return replace(checked, errors=errors, warnings=warnings), current, table


def _kept_value_conflicts(
    framework: Framework,
    checked: Checked,
    current: pd.DataFrame,
    rows: np.ndarray,
    accepted: np.ndarray,
) -> tuple[Issue, ...]:
    """A field the file leaves out keeps its stored value; refuse a row where that stored value
    and a new one would break an `at_most` rule (say, a new smaller loss under the stored
    frozen amount)."""
    figures = checked.figures
    given = set(submission_store.given_fields(figures))
    pairs = [
        (f.id, f.at_most)
        for f in framework.fields
        if f.at_most and (f.id in given) != (f.at_most in given)
    ]
    if not pairs or current.empty or figures.empty:
        return ()
    stored = figures[["agency_code", "period"]].merge(
        current, on=["agency_code", "period"], how="left"
    )
    issues = []
    for field, limit in pairs:
        value = figures[field] if field in given else stored.get(field)
        bound = figures[limit] if limit in given else stored.get(limit)
        if value is None or bound is None:
            continue
        over = (accepted & (value.to_numpy(dtype=float) > bound.to_numpy(dtype=float))).tolist()
        for k in [i for i, bad in enumerate(over) if bad]:
            kept = limit if field in given else field
            issues.append(
                Issue(
                    int(rows[k]),
                    field if field in given else limit,
                    N_(
                        "{field} ({value:,.0f}) would be above {limit} ({bound:,.0f}); the file "
                        "has no {kept} column, so the stored {kept} is kept: give both in the file",
                        field=field,
                        value=value.iloc[k],
                        limit=limit,
                        bound=bound.iloc[k],
                        kept=kept,
                    ),
                )
            )
    return tuple(issues)


def _changes(checked: Checked, current: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Figure by figure, what storing the checked rows changes (new, changed or removed).

    Only rows without errors are compared, so a refused row never shows stored figures. Fields
    the file has no value for in any row keep their stored values (see the store's commit) and
    are not listed; a blank cell in a column with values elsewhere removes that figure.
    """
    columns = ["agency_code", "period", "field", "current", "new", "change"]
    refused = {issue.row for issue in checked.errors}
    figures = checked.figures[[int(row) not in refused for row in rows]]
    given = submission_store.given_fields(figures)
    if figures.empty or not given:
        return pd.DataFrame(columns=columns)
    new = figures[["agency_code", "period", *given]].melt(
        id_vars=["agency_code", "period"], var_name="field", value_name="new"
    )
    stored = [c for c in given if c in current.columns]
    if current.empty or not stored:
        old = pd.DataFrame(columns=["agency_code", "period", "field", "current"])
    else:
        old = current[["agency_code", "period", *stored]].melt(
            id_vars=["agency_code", "period"], var_name="field", value_name="current"
        )
    merged = new.merge(old, on=["agency_code", "period", "field"], how="left")
    has_old, has_new = merged["current"].notna(), merged["new"].notna()
    merged["change"] = np.select(
        [has_new & ~has_old, ~has_new & has_old, has_new & (merged["current"] != merged["new"])],
        ["new", "removed", "changed"],
        "unchanged",
    )
    return merged.loc[merged["change"] != "unchanged", columns].reset_index(drop=True)


def preview_upload(
    actor: Actor,
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    as_agency: str | None,
    today: date,
) -> Preview:
    """Validate a file and list, figure by figure, what it would change; nothing is stored.

    Agency users' files may hold their own agency's rows only; `as_agency` limits anyone's.
    """
    allowed = _uploading_for(actor, as_agency)
    checked, current, table = _check_file(engine, framework, raw, name, allowed, today)
    return Preview(checked, _changes(checked, current, row_numbers(table)), table)


def commit_upload(
    actor: Actor,
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    as_agency: str | None,
    today: date,
) -> list[int]:
    """Validate a file again and store it as new versions; refuse it whole on any problem."""
    allowed = _uploading_for(actor, as_agency)
    checked, _current, _table = _check_file(engine, framework, raw, name, allowed, today)
    if not checked.ok:
        raise UploadError(name, list(checked.errors))
    # Uploads for every agency are on behalf of the agency named, or of each row's agency.
    acting_for_others = actor.may(Permission.EVERY_AGENCY)
    meta = submission_store.UploadMeta(
        uploaded_by=actor.name,
        source_file=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        on_behalf_of=(allowed or submission_store.EACH_ROW_AGENCY) if acting_for_others else "",
    )
    return submission_store.commit_figures(engine, checked.figures, meta)


def restore(actor: Actor, engine: Engine, submission_id: int) -> int:
    """Make an earlier version current again, as a new version (whoever may upload for the
    agency)."""
    code = submission_store.submission_agency(engine, submission_id)
    if code is None:
        raise InputError(N_("there is no submission with id {id}", id=submission_id))
    require_for(
        actor, Permission.UPLOAD_FIGURES, code, N_("restore figures of agency {code}", code=code)
    )
    return submission_store.restore(engine, submission_id, actor.name)


def upload_template(framework: Framework, agency_type: str, today: date) -> bytes:
    """The XLSX template of one agency type, its example row dated last month."""
    if agency_type not in framework.type_ids():
        raise InputError(
            N_(
                'agency type: expected one of {valid}, got "{found}"',
                valid=", ".join(framework.type_ids()),
                found=agency_type,
            )
        )
    return template_xlsx(framework, agency_type, "CODE", last_complete_month(today))


def agency_submissions(actor: Actor, dataset: Dataset, code: str) -> pd.DataFrame:
    """Every version an agency has uploaded, newest first."""
    require_for(
        actor, Permission.SEE_AGENCY, code, N_("see the uploads of agency {code}", code=code)
    )
    subs = dataset.submissions
    return subs[subs["agency_code"] == code].sort_values("id", ascending=False)
