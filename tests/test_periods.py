import pytest

from evaluation.errors import InputError
from evaluation.periods import month_of, parse_period


@pytest.mark.parametrize(
    ("text", "kind", "months"),
    [
        ("2026-10", "month", ("2026-10",)),
        ("2026-Q1", "quarter", ("2026-01", "2026-02", "2026-03")),
        ("2026-q4", "quarter", ("2026-10", "2026-11", "2026-12")),
        ("2025", "year", tuple(f"2025-{m:02d}" for m in range(1, 13))),
    ],
)
def test_a_period_covers_its_months(text: str, kind: str, months: tuple[str, ...]) -> None:
    period = parse_period(text)
    assert period.kind == kind
    assert period.months == months


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2026-01", "2025-12"),
        ("2026-07", "2026-06"),
        ("2026-Q1", "2025-Q4"),
        ("2026-Q3", "2026-Q2"),
        ("2026", "2025"),
    ],
)
def test_previous_period_is_of_the_same_kind(text: str, previous: str) -> None:
    assert parse_period(text).previous().label == previous


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-10", "2026-Q5", "October", ""])
def test_bad_periods_say_what_was_expected(text: str) -> None:
    with pytest.raises(InputError, match="expected a month"):
        parse_period(text)


def test_month_of_refuses_a_quarter() -> None:
    with pytest.raises(InputError, match='expected a month "YYYY-MM", got "2026-Q1"'):
        month_of("2026-Q1")
