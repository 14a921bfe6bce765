"""Streamlit's and Plotly's own words in the reader's language. Streamlit's frontend writes a
few words itself, in English (the file uploader's button and size note, the hint under a text
field): for a Chinese reader a style sheet hides them and shows the catalog's words in their
place. Plotly's chart toolbar takes its words from a dictionary in each chart's configuration."""

from __future__ import annotations

import json

import streamlit as st

from evaluation import i18n
from evaluation.i18n import N_, _

UPLOADER = '[data-testid="stFileUploaderDropzone"]'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'


def _css_text(text: str) -> str:
    """A CSS string literal of `text` (JSON's escaping is valid CSS here)."""
    return json.dumps(text, ensure_ascii=False)


def style_sheet(max_upload_mb: int) -> str:
    """The rules that put the reader's words in place of Streamlit's English ones."""
    browse = _css_text(_("Choose a file"))
    limit = _css_text(_("At most {size} MB a file", size=max_upload_mb))
    full = _css_text(_("Fullscreen"))
    label = f"{UPLOADER} button [data-testid='stMarkdownContainer']"
    # Streamlit's own button in Plotly's toolbar, which Plotly's dictionary does not reach.
    modebar = ".js-plotly-plot .plotly .modebar-btn[data-title='Fullscreen']::after"
    hidden = "{display: none}"  # i18n: not text
    return "\n".join(
        (
            f"{label} p {hidden}",
            f"{label}::after {{content: {browse}}}",
            f"{INSTRUCTIONS} span {hidden}",
            f"{INSTRUCTIONS} > div::after {{content: {limit}; font-size: 0.875rem}}",
            f"{modebar} {{content: {full}}}",
            # "Press Enter to apply": the forms say what their buttons do.
            f"[data-testid='InputInstructions'] {hidden}",
        )
    )


def apply() -> None:
    """Draw the style sheet for a reader of Chinese (English readers see Streamlit's own)."""
    if i18n.is_chinese():
        sheet = style_sheet(int(st.get_option("server.maxUploadSize")))
        st.html(f"<style>{sheet}</style>")


# The words of Plotly's chart toolbar (its English is the key Plotly looks them up by).
PLOTLY_WORDS = (
    N_("Download plot as a PNG"),
    N_("Zoom"),
    N_("Pan"),
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Autoscale"),
    N_("Reset axes"),
    N_("Reset view"),
    N_("Box Select"),
    N_("Lasso Select"),
    N_("Toggle Spike Lines"),
    N_("Show closest data on hover"),
    N_("Compare data on hover"),
    N_("Fullscreen"),
    N_("Double-click to zoom back out"),
    N_("Click to enter Colorscale title"),
    N_("Click to enter Plot title"),
    N_("Click to enter X axis title"),
    N_("Click to enter Y axis title"),
)


def chart_config() -> dict[str, object]:
    """A chart's configuration: Plotly's toolbar in the reader's language, no Plotly logo."""
    if not i18n.is_chinese():
        return {"displaylogo": False}
    words = {message.msgid: str(message) for message in PLOTLY_WORDS}
    return {
        "displaylogo": False,
        "locale": "zh-CN",
        "locales": {"zh-CN": {"dictionary": words}},
    }
