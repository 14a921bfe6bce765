"""The core's words read in the reader's language: one cached evaluation, published results and
errors read in Chinese for a Chinese reader and in English for an English one."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from evaluation import display, i18n
from evaluation.errors import InputError, StorageError
from evaluation.framework import Framework, load_framework, parse_framework
from evaluation.permissions import Actor, console
from evaluation.scoring.engine import evaluate
from evaluation.scoring.texts import from_json, to_json
from evaluation.services import demo, pages, publication
from evaluation.services import profile as profiles
from evaluation.services import store as stored
from evaluation.storage import publications as publication_store
from tests.conftest import agencies_frame

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
COORDINATOR = Actor("cora", "coordinator")

FRAMEWORK = """\
version: 1
name: Language test
agency_types:
  bank: {label: Bank, label_zh: 银行}
fields:
  points: {label: Points, label_zh: 分数, unit: count}
  events: {label: Events, label_zh: 红线事件, unit: count}
dimensions:
  - id: all
    label: All
    label_zh: 全部
    weight: 1
    indicators:
      - id: points
        label: Points
        label_zh: 分数
        field: points
        period_aggregate: mean
        direction: higher
        normalise: {method: goalposts, worst: 0, best: 100}
        weight: 1
tiers:
  - {id: A, label: Excellent, label_zh: 优秀, min_score: 85, max_share: 0.2}
  - {id: B, label: Good, label_zh: 良好, min_score: 70}
  - {id: C, label: Pass, label_zh: 合格, min_score: 60}
  - {id: D, label: Fail, label_zh: 不合格, min_score: 0}
red_lines:
  - {field: events, above: 0, cap: D, reason: one-vote veto, reason_zh: 一票否决}
