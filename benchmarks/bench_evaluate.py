"""Time `evaluate` on synthetic data: prints medians of several runs.

    python benchmarks/bench_evaluate.py [--repeat 7]

Cases: 40 agencies x 20 indicators for one month; the same 40 agencies over 36 months with
every month evaluated (one Evaluator, each month with its rank change); 10,000 agencies x 20
indicators for one month. Every run includes building the figure cube from the DataFrame.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluation import Evaluator, evaluate, parse_framework  # noqa: E402
from evaluation.framework import Framework  # noqa: E402

TYPES = ("bank", "payment", "telecom", "platform", "community")


def synthetic_framework(indicators: int = 20, dimensions: int = 4) -> Framework:
    """A framework of `indicators` ratio indicators in `dimensions` dimensions."""
    lines = ["version: 1", "name: Benchmark", "agency_types:"]
    lines += [f"  {t}: {{label: {t}}}" for t in TYPES]
    lines.append("fields:")
    for i in range(indicators):
        lines.append(f"  num_{i}: {{label: Numerator {i}, unit: count, at_most: den_{i}}}")
        lines.append(f"  den_{i}: {{label: Denominator {i}, unit: count}}")
    lines.append("dimensions:")
    per = indicators // dimensions
    methods = [
        "{method: goalposts, worst: 0.2, best: 0.9}",
        "{method: minmax, scope: type}",
        "{method: rank, scope: all}",
        "{method: zscore, scope: type}",
    ]
    for d in range(dimensions):
        lines += [
            f"  - id: d{d}",
            f"    label: Dimension {d}",
            f"    weight: {d + 1}",
            "    indicators:",
        ]
        for i in range(d * per, (d + 1) * per):
            lines += [
                f"      - id: i{i}",
                f"        label: Indicator {i}",
                f"        numerator: num_{i}",
                f"        denominator: den_{i}",
                "        direction: higher",
                f"        normalise: {methods[i % 4]}",
                f"        weight: {1 + i % 3}",
            ]
    lines += [
        "tiers:",
        "  - {id: A, label: A, min_score: 85, max_share: 0.2}",
        "  - {id: B, label: B, min_score: 70}",
        "  - {id: C, label: C, min_score: 60}",
        "  - {id: D, label: D, min_score: 0}",
        "red_lines:",
        "  - {indicator: i0, below: 0.3, cap: C, reason: low}",
        "  - {no_submission: true, cap: D, reason: none}",
    ]
    return parse_framework("\n".join(lines) + "\n")


def synthetic_data(
    framework: Framework, agencies: int, months: int, seed: int = 42
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agencies and `months` months of figures ending 2026-10, 2 % of cells missing."""
    rng = np.random.default_rng(seed)
    codes = [f"A{i:05d}" for i in range(agencies)]
    table = pd.DataFrame(
        {"code": codes, "name": codes, "type": [TYPES[i % len(TYPES)] for i in range(agencies)]}
    )
    periods = pd.period_range(end="2026-10", periods=months, freq="M").strftime("%Y-%m")
    frame = pd.DataFrame(
        {"agency_code": np.repeat(codes, months), "period": np.tile(periods, agencies)}
    )
    size = len(frame)
    for i in range(len(framework.indicators)):
        den = rng.integers(50, 500, size).astype(float)
        num = np.floor(den * rng.uniform(0.1, 1.0, size))
        num[rng.random(size) < 0.02] = np.nan
        frame[f"num_{i}"], frame[f"den_{i}"] = num, den
    return frame, table


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs after one warm-up."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Run every case and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    fw = synthetic_framework()
    small_figures, small_agencies = synthetic_data(fw, 40, 36)
    one_month = small_figures[small_figures["period"] >= "2026-09"]
    big_figures, big_agencies = synthetic_data(fw, 10_000, 2)
    months = sorted(small_figures["period"].unique())

    def history() -> None:
        evaluator = Evaluator(fw, small_figures, small_agencies)
        for month in months:
            evaluator.evaluate(month)

    cases = [
        (
            "40 agencies x 20 indicators, one month",
            "20 ms",
            lambda: evaluate(fw, one_month, small_agencies, "2026-10"),
        ),
        ("40 agencies x 20 indicators, each of 36 months", "0.5 s", history),
        (
            "10,000 agencies x 20 indicators, one month",
            "2 s",
            lambda: evaluate(fw, big_figures, big_agencies, "2026-10"),
        ),
    ]
    print(
        f"Machine: {platform.machine()}, {platform.processor() or 'unknown CPU'}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}"
    )
    print(
        f"Median of {args.repeat} runs after a warm-up; each run includes the previous "
        "period for the rank change.\n"
    )
    print("| case | median | target |")
    print("|---|---|---|")
    for name, target, run in cases:
        seconds = median_seconds(run, args.repeat)
        shown = f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
        print(f"| {name} | {shown} | {target} |", flush=True)


if __name__ == "__main__":
    main()
