"""Synthetic Y-city demo data: agencies and 36 months of figures from a fixed seed.

Everything here is invented. Volumes follow the realistic ranges of a city of about five million
people: roughly 750 fraud cases and 11 million CNY of reported losses a month, more in the weeks
around Spring Festival. Most agencies improve over the three years, two decline, a few months
are missing or late, one agency has a red-line event, and a handful of uploads are revised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from evaluation.framework import Framework
from evaluation.periods import add_months, months_ending, year_and_month

SEED = 20261025
MONTHS = 36
SYNTHETIC_NOTE = "synthetic demo data (not real figures)"

# code, English name, Chinese name, type
AGENCIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "AFC01",
        "Y City Public Security Bureau Anti-Fraud Centre",
        "Y市公安局反诈中心",
        "anti_fraud_centre",
    ),
    ("PB01", "Dongcheng District Police Branch", "东城分局", "police_branch"),
    ("PB02", "Xicheng District Police Branch", "西城分局", "police_branch"),
    ("PB03", "Nanhu District Police Branch", "南湖分局", "police_branch"),
    ("PB04", "Beishan District Police Branch", "北山分局", "police_branch"),
    ("PB05", "High-tech Zone Police Branch", "高新区分局", "police_branch"),
    ("BK01", "Huaxia Commerce Bank, Y City Branch", "华夏商贸银行Y市分行", "bank"),
    ("BK02", "Jianghai Construction Bank, Y City Branch", "江海建设银行Y市分行", "bank"),
    ("BK03", "Nongxing Agricultural Bank, Y City Branch", "农兴农业银行Y市分行", "bank"),
    ("BK04", "Zhongyuan Bank, Y City Branch", "中原银行Y市分行", "bank"),
    ("BK05", "Tongda Communications Bank, Y City Branch", "通达交通银行Y市分行", "bank"),
    ("BK06", "Y City Rural Commercial Bank", "Y市农村商业银行", "bank"),
    ("PY01", "Yunfu Payments, Y City Office", "云付支付Y市办事处", "payment"),
    ("PY02", "Weixin Pay Services, Y City Office", "微信支付服务Y市办事处", "payment"),
    ("PY03", "Yinlian Merchant Services, Y City", "银联商务Y市分公司", "payment"),
    ("TC01", "Y City Mobile", "Y市移动分公司", "telecom"),
    ("TC02", "Y City Unicom", "Y市联通分公司", "telecom"),
    ("TC03", "Y City Telecom", "Y市电信分公司", "telecom"),
    ("PF01", "Kuaiyin Short Video, Y City Operations", "快音短视频Y市运营中心", "platform"),
    ("PF02", "Haogou E-commerce, Y City Operations", "好购电商Y市运营中心", "platform"),
    ("PF03", "Lianliao Messaging, Y City Operations", "连聊通讯Y市运营中心", "platform"),
    ("PU01", "Y City Party Committee Publicity Department", "Y市委宣传部", "publicity"),
    ("PU02", "Y City Media Centre", "Y市融媒体中心", "publicity"),
    ("ED01", "Y City Education Bureau", "Y市教育局", "education"),
    ("ED02", "Y City Vocational and Technical College", "Y市职业技术学院", "education"),
    ("CM01", "Jinqiao Street Office", "金桥街道办事处", "community"),
    ("CM02", "Huayuan Street Office", "花园街道办事处", "community"),
    ("CM03", "Binjiang Street Office", "滨江街道办事处", "community"),
    ("CM04", "Qingshan Township", "青山镇", "community"),
    ("CM05", "Xinhe Township", "新河乡", "community"),
)
DECLINING = ("BK04", "CM04")
RED_LINE = ("PY02", -5)  # agency, month offset from the end: one staff-sold-account incident


@dataclass(frozen=True)
class DemoData:
    """Agencies, current figures, superseded versions and submission times."""

    agencies: pd.DataFrame  # code, name, name_zh, type, synthetic
    figures: pd.DataFrame  # agency_code, period, one column per field (current versions)
    revisions: pd.DataFrame  # earlier versions that were later revised, same columns
    submissions: pd.DataFrame  # agency_code, period, version, submitted_on (date), late


def _season(month: str) -> float:
    """Fraud peaks in the weeks around Spring Festival (late January to February)."""
    return {1: 1.30, 2: 1.40, 3: 1.10, 12: 1.10}.get(int(month[5:]), 1.0)


def _rate(q: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map quality 0..1 onto a realistic range."""
    return low + (high - low) * np.clip(q, 0.0, 1.0)


