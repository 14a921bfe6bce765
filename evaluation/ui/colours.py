"""Text that stays readable on a coloured cell: WCAG 2 relative luminance and contrast ratio."""

from __future__ import annotations

from evaluation.i18n import _

BLACK = "#000000"
WHITE = "#ffffff"
AA_CONTRAST = 4.5  # WCAG 2 level AA for normal text


def _channel(value: int) -> float:
    """One sRGB channel (0..255) as linear light, as WCAG 2 defines it."""
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The WCAG relative luminance (0 black .. 1 white) of a `#rrggbb` colour."""
    digits = colour.removeprefix("#")
    if len(digits) != 6:
        raise ValueError(_('colour: expected "#rrggbb", got "{colour}"', colour=colour))
    red, green, blue = (_channel(int(digits[k : k + 2], 16)) for k in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background`: never less than 4.58:1,
    above the 4.5:1 that WCAG AA asks of normal text, whatever the colour."""
    return max((BLACK, WHITE), key=lambda text: contrast_ratio(text, background))
