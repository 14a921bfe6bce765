"""The agencies file (code, name, name_zh, type) in the reader's language: its template, and
a file headed by ids, English or Chinese words, with types as ids or labels in either language,
brought back to the ids the engine checks (`scoring.cube.check_agencies`)."""

from __future__ import annotations

import pandas as pd

from evaluation import i18n
from evaluation.framework import Framework
from evaluation.i18n import N_, Message, _
from evaluation.ingest.words import header_key, in_every_language
from evaluation.io.cells import safe_csv_bytes

AGENCY_HEADERS: dict[str, Message] = {
    "code": N_("Agency code"),
    "name": N_("Agency name (English)"),
    "name_zh": N_("Agency name (Chinese)"),
    "type": N_("Agency type"),
}
# Words offices use for these columns besides the template's.
USUAL_HEADERS = {"代码": "code", "单位代码": "code", "英文名称": "name", "类型": "type"}


def agency_headers() -> dict[str, str]:
    """Every accepted heading of the agencies file (comparison key) -> column id."""
    names = {header_key(k): k for k in AGENCY_HEADERS}
    names.update({header_key(k): v for k, v in USUAL_HEADERS.items()})
    for column, message in AGENCY_HEADERS.items():
        names.update({header_key(text): column for text in in_every_language(message)})
    return names


def type_ids(framework: Framework) -> dict[str, str]:
    """Every way of writing an agency type (id, English or Chinese label) -> its id."""
    out: dict[str, str] = {}
    for t in framework.agency_types:
        for name in (t.label, t.label_zh, t.id):
            if name:
                out[header_key(name)] = t.id
    return out


def agency_table(framework: Framework, table: pd.DataFrame) -> pd.DataFrame:
    """The agencies file with the columns the engine expects (code, name, name_zh, type) and
    each type as its id; a heading or a type it cannot place is left as written, for the
    engine's check to name."""
    names = agency_headers()
    renamed = {c: names.get(header_key(str(c)), c) for c in table.columns}
    out = table.rename(columns=renamed)
    if "type" in out.columns:
        types = type_ids(framework)
        out["type"] = [
            v if v is None or pd.isna(v) else types.get(header_key(str(v)), v) for v in out["type"]
        ]
    return out


def agencies_template(framework: Framework) -> bytes:
    """A CSV to fill in with the city's agencies: the columns and one example row per type;
    headed by ids with type ids for an English reader, in Chinese words for a Chinese one."""
    chinese = i18n.is_chinese()
    columns = {k: (str(m) if chinese else k) for k, m in AGENCY_HEADERS.items()}
    rows = [
        {
            columns["code"]: f"{t.id.upper()[:2]}01",
            columns["name"]: f"Example {t.label}",
            columns["name_zh"]: _("Example {type}", type=i18n.label(t)) if chinese else "",
            columns["type"]: i18n.label(t) if chinese else t.id,
        }
        for t in framework.agency_types
    ]
    return safe_csv_bytes(pd.DataFrame(rows, columns=list(columns.values())))
