"""Security promises against bad input: framework files, figures, months, workbooks and files
that would mislead the scores or stall the server are refused in plain words (see
docs/security.md)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas.testing
import pytest

from evaluation.framework import Framework, load_framework
from evaluation.permissions import Actor, console
from evaluation.services import demo, uploads
from evaluation.services import store as stored
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
BANK1 = Actor("bank1", "agency", "BK01")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(ROOT / "indicators.yaml")


@pytest.fixture
def demo_store(tmp_path: Path, framework: Framework) -> Engine:
    engine = stored.open_store(f"sqlite:///{tmp_path / 'evaluation.db'}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    return engine


def stored_numbers(engine: Engine, code: str) -> set[str]:
    """Every stored figure of an agency, written as the messages write numbers."""
    figures = submission_store.current_figures(engine)
    mine = figures[figures["agency_code"] == code].drop(columns=["agency_code", "period"])
    return {f"{v:,.0f}" for v in mine.to_numpy().ravel() if v == v and v >= 1000}


BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (BOMB, "more than 100,000 values once its anchors and aliases"),
        ("version: 1\nloop: &x [*x]\n", "nested more than 32 levels deep"),
        ("version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 32 levels deep"),
        ("x: " + "y" * 1_000_001 + "\n", "a framework file of at most 1,000,000 is accepted"),
    ],
    ids=["alias-bomb", "recursive-alias", "deep-nesting", "huge"],
)
def test_a_hostile_framework_file_is_refused_in_plain_words(text: str, said: str) -> None:
    from evaluation.errors import FrameworkError
    from evaluation.framework import parse_framework

    with pytest.raises(FrameworkError) as refused:
        parse_framework(text, "hostile.yaml")
    assert said in str(refused.value)


def test_check_refuses_a_hostile_file_without_a_traceback(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    nested = tmp_path / "nested.yaml"
    nested.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for path in (bomb, nested):
        result = run_cli("check", str(path))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"error: {path.name}")


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("weight: 30", "weight: .inf", "expected a number >= 0 and <= 1,000,000, got inf"),
        ("weight: 30", "weight: 1.0e+308", "expected a number >= 0 and <= 1,000,000, got 1e+308"),
        ("scale: 100", "scale: .inf", "scale: expected a number > 0 and <= 1,000,000, got inf"),
        ("best: 1", "best: .nan", "expected a number between"),
        ("    above: 0", "    above: -.inf", "above: expected a number between"),
    ],
)
def test_the_framework_refuses_non_finite_and_overflowing_numbers(
    old: str, new: str, said: str
) -> None:
    from evaluation.errors import FrameworkError
    from evaluation.framework import parse_framework

    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(FrameworkError) as refused:
        parse_framework(text.replace(old, new, 1))
    assert said in str(refused.value)
    assert "indicators.yaml line " in str(refused.value)


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ("0000-01,1000", "0000-01 is before 2000-01, the first month figures are accepted for"),
        ("1900-01,1000", "1900-01 is before 2000-01"),
        ("2026-09,1.0e308", "expected a number of at most 1,000,000,000,000,000, got 1e+308"),
    ],
)
def test_impossible_months_and_huge_figures_are_refused(
    demo_store: Engine, framework: Framework, cells: str, said: str
) -> None:
    from evaluation.errors import UploadError

    before = submission_store.current_figures(demo_store)
    raw = f"agency_code,period,loss_reported\nBK01,{cells}\n".encode()
    with pytest.raises(UploadError) as refused:
        uploads.commit_upload(BANK1, demo_store, framework, raw, "bad.csv", None, TODAY)
    assert said in str(refused.value)
    pandas.testing.assert_frame_equal(submission_store.current_figures(demo_store), before)


def test_a_value_that_overflows_is_missing_and_flagged_not_dropped(framework: Framework) -> None:
    import pandas as pd

    from evaluation import evaluate

    agencies = pd.DataFrame({"code": ["B1", "B2"], "name": ["One", "Two"], "type": ["bank"] * 2})
    months = ["2026-07", "2026-08", "2026-09"]
    figures = pd.DataFrame(
        {
            "agency_code": ["B1"] * 3 + ["B2"] * 3,
            "period": months * 2,
            "loss_reported": [1e308] * 3 + [1e6] * 3,  # a file read by `score --figures`
            "amount_frozen": [1e308] * 3 + [2e5] * 3,
        }
    )
    result = evaluate(framework, figures, agencies, "2026-Q3").table.set_index("agency_code")
    assert "missing:freeze_rate" in result.loc["B1", "flags"]
    assert result.loc["B1", "ind.freeze_rate"] == 0  # missing counts as zero in this framework
    assert result.loc["B2", "ind.freeze_rate"] > 0


def test_framework_backups_never_overwrite_each_other(tmp_path: Path, demo_store: Engine) -> None:
    from evaluation.services import admin

    target = tmp_path / "indicators.yaml"
    original = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    ada = Actor("ada", "admin")
    texts = [original.replace("weight: 30", f"weight: {w}", 1) for w in (31, 32, 33)]
    backups = [admin.replace_framework(ada, demo_store, target, t, NOW)[1] for t in texts]
    assert len({b for b in backups if b is not None}) == 3  # the same second, three backups
    kept = [b.read_text(encoding="utf-8") for b in backups if b is not None]
    assert kept == [original, texts[0], texts[1]]


def test_out_never_overwrites_without_force_nor_follows_a_link(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    base = ["score", "--period", "2026-10", "--agencies", str(ROOT / "data/demo/agencies.csv")]
    base += ["--figures", str(ROOT / "data/demo/figures.csv")]
    out = tmp_path / "scores.csv"
    assert run_cli(*base, "--out", str(out)).returncode == 0
    first = out.read_text(encoding="utf-8")
    out.write_text("kept", encoding="utf-8")
    refused = run_cli(*base, "--out", str(out))
    assert refused.returncode == 2 and "already exists; add --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "kept"
    assert run_cli(*base, "--out", str(out), "--force").returncode == 0
    assert out.read_text(encoding="utf-8") == first
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    for extra in ((), ("--force",)):
        result = run_cli(*base, "--out", str(link), *extra)
        assert result.returncode == 2 and "symbolic link" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious"
    dash = run_cli(*base, "--out", "-")
    assert dash.stdout == first and not (ROOT / "-").exists()


def test_over_long_values_are_refused_alike_on_both_databases(
    db_url: str, framework: Framework
) -> None:
    import pandas as pd

    from evaluation.errors import InputError
    from evaluation.services import admin, users

    engine = stored.open_store(db_url)
    ada = Actor("ada", "admin")
    long_code = pd.DataFrame({"code": ["X" * 41], "name": ["Bank"], "type": ["bank"]})
    long_name = pd.DataFrame({"code": ["BK09"], "name": ["银" * 201], "type": ["bank"]})
    for table, said in ((long_code, "row 1, code"), (long_name, "row 1, name")):
        with pytest.raises(InputError, match=f"agencies {said}: expected at most"):
            raw = table.to_csv(index=False).encode()
            admin.register_agencies(ada, engine, framework, raw, "agencies.csv")
    with pytest.raises(InputError, match="email: expected at most 200 characters"):
        users.create_user(
            ada,
            engine,
            "mei",
            "coordinator",
            "a long enough password",
            email=("m" * 200 + "@example.gov.cn"),
        )
    raw = b"agency_code,period,loss_reported\nBK01,2026-09,1\n"
    with pytest.raises(InputError, match="file name: expected at most 255 characters"):
        uploads.preview_upload(ada, engine, framework, raw, "f" * 300 + ".csv", None, TODAY)
    assert stored.load_dataset(engine).agencies.empty
    engine.dispose()


def test_a_damaged_workbook_is_refused_in_plain_words() -> None:
    import io
    import zipfile

    from openpyxl import Workbook

    from evaluation.errors import InputError
    from evaluation.ingest.readers import read_table_bytes

    book = Workbook()
    book.active.append(["agency_code", "period"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", b"<row r='2'><c r='A2'><v>1</sheetData>")
            target.writestr(item, data)
    with pytest.raises(InputError, match="is damaged and cannot be read"):
        read_table_bytes(damaged.getvalue(), "broken.xlsx")


def _workbook(sheet_rows: bytes = b"", strings: int = 0) -> bytes:
    """A real workbook with extra rows spliced into its sheet, or many shared strings."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["agency_code", "period", "loss_reported"])
    sheet.append(["BK01", "2026-09", "text"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", sheet_rows + b"</sheetData>")
            z.writestr(item, data)
        if strings:
            extra = b"".join(b"<si><t>x%d</t></si>" % k for k in range(strings))
            z.writestr("xl/sharedStrings.xml", b"<sst>" + extra + b"</sst>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (
            lambda: _workbook(b'<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>'),
            "reaches row 2,000,000,000",
        ),
        (
            lambda: _workbook(b"".join(b'<row r="%d"/>' % k for k in range(3, 250_000))),
            "at most 200,000 rows (blank ones included)",
        ),
        (lambda: _workbook(b'<row r="3"><c r="XFD3"><v>1</v></c></row>'), "column XFD"),
        (lambda: _workbook(strings=1_100_000), "more than 1,000,000 different texts"),
    ],
    ids=["far-row", "blank-rows", "far-column", "shared-strings"],
)
def test_a_small_workbook_that_would_stall_the_server_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch, raw: Any, said: str
) -> None:
    import openpyxl

    from evaluation.errors import InputError
    from evaluation.ingest.readers import read_table_bytes

    data = raw()
    assert len(data) < 10 * 1024 * 1024

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(InputError, match=re.escape(said)):
        read_table_bytes(data, "small.xlsx")


