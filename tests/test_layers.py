"""The layer rules: the scoring core never imports streamlit or SQL libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

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


MODULE_LINE_BUDGET = 400
PACKAGE = ROOT / "evaluation"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its `__init__`)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules a module imports anywhere in it: at the top, inside functions and
    under `if TYPE_CHECKING:` alike (a cycle through a type-only import is still a cycle)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            # `from package import submodule` depends on the submodule; any other name comes
            # from the package's own `__init__`.
            named = any(sub not in known for sub in submodules)
            targets = submodules + ([node.module] if named else [])
        for target in targets:
            if target in known and target != name:
                out.add(target)
    return out


def test_every_module_keeps_within_the_line_budget() -> None:
    over = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINE_BUDGET
    }
    assert over == {}, f"split these by concept (budget {MODULE_LINE_BUDGET} lines): {over}"


def test_no_import_cycle_not_even_a_type_only_one() -> None:
    found = modules()
    graph = {name: imports_of(name, path, set(found)) for name, path in found.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_every_package_and_module_opens_with_what_it_owns() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if "versions" not in path.parts
        and not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()
    ]
    assert missing == []


def definitions(kind: type, name: str) -> list[str]:
    """The modules of the package that define `name` (a function, class or assignment)."""
    out = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, kind) and getattr(node, "name", None) == name:
                out.append(str(path.relative_to(ROOT)))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and kind is ast.Assign:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    out.append(str(path.relative_to(ROOT)))
    return out


@pytest.mark.parametrize(
    ("kind", "name", "home"),
    [
        (ast.FunctionDef, "aggregate_tree", "evaluation/scoring/tree.py"),
        (ast.FunctionDef, "safe_cell", "evaluation/io/cells.py"),
        (ast.FunctionDef, "append", "evaluation/storage/audit.py"),
        (ast.FunctionDef, "add_months", "evaluation/periods.py"),
        (ast.ClassDef, "Permission", "evaluation/permissions.py"),
        (ast.Assign, "ROLE_PERMISSIONS", "evaluation/permissions.py"),
        (ast.ClassDef, "AuditAction", "evaluation/audit.py"),
    ],
)
def test_one_definition_each(kind: type, name: str, home: str) -> None:
    assert definitions(kind, name) == [home]


def test_months_are_counted_only_in_periods() -> None:
    counting = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if path.name != "periods.py"
        and any(token in path.read_text(encoding="utf-8") for token in ("* 12 +", "// 12", "% 12"))
    ]
    assert counting == []


def test_audit_actions_are_written_only_from_the_vocabulary() -> None:
    literal = []
    for path in (PACKAGE / "storage").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "append":
                action = node.args[2] if len(node.args) > 2 else None
                if isinstance(action, ast.Constant):
                    literal.append(f"{path.name}: {action.value}")
    assert literal == []


def test_caches_live_in_one_module() -> None:
    users = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if "st.cache_" in path.read_text(encoding="utf-8")
    ]
    assert users == ["evaluation/ui/cache.py"]
