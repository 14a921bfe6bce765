"""The profile, rankings, publish and weights pages tell the truth (issue 11): an agency user sees
rank and tier only as published, ranks read as whole numbers with 1 on top, every tier says why,
numbers read as people read them, and writing weights says whose tier it changes first."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from evaluation import display
from evaluation.errors import PermissionDeniedError
from evaluation.framework import Framework
from evaluation.permissions import Actor, console
from evaluation.scoring.engine import Evaluator
from evaluation.scoring.tiers import assign_tiers, score_reason
from evaluation.services import analysis, pages, publication
from evaluation.services import profile as profiles
from evaluation.services import store as stored
from evaluation.storage.db import Engine
from tests.test_ui import ROOT, demo_copy, demo_url, page  # noqa: F401 (fixtures)

COORDINATOR = Actor("cora", "coordinator")
AGENCY = Actor("bank1", "agency", "BK01")  # the agency account test_ui's fixtures create
NOW = datetime.now(UTC)
ONE_DECIMAL = re.compile(r"^-?\d+\.\d$")


# --- helpers ---------------------------------------------------------------------------------


def the_framework() -> Framework:
    framework = stored.framework_status(ROOT / "indicators.yaml").framework
    assert framework is not None
    return framework


def scorer(url: str, framework: Framework) -> tuple[Engine, stored.Dataset, Evaluator]:
    engine = stored.open_store(url)
    data = stored.load_dataset(engine)
    evaluator = stored.make_evaluator(framework, data)
    assert evaluator is not None
    return engine, data, evaluator


def newest_month(data: stored.Dataset) -> str:
    """The demo's last month, from the data (it moves with today's date)."""
    return pages.period_choices(data, "month")[0]


def other_weights(framework: Framework, data: stored.Dataset, month: str) -> Framework:
    """A reweighted framework under which BK01's rank in `month` differs from today's."""
    draft = stored.make_evaluator(framework, data)
    assert draft is not None
    rank = draft.evaluate(month).table.set_index("agency_code").loc["BK01", "rank"]
    for dim in framework.dimensions:
        for weight in (100.0, 0.5):
            changed = analysis.reweight(console(), framework, {dim.id: weight}, {})
            evaluator = stored.make_evaluator(changed, data)
            assert evaluator is not None
            table = evaluator.evaluate(month).table.set_index("agency_code")
            if table.loc["BK01", "rank"] != rank:
                return changed
    raise AssertionError("no single dimension weight moves BK01's rank")


def shown(element: object) -> pd.DataFrame:
    """What a dataframe shows: its Styler's display values, else its data."""
    proto = element.proto  # type: ignore[attr-defined]
    arrow = proto.arrow_data
    if not arrow.data and proto.HasField("lazy_data"):
        arrow = proto.lazy_data.initial_chunk
    if arrow.HasField("styler") and arrow.styler.display_values:
        return dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
    return element.value  # type: ignore[attr-defined,no-any-return]


def seen_tier(evaluation: object) -> str:
    """BK01's draft tier."""
    return str(evaluation.table.set_index("agency_code").loc["BK01", "tier"])  # type: ignore[attr-defined]


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return str(found[0])


def table_with(at: AppTest, column: str) -> Any:
    """The first dataframe with this column (plain dataframes carry no key in AppTest)."""
    return next(d for d in at.dataframe if column in d.value.columns)


def no_none(frame: pd.DataFrame) -> None:
    text = frame.astype(str)
    assert not text.isin(["None", "nan", "NaN", "<NA>", "NaT"]).any().any(), frame


# --- 1. agency users see rank and tier only from a publication -------------------------------


