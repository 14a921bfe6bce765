"""Time making the documents of a publication: the bulletin for the Y-city demo (30 agencies)
and for a city of 300 agencies (ten demo cities drawn with different seeds), as PDF and Word,
and all 300 feedback letters as one ZIP of PDFs.

    python benchmarks/bench_reports.py [--repeat 3]

Each case goes through the service as the console does (publication read, figures of its
submissions, content, charts, rendering, audit record) and prints the median of the runs with
the page count of the PDF bulletin. Targets (issue 13): a bulletin in under 5 s, 300 letters in
under 60 s.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LANGUAGE", "zh_CN")

from pypdf import PdfReader  # noqa: E402

from evaluation.permissions import console  # noqa: E402
from evaluation.services import bulletin as documents  # noqa: E402
from tests.report_support import demo_store, framework, large_store  # noqa: E402

NUMBER = "Y反诈联办〔2026〕12号"


def median_seconds(make: Callable[[], bytes], repeat: int) -> tuple[float, bytes]:
    """The median time of `repeat` runs and the last result."""
    times, made = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        made = make()
        times.append(time.perf_counter() - start)
    return statistics.median(times), made


def pages(pdf: bytes) -> int:
    """How many pages a PDF has."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    """Build both stores and time each case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    print(f"python {platform.python_version()} on {platform.machine()}, median of {repeat} runs")
    fw = framework()
    with tempfile.TemporaryDirectory() as folder:
        stores = {
            30: demo_store(f"sqlite:///{Path(folder) / 'demo.db'}"),
            300: large_store(f"sqlite:///{Path(folder) / 'large.db'}"),
        }
        for count, (engine, month) in stores.items():
            for fmt in documents.FORMATS:
                seconds, made = median_seconds(
                    lambda e=engine, m=month, f=fmt: documents.bulletin(
                        console(), e, fw, m, fmt=f, number=NUMBER
                    ),
                    repeat,
                )
                extra = f", {pages(made)} pages" if fmt == "pdf" else ""
                print(f"bulletin {fmt:4} {count:3} agencies: {seconds:6.2f} s{extra}")
        engine, month = stores[300]
        seconds, made = median_seconds(
            lambda: documents.letters_zip(console(), engine, fw, month), repeat
        )
        print(f"letters  pdf  300 agencies: {seconds:6.2f} s ({len(made) / 1e6:.1f} MB zip)")
        for engine, _month in stores.values():
            engine.dispose()


if __name__ == "__main__":
    main()