def test_an_ordinary_workbook_still_reads() -> None:
    from evaluation.ingest.readers import read_table_bytes

    table = read_table_bytes(_workbook(), "ordinary.xlsx")
    assert list(table.columns) == ["agency_code", "period", "loss_reported"] and len(table) == 1


def test_every_ratio_says_whether_it_can_exceed_one(framework: Framework) -> None:
    from evaluation.errors import FrameworkError
    from evaluation.framework import parse_framework

    text = framework.text
    undeclared = text.replace("        may_exceed_one: true\n", "", 1)  # stop_payment_rate
    with pytest.raises(FrameworkError) as refused:
        parse_framework(undeclared)
    assert "say whether stop_payment_rate can exceed 1: give the field amount_stop_paid" in str(
        refused.value
    )
    both = text.replace("    at_most: warnings_received\n", "    at_most: warnings_received\n", 1)
    both = both.replace(
        "        numerator: warnings_answered_in_time\n",
        "        numerator: warnings_answered_in_time\n        may_exceed_one: true\n",
        1,
    )
    with pytest.raises(FrameworkError, match="cannot exceed 1; remove may_exceed_one"):
        parse_framework(both)


def test_a_rate_above_one_is_warned_of_and_scores_full_marks(
    demo_store: Engine, framework: Framework
) -> None:
    raw = b"agency_code,period,loss_reported,amount_frozen,amount_returned\n"
    raw += b"BK01,2026-09,100000,150000,50000\n"
    preview = uploads.preview_upload(BANK1, demo_store, framework, raw, "f.csv", None, TODAY)
    assert preview.checked.ok
    said = [str(w) for w in preview.checked.warnings]
    assert any("freeze_rate is above 1 this month and scores as full marks" in w for w in said)
    uploads.commit_upload(BANK1, demo_store, framework, raw, "f.csv", None, TODAY)
    minmax = framework.text.replace(
        "normalise: {method: goalposts, worst: 0.05, best: 0.35}",
        "normalise: {method: zscore}",
    )
    from evaluation.framework import parse_framework

    scored = stored.stored_evaluation(demo_store, parse_framework(minmax), "2026-09")
    row = scored.table.set_index("agency_code").loc["BK01"]
    assert row["raw.freeze_rate"] == 1.5 and row["ind.freeze_rate"] == framework.scale
