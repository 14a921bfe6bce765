"""Streamlit AppTest: every page renders on the shipped framework and on a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def framework_page() -> None:
    """Render the Framework page alone."""
    from evaluation.ui import framework_page

    framework_page.render()


def test_dashboard_opens_on_the_score_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert at.header[0].value == "Score figures"
    assert any("Upload both files" in i.value for i in at.info)


def test_framework_page_shows_every_indicator_and_tier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(framework_page, default_timeout=60).run()
    assert not at.exception
    indicators = at.dataframe[0].value
    assert len(indicators) == 18
    assert list(at.dataframe[1].value["tier"]) == ["A", "B", "C", "D"]


def test_an_invalid_framework_shows_its_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "indicators.yaml"
    bad.write_text(
        (ROOT / "indicators.yaml")
        .read_text(encoding="utf-8")
        .replace("version: 1", "version: 9", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("INDICATORS_FILE", str(bad))
    at = AppTest.from_function(framework_page, default_timeout=60).run()
    assert not at.exception
    assert "is invalid" in at.error[0].value
    assert "version: expected 1, got 9" in at.code[0].value
