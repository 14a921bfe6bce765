"""Use cases on a real store (SQLite and PostgreSQL): demo load, import, scoring from the store."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from evaluation import evaluate, i18n, load_framework
from evaluation.errors import StorageError, UploadError
from evaluation.framework import Framework, parse_framework
from evaluation.permissions import Actor, console
from evaluation.services import admin, demo, pages, publication, sessions, uploads
from evaluation.services import store as stored
from evaluation.storage import agencies as agency_store
from evaluation.storage import audit as audit_store
from evaluation.storage import publications as publication_store
from evaluation.storage import submissions as submission_store
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(ROOT / "indicators.yaml")


def test_demo_in_the_store_scores_like_the_files(db_url: str, framework: Framework) -> None:
    engine = stored.open_store(db_url)
    data = demo.load_demo(console(), engine, framework, TODAY, with_accounts=False).data
    kept = (
        stored.stored_evaluation(engine, framework, "2026-10")
        .table.set_index("agency_code")
        .sort_index()
    )
    direct = (
        evaluate(framework, data.figures, data.agencies, "2026-10")
        .table.set_index("agency_code")
        .sort_index()
    )
    pd.testing.assert_series_equal(kept["score"], direct["score"], check_exact=False)
    assert list(kept["tier"]) == list(direct["tier"])
    revised = submission_store.history(engine, "BK02", "2026-09")
    assert list(revised["status"]) == ["current", "superseded"]
    with pytest.raises(StorageError, match="already holds agencies"):
        demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    engine.dispose()


def test_import_refuses_a_bad_file_whole(db_url: str, framework: Framework) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    before = submission_store.current_figures(engine)
    with pytest.raises(UploadError) as caught:
        uploads.commit_upload(
            console("ann"),
            engine,
            framework,
            (ROOT / "tests/data/uploads/bad.csv").read_bytes(),
            (ROOT / "tests/data/uploads/bad.csv").name,
            None,
            TODAY,
        )
    assert len(caught.value.problems) == 8
    pd.testing.assert_frame_equal(submission_store.current_figures(engine), before)
    engine.dispose()


def test_import_as_agency_and_versions(db_url: str, framework: Framework) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    good = ROOT / "tests/data/uploads/good.csv"
    with pytest.raises(UploadError, match="you may not submit figures for agency BK02"):
        uploads.commit_upload(
            console("bk01-user"), engine, framework, (good).read_bytes(), (good).name, "BK01", TODAY
        )
    ids = uploads.commit_upload(
        console("coordinator"), engine, framework, (good).read_bytes(), (good).name, None, TODAY
    )
    assert len(ids) == 2
    history = submission_store.history(engine, "BK01", "2026-09")
    assert history.loc[0, "uploaded_by"] == "coordinator" and history.loc[0, "version"] == 2
    assert history.loc[0, "on_behalf_of"] == "BK01"  # a file of several agencies: each row's own
    assert submission_store.history(engine, "BK02", "2026-09").loc[0, "on_behalf_of"] == "BK02"
    raw = b"agency_code,period,loss_reported\nBK01,2026-09,1300000\n"
    own = Actor("bank1", "agency", "BK01")
    uploads.commit_upload(own, engine, framework, raw, "own.csv", None, TODAY)
    assert submission_store.history(engine, "BK01", "2026-09").loc[0, "on_behalf_of"] == ""
    assert len(history.loc[0, "sha256"]) == 64
    engine.dispose()


def test_cli_demo_history_and_score_from_the_store(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, database=tmp_path / "e.db", timeout=300)

    assert run("init-db").returncode == 0
    demo = run("demo")
    assert demo.returncode == 0 and "SYNTHETIC" in demo.stdout
    account = next(line.split() for line in demo.stdout.splitlines() if "demo-coordinator" in line)
    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    _token, viewer = sessions.sign_in(engine, "demo-coordinator", account[1], datetime.now(UTC))
    assert viewer.role == "coordinator"
    versions = submission_store.submissions(engine, "BK02")
    month = str(versions.loc[versions["version"] == 2, "period"].iloc[0])
    engine.dispose()
    year, number = month.split("-")
    history = run("history", "BK02", f"{year}年{int(number)}月")
    assert history.returncode == 0 and "superseded" in history.stdout
    oldest = history.stdout.strip().splitlines()[-1].split()[0]
    restored = run("restore", oldest)
    assert restored.returncode == 0, restored.stderr
    after = run("history", "BK02", month).stdout
    assert "restored version 1" in after and after.count("superseded") == 2
    missing = run("restore", "999999")
    assert missing.returncode == 2 and "no submission with id 999999" in missing.stderr
    score = run("score", "--period", "2026-Q3")
    assert score.returncode == 0 and score.stdout.count("\n") == 31
    bad = run("import", "tests/data/uploads/bad.csv")
    assert bad.returncode == 2 and "8 problems, nothing was stored" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_publish_is_immutable_and_compare_shows_moves(db_url: str, framework: Framework) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    assert publication.compare_with_published(console(), engine, framework, "2026-09") is None
    first = publication.publish(console("coordinator"), engine, framework, "2026-09")
    same = publication.compare_with_published(console(), engine, framework, "2026-09")
    assert same is not None and same.identical and same.published_id == first
    snapshot = publication_store.published(engine, "2026-09").iloc[0]
    assert snapshot["framework_text"] == framework.text
    # New figures for one bank: the data changed, and the bank's score moves.
    uploads.commit_upload(
        console("c"),
        engine,
        framework,
        (ROOT / "tests/data/uploads/good.csv").read_bytes(),
        (ROOT / "tests/data/uploads/good.csv").name,
        None,
        TODAY,
    )
    changed = publication.compare_with_published(console(), engine, framework, "2026-09")
    assert changed is not None and changed.data_changed and not changed.framework_changed
    assert {"BK01", "BK02"} <= set(changed.moves["agency_code"])
    # The published snapshot itself did not change.
    again = publication_store.published(engine, "2026-09").iloc[0]
    assert again["results"] == snapshot["results"]
    assert "publish" in set(audit_store.audit_log(engine)["action"])
    engine.dispose()


def test_an_agency_taken_out_is_neither_scored_nor_published(
    db_url: str, framework: Framework
) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    ada = Actor("ada", "admin")
    publication.publish(console("ada"), engine, framework, "2026-09")
    published = stored.stored_evaluation(engine, framework, "2026-09")
    assert publication.publication_state(console(), engine, published).startswith("published on")
    admin.set_agency_active(ada, engine, "BK02", False)
    draft = stored.stored_evaluation(engine, framework, "2026-09")
    assert "BK02" not in set(draft.table["agency_code"])
    assert len(draft.table) == len(published.table) - 1
    assert publication.publication_state(console(), engine, draft) == "draft"
    publication.publish(console("ada"), engine, framework, "2026-09")
    latest = json.loads(publication_store.published(engine, "2026-09").iloc[0]["results"])
    assert "BK02" not in {row["agency_code"] for row in latest}
    assert publication.publication_state(console(), engine, draft).startswith("published on")
    engine.dispose()


def test_publishing_an_empty_period_is_refused(db_url: str, framework: Framework) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    with pytest.raises(StorageError, match="no figures are stored for 2020-01"):
        publication.publish(console("coordinator"), engine, framework, "2020-01")
    engine.dispose()


def test_preview_lists_changes_and_stores_nothing(db_url: str, framework: Framework) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    before = submission_store.current_figures(engine)
    raw = (ROOT / "tests/data/uploads/good.csv").read_bytes()
    preview = uploads.preview_upload(console(), engine, framework, raw, "good.csv", None, TODAY)
    assert preview.checked.ok
    changes = preview.changes.set_index(["agency_code", "field"])
    assert changes.loc[("BK01", "loss_reported"), "new"] == 1_200_000
    assert changes.loc[("BK01", "loss_reported"), "change"] == "changed"
    assert not pd.isna(changes.loc[("BK01", "loss_reported"), "current"])
    pd.testing.assert_frame_equal(submission_store.current_figures(engine), before)
    engine.dispose()


def test_preview_lists_removed_figures_and_keeps_those_not_in_the_file(
    db_url: str, framework: Framework
) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    kept = submission_store.current_figures(engine).set_index(["agency_code", "period"])
    before = kept.loc[("BK01", "2026-09")]
    raw = (
        b"agency_code,period,loss_reported,amount_frozen\n"
        b"BK01,2026-09,1200000,\nBK02,2026-09,,999999999\n"
    )
    preview = uploads.preview_upload(console(), engine, framework, raw, "two.csv", None, TODAY)
    assert preview.checked.ok
    changes = preview.changes[preview.changes["agency_code"] == "BK01"].set_index("field")
    assert set(changes.index) == {"loss_reported", "amount_frozen"}
    assert changes.loc["amount_frozen", "change"] == "removed"
    assert changes.loc["amount_frozen", "current"] == before["amount_frozen"]
    viewer = Actor("cora", "coordinator")
    uploads.commit_upload(viewer, engine, framework, raw, "two.csv", None, TODAY)
    after = submission_store.current_figures(engine).set_index(["agency_code", "period"])
    after = after.loc[("BK01", "2026-09")]
    assert after["loss_reported"] == 1_200_000 and pd.isna(after["amount_frozen"])
    kept = [f for f in framework.field_ids() if f not in ("loss_reported", "amount_frozen")]
    pd.testing.assert_series_equal(after[kept], before[kept])
    engine.dispose()


def test_a_refused_row_never_shows_another_agencys_stored_figures(
    db_url: str, framework: Framework
) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    kept = submission_store.current_figures(engine).set_index(["agency_code", "period"])
    theirs = kept.loc[("BK03", "2026-08"), "loss_reported"]
    raw = b"agency_code,period,loss_reported\n\nBK03,2026-09,1\n\nBK01,2026-09,1\n"
    preview = uploads.preview_upload(
        Actor("bank1", "agency", "BK01"), engine, framework, raw, "f.csv", None, TODAY
    )
    assert not preview.checked.ok
    assert {e.row for e in preview.checked.errors} == {3}  # rows as the file numbers them
    assert set(preview.changes["agency_code"]) == {"BK01"}
    shown = " ".join(str(i) for i in (*preview.checked.errors, *preview.checked.warnings))
    assert "BK03" in shown  # the refusal names the agency ...
    assert not [w for w in preview.checked.warnings if w.row == 3]  # ... but nothing of its data
    assert f"{theirs:,.0f}" not in shown and f"{theirs:g}" not in shown
    engine.dispose()


def test_template_has_only_the_types_fields_and_reads_back(framework: Framework) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from evaluation.ingest.readers import read_table_bytes
    from evaluation.ingest.template import template_xlsx
    from evaluation.ingest.validate import check_upload

    data = template_xlsx(framework, "telecom", "TC01", "2026-10")
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["figures", "example", "fields"]
    header = [c.value for c in book["figures"][1]]
    assert header == ["agency_code", "period", *framework.fields_for_type("telecom")]
    assert "loss_reported" not in header
    units = {row[0]: row[3] for row in book["fields"].iter_rows(min_row=2, values_only=True)}
    assert units["subscribers"] == "count"
    example = read_table_bytes(data, "template.xlsx", sheet="example")
    result = check_upload(framework, example, {"TC01": "telecom"}, TODAY)
    assert result.ok, result.errors


def test_overview_lists_every_red_line_event_and_no_quota_demotion(
    tmp_path: Path, framework: Framework
) -> None:
    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    tight = parse_framework(framework.text.replace("max_share: 0.2", "max_share: 0.05"))
    data = stored.load_dataset(engine)
    evaluator = stored.make_evaluator(tight, data)
    assert evaluator is not None
    coordinator = Actor("cora", "coordinator")
    now = datetime(2026, 11, 25, tzinfo=UTC)
    seen_uncapped = seen_demoted = False
    for month in data.months:
        evaluation = evaluator.evaluate(month)
        table = evaluation.table
        listed = pages.overview(coordinator, tight, data, evaluation, now).red_lines
        tripped = table.loc[table["flags"].str.contains("red_line:"), "agency_code"]
        assert list(listed["agency_code"]) == list(tripped), month
        assert listed["red_lines"].map(str).str.len().gt(0).all()
        moved = table["tier"].astype(str) != table["tier_by_score"].astype(str)
        seen_demoted |= bool((moved & ~table["agency_code"].isin(tripped)).any())
        seen_uncapped |= bool((~moved & table["agency_code"].isin(tripped)).any())
    assert seen_demoted  # quota demotions exist in the demo under a 5 % quota, and are not listed
    assert seen_uncapped  # red lines on agencies already at or below the cap are listed
    engine.dispose()


def test_the_agencies_template_registers_one_agency_per_type(
    db_url: str, framework: Framework
) -> None:
    engine = stored.open_store(db_url)
    raw = admin.agencies_template(framework)
    ada = Actor("ada", "admin")
    added = admin.register_agencies(ada, engine, framework, raw, "agencies.csv")
    kept = agency_store.agencies(engine)
    assert added == len(framework.type_ids()) == len(kept)
    # The audit names the administrator who registered them, not the system.
    registered = audit_store.audit_log(engine, ["agencies.add"])
    assert list(registered["actor"]) == ["ada"]
    assert sorted(kept["type"]) == sorted(framework.type_ids())
    assert kept["code"].is_unique
    engine.dispose()


def test_a_kept_stored_figure_still_obeys_at_most(db_url: str, framework: Framework) -> None:
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    kept = submission_store.current_figures(engine).set_index(["agency_code", "period"])
    frozen = kept.loc[("BK01", "2026-09"), "amount_frozen"]
    coordinator = Actor("cora", "coordinator")
    too_much = f"agency_code,period,amount_returned\nBK01,2026-09,{frozen + 1:.0f}\n".encode()
    preview = uploads.preview_upload(coordinator, engine, framework, too_much, "r.csv", None, TODAY)
    (problem,) = preview.checked.errors
    assert problem.row == 2 and problem.column == "amount_returned"
    assert "would be above amount_frozen" in str(problem.message)
    assert "the stored amount_frozen is kept" in str(problem.message)
    with pytest.raises(UploadError):
        uploads.commit_upload(coordinator, engine, framework, too_much, "r.csv", None, TODAY)
    fine = f"agency_code,period,amount_returned\nBK01,2026-09,{frozen:.0f}\n".encode()
    assert uploads.preview_upload(
        coordinator, engine, framework, fine, "r.csv", None, TODAY
    ).checked.ok
    engine.dispose()


def test_indicator_detail_speaks_both_languages(tmp_path: Path, framework: Framework) -> None:
    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    data = stored.load_dataset(engine)
    evaluator = stored.make_evaluator(framework, data)
    assert evaluator is not None
    evaluation = evaluator.evaluate("2026-10")
    coordinator = Actor("cora", "coordinator")
    detail = pages.indicator_detail(coordinator, data, evaluation, "return_rate")
    assert set(detail.trend["field"]) == {"Amount returned to victims", "Amount frozen"}
    indicator = framework.indicator("return_rate")
    assert indicator.label_zh
    assert indicator.label in set(detail.heatmap.columns)
    with i18n.reading("zh_CN"):
        chinese = pages.indicator_detail(coordinator, data, evaluation, "return_rate")
    assert set(chinese.trend["field"]) == {"返还金额", "冻结金额"}
    assert indicator.label_zh in set(chinese.heatmap.columns)
    engine.dispose()
