"""Deployment settings that must not drift: XSRF, upload limit, no secrets in the repository."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_keeps_xsrf_protection_and_the_upload_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 10
    assert "cookieSecret" not in config["server"], "the cookie secret comes from the environment"


def test_no_secret_file_is_tracked() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert not [f for f in tracked if f.endswith("secrets.toml") or f.endswith(".env")]
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert ".streamlit/secrets.toml" in ignored


def test_yaml_is_only_ever_read_with_a_safe_loader() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "evaluation").rglob("*.py"))
    assert "yaml.load(" not in sources and "yaml.unsafe_load" not in sources
    assert "Loader=yaml.Loader" not in sources and "FullLoader" not in sources


def test_the_browser_never_sees_a_traceback_nor_an_unescaped_table_download() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True
