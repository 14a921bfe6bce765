"""Time the uncertainty analysis: all samples scored at once against a loop over `evaluate`.

    python benchmarks/bench_uncertainty.py [--repeat 3]

Cases: 10,000 weight samples on 1,000 synthetic agencies x 20 indicators (the framework of
bench_evaluate.py: four normalisation methods, red lines, an A quota); the same with each
indicator's normalisation also drawn from (as written, minmax, rank); and 10,000 samples on the
Y-city demo (30 agencies, 18 indicators, one month). Each run draws the weights (and
normalisations), scores, ranks and tiers every sample and summarises per agency. The loop
baseline calls `evaluate` once per sample with the weights (and normalisations) swapped into the
framework; it is timed on a few samples and scaled. Peak memory is what numpy allocates during
one run (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_evaluate import synthetic_data, synthetic_framework  # noqa: E402

from evaluation import evaluate, load_framework  # noqa: E402
from evaluation.analysis.batch import model_of  # noqa: E402
from evaluation.analysis.uncertainty import draws, uncertainty  # noqa: E402
from evaluation.framework import Framework  # noqa: E402

SAMPLES = 10_000


def with_weights(
    framework: Framework, ind: np.ndarray, dim: np.ndarray, methods: list[str] | None = None
) -> Framework:
    """The framework with these weights and, when given, indicator j normalised by methods[j]
    ("" = as written; goalposts only where set), without a file round trip: the loop's fairest
    form."""
    dims, k = [], 0
    for d, dimension in enumerate(framework.dimensions):
        inds = []
        for indicator in dimension.indicators:
            norm = indicator.normalise
            method = methods[k] if methods else ""
            if method and (method != "goalposts" or None not in (norm.worst, norm.best)):
                norm = replace(norm, method=method)
            inds.append(replace(indicator, weight=float(ind[k]), normalise=norm))
            k += 1
        dims.append(replace(dimension, weight=float(dim[d]), indicators=tuple(inds)))
    return replace(framework, dimensions=tuple(dims))


def case(  # type: ignore[no-untyped-def]
    name: str,
    framework: Framework,
    figures,
    agencies,
    period: str,
    repeat: int,
    methods: tuple[str, ...] = (),
) -> None:
    """Print the vectorised time, its peak memory, and the loop's estimated time."""
    evaluation = evaluate(framework, figures, agencies, period)
    model = model_of(evaluation, methods)
    uncertainty(model, 100, 0.25, 1)  # warm-up
    times = []
    for run in range(repeat):
        start = time.perf_counter()
        uncertainty(model, SAMPLES, 0.25, run)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    uncertainty(model, SAMPLES, 0.25, 99)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    loops = 20
    ind, dim, choice = draws(model, loops, 0.25, 0)
    start = time.perf_counter()
    for k in range(loops):
        drawn = None if choice is None else [model.methods[m] for m in choice[k]]
        evaluate(with_weights(framework, ind[k], dim[k], drawn), figures, agencies, period)
    per_sample = (time.perf_counter() - start) / loops
    vectorised = statistics.median(times)
    looped = per_sample * SAMPLES
    print(
        f"| {name} | {vectorised:.3f} s | {peak / 2**20:.0f} MB | {per_sample * 1000:.1f} ms "
        f"(≈ {looped:.0f} s for {SAMPLES:,}) | {looped / vectorised:.0f}x |",
        flush=True,
    )


def main() -> None:
    """Every case as a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{SAMPLES:,} samples, noise 0.25; median of {args.repeat} runs\n")
    print(
        "| case | all samples at once | peak memory | loop over evaluate, per sample | speed-up |"
    )
    print("|---|---|---|---|---|")
    framework = synthetic_framework()
    figures, agencies = synthetic_data(framework, 1_000, 2)
    case("1,000 agencies x 20 indicators", framework, figures, agencies, "2026-10", args.repeat)
    case(
        "1,000 agencies x 20 indicators, normalisations drawn (as written, minmax, rank)",
        framework,
        figures,
        agencies,
        "2026-10",
        args.repeat,
        ("minmax", "rank"),
    )
    demo = load_framework(ROOT / "indicators.yaml")
    case(
        "Y-city demo, 30 agencies x 18 indicators",
        demo,
        pd.read_csv(ROOT / "data" / "demo" / "figures.csv"),
        pd.read_csv(ROOT / "data" / "demo" / "agencies.csv"),
        "2026-10",
        args.repeat,
    )


if __name__ == "__main__":
    main()