def generate(framework: Framework, end: str, seed: int = SEED, months: int = MONTHS) -> DemoData:
    """Generate the demo data set for the months ending with `end`."""
    rng = np.random.default_rng(seed)
    periods = months_ending(end, months)
    season = np.array([_season(p) for p in periods])
    t = np.linspace(0.0, 1.0, months)
    rows: list[pd.DataFrame] = []
    for code, _name, _zh, agency_type in AGENCIES:
        start = rng.uniform(0.2, 0.6)
        slope = -0.3 if code in DECLINING else rng.uniform(0.15, 0.45)
        quality = np.clip(start + slope * t + rng.normal(0, 0.05, months), 0.02, 0.98)
        fields = framework.fields_for_type(agency_type)
        values = _type_figures(agency_type, quality, season, rng)
        frame = pd.DataFrame({"agency_code": code, "period": periods})
        for field in fields:
            frame[field] = values.get(field, np.zeros(months))
        rows.append(frame)
    figures = pd.concat(rows, ignore_index=True)
    ordered = [f for f in framework.field_ids() if f in figures.columns]
    figures = figures[["agency_code", "period", *ordered]]
    if "red_line_events" in figures.columns:
        code, offset = RED_LINE
        at = (figures["agency_code"] == code) & (figures["period"] == periods[offset])
        figures.loc[at, "red_line_events"] = 1
    figures, submissions, revisions = _submission_history(figures, periods, framework, rng)
    agencies = pd.DataFrame(
        [(c, n, z, t_, "yes") for c, n, z, t_ in AGENCIES],
        columns=["code", "name", "name_zh", "type", "synthetic"],
    )
    return DemoData(agencies, figures, revisions, submissions)


