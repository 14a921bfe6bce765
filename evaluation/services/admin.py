"""Administration: registering agencies and taking them out of the evaluation, replacing or
reloading the framework file, and reading the audit log."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pandas as pd

from evaluation.audit import AuditAction
from evaluation.errors import StorageError
from evaluation.framework import Framework, parse_framework
from evaluation.i18n import N_
from evaluation.ingest import agencies as agency_files
from evaluation.ingest.readers import read_table_bytes
from evaluation.io.cells import safe_csv_bytes
from evaluation.permissions import Actor, Permission, require
from evaluation.scoring.cube import check_agencies
from evaluation.services.store import FrameworkStatus, framework_status
from evaluation.storage import agencies as agency_store
from evaluation.storage import audit
from evaluation.storage import frameworks as framework_store
from evaluation.storage.db import Engine


def agencies_template(framework: Framework) -> bytes:
    """A CSV to fill in with the city's agencies, in the reader's language (see
    `ingest.agencies`): the columns and one example row per type."""
    return agency_files.agencies_template(framework)


def register_agencies(
    actor: Actor, engine: Engine, framework: Framework, raw: bytes, name: str
) -> int:
    """Add the agencies of a file (code, name, name_zh, type); returns how many were new."""
    require(actor, Permission.MANAGE_AGENCIES, N_("register agencies"))
    table = read_table_bytes(raw, name)
    # Headed and typed in either language: brought back to ids before the engine's check.
    checked = check_agencies(framework, agency_files.agency_table(framework, table))
    return agency_store.add_agencies(engine, checked, actor.name)


def set_agency_active(actor: Actor, engine: Engine, code: str, active: bool) -> None:
    """Take an agency out of the evaluation or back in."""
    require(actor, Permission.MANAGE_AGENCIES, N_("manage agencies"))
    agency_store.set_agency_active(engine, code, active, actor.name)


def replace_framework(
    actor: Actor, engine: Engine, path: Path, text: str, now: datetime
) -> tuple[Framework, Path | None]:
    """Validate a new framework text, keep a timestamped backup, then write it atomically.

    Nothing is written when the text is invalid (FrameworkError lists every problem).
    """
    require(actor, Permission.MANAGE_FRAMEWORK, N_("replace the framework file"))
    framework = parse_framework(text, path.name)
    backup = _backup(path, now) if path.exists() else None
    staging = path.with_name(f".{path.name}.new")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)
    audit.record(
        engine,
        actor.name,
        AuditAction.FRAMEWORK_REPLACE,
        {"fingerprint": framework.fingerprint, "backup": str(backup) if backup else None},
    )
    framework_store.remember_framework(engine, framework.fingerprint, framework.text, str(path))
    return framework, backup


def _backup(path: Path, now: datetime) -> Path:
    """A copy of the file under a name no earlier backup has: the time, then a counter."""
    content = path.read_bytes()
    for attempt in range(1000):
        suffix = f"-{attempt}" if attempt else ""
        backup = path.with_name(f"{path.stem}.{now:%Y%m%d-%H%M%S}{suffix}{path.suffix}.bak")
        try:
            with open(backup, "xb") as file:  # never overwrites, never follows a link
                file.write(content)
        except FileExistsError:
            continue
        return backup
    raise StorageError(
        N_("{file}: 1,000 backups share this second; try again in a moment", file=path.name)
    )


def reload_framework(actor: Actor, engine: Engine, path: Path) -> FrameworkStatus:
    """Read the framework file again at an administrator's request, and record who asked."""
    require(actor, Permission.MANAGE_FRAMEWORK, N_("reload the framework file"))
    status = framework_status(path)
    details: dict[str, object] = {"file": str(path), "valid": status.framework is not None}
    if status.framework is not None:
        details["fingerprint"] = status.framework.fingerprint
    audit.record(engine, actor.name, AuditAction.FRAMEWORK_RELOAD, details)
    return status


def audit_trail(
    actor: Actor,
    engine: Engine,
    actions: Iterable[str] | None,
    who: str | None,
    since: datetime | None,
    until: datetime | None,
) -> pd.DataFrame:
    """The audit log, newest first, filtered by action, actor and time."""
    require(actor, Permission.READ_AUDIT, N_("read the audit log"))
    log = audit.audit_log(engine, actions, who, since, until)
    return log.iloc[::-1].reset_index(drop=True)


def audit_csv(log: pd.DataFrame) -> bytes:
    """An audit extract as CSV (UTF-8 with BOM), every text cell formula-safe."""
    return safe_csv_bytes(log.astype(object))
