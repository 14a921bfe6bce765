"""What-if weights written into the framework text: every other byte kept, anchors respected."""

from __future__ import annotations

import pytest

from evaluation.errors import InputError
from evaluation.framework import parse_framework
from evaluation.framework.weights import reweighted, set_weights


def test_only_the_weights_change_and_every_other_byte_stays(small_text: str) -> None:
    text = small_text.replace("weight: 60\n", "weight: 60   # money matters most\n", 1)
    new = set_weights(text, {"money": 75, "other": 40}, {"speed": 12.5})
    before, after = text.splitlines(), new.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("    weight: 60   # money matters most", "    weight: 75   # money matters most"),
        ("        weight: 50", "        weight: 12.5"),
    ]
    framework = parse_framework(new)
    assert [d.weight for d in framework.dimensions] == [75, 40]


def test_an_anchor_is_kept_and_a_shared_weight_is_explained(small_text: str) -> None:
    anchored = small_text.replace("    weight: 60\n", "    weight: &dim 60\n", 1)
    new = set_weights(anchored, {"money": 70}, {})
    assert "    weight: &dim 70\n" in new
    assert [d.weight for d in parse_framework(new).dimensions] == [70, 40]
    shared = anchored.replace("    weight: 40\n", "    weight: *dim\n", 1)
    assert [d.weight for d in parse_framework(shared).dimensions] == [60, 60]
    with pytest.raises(InputError, match="line 15: a weight there is shared through a YAML anchor"):
        set_weights(shared, {"money": 70, "other": 60}, {})


def test_unknown_ids_and_negative_weights_are_refused(small_text: str) -> None:
    with pytest.raises(InputError, match="dimension nowhere: not found with a weight"):
        set_weights(small_text, {"nowhere": 1}, {})
    with pytest.raises(InputError, match="expected a number >= 0, got -1"):
        set_weights(small_text, {"money": -1}, {})


def test_the_same_weights_give_the_same_framework(small_text: str) -> None:
    framework = parse_framework(small_text)
    same = reweighted(framework, {d.id: d.weight for d in framework.dimensions}, {})
    assert same is framework
    other = reweighted(framework, {"money": 61}, {})
    assert other.fingerprint != framework.fingerprint
