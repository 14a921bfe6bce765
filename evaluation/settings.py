"""Settings: every environment variable the product reads, with its default and meaning."""

from __future__ import annotations

import os

SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("INDICATORS_FILE", "indicators.yaml", "path of the framework file"),
    (
        "LANGUAGE",
        "zh_CN",
        "the language of the dashboard, the CLI and the files people read: zh_CN or en "
        "(each account may choose its own)",
    ),
    (
        "TIMEZONE",
        "Asia/Shanghai",
        "the office's time zone: times are shown in it and months and deadlines reckoned in it",
    ),
    (
        "DATABASE_URL",
        "sqlite:///data/evaluation.db",
        "where figures are stored: a SQLite file, or postgresql+psycopg://user@host/db",
    ),
    (
        "EARLIEST_MONTH",
        "2000-01",
        "the first month figures may be uploaded for (YYYY-MM); earlier months are refused",
    ),
    (
        "LARGEST_FIGURE",
        "1000000000000000",
        "the largest figure an upload may hold; larger ones are refused as typing mistakes",
    ),
    (
        "TRUST_FORWARDED_FOR",
        "0",
        "1 behind a reverse proxy that appends the client's address to X-Forwarded-For",
    ),
    ("XLSX_MAX_UNPACKED_MB", "200", "the size an XLSX upload may unpack to, in MB"),
    ("XLSX_MAX_ROWS", "200000", "rows a sheet may hold, blank ones included, and its highest row"),
    ("XLSX_MAX_COLUMNS", "1000", "the highest column a sheet may use"),
    ("XLSX_MAX_SHARED_STRINGS", "1000000", "different texts an XLSX upload may hold"),
    ("OFFICE_NAME", "Y市反诈联席办", "the office's name on bulletins and letters (Chinese)"),
    ("OFFICE_NAME_EN", "Y City Joint Anti-Fraud Office", "the office's name in English documents"),
    ("DOCUMENT_MARKING", "内部资料", "the marking printed on bulletins and letters (Chinese)"),
    ("DOCUMENT_MARKING_EN", "Internal", "the marking printed on English documents"),
)


def setting(name: str) -> str:
    """The value of a setting: the environment variable, else its default."""
    for key, default, _help in SETTINGS:
        if key == name:
            return os.environ.get(key, default)
    valid = ", ".join(k for k, _, _ in SETTINGS)
    raise KeyError(f"unknown setting {name!r}; valid: {valid}")  # i18n: not text (a bug)