"""


def scored() -> pd.DataFrame:
    """An evaluation with a red-line cap (a), a quota move (b) and plain tiers."""
    framework = parse_framework(FRAMEWORK)
    points = {"a": 95, "b": 90, "c": 88, "d": 72.44, "e": 51.4}
    agencies = agencies_frame([(code, "bank") for code in points])
    figures = pd.DataFrame(
        [
            {"agency_code": code, "period": "2026-01", "points": p, "events": int(code == "a")}
            for code, p in points.items()
        ]
    )
    return evaluate(framework, figures, agencies, "2026-01")


def test_one_cached_evaluation_reads_in_either_language() -> None:
    evaluation = scored()
    # What the dashboard caches is pickled and read again by readers of either language.
    cached = pickle.loads(pickle.dumps(evaluation.table))
    table = cached.set_index("agency_code")
    reason, why = table.loc["a", "tier_reasons"], table.loc["d", "tier_reason"]
    with i18n.reading("en"):
        assert str(reason) == "capped at D from A: one-vote veto (events > 0)"
        assert str(why) == "score 72.4 ≥ 70 → B"
        assert "is limited to 20% of 5 agencies (1)" in str(table.loc["c", "tier_reasons"])
    with i18n.reading("zh_CN"):
        assert str(reason) == "触发红线，由A降为D：一票否决（红线事件 > 0）"
        assert str(why) == "得分72.4 ≥ 70 → B"
        assert "等次比例不超过5家成员单位的20%" in str(table.loc["c", "tier_reasons"])
    assert table.loc["e", "tier_reasons"] == "", "no rule moved it: no reason"


def test_an_explanation_reads_in_either_language() -> None:
    evaluation = scored()
    explanation = evaluation.explain("e")
    with i18n.reading("en"):
        summary = str(explanation.summary)
    assert summary.startswith("Score 51.4 of 100, tier D. 8.6 more points would reach tier C.")
    assert "The biggest gain: Points at full marks would add 48.6 points." in summary
    with i18n.reading("zh_CN"):
        chinese = str(explanation.summary)
    assert chinese.startswith("得分51.4（满分100），考评等次D。再得8.6分即可达到C等次。")
    assert "提分空间最大的是分数" in chinese
    capped = evaluation.explain("a")
    with i18n.reading("zh_CN"):
        assert "触发红线，由A降为D：一票否决（红线事件 > 0）。" in str(capped.summary)
    with i18n.reading("en"):
        assert "Capped at D from A: one-vote veto (events > 0)." in str(capped.summary)
        assert capped.to_dict()["tier_reasons"] == [
            "capped at D from A: one-vote veto (events > 0)"
        ]


def test_words_for_people_follow_the_reader() -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    with i18n.reading("en"):
        assert display.status_word("not_applicable") == "not applicable"
        assert display.share(0.2534) == "25.3 %"
        assert display.type_label(framework, "bank") == "Bank"
    with i18n.reading("zh_CN"):
        assert display.status_word("not_applicable") == "不适用"
        assert display.status_word("no_activity") == "本期无业务"
        assert display.status_word("ok") == "已报送"
        assert display.share(0.2534) == "25.3%"
        bank = next(t for t in framework.agency_types if t.id == "bank")
        assert display.type_label(framework, "bank") == bank.label_zh


def test_an_error_reads_in_either_language() -> None:
    framework = parse_framework(FRAMEWORK)
    figures = pd.DataFrame([{"agency_code": "a", "period": "2026-01", "points": "lots"}])
    with pytest.raises(InputError) as caught:
        evaluate(framework, figures, agencies_frame([("a", "bank")]), "2026-01")
    with i18n.reading("en"):
        assert str(caught.value) == 'figures row 1, points: expected a number, got "lots"'
    with i18n.reading("zh_CN"):
        assert str(caught.value) == "报送数据第1行，points：应为数字，实为“lots”"
    # Errors are pickled by caches and keep their message.
    again = pickle.loads(pickle.dumps(caught.value))
    with i18n.reading("zh_CN"):
        assert str(again) == str(caught.value)


def test_messages_stored_as_json_come_back_and_read_in_either_language() -> None:
    evaluation = scored()
    reason = evaluation.table.set_index("agency_code").loc["a", "tier_reasons"]
    stored_form = json.loads(json.dumps(to_json(reason), ensure_ascii=False))
    back = from_json(stored_form)
    for language in ("en", "zh_CN"):
        with i18n.reading(language):
            assert str(back) == str(reason)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(ROOT / "indicators.yaml")


def test_a_published_league_reads_in_chinese_and_keeps_its_numbers(
    tmp_path: Path, framework: Framework
) -> None:
    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    tight = parse_framework(framework.text.replace("max_share: 0.2", "max_share: 0.05"))
    month = "2026-06"  # a red line caps an agency's tier in this month of the demo
    publication.publish(COORDINATOR, engine, tight, month)
    draft = stored.stored_evaluation(engine, tight, month).table.set_index("agency_code")
    english = publication.published_league(COORDINATOR, engine, month, reasons=True)
    with i18n.reading("zh_CN"):
        chinese = publication.published_league(COORDINATOR, engine, month, reasons=True)
    assert english is not None and chinese is not None
    names = dict(zip(draft["agency_name"], draft["agency_name_zh"], strict=True))
    assert set(chinese["agency_name"]) == {names[n] or n for n in english["agency_name"]}
    by_name = english.set_index("agency_name")
    for row in chinese.itertuples():
        english_name = next(n for n, zh in names.items() if (zh or n) == row.agency_name)
        then = by_name.loc[english_name]
        assert (row.rank, row.tier, row.score) == (then["rank"], then["tier"], then["score"])
    assert english["tier_reason"].str.contains("→").all()
    assert chinese["tier_reason"].str.startswith(("得分", "未计分")).all()
    moved = chinese[chinese["tier_reason"].str.contains("等次比例")]
    capped = chinese[chinese["tier_reason"].str.contains("红线")]
    assert len(moved) and len(capped), "the tight quota and the demo's red lines show in Chinese"
    # The published numbers are those of the draft they were published from.
    codes = {n: c for c, n in draft["agency_name"].items()}
    for row in english.itertuples():
        assert row.score == pytest.approx(draft.loc[codes[row.agency_name], "score"])
    engine.dispose()


def test_a_snapshot_stored_with_english_reasons_keeps_showing_them(
    tmp_path: Path, framework: Framework
) -> None:
    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    month = "2026-09"
    rows = [
        {
            "agency_code": "BK01",
            "agency_name": "Bank one",
            "agency_type": "bank",
            "score": 81.25,
            "rank": 1,
            "rank_in_type": 1,
            "rank_change": None,
            "tier": "C",
            "tier_reasons": "capped at C from B: late figures (no figures submitted)",
            "flags": "",
        }
    ]
    record = {
        "period": month,
        "fingerprint": framework.fingerprint,
        "framework_text": framework.text,
        "submission_ids": "[]",
        "results": json.dumps(rows),
    }
    publication_store.add_published(engine, record, "cora", None)
    with i18n.reading("zh_CN"):
        league = publication.published_league(COORDINATOR, engine, month, reasons=True)
    assert league is not None
    assert list(league["tier_reason"]) == [rows[0]["tier_reasons"]]
    assert list(league["agency_name"]) == ["Bank one"] and list(league["score"]) == [81.25]
    data = stored.load_dataset(engine)
    evaluation = stored.stored_evaluation(engine, framework, month)
    agency = Actor("bank1", "agency", "BK01")
    with i18n.reading("zh_CN"):
        mine = profiles.agency_profile(
            agency, data, evaluation, pd.DataFrame(), "BK01", NOW, engine
        )
    assert mine.standing.source == "published" and mine.standing.score == 81.25
    assert str(mine.standing.reason) == rows[0]["tier_reasons"]
    with pytest.raises(StorageError) as refused:
        publication.publish(COORDINATOR, engine, framework, "2020-01")
    assert str(refused.value) == "no figures are stored for 2020-01; nothing to publish"
    with i18n.reading("zh_CN"):
        assert str(refused.value) == "2020年1月没有已保存的数据，无可发布的结果"
    engine.dispose()


def test_the_draft_league_table_gives_reasons_as_text_for_its_reader(
    tmp_path: Path, framework: Framework
) -> None:
    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    evaluation = stored.stored_evaluation(engine, framework, "2026-10")
    with i18n.reading("zh_CN"):
        chinese = pages.league_table(COORDINATOR, evaluation, None)
        state = publication.publication_state(COORDINATOR, engine, evaluation)
    english = pages.league_table(COORDINATOR, evaluation, None)
    assert chinese["tier_reason"].map(type).eq(str).all()
    assert chinese["tier_reason"].str.startswith(("得分", "未计分")).all()
    assert english["tier_reason"].str.startswith(("score", "not scored")).all()
    assert state == "草稿"
    engine.dispose()