def test_an_agency_user_sees_no_draft_rank_or_tier_for_an_unpublished_period(
    demo_copy: str,  # noqa: F811
) -> None:
    engine, data, evaluator = scorer(demo_copy, the_framework())
    month = newest_month(data)
    evaluation = evaluator.evaluate(month)
    timeline = pages.timeline(evaluator, data.months)
    mine = profiles.agency_profile(AGENCY, data, evaluation, timeline, "BK01", NOW, engine)
    assert mine.standing.source == "unpublished"
    assert (mine.standing.rank, mine.standing.tier) == (None, None)
    why = mine.explanation
    assert (why.rank, why.tier, why.tier_by_score, why.next_tier) == (None, None, None, None)
    assert why.tier_reasons == ()
    assert why.score is not None, "its own draft score stays visible"
    summary = str(why.summary)
    assert summary.startswith("Draft score") and f"tier {seen_tier(evaluation)}" not in summary
    assert mine.timeline["rank"].isna().all() and mine.timeline["tier"].isna().all()
    assert not [f for f in mine.flags if f.startswith(("capped:", "quota:"))]
    # Without the store there is no publication to show: still no draft rank.
    blind = profiles.agency_profile(AGENCY, data, evaluation, timeline, "BK01", NOW)
    assert blind.standing.rank is None and blind.explanation.rank is None
    # Coordinators see the draft.
    seen = profiles.agency_profile(COORDINATOR, data, evaluation, timeline, "BK01", NOW, engine)
    assert seen.standing.source == "draft" and seen.standing.rank is not None
    assert seen.standing.rank == seen.explanation.rank
    assert seen.timeline["rank"].notna().all()
    engine.dispose()


def test_an_agency_user_sees_rank_and_tier_of_the_latest_publication(
    demo_copy: str,  # noqa: F811
) -> None:
    framework = the_framework()
    engine, data, evaluator = scorer(demo_copy, framework)
    month = newest_month(data)
    evaluation = evaluator.evaluate(month)
    draft_rank = int(evaluation.table.set_index("agency_code").loc["BK01", "rank"])
    publication.publish(COORDINATOR, engine, framework, month)  # first: the draft as it is
    changed = other_weights(framework, data, month)
    latest_id = publication.publish(COORDINATOR, engine, changed, month)  # then other weights
    league = publication.published_league(COORDINATOR, engine, month)
    assert league is not None
    names = data.agencies.set_index("code")["name"]
    published = league.set_index("agency_name").loc[names["BK01"]]
    assert int(published["rank"]) != draft_rank, "the test needs a publication unlike the draft"
    timeline = pages.timeline(evaluator, data.months)
    mine = profiles.agency_profile(AGENCY, data, evaluation, timeline, "BK01", NOW, engine)
    assert mine.standing.source == "published"
    assert mine.standing.publication_id == latest_id
    assert mine.standing.rank == int(published["rank"])
    assert mine.standing.tier == published["tier"]
    assert mine.standing.score == pytest.approx(float(published["score"]))
    assert mine.explanation.rank is None and mine.explanation.tier is None
    assert mine.explanation.score == pytest.approx(
        float(evaluation.table.set_index("agency_code").loc["BK01", "score"])
    ), "the score shown beside the published rank is today's draft"
    line = mine.timeline.set_index("period")
    assert line.loc[month, "rank"] == int(published["rank"])
    assert line.drop(index=month)["rank"].isna().all(), "other months were never published"
    engine.dispose()