def _type_figures(
    agency_type: str, q: np.ndarray, season: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Every raw field an agency of this type reports, over all months."""
    n = len(q)
    size = rng.uniform(0.6, 1.6)

    def noisy(base: np.ndarray | float, spread: float = 0.08) -> np.ndarray:
        return np.maximum(np.asarray(base, dtype=float) * rng.normal(1.0, spread, n), 0.0)

    def part(whole: np.ndarray, low: float, high: float) -> np.ndarray:
        return np.minimum(np.round(whole * _rate(noisy(q, 0.04), low, high)), whole)

    out: dict[str, np.ndarray] = {}
    if agency_type in ("anti_fraud_centre", "police_branch", "community"):
        base = {"anti_fraud_centre": 15000, "police_branch": 600, "community": 250}[agency_type]
        received = np.round(noisy(base * size * season))
        out["warnings_received"] = received
        out["warnings_answered_in_time"] = part(received, 0.85, 1.0)
        out["first_contact_minutes_avg"] = np.round(noisy(60 - 52 * q, 0.06), 1)
        high_risk = np.round(received * 0.2)
        out["high_risk_warnings"] = high_risk
        out["high_risk_visited"] = part(high_risk, 0.6, 0.98)
    if agency_type in ("anti_fraud_centre", "telecom"):
        calls = np.round(noisy((16000 if agency_type == "anti_fraud_centre" else 4000) * size))
        out["warning_calls_made"] = calls
        out["warning_calls_answered"] = part(calls, 0.6, 0.9)
    if agency_type in ("anti_fraud_centre", "bank", "payment"):
        loss = np.round(
            noisy((11_000_000 if agency_type == "anti_fraud_centre" else 900_000) * size * season),
            -2,
        )
        out["loss_reported"] = loss
        out["amount_stop_paid"] = np.round(loss * _rate(noisy(q, 0.05), 0.10, 0.30), -2)
        frozen = np.round(loss * _rate(noisy(q, 0.05), 0.10, 0.30), -2)
        out["amount_frozen"] = frozen
        out["amount_returned"] = np.minimum(
            np.round(frozen * _rate(noisy(q, 0.05), 0.10, 0.60), -2), frozen
        )
    if agency_type in ("bank", "payment"):
        out["stop_payment_orders"] = np.round(noisy(350 * size * season))
        out["stop_payment_minutes_avg"] = np.round(noisy(30 - 28 * q, 0.06), 1)
        decisions = np.round(noisy(60 * size))
        out["return_decisions"] = decisions
        out["returns_on_time"] = part(decisions, 0.9, 1.0)
        active = np.round(noisy(1_500_000 * size, 0.01))
        out["active_accounts"] = active
        out["flagged_accounts"] = np.round(active * noisy(3.0 - 2.8 * q, 0.1) / 10_000)
    if agency_type == "telecom":
        subscribers = np.round(noisy(1_800_000 * size, 0.01))
        out["subscribers"] = subscribers
        out["flagged_sims"] = np.round(subscribers * noisy(3.0 - 2.8 * q, 0.1) / 10_000)
        reported = np.round(noisy(1500 * size * season))
        out["numbers_reported"] = reported
        out["numbers_cut_2h"] = part(reported, 0.7, 1.0)
    if agency_type == "platform":
        reported = np.round(noisy(900 * size * season))
        out["accounts_reported"] = reported
        out["accounts_handled_24h"] = part(reported, 0.7, 1.0)
    if agency_type not in ("publicity", "education"):
        required = np.round(noisy(120 * size, 0.03))
        out["data_items_required"] = required
        out["data_items_on_time"] = part(required, 0.6, 1.0)
    if agency_type in ("bank", "payment", "telecom", "platform"):
        out["police_queries"] = np.round(noisy(200 * size))
        out["query_response_hours_avg"] = np.round(noisy(48 - 46 * q, 0.08), 1)
    if agency_type in ("publicity", "education", "community", "police_branch"):
        target = {
            "publicity": 5_000_000,
            "education": 900_000,
            "community": 80_000,
            "police_branch": 900_000,
        }[agency_type] * size
        out["target_population"] = np.full(n, round(target))
        out["people_reached"] = np.round(target * _rate(noisy(q, 0.1), 0.05, 0.40))
    if agency_type in ("community", "education", "telecom", "police_branch"):
        population = round(
            {
                "community": 80_000,
                "education": 900_000,
                "telecom": 5_000_000,
                "police_branch": 900_000,
            }[agency_type]
            * size
        )
        out["resident_population"] = np.full(n, population)
        registered = population * _rate(np.maximum.accumulate(q), 0.30, 0.70)
        out["app_registrations"] = np.round(registered)
        out["cases_reported"] = np.round(population * noisy(1.5 - 1.2 * q, 0.1) * season / 10_000)
    out["red_line_events"] = np.zeros(n)
    return out


def _submission_history(
    figures: pd.DataFrame, periods: list[str], framework: Framework, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Drop a few agency-months, make a few late, and revise a handful of uploads."""
    deadline = framework.submission_deadline_day
    missing = {
        ("CM05", periods[-7]),
        ("PF03", periods[-4]),
        ("ED02", periods[-15]),
        ("PB04", periods[-20]),
    }
    late = {
        ("CM05", periods[-2]),
        ("PF02", periods[-1]),
        ("BK06", periods[-3]),
        ("PU02", periods[-9]),
        ("TC03", periods[-12]),
    }
    keep = [
        (c, p) not in missing
        for c, p in zip(figures["agency_code"], figures["period"], strict=True)
    ]
    figures = figures[keep].reset_index(drop=True)
    records = []
    for code, period in zip(figures["agency_code"], figures["period"], strict=True):
        year, month = year_and_month(add_months(period, 1))
        day = (
            deadline + int(rng.integers(3, 12))
            if (code, period) in late
            else int(rng.integers(1, deadline + 1))
        )
        records.append((code, period, 1, date(year, month, min(day, 28)), (code, period) in late))
    submissions = pd.DataFrame(
        records, columns=["agency_code", "period", "version", "submitted_on", "late"]
    )
    # Revisions: the first upload had an error; the current figures are the corrected version.
    revised = [
        ("BK02", periods[-2]),
        ("TC01", periods[-3]),
        ("PB02", periods[-6]),
        ("PY01", periods[-1]),
        ("CM02", periods[-10]),
    ]
    earlier = []
    for code, period in revised:
        at = (figures["agency_code"] == code) & (figures["period"] == period)
        if not at.any():
            continue
        first = figures[at].copy()
        numeric = [c for c in first.columns if c not in ("agency_code", "period")]
        column = numeric[int(rng.integers(0, len(numeric)))]
        first[column] = first[column] * 10 if first[column].iloc[0] else 1
        earlier.append(first)
        sub_at = (submissions["agency_code"] == code) & (submissions["period"] == period)
        original = submissions[sub_at].iloc[0]
        submissions.loc[len(submissions)] = (
            code,
            period,
            2,
            original["submitted_on"] + pd.Timedelta(days=2).to_pytimedelta(),
            bool(original["late"]),
        )
    revisions = pd.concat(earlier, ignore_index=True) if earlier else figures.iloc[0:0]
    return (
        figures,
        submissions.sort_values(["agency_code", "period", "version"], ignore_index=True),
        revisions,
    )


def write_csv(data: DemoData, folder: str) -> None:
    """Write `agencies.csv` and `figures.csv` (current versions) into `folder`."""
    from pathlib import Path

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    data.agencies.to_csv(target / "agencies.csv", index=False)
    figures = data.figures.copy()
    for column in figures.columns[2:]:
        whole = figures[column].dropna()
        if (whole == whole.round()).all():
            figures[column] = figures[column].astype("Int64")
    figures.to_csv(target / "figures.csv", index=False)


__all__ = ["SYNTHETIC_NOTE", "DemoData", "generate", "write_csv"]
