"""Loading and validating indicators.yaml: every problem listed, each with line and path."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.errors import FrameworkError
from evaluation.framework import load_framework, parse_framework

ROOT = Path(__file__).resolve().parent.parent


def problems(text: str) -> list[str]:
    """The problem lines a framework text produces."""
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_framework_is_valid_and_complete() -> None:
    fw = load_framework(ROOT / "indicators.yaml")
    assert set(fw.type_ids()) == {
        "anti_fraud_centre",
        "police_branch",
        "bank",
        "payment",
        "telecom",
        "platform",
        "publicity",
        "education",
        "community",
    }
    assert [d.id for d in fw.dimensions] == [
        "early_warning",
        "fund_interception",
        "source_control",
        "information_sharing",
        "publicity_education",
    ]
    assert len(fw.indicators) >= 15
    assert [t.id for t in fw.tiers] == ["A", "B", "C", "D"]
    assert fw.tiers[0].max_share == 0.2
    assert all(t.label_zh for t in fw.tiers)
    assert {r.kind for r in fw.red_lines} == {"field", "indicator", "no_submission"}
    assert len(fw.fingerprint) == 64


def test_a_wrong_weight_names_line_path_expected_and_found(small_text: str) -> None:
    text = small_text.replace("    weight: 40\n", '    weight: "high"\n')
    line = text.splitlines().index('    weight: "high"') + 1
    assert problems(text) == [
        f"indicators.yaml line {line}, dimensions[1].weight: "
        'expected a number >= 0 and <= 1,000,000, got "high"'
    ]


def test_every_problem_is_listed_at_once(small_text: str) -> None:
    text = (
        small_text.replace("weight: 60", "weight: -1")
        .replace("direction: lower", "direction: down")
        .replace("method: goalposts, worst: 0, best: 100", "method: magic")
        .replace("applies_to: [bank]", "applies_to: [bnak]")
        .replace("numerator: frozen", "numerator: frozn")
    )
    found = "\n".join(problems(text))
    assert "dimensions[0].weight: expected a number >= 0 and <= 1,000,000, got -1" in found
    assert (
        'dimensions[0].indicators[1].direction: unknown direction "down"; valid: higher, lower'
        in found
    )
    assert 'unknown method "magic"; valid: goalposts, minmax, rank, zscore' in found
    assert 'applies_to[0]: unknown agency type "bnak"; valid: bank, telecom' in found
    assert 'numerator: unknown field "frozn"; valid: loss, frozen, minutes, orders, events' in found


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("name: Test framework", "name: Test framework\ncolour: blue", 'unknown key "colour"'),
        ("id: speed", "id: freeze_rate", 'duplicate indicator id "freeze_rate"'),
        ("weight: 60", "weight: 0", None),
        ("        weight: 1\n", "        weight: 0\n", "weights of these indicators are all 0"),
        (
            "worst: 0.0, best: 0.5",
            "worst: 0.5, best: 0.0",
            "direction is higher, so worst must be below best",
        ),
        ("worst: 60, best: 0", "worst: 0, best: 60", "direction is lower, so worst must be above"),
        ("min_score: 60", "min_score: 90", "descending min_score; 90 follows 85"),
        (
            "{id: D, label: Fail, min_score: 0}",
            "{id: D, label: Fail, min_score: 10}",
            "must have min_score 0",
        ),
        ("version: 1", "version: 2", "expected 1, got 2"),
        (
            "period_aggregate: weighted_mean\n        weight_field: orders\n",
            "period_aggregate: weighted_mean\n",
            'weighted_mean needs "weight_field"',
        ),
        (
            "  events: {label: Events, unit: count}",
            "  events: {label: Events, unit: count, at_most: orders}\n"
            "  orders2: {label: O2, at_most: events}",
            None,
        ),
    ],
)
def test_each_rule_is_enforced(small_text: str, old: str, new: str, message: str | None) -> None:
    assert old in small_text
    text = small_text.replace(old, new, 1)
    if message is None:
        parse_framework(text)  # valid variants: one dimension at 0 is allowed
        return
    assert any(message in p for p in problems(text)), problems(text)


def test_at_most_cycles_are_refused(small_text: str) -> None:
    text = small_text.replace(
        "  loss: {label: Loss, unit: CNY}", "  loss: {label: Loss, unit: CNY, at_most: frozen}"
    ).replace(
        "  frozen: {label: Frozen, unit: CNY}",
        "  frozen: {label: Frozen, unit: CNY, at_most: loss}",
    )
    assert any("at_most forms a cycle: loss <= frozen <= loss" in p for p in problems(text))


def test_all_dimension_weights_zero_is_refused(small_text: str) -> None:
    text = small_text.replace("weight: 60", "weight: 0").replace("weight: 40", "weight: 0")
    assert any("weights of these dimensions are all 0" in p for p in problems(text))


def test_red_lines_must_name_known_things(small_text: str) -> None:
    text = small_text + (
        "red_lines:\n"
        "  - {field: evnts, above: 0, cap: D}\n"
        "  - {indicator: freeze_rate, below: 0.1, cap: Z}\n"
        "  - {no_submission: true, above: 1, cap: D}\n"
        "  - {field: events, indicator: speed, above: 0, cap: D}\n"
    )
    found = "\n".join(problems(text))
    assert 'red_lines[0].field: unknown field "evnts"' in found
    assert 'red_lines[1].cap: unknown tier "Z"; valid: A, B, D' in found
    assert "red_lines[2].above: above has no meaning with no_submission" in found
    assert "exactly one of field, indicator or no_submission, got field, indicator" in found


def test_duplicate_yaml_keys_are_refused(small_text: str) -> None:
    text = small_text.replace("name: Test framework", "name: Test framework\nname: Again")
    assert problems(text) == ["indicators.yaml line 3, name: duplicate key"]


def test_broken_yaml_gives_the_line() -> None:
    found = problems("version: 1\nname: [unclosed\n")
    assert len(found) == 1 and "not valid YAML" in found[0] and "line" in found[0]


def test_unsafe_yaml_tags_are_refused() -> None:
    found = problems("version: !!python/object/apply:os.system ['echo hi']\n")
    assert "not valid YAML" in found[0]


def test_a_type_no_indicator_applies_to_is_refused(small_text: str) -> None:
    text = small_text.replace(
        "  telecom: {label: Telecom}", "  telecom: {label: Telecom}\n  school: {label: School}"
    )
    text = text.replace(
        "        weight: 1\n", "        applies_to: [bank, telecom]\n        weight: 1\n"
    )
    text = text.replace(
        "        field: minutes\n", "        field: minutes\n        applies_to: [bank]\n"
    )
    assert any("agency_types.school: no indicator applies" in p for p in problems(text))


def test_fingerprint_ignores_comments_and_layout(small_text: str) -> None:
    reformatted = "# a comment\n" + small_text.replace("{label: Bank}", "\n    label: Bank")
    assert parse_framework(reformatted).fingerprint == parse_framework(small_text).fingerprint


def test_fingerprint_changes_with_any_weight(small_text: str) -> None:
    changed = small_text.replace("weight: 60", "weight: 61")
    assert parse_framework(changed).fingerprint != parse_framework(small_text).fingerprint


def test_missing_file_is_a_framework_error(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="file not found"):
        load_framework(tmp_path / "nope.yaml")


def test_fields_for_type_lists_only_what_the_type_reports(small_text: str) -> None:
    fw = parse_framework(small_text)
    assert fw.fields_for_type("telecom") == ("minutes", "orders")
    assert fw.fields_for_type("bank") == ("loss", "frozen", "minutes", "orders")


def test_geometric_floor_above_the_scale_is_refused(small_text: str) -> None:
    text = small_text + "scale: 10\naggregation: {indicators: geometric, geometric_floor: 50}\n"
    assert any(
        "geometric_floor: expected a number <= scale (10), got 50" in p for p in problems(text)
    )


def test_headline_figures_are_checked_like_the_rest() -> None:
    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    head = text.index("headline:")
    bad = text[:head] + (
        "headline:\n"
        "  - {id: loss, label: Losses, field: no_such_field, better: lower}\n"
        "  - {id: loss, label: Again, field: loss_reported, better: lower}\n"
        "  - {id: both, label: Both, field: loss_reported, numerator: amount_frozen,"
        " better: lower}\n"
        "  - {id: half, label: Half, numerator: amount_frozen, better: higher}\n"
        "  - {id: lead, label: Lead, field: loss_reported, city_total_from: nobody,"
        " better: lower}\n"
        "  - {id: odd, label: Odd, field: loss_reported, colour: red, better: lower}\n"
    )
    found = problems(bad)
    line = text[:head].count("\n") + 1
    assert (
        f'indicators.yaml line {line + 1}, headline[0].field: unknown field "no_such_field"'
        in (found[0])
    )
    assert any('headline[1].id: duplicate headline id "loss"' in p for p in found)
    assert any("headline[2]: give either field" in p and "not both" in p for p in found)
    assert any('headline[3]: a ratio needs both "numerator" and "denominator"' in p for p in found)
    assert any('headline[4].city_total_from: unknown agency type "nobody"' in p for p in found)
    assert any('headline[5].colour: unknown key "colour"' in p for p in found)
    assert len(found) == 6
