"""The framework in two languages: its problems read in Chinese and in English with their line
and path, its Chinese texts (`incentive_zh`, `reason_zh`, `description_zh`) are accepted and
leave the fingerprint alone, and the default framework says everything in Chinese too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evaluation import i18n
from evaluation.errors import FrameworkError, InputError
from evaluation.framework import load_framework, parse_framework
from evaluation.framework.weights import set_weights

ROOT = Path(__file__).resolve().parent.parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refused(text: str) -> FrameworkError:
    """The error a framework text is refused with."""
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text)
    return caught.value


def test_a_problem_reads_in_english_and_in_chinese_with_line_and_path(small_text: str) -> None:
    text = small_text.replace("    weight: 40\n", '    weight: "high"\n')
    line = text.splitlines().index('    weight: "high"') + 1
    error = refused(text)
    with i18n.reading("en"):
        english = str(error)
    with i18n.reading("zh_CN"):
        chinese = str(error)
    assert english == (
        "1 problem in the framework:\n"
        f"  indicators.yaml line {line}, dimensions[1].weight: "
        'expected a number >= 0 and <= 1,000,000, got "high"'
    )
    assert chinese == (
        "指标体系中有1处问题：\n"
        f"  indicators.yaml 第{line}行，dimensions[1].weight："
        '应为不小于0且不大于1,000,000的数字，实为"high"'
    )


def test_names_and_valid_values_stay_ids_in_chinese(small_text: str) -> None:
    text = small_text.replace("direction: lower", "direction: down").replace(
        "name: Test framework", "name: Test framework\ncolour: blue"
    )
    with i18n.reading("zh_CN"):
        found = [str(p) for p in refused(text).problems]
    assert any(
        'dimensions[0].indicators[1].direction：未知的方向"down"；可选值：higher, lower' in p
        for p in found
    ), found
    assert any(p.startswith("indicators.yaml 第3行，colour：未知的键“colour”；") for p in found)
    assert any("tiers, name_zh, scale" in p for p in found)  # the valid keys, as written


def test_a_problem_without_a_line_reads_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework(tmp_path / "none.yaml")
    (problem,) = caught.value.problems
    with i18n.reading("en"):
        assert str(problem).endswith("none.yaml: file not found")
    with i18n.reading("zh_CN"):
        assert str(problem).endswith("none.yaml：找不到文件")


def test_a_weight_edit_error_reads_in_both_languages() -> None:
    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    with pytest.raises(InputError) as caught:
        set_weights(text, {"nowhere": 1.0}, {"nothing": 2.0})
    with i18n.reading("en"):
        assert str(caught.value) == (
            "dimension nowhere, indicator nothing: not found with a weight in the framework file"
        )
    with i18n.reading("zh_CN"):
        assert str(caught.value) == "维度“nowhere”、指标“nothing”：指标体系文件中未找到其权重"


CHINESE_KEYS = [
    ("  loss: {label: Loss, unit: CNY}", "  loss: {label: Loss, unit: CNY, description_zh: 损失}"),
    (
        "        label: Freeze rate\n",
        "        label: Freeze rate\n        description_zh: 冻结率\n",
    ),
    (
        "{id: A, label: Excellent, min_score: 85}",
        "{id: A, label: Excellent, min_score: 85, incentive: Praised, incentive_zh: 通报表扬}",
    ),
    ("  - id: money\n", "  - id: money\n    description_zh: 资金\n"),
]
RED_LINE = "red_lines:\n  - {field: events, above: 0, cap: D, reason: Veto}\n"
RED_LINE_ZH = (
    "red_lines:\n  - {field: events, above: 0, cap: D, reason: Veto, reason_zh: 一票否决}\n"
)


def test_the_chinese_texts_are_accepted_and_leave_the_fingerprint(small_text: str) -> None:
    before = parse_framework(small_text + RED_LINE)
    text = small_text
    for old, new in CHINESE_KEYS:
        assert old in text
        text = text.replace(old, new, 1)
    after = parse_framework(text + RED_LINE_ZH)
    assert after.field_def("loss").description_zh == "损失"
    assert after.indicator("freeze_rate").description_zh == "冻结率"
    assert after.tier("A").incentive_zh == "通报表扬"
    assert after.red_lines[0].reason_zh == "一票否决"
    assert after.fingerprint != before.fingerprint  # the English incentive is content
    english = parse_framework(
        small_text.replace(
            CHINESE_KEYS[2][0], CHINESE_KEYS[2][1].replace(", incentive_zh: 通报表扬", "")
        )
        + RED_LINE
    )
    assert after.fingerprint == english.fingerprint
    with i18n.reading("zh_CN"):
        assert i18n.text_of(after.tier("A"), "incentive") == "通报表扬"
        assert i18n.text_of(after.red_lines[0], "reason") == "一票否决"
        assert i18n.text_of(after.indicator("freeze_rate"), "description") == "冻结率"
    with i18n.reading("en"):
        assert i18n.text_of(after.tier("A"), "incentive") == "Praised"
        assert i18n.text_of(after.red_lines[0], "reason") == "Veto"


def test_a_chinese_text_must_be_text_and_other_languages_are_unknown(small_text: str) -> None:
    text = small_text.replace(
        "{id: A, label: Excellent, min_score: 85}",
        "{id: A, label: Excellent, min_score: 85, incentive_zh: [a, b], incentive_fr: Bravo}",
    )
    found = [str(p) for p in refused(text).problems]
    assert any("tiers[0].incentive_zh: expected text, got a list" in p for p in found), found
    assert any('tiers[0].incentive_fr: unknown key "incentive_fr"' in p for p in found), found


def test_the_default_framework_keeps_its_fingerprint_without_its_chinese_texts() -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    added = re.compile(r"^\s*(description_zh|incentive_zh|reason_zh): .*\n", re.MULTILINE)
    stripped = added.sub("", framework.text)
    assert stripped != framework.text
    assert parse_framework(stripped).fingerprint == framework.fingerprint


def test_the_default_framework_says_everything_in_chinese() -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    labelled = (
        *framework.agency_types,
        *framework.fields,
        *framework.dimensions,
        *framework.indicators,
        *framework.tiers,
        *framework.headline,
    )
    assert [item.id for item in labelled if not CHINESE.search(item.label_zh)] == []
    described = (*framework.fields, *framework.indicators)
    assert all(item.description for item in described)
    assert [item.id for item in described if not CHINESE.search(item.description_zh)] == []
    assert [t.id for t in framework.tiers if not CHINESE.search(t.incentive_zh)] == []
    assert [r.describe() for r in framework.red_lines if not CHINESE.search(r.reason_zh)] == []
    assert CHINESE.search(framework.name_zh)
    with i18n.reading("zh_CN"):
        assert i18n.label(framework.tier("D")) == "不合格"
        assert "一票否决" in i18n.text_of(framework.red_lines[0], "reason")
        assert "直接定为不合格" in i18n.text_of(framework.red_lines[0], "reason")
        assert "等次最高为合格" in i18n.text_of(framework.red_lines[1], "reason")


def test_the_default_frameworks_comments_are_bilingual() -> None:
    """Each block of English comments is followed by its Chinese, for the file's editors."""
    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    blocks = re.split(r"\n# -{20,}\n", text)
    sections = [b for b in blocks if re.match(r"# [A-Z][A-Z ,]+ - ", b)]
    assert len(sections) >= 7  # agency types, fields, ..., red lines, headline
    assert [b.splitlines()[0] for b in sections if not CHINESE.search(b)] == []
    header = text[: text.index("\nversion:")]
    parts = re.split(r"^#  ([A-Z][A-Z_ ]+(?: - .*)?)$", header, flags=re.MULTILINE)
    headed = dict(zip(parts[1::2], parts[2::2], strict=True))
    assert len(headed) >= 5  # how the score is built, weights, goalposts, applies_to, ...
    assert [h for h, body in headed.items() if not CHINESE.search(body)] == []