def test_the_profile_page_shows_an_agency_user_published_rank_and_tier_only(
    demo_copy: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework = the_framework()
    engine, data, evaluator = scorer(demo_copy, framework)
    month = newest_month(data)
    draft = evaluator.evaluate(month).table.set_index("agency_code").loc["BK01"]
    at = page("profile", demo_copy, monkeypatch, username="bank1").run()
    assert not at.exception, at.exception
    assert metric(at, "Rank (published)") == display.EMPTY
    assert metric(at, "Tier (published)") == display.EMPTY
    assert metric(at, "Score (draft)") == display.score(draft["score"])
    assert any("not published yet" in c.value for c in at.caption)
    assert not any(m.label in ("Rank", "Tier") for m in at.metric)
    publication.publish(COORDINATOR, engine, other_weights(framework, data, month), month)
    league = publication.published_league(COORDINATOR, engine, month)
    assert league is not None
    published = league.set_index("agency_name").loc[draft["agency_name"]]
    at = page("profile", demo_copy, monkeypatch, username="bank1").run()
    assert not at.exception, at.exception
    assert metric(at, "Rank (published)") == str(int(published["rank"]))
    assert metric(at, "Rank (published)") != str(int(draft["rank"]))
    assert metric(at, "Tier (published)") == str(published["tier"])
    assert metric(at, "Score (draft)") == display.score(draft["score"])
    assert any("publication #" in c.value for c in at.caption)
    engine.dispose()


# --- 2. ranks over time: whole numbers, 1 on top ---------------------------------------------


def test_the_rank_line_has_whole_ticks_with_rank_1_on_top(demo_url: str) -> None:  # noqa: F811
    from evaluation.ui import profile_page

    framework = the_framework()
    engine, data, evaluator = scorer(demo_url, framework)
    evaluation = evaluator.evaluate(newest_month(data))
    timeline = pages.timeline(evaluator, data.months)
    mine = profiles.agency_profile(COORDINATOR, data, evaluation, timeline, "BK03", NOW, engine)
    figure = profile_page._over_time(framework, mine)
    axis = figure.layout.yaxis2
    agencies = len(evaluation.table)
    low, high = axis.range
    assert low > high, "reversed: rank 1 at the top"
    assert 0 < high < 1 and agencies < low < agencies + 1, "from rank 1 to the last agency"
    ticks = list(axis.tickvals)
    assert ticks[0] == 1 and ticks[-1] == agencies
    assert all(float(t).is_integer() for t in ticks)
    assert axis.tickmode == "array"
    ranks = next(t for t in figure.data if t.name.startswith("rank")).y
    assert all(r is None or float(r).is_integer() for r in ranks)
    assert profile_page.rank_ticks(5) == [1, 2, 3, 4, 5]
    engine.dispose()


# --- 3. rankings: tier filter, a reason for every tier, pinned agency, labels, one decimal -----


def test_every_tier_has_a_reason_in_one_line() -> None:
    framework = the_framework()  # A >= 85 (at most 20 %), B >= 70, C >= 60, D
    red_line = next(r for r in framework.red_lines if r.cap == "C")
    scores = np.array([95.0, 90.0, 88.0, 86.0, 72.44, 59.96, 80.0, np.nan, 60.0 - 1e-12])
    capped = np.zeros(scores.size, dtype=bool)
    capped[6] = True
    outcome = assign_tiers(
        framework, scores, np.zeros(scores.size, dtype=int), [(red_line, capped)]
    )
    why = [str(line) for line in outcome.why]
    assert len(why) == scores.size and all(why)
    assert why[0] == "score 95.0 ≥ 85 → A"
    assert why[1].startswith("score 90.0 ≥ 85 → A; demoted to B by the quota of tier A")
    assert "at most 20% of 8 agencies" in why[1]
    assert why[4] == "score 72.4 ≥ 70 → B"
    assert why[5] == "score 59.9 < 60 → D", "cut, never rounded up across the threshold"
    assert why[6] == f"score 80.0 ≥ 70 → B; capped at C by red line {red_line.describe()}"
    assert why[7] == "not scored → no tier"
    assert why[8] == "score 60.0 ≥ 60 → C", "a score on the floor within the tolerance"
    assert str(score_reason(framework, 85.0, 0)) == "score 85.0 ≥ 85 → A"


def test_the_league_table_filters_by_tier_and_gives_every_row_a_reason(
    demo_url: str,  # noqa: F811
) -> None:
    framework = the_framework()
    engine, data, evaluator = scorer(demo_url, framework)
    evaluation = evaluator.evaluate(newest_month(data))
    everyone = pages.league_table(COORDINATOR, evaluation, None)
    assert (everyone["tier_reason"].str.len() > 0).all()
    by_score = evaluation.table.set_index("agency_code")
    for row in everyone.itertuples():
        floor_met = by_score.loc[row.agency_code, "tier_by_score"] == row.tier
        if floor_met and row.tier:
            assert row.tier_reason.endswith(f"→ {row.tier}"), row.tier_reason
            assert display.score(row.score) in row.tier_reason
    tiers = ["B", "C"]
    some = pages.league_table(COORDINATOR, evaluation, None, tiers)
    assert set(some["tier"]) <= set(tiers)
    assert len(some) == int(evaluation.table["tier"].isin(tiers).sum()) > 0
    banks_b = pages.league_table(COORDINATOR, evaluation, ["bank"], ["B"])
    assert set(banks_b["agency_type"]) <= {"bank"} and set(banks_b["tier"]) <= {"B"}
    with pytest.raises(PermissionDeniedError):
        pages.league_table(AGENCY, evaluation, None, tiers)
    engine.dispose()


def test_the_rankings_page_filters_by_tier_pins_the_agency_and_reads_as_people_read(
    demo_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    framework = the_framework()
    at = page("rankings", demo_url, monkeypatch).run()
    assert not at.exception, at.exception
    types, tiers = at.multiselect(key="rank_types"), at.multiselect(key="rank_tiers")
    assert "Bank" in types.options and "bank" not in types.options, "types by label"
    assert any("Good" in option for option in tiers.options)
    league = at.dataframe(key="league")
    data, seen = league.value, shown(league)
    assert pd.api.types.is_float_dtype(data["score"]), "numbers stay numbers, so sorting works"
    assert list(seen["score"]) == [display.score(s) for s in data["score"]]
    assert all(ONE_DECIMAL.match(s) for s in seen["score"])
    assert list(seen["agency_type"]) == [
        display.type_label(framework, t) for t in data["agency_type"]
    ]
    assert (data["tier_reason"].str.len() > 0).all()
    no_none(seen)
    columns = json.loads(league.proto.columns)
    assert columns["agency_name"].get("pinned") is True
    tiers.select("B").run()
    only_b = at.dataframe(key="league").value
    assert len(only_b) > 0 and set(only_b["tier"]) == {"B"}
    at.multiselect(key="rank_types").select("bank").run()
    banks_b = at.dataframe(key="league").value
    assert set(banks_b["agency_type"]) <= {"bank"} and set(banks_b["tier"]) <= {"B"}


# --- 4. publish and profile: one decimal, words, no None -------------------------------------


def test_the_publish_page_shows_one_decimal_labels_and_no_none(
    demo_copy: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework = the_framework()
    engine, data, _ = scorer(demo_copy, framework)
    month = newest_month(data)
    publication.publish(COORDINATOR, engine, other_weights(framework, data, month), month)
    at = page("publish", demo_copy, monkeypatch).run()
    assert not at.exception, at.exception
    draft = table_with(at, "tier_reason")
    seen = shown(draft)
    assert all(ONE_DECIMAL.match(s) for s in seen["score"])
    assert list(seen["score"]) == [display.score(s) for s in draft.value["score"]]
    assert "Bank" in set(seen["agency_type"]) and "bank" not in set(seen["agency_type"])
    assert (draft.value["tier_reason"].str.len() > 0).all()
    no_none(seen)
    moves = table_with(at, "score_published")
    moved = shown(moves)
    assert len(moved) > 0 and "agency_code" not in moves.value.columns
    assert set(moves.value["agency_name"]) <= set(data.agencies["name"])
    for column in ("score_published", "score_now"):
        assert all(ONE_DECIMAL.match(s) or s == display.EMPTY for s in moved[column])
    for column in ("rank_published", "rank_now"):
        assert all(s.isdigit() or s == display.EMPTY for s in moved[column]), moved[column]
    no_none(moved)
    no_none(table_with(at, "fingerprint").value)
    engine.dispose()


def test_the_profile_reads_one_decimal_and_statuses_in_words(
    demo_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = page("profile", demo_url, monkeypatch)
    at.query_params["agency"] = "BK03"
    at.run()
    assert not at.exception, at.exception
    points = table_with(at, "points at full marks").value
    assert len(points) > 0
    for column in ("score now", "points at full marks"):
        assert all(ONE_DECIMAL.match(str(v)) for v in points[column]), points[column]
    indicators = table_with(at, "peer_median")
    seen = shown(indicators)
    assert set(seen["status"]) <= {str(w) for w in display.STATUS_WORDS.values()}
    assert "not_applicable" not in set(seen["status"])
    assert all(ONE_DECIMAL.match(s) or s == display.EMPTY for s in seen["score"])
    no_none(seen)
    assert ONE_DECIMAL.match(metric(at, "Score"))


# --- 5. weights: confirm whose tier changes before writing; Sobol indices clipped -------------


def test_tier_changes_name_the_agencies_whose_tier_moves(demo_url: str) -> None:  # noqa: F811
    framework = the_framework()
    engine, data, evaluator = scorer(demo_url, framework)
    month = newest_month(data)
    changed = analysis.reweight(COORDINATOR, framework, {"information_sharing": 100.0}, {})
    other = stored.make_evaluator(changed, data)
    assert other is not None
    before, after = evaluator.evaluate(month), other.evaluate(month)
    changes = analysis.tier_changes(COORDINATOR, before, after)
    now = before.table.set_index("agency_code")["tier"]
    new = after.table.set_index("agency_code")["tier"]
    expected = sorted(now.index[now.astype(str) != new.astype(str)])
    assert sorted(changes.moved["agency_code"]) == expected and changes.count == len(expected) > 0
    assert changes.period == month and changes.agencies == len(before.table)
    same = analysis.tier_changes(COORDINATOR, before, before)
    assert same.count == 0
    with pytest.raises(PermissionDeniedError):
        analysis.tier_changes(AGENCY, before, after)
    engine.dispose()


def test_writing_weights_needs_a_confirmation_naming_the_tier_changes(
    demo_copy: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "indicators.yaml"
    original = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    monkeypatch.setenv("INDICATORS_FILE", str(target))
    framework = the_framework()
    engine, data, evaluator = scorer(demo_copy, framework)
    month = newest_month(data)
    changed = analysis.reweight(COORDINATOR, framework, {"information_sharing": 100.0}, {})
    other = stored.make_evaluator(changed, data)
    assert other is not None
    expected = analysis.tier_changes(COORDINATOR, evaluator.evaluate(month), other.evaluate(month))
    assert expected.count > 0
    at = page("weights", demo_copy, monkeypatch, username="ada").run()
    at.number_input(key="w_dim_information_sharing").set_value(100.0).run()
    assert not at.exception, at.exception
    sure = at.checkbox(key="write_weights_sure")
    assert f"{expected.count} of {expected.agencies} agencies change tier in {month}" in sure.label
    assert all(name in sure.label for name in expected.moved["agency_name"])
    assert at.button(key="write_weights").disabled, "disabled until confirmed"
    sure.check().run()
    assert not at.button(key="write_weights").disabled
    # A confirmation is for one set of weights: other weights ask again.
    at.number_input(key="w_dim_information_sharing").set_value(90.0).run()
    assert not at.checkbox(key="write_weights_sure").value
    assert at.button(key="write_weights").disabled
    assert target.read_text(encoding="utf-8") == original, "nothing written yet"
    at.checkbox(key="write_weights_sure").check().run()
    at.button(key="write_weights").click().run()
    assert not at.exception, at.exception
    assert any("Written;" in s.value for s in at.success)
    assert target.read_text(encoding="utf-8") != original
    engine.dispose()


def test_negative_sobol_estimates_are_clipped_to_zero_and_said() -> None:
    indices = pd.DataFrame(
        {
            "input": ["indicator:a", "indicator:b"],
            "first_order": [0.4, -0.02],
            "first_low": [0.3, -0.1],
            "first_high": [0.5, 0.05],
            "total_order": [0.6, 0.01],
            "total_low": [0.5, -0.001],
            "total_high": [0.7, 0.03],
        }
    )
    result = analysis.shown_indices(indices)
    assert result.clipped == 3
    assert (result.table.drop(columns="input") >= 0).all().all()
    assert result.table.loc[0, "first_order"] == 0.4 and result.table.loc[1, "first_order"] == 0.0
    assert indices.loc[1, "first_order"] == -0.02, "the analysis' own table is left as it was"


def test_the_weights_page_shows_no_negative_sobol_index(
    demo_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework = the_framework()
    engine, data, evaluator = scorer(demo_url, framework)
    at = page("weights", demo_url, monkeypatch).run()
    at.number_input(key="s_samples").set_value(64)
    at.number_input(key="s_boot").set_value(50)
    at.button(key="s_run").click().run()
    assert not at.exception, at.exception
    month = at.sidebar.selectbox[0].value
    raw, _ = analysis.sensitivity_analysis(
        COORDINATOR, evaluator.evaluate(month), 64, (0.25, 0.25), 20261125, 50
    )
    negative = int((raw[list(analysis.SOBOL_COLUMNS)] < 0).sum().sum())
    table = table_with(at, "total_order").value
    assert (table[list(analysis.SOBOL_COLUMNS)] >= 0).all().all()
    said = [c.value for c in at.caption if "came out below 0" in c.value]
    # N = 64 on the demo gives estimates below 0; whatever the month, the note counts them.
    if negative:
        assert len(said) == 1 and said[0].startswith(f"{negative} index estimate(s) came out")
    else:
        assert said == []
    assert not math.isnan(float(table["total_order"].sum()))
    engine.dispose()
