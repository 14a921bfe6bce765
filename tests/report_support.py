"""Stores for the document tests and benchmarks: the Y-city demo (30 agencies), and a larger
city made of ten demo cities drawn with different seeds (300 agencies), each published."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pandas as pd

from evaluation import demo as demo_data
from evaluation.framework import Framework
from evaluation.periods import add_months, last_complete_month
from evaluation.permissions import console
from evaluation.services import demo, publication
from evaluation.services import store as stored
from evaluation.storage import agencies as agency_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine

ROOT = Path(__file__).resolve().parent.parent


def framework() -> Framework:
    """The framework of the repository's indicators.yaml."""
    loaded = stored.framework_status(ROOT / "indicators.yaml").framework
    assert loaded is not None
    return loaded


def demo_store(url: str, published: int = 3) -> tuple[Engine, str]:
    """The demo in a new store with its last `published` months published; the last month."""
    engine = stored.open_store(url)
    demo.load_demo(console(), engine, framework(), date.today(), with_accounts=False)
    return engine, _publish_last(engine, published)


def _publish_last(engine: Engine, count: int) -> str:
    """Publish the last `count` months, oldest first; the last month."""
    last = last_complete_month(date.today())
    for k in range(count - 1, -1, -1):
        publication.publish(console(), engine, framework(), add_months(last, -k))
    return last


def large_store(
    url: str, copies: int = 10, months: int = 20, published: int = 2
) -> tuple[Engine, str]:
    """`copies` demo cities of 30 agencies each, drawn with different seeds, as one city."""
    engine = stored.open_store(url)
    last = last_complete_month(date.today())
    meta = submission_store.UploadMeta(uploaded_by="bench", source_file="bench")
    for k in range(copies):
        data = demo_data.generate(framework(), last, seed=demo_data.SEED + k, months=months)
        agencies = data.agencies.assign(
            code=data.agencies["code"] + f"-{k:02d}",
            name=data.agencies["name"] + f" {k + 1}",
            name_zh=data.agencies["name_zh"] + f"{k + 1}号",
        )
        agency_store.add_agencies(engine, agencies, "bench", synthetic=True)
        figures = data.figures.assign(agency_code=data.figures["agency_code"] + f"-{k:02d}")
        submission_store.commit_figures(engine, figures, meta, _sent(data, figures))
    return engine, _publish_last(engine, published)


def _sent(data: demo_data.DemoData, figures: pd.DataFrame) -> list[datetime]:
    """When the demo says each row was first sent (a few late), at 09:30 UTC."""
    first = data.submissions[data.submissions["version"] == 1]
    sent = first.set_index(["agency_code", "period"])["submitted_on"]
    return [
        datetime.combine(sent[(code.rsplit("-", 1)[0], period)], time(9, 30), tzinfo=UTC)
        for code, period in zip(figures["agency_code"], figures["period"], strict=True)
    ]
