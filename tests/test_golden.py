"""Golden files: `python -m evaluation score` on small hand-checked cases.

Each folder of `tests/data/golden/` holds a framework (`indicators.yaml`), `agencies.csv`,
`figures.csv`, `case.txt` (first line: the period; then a description) and `expected.csv`, the
exact CSV the command wrote once its numbers had been checked by hand against the arithmetic in
the folder's `README.md`. To add a case, create a folder with those files; it is picked up here.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from evaluation.cli import main

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())
INPUTS = ("indicators.yaml", "agencies.csv", "figures.csv", "case.txt", "expected.csv")
REQUIRED_CASES = {
    "ratio_goalposts",
    "minmax_by_type",
    "rank_and_zscore",
    "missing_policies",
    "geometric",
    "red_lines_and_quota",
    "rank_change",
}
RELATIVE = 1e-9


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _same(got: object, want: object) -> bool:
    """Empty equals empty; numbers within RELATIVE; anything else as text."""
    if _missing(got) or _missing(want):
        return _missing(got) and _missing(want)
    numbers = (int, float)
    if isinstance(got, numbers) and isinstance(want, numbers):
        return math.isclose(float(got), float(want), rel_tol=RELATIVE, abs_tol=1e-12)
    return str(got) == str(want)


def test_every_required_case_is_present() -> None:
    assert REQUIRED_CASES <= {case.name for case in CASES}
    for case in CASES:
        missing = [name for name in INPUTS if not (case / name).is_file()]
        assert not missing, f"{case.name} lacks {', '.join(missing)}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_score_matches_the_golden_csv(case: Path, tmp_path: Path) -> None:
    period = (case / "case.txt").read_text(encoding="utf-8").splitlines()[0].strip()
    out = tmp_path / "scores.csv"
    code = main(
        [
            "score",
            "--indicators",
            str(case / "indicators.yaml"),
            "--agencies",
            str(case / "agencies.csv"),
            "--figures",
            str(case / "figures.csv"),
            "--period",
            period,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    got = pd.read_csv(out)
    want = pd.read_csv(case / "expected.csv")
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    differences = [
        f"{want['agency_code'][i]} {column}: got {g!r}, expected {w!r}"
        for column in want.columns
        for i, (g, w) in enumerate(zip(got[column].tolist(), want[column].tolist(), strict=True))
        if not _same(g, w)
    ]
    assert not differences, "\n".join(differences)
