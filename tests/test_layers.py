"""The layer rules: the scoring core never imports streamlit or SQL libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTER_LAYERS = {"ui", "storage"}
BANNED = {"streamlit", "sqlmodel", "sqlalchemy"}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_neither_streamlit_nor_sql() -> None:
    core = [
        p
        for p in (ROOT / "evaluation").rglob("*.py")
        if p.relative_to(ROOT / "evaluation").parts[0] not in OUTER_LAYERS
    ]
    assert len(core) >= 10
    offenders = {str(p.relative_to(ROOT)): imported_roots(p) & BANNED for p in core}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ruff_refuses_streamlit_in_the_core(tmp_path: Path) -> None:
    probe = ROOT / "evaluation" / "_layer_probe.py"
    probe.write_text('"""Probe."""\n\nimport streamlit\n\nprint(streamlit)\n', encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--no-cache", str(probe)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "TID251" in result.stdout and "streamlit" in result.stdout
