"""The command line, run as a user would: real files, a real subprocess for the exit status."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from evaluation.cli import main
from evaluation.framework import load_framework
from evaluation.io.export import score_columns
from tests.conftest import SMALL, run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A framework, agencies and figures written to disk."""
    (tmp_path / "fw.yaml").write_text(SMALL, encoding="utf-8")
    pd.DataFrame(
        {
            "code": ["B1", "B2", "T1"],
            "name": ["Bank one", "Bank two", "Tel"],
            "name_zh": ["一行", "二行", "电信"],
            "type": ["bank", "bank", "telecom"],
        }
    ).to_csv(tmp_path / "agencies.csv", index=False)
    pd.DataFrame(
        [
            {"agency_code": "B1", "period": "2026-09", "loss": 100, "frozen": 10, "orders": 5},
            {"agency_code": "B1", "period": "2026-10", "loss": 100, "frozen": 40, "orders": 50},
            {"agency_code": "B2", "period": "2026-10", "loss": 100, "frozen": 20, "orders": 90},
            {"agency_code": "T1", "period": "2026-10", "minutes": 6, "orders": 30},
        ]
    ).to_csv(tmp_path / "figures.csv", index=False)
    return {
        "fw": tmp_path / "fw.yaml",
        "agencies": tmp_path / "agencies.csv",
        "figures": tmp_path / "figures.csv",
        "dir": tmp_path,
    }


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m evaluation` in a subprocess."""
    return run_cli(*args, timeout=120)


def test_check_the_shipped_framework() -> None:
    result = run("check", "indicators.yaml")
    assert result.returncode == 0
    fingerprint = load_framework(ROOT / "indicators.yaml").fingerprint
    assert "indicators.yaml is valid" in result.stdout and fingerprint in result.stdout


def test_check_a_bad_file_lists_problems_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("weight: 60", 'weight: "high"'), encoding="utf-8")
    result = run("check", str(bad))
    assert result.returncode == 2
    assert (
        "bad.yaml line 15, dimensions[0].weight: "
        'expected a number >= 0 and <= 1,000,000, got "high"' in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_score_csv_has_the_documented_columns(files: dict[str, Path]) -> None:
    out = files["dir"] / "out.csv"
    code = main(
        [
            "score",
            "--indicators",
            str(files["fw"]),
            "--agencies",
            str(files["agencies"]),
            "--figures",
            str(files["figures"]),
            "--period",
            "2026-10",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    table = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert list(table.columns) == score_columns(load_framework(files["fw"]))
    assert list(table.columns[:10]) == [
        "agency_code",
        "agency_name",
        "agency_type",
        "period",
        "score",
        "rank",
        "rank_in_type",
        "rank_change",
        "tier",
        "flags",
    ]
    b1 = table.set_index("agency_code").loc["B1"]
    # freeze 0.4 -> 80; speed missing -> 0 (missing: zero); money 40; orders 50 -> 50.
    assert float(b1["score"]) == pytest.approx(0.6 * 40 + 0.4 * 50)
    assert b1["raw.freeze_rate"] == "0.4"
    assert table.set_index("agency_code").loc["T1", "ind.freeze_rate"] == ""  # not applicable


def test_score_json_carries_fingerprint_and_explanations(files: dict[str, Path]) -> None:
    result = run(
        "score",
        "--indicators",
        str(files["fw"]),
        "--agencies",
        str(files["agencies"]),
        "--figures",
        str(files["figures"]),
        "--period",
        "2026-10",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["framework"]["fingerprint"] == load_framework(files["fw"]).fingerprint
    first = data["results"][0]
    assert first["explanation"]["agency_code"] == first["agency_code"]
    assert {"indicators", "opportunities", "summary"} <= set(first["explanation"])


def test_score_reads_xlsx_figures(files: dict[str, Path]) -> None:
    figures = pd.read_csv(files["figures"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(figures.columns))
    for values in figures.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in values])
    xlsx = files["dir"] / "figures.xlsx"
    book.save(xlsx)
    from_xlsx, from_csv = files["dir"] / "x.csv", files["dir"] / "c.csv"
    common = [
        "score",
        "--indicators",
        str(files["fw"]),
        "--agencies",
        str(files["agencies"]),
        "--period",
        "2026-10",
    ]
    assert main([*common, "--figures", str(xlsx), "--out", str(from_xlsx)]) == 0
    assert main([*common, "--figures", str(files["figures"]), "--out", str(from_csv)]) == 0
    assert from_xlsx.read_text() == from_csv.read_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--period": "2026-13"}, 'expected a month "YYYY-MM", a quarter "YYYY-Qn" or a year'),
        ({"--figures": "missing.csv"}, "file not found"),
        ({"--agencies": "fw"}, "expected a .csv or .xlsx file"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    files: dict[str, Path], change: dict[str, str], message: str
) -> None:
    args = {
        "--indicators": str(files["fw"]),
        "--agencies": str(files["agencies"]),
        "--figures": str(files["figures"]),
        "--period": "2026-10",
    }
    for key, value in change.items():
        args[key] = str(files[value]) if value in files else value
    result = run("score", *[x for pair in args.items() for x in pair])
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_text_in_figures_exits_2(files: dict[str, Path]) -> None:
    figures = pd.read_csv(files["figures"], dtype=str)
    figures.loc[2, "frozen"] = "lots"
    figures.to_csv(files["figures"], index=False)
    result = run(
        "score",
        "--indicators",
        str(files["fw"]),
        "--agencies",
        str(files["agencies"]),
        "--figures",
        str(files["figures"]),
        "--period",
        "2026-10",
    )
    assert result.returncode == 2
    assert 'figures row 3, frozen: expected a number, got "lots"' in result.stderr


def test_weights_suggest_prints_shares(files: dict[str, Path]) -> None:
    result = run(
        "weights",
        "suggest",
        "--method",
        "critic",
        "--indicators",
        str(files["fw"]),
        "--agencies",
        str(files["agencies"]),
        "--figures",
        str(files["figures"]),
        "--period",
        "2026-10",
    )
    assert result.returncode == 0, result.stderr
    assert "CRITIC" in result.stdout and "freeze_rate" in result.stdout
    assert "current" in result.stdout and "suggested" in result.stdout


def test_weights_suggest_reproduces_the_critic_worked_example(tmp_path: Path) -> None:
    """Diakoulaki, Mavrotas & Papayannakis (1995): 8 alternatives x 3 criteria, all maximised;
    published weights 0.20222554, 0.48090173, 0.31687273. Min-max scores of the raw values feed
    CRITIC, which min-max normalises again, so the weights must come out unchanged."""
    from tests.test_weighting import DIAKOULAKI_1995_MATRIX, DIAKOULAKI_1995_WEIGHTS

    indicators = "\n".join(
        f"      - {{id: c{k}, label: C{k}, field: x{k}, period_aggregate: sum, "
        f"direction: higher, normalise: {{method: minmax}}, weight: 1}}"
        for k in range(3)
    )
    (tmp_path / "fw.yaml").write_text(
        "version: 1\nname: CRITIC example\nagency_types:\n  unit: {label: Unit}\nfields:\n"
        + "".join(f"  x{k}: {{label: X{k}}}\n" for k in range(3))
        + "dimensions:\n  - id: all\n    label: All\n    weight: 1\n    indicators:\n"
        + indicators
        + "\ntiers:\n  - {id: A, label: A, min_score: 0}\n",
        encoding="utf-8",
    )
    codes = [f"U{i}" for i in range(len(DIAKOULAKI_1995_MATRIX))]
    pd.DataFrame({"code": codes, "name": codes, "type": "unit"}).to_csv(
        tmp_path / "agencies.csv", index=False
    )
    figures = pd.DataFrame(DIAKOULAKI_1995_MATRIX, columns=["x0", "x1", "x2"])
    figures.insert(0, "period", "2026-01")
    figures.insert(0, "agency_code", codes)
    figures.to_csv(tmp_path / "figures.csv", index=False)
    from evaluation import evaluate, load_framework
    from evaluation.analysis.suggest import suggest_weights

    framework = load_framework(tmp_path / "fw.yaml")
    evaluation = evaluate(framework, figures, pd.read_csv(tmp_path / "agencies.csv"), "2026-01")
    shares = suggest_weights(evaluation, "critic")["suggested_share"].to_numpy()
    assert shares == pytest.approx(DIAKOULAKI_1995_WEIGHTS, abs=1e-6)
    result = run(
        "weights",
        "suggest",
        "--method",
        "critic",
        "--indicators",
        str(tmp_path / "fw.yaml"),
        "--agencies",
        str(tmp_path / "agencies.csv"),
        "--figures",
        str(tmp_path / "figures.csv"),
        "--period",
        "2026-01",
    )
    assert result.returncode == 0, result.stderr
    assert "suggested   20.2%" in result.stdout and "suggested   48.1%" in result.stdout


def analysis(files: dict[str, Path], command: str, *options: str) -> list[str]:
    """Arguments of an uncertainty or sensitivity run on the small files."""
    return [
        command,
        *("--indicators", str(files["fw"]), "--agencies", str(files["agencies"])),
        *("--figures", str(files["figures"]), "--period", "2026-10"),
        *options,
    ]


@pytest.mark.parametrize(
    ("command", "options", "message"),
    [
        (
            "uncertainty",
            ["--seed", "-1"],
            "--seed: expected a whole number from 0 to 4,294,967,295, got -1",
        ),
        ("uncertainty", ["--seed", str(2**32)], "got 4294967296"),
        ("uncertainty", ["--samples", "0"], "--samples: expected a whole number from 1 to"),
        (
            "uncertainty",
            ["--noise", "1.5"],
            "--noise: expected a fraction from 0 to below 1, got 1.5",
        ),
        ("uncertainty", ["--noise", "nan"], "--noise: expected a fraction from 0 to below 1"),
        (
            "uncertainty",
            ["--noise-dimension", "-0.1"],
            "--noise-dimension: expected a fraction from 0 to below 1, got -0.1",
        ),
        (
            "sensitivity",
            ["--samples", "64", "--bootstrap", "0"],
            "--bootstrap: expected a whole number from 1 to 10,000, got 0",
        ),
        (
            "sensitivity",
            ["--samples", "1"],
            "--samples: expected a whole number from 2 to 100,000, got 1",
        ),
        ("sensitivity", ["--seed", "-1"], "--seed: expected a whole number from 0"),
        ("sensitivity", ["--noise", "1"], "--noise: expected a fraction from 0 to below 1"),
        ("sensitivity", ["--noise-dimension", "2"], "--noise-dimension: expected a fraction"),
    ],
)
def test_bad_analysis_settings_exit_2_with_the_reason(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    command: str,
    options: list[str],
    message: str,
) -> None:
    assert main(analysis(files, command, *options)) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_every_bad_setting_is_named_at_once(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--samples", "0", "--bootstrap", "0", "--seed", "-5", "--noise", "2"]
    assert main(analysis(files, "sensitivity", *options)) == 2
    err = capsys.readouterr().err
    for option in ("--samples", "--bootstrap", "--seed", "--noise:"):
        assert option in err


def test_the_reported_bad_arguments_exit_2_without_a_traceback(files: dict[str, Path]) -> None:
    for args in (
        analysis(files, "uncertainty", "--seed", "-1"),
        analysis(files, "sensitivity", "--samples", "64", "--bootstrap", "0"),
    ):
        result = run(*args)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr and result.stderr.startswith("error: --")


def test_an_analysis_of_a_period_without_figures_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("uncertainty", "sensitivity"):
        args = analysis(files, command, "--samples", "50")
        args[args.index("2026-10")] = "2030-01"
        assert main(args) == 2
        assert "no figures are stored for 2030-01" in capsys.readouterr().err


def test_every_csv_the_cli_writes_escapes_formulas(files: dict[str, Path]) -> None:
    agencies = pd.read_csv(files["agencies"])
    agencies.loc[0, "name"] = "=1+1"
    agencies.loc[1, "code"] = "@B2"
    agencies.to_csv(files["agencies"], index=False)
    figures = pd.read_csv(files["figures"])
    figures["agency_code"] = figures["agency_code"].replace("B2", "@B2")
    figures.to_csv(files["figures"], index=False)
    score = files["dir"] / "score.csv"
    args = analysis(files, "score", "--out", str(score))
    assert main(args) == 0
    table = pd.read_csv(score, dtype=str, keep_default_na=False).set_index("agency_code")
    assert table.loc["B1", "agency_name"] == "'=1+1"
    assert "'@B2" in table.index and "@B2" not in table.index
    assert float(table.loc["B1", "score"]) > 0
    for command, extra in (("uncertainty", []), ("sensitivity", ["--bootstrap", "5"])):
        out = files["dir"] / f"{command}.csv"
        assert main(analysis(files, command, "--samples", "20", *extra, "--out", str(out))) == 0
        text = out.read_text(encoding="utf-8")
        assert not any(line.startswith(("=", "+", "@")) for line in text.splitlines())
    codes = pd.read_csv(files["dir"] / "uncertainty.csv", dtype=str)["agency_code"]
    assert set(codes) == {"B1", "'@B2", "T1"}


def test_export_refuses_a_month_without_figures_and_import_an_unknown_agency(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from datetime import date

    from evaluation.permissions import console
    from evaluation.services import demo
    from evaluation.services import store as stored

    framework = load_framework(ROOT / "indicators.yaml")
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, date(2026, 11, 25), with_accounts=False)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", db_url)
    target = tmp_path / "scores.csv"
    assert main(["export", "2030-01", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "no figures are stored for 2030-01 in the database; nothing to export" in err
    assert not target.exists()
    assert main(["score", "--period", "2030-01", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "no figures are stored for 2030-01 in the database; nothing to score" in err
    assert not target.exists()
    good = str(ROOT / "tests" / "data" / "uploads" / "good.csv")
    assert main(["import", good, "--as-agency", "NOPE"]) == 2
    err = capsys.readouterr().err
    assert '"NOPE"' in err and "not a known agency code" in err
    assert "BK01" not in err
    assert main(["export", "2026-10", "--out", str(target)]) == 0
    assert target.exists()


def test_the_user_a_command_records_is_an_account_or_the_console(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    from evaluation.permissions import console
    from evaluation.services import demo, users
    from evaluation.services import store as stored
    from evaluation.storage import publications as publication_store
    from evaluation.storage import submissions as submission_store

    framework = load_framework(ROOT / "indicators.yaml")
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, date(2026, 11, 25), with_accounts=False)
    users.create_user(console(), engine, "cora", "coordinator", "a long enough password")
    monkeypatch.setenv("DATABASE_URL", db_url)
    good = str(ROOT / "tests" / "data" / "uploads" / "good.csv")
    before = submission_store.current_figures(engine)
    for name in ("ghost", ""):
        assert main(["import", good, "--user", name]) == 2
        assert "--user: expected the username of an active account" in capsys.readouterr().err
    pd.testing.assert_frame_equal(submission_store.current_figures(engine), before)
    assert main(["import", good]) == 0
    assert submission_store.history(engine, "BK01", "2026-09").loc[0, "uploaded_by"] == "console"
    assert main(["publish", "2026-09", "--user", "cora"]) == 0
    assert publication_store.published(engine, "2026-09").iloc[0]["published_by"] == "cora"
    engine.dispose()


def test_the_commands_read_the_framework_named_by_indicators_file(tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "city-framework.yaml"
    shutil.copy(ROOT / "indicators.yaml", other)
    settings = {"INDICATORS_FILE": str(other)}
    checked = run_cli("check", database=tmp_path / "e.db", settings=settings)
    assert checked.stdout.startswith("city-framework.yaml is valid")
    other.write_text("version: 1\n", encoding="utf-8")
    refused = run_cli("score", "--period", "2026-10", database=tmp_path / "e.db", settings=settings)
    assert refused.returncode == 2 and "city-framework.yaml" in refused.stderr


def test_the_command_line_speaks_chinese_when_language_is_chinese(
    files: dict[str, Path], tmp_path: Path
) -> None:
    chinese = {"LANGUAGE": "zh_CN"}
    helped = run_cli("--help", settings=chinese)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("用法：python -m evaluation")
    assert "显示本帮助信息并退出" in helped.stdout and "选项" in helped.stdout
    assert "校验指标体系文件" in helped.stdout
    assert "usage:" not in helped.stdout and "show this help" not in helped.stdout
    missing = run_cli("score", settings=chinese)
    assert missing.returncode == 2
    assert "错误：缺少必需的参数：--period" in missing.stderr and "用法：" in missing.stderr
    common = ("--indicators", str(files["fw"]), "--agencies", str(files["agencies"]))
    bad = run_cli(
        "score",
        *common,
        "--figures",
        str(files["figures"]),
        "--period",
        "2026-13",
        settings=chinese,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "错误：考评期间：应为月份“YYYY-MM”、季度“YYYY-Qn”或年份“YYYY”，实为“2026-13”"
    )
    empty = run_cli(
        "uncertainty",
        *common,
        "--figures",
        str(files["figures"]),
        "--period",
        "2030-01",
        "--samples",
        "20",
        settings=chinese,
    )
    assert empty.returncode == 2
    assert "没有2030年1月的报送数据" in empty.stderr
    checked = run_cli("check", str(files["fw"]), settings=chinese)
    assert checked.returncode == 0 and checked.stdout.startswith("fw.yaml校验通过：")
    # The machine interface does not change with the language.
    scored = run_cli(
        "score",
        *common,
        "--figures",
        str(files["figures"]),
        "--period",
        "2026-10",
        settings=chinese,
    )
    assert scored.stdout.splitlines()[0].startswith("agency_code,agency_name,agency_type,period")
