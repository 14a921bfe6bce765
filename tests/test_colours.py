"""Tier badges readable by everyone: WCAG contrast of the text chosen for each tier colour."""

from __future__ import annotations

import random

import pytest

from evaluation.framework import load_framework
from evaluation.ui import colours, components
from tests.conftest import ROOT

TIER_COLOURS = [t.colour for t in load_framework(ROOT / "indicators.yaml").tiers if t.colour]


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_the_contrast_ratio_is_wcags(first: str, second: str, ratio: float) -> None:
    assert colours.contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert colours.contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("colour", [*TIER_COLOURS, components.NO_TIER_COLOUR])
def test_every_tier_colour_gets_text_of_aa_contrast(colour: str) -> None:
    text = colours.text_colour(colour)
    assert colours.contrast_ratio(text, colour) >= colours.AA_CONTRAST, (colour, text)


def test_the_default_framework_declares_its_tier_colours() -> None:
    assert len(TIER_COLOURS) >= 4


def test_black_or_white_reaches_aa_on_any_colour() -> None:
    # The better of the two never falls below 4.58:1 (at luminance 0.179), so a tier colour
    # someone picks in indicators.yaml always gets readable text.
    rng = random.Random(42)
    greys = [f"#{v:02x}{v:02x}{v:02x}" for v in range(256)]
    others = [f"#{rng.randrange(1 << 24):06x}" for _ in range(2000)]
    for colour in greys + others:
        text = colours.text_colour(colour)
        assert colours.contrast_ratio(text, colour) >= colours.AA_CONTRAST, colour
    assert colours.text_colour("#777777") == colours.BLACK
    assert colours.text_colour("#595959") == colours.WHITE


def test_a_tier_cell_is_painted_with_its_readable_text() -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    paint = components.tier_style(framework)
    for tier in framework.tiers:
        style = paint(tier.id)
        assert f"background-color: {tier.colour}" in style
        assert f"color: {colours.text_colour(tier.colour)}" in style
        assert "font-weight: 600" in style
    assert paint("no such tier") == ""


def test_a_colour_that_is_not_rrggbb_is_refused() -> None:
    with pytest.raises(ValueError, match='expected "#rrggbb", got "red"'):
        colours.relative_luminance("red")
