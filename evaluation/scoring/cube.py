"""Raw monthly figures as a dense cube (field x agency x month), checked against the framework
and the agencies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation import limits
from evaluation.errors import InputError
from evaluation.framework import Framework
from evaluation.i18n import N_
from evaluation.limits import check_length
from evaluation.periods import month_of

AGENCY_COLUMNS = ("code", "name", "type")


@dataclass(frozen=True)
class FigureCube:
    """Figures of every agency and month, NaN where not reported."""

    agencies: pd.DataFrame  # code, name, name_zh, type in cube order
    months: tuple[str, ...]  # sorted
    fields: tuple[str, ...]
    values: np.ndarray  # (fields, agencies, months)
    submitted: np.ndarray  # (agencies, months): a row with at least one figure

    @property
    def codes(self) -> np.ndarray:
        """Agency codes in cube order."""
        return self.agencies["code"].to_numpy()

    @property
    def types(self) -> np.ndarray:
        """Agency types in cube order."""
        return self.agencies["type"].to_numpy()

    def month_index(self, months: tuple[str, ...]) -> np.ndarray:
        """Positions of the given months that the cube holds."""
        position = {m: i for i, m in enumerate(self.months)}
        return np.array([position[m] for m in months if m in position], dtype=int)

    def field(self, field_id: str, month_idx: np.ndarray) -> np.ndarray:
        """One field over the chosen months: (agencies, months)."""
        return self.values[self.fields.index(field_id)][:, month_idx]


def check_agencies(framework: Framework, agencies: pd.DataFrame) -> pd.DataFrame:
    """Validate the agencies table and return it with the columns the engine uses."""
    missing = [c for c in AGENCY_COLUMNS if c not in agencies.columns]
    if missing:
        found = ", ".join(map(str, agencies.columns))
        raise InputError(
            N_(
                "agencies: expected columns {expected}, missing {missing} (found {found})",
                expected=", ".join(AGENCY_COLUMNS),
                missing=", ".join(missing),
                found=found or N_("none"),
            )
        )
    table = pd.DataFrame(
        {
            "code": agencies["code"].astype(str).str.strip(),
            "name": agencies["name"].fillna("").astype(str),
            "name_zh": (
                agencies["name_zh"].fillna("").astype(str) if "name_zh" in agencies.columns else ""
            ),
            "type": agencies["type"].astype(str).str.strip(),
        }
    ).reset_index(drop=True)
    _check_lengths(table)
    duplicated = table["code"][table["code"].duplicated()].unique()
    if len(duplicated):
        raise InputError(
            N_(
                "agencies: duplicate agency code {codes}",
                codes=", ".join(map(str, duplicated)),
            )
        )
    unknown = sorted(set(table["type"]) - set(framework.type_ids()))
    if unknown:
        first = table.index[table["type"] == unknown[0]][0]
        raise InputError(
            N_(
                'agencies row {row} ({code}), type: unknown agency type "{found}"; valid: {valid}',
                row=first + 1,
                code=table["code"][first],
                found=unknown[0],
                valid=", ".join(framework.type_ids()),
            )
        )
    return table


def _check_lengths(table: pd.DataFrame) -> None:
    """Codes and names fit what the store keeps."""
    widths = {"code": limits.AGENCY_CODE, "name": limits.AGENCY_NAME, "name_zh": limits.AGENCY_NAME}
    for column, limit in widths.items():
        for row, value in enumerate(table[column]):
            if len(str(value)) > limit:
                where = N_("agencies row {row}, {column}", row=row + 1, column=column)
                check_length(str(value), limit, where)


def build_cube(framework: Framework, figures: pd.DataFrame, agencies: pd.DataFrame) -> FigureCube:
    """Check figures against the framework and agencies and lay them out as a cube."""
    table = check_agencies(framework, agencies)
    for column in ("agency_code", "period"):
        if column not in figures.columns:
            raise InputError(N_('figures: missing column "{column}"', column=column))
    fields = framework.field_ids()
    unknown = [c for c in figures.columns if c not in ("agency_code", "period", *fields)]
    if unknown:
        raise InputError(
            N_(
                'figures: unknown column "{column}"; expected agency_code, period and the '
                "fields of the framework: {fields}",
                column=unknown[0],
                fields=", ".join(fields),
            )
        )
    codes = figures["agency_code"].astype(str).str.strip().to_numpy()
    periods = figures["period"].astype(str).str.strip()
    distinct = periods.unique()
    canonical = {p: month_of(p) for p in distinct}
    months_col = periods.map(canonical).to_numpy()
    agency_idx = pd.Index(table["code"]).get_indexer(codes)
    if (agency_idx < 0).any():
        row = int(np.argmax(agency_idx < 0))
        raise InputError(
            N_(
                'figures row {row}, agency_code: unknown agency "{code}"; it is not in the '
                "agencies table",
                row=row + 1,
                code=codes[row],
            )
        )
    months = tuple(sorted(set(months_col)))
    month_idx = pd.Index(months).get_indexer(months_col)
    flat = agency_idx * max(len(months), 1) + month_idx
    duplicated = pd.Series(flat).duplicated().to_numpy()
    if duplicated.any():
        row = int(np.argmax(duplicated))
        raise InputError(
            N_(
                "figures row {row}: a second row for agency {code} and month {month}; "
                "expected one row per agency-month",
                row=row + 1,
                code=codes[row],
                month=months_col[row],
            )
        )
    values = np.full((len(fields), len(table), len(months)), np.nan)
    present = [f for f in fields if f in figures.columns]
    dtypes = figures.dtypes
    numeric = [f for f in present if pd.api.types.is_numeric_dtype(dtypes[f])]
    if numeric:
        # Numeric columns need no cell-by-cell check: one block copy.
        block = figures[numeric].to_numpy(dtype=float, na_value=np.nan).T
        positions = np.array([fields.index(f) for f in numeric])
        values[positions[:, None], agency_idx[None, :], month_idx[None, :]] = block
    for field_id in present:
        if field_id in numeric:
            continue
        f = fields.index(field_id)
        cells: pd.Series = figures[field_id]
        numbers: pd.Series = pd.to_numeric(cells, errors="coerce")
        bad = numbers.isna().to_numpy() & cells.notna().to_numpy()
        bad &= cells.astype(str).str.strip().ne("").to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(
                N_(
                    'figures row {row}, {field}: expected a number, got "{found}"',
                    row=row + 1,
                    field=field_id,
                    found=cells.iloc[row],
                )
            )
        values[f, agency_idx, month_idx] = numbers.to_numpy(dtype=float, na_value=np.nan)
    submitted = np.zeros((len(table), len(months)), dtype=bool)
    reported = ~np.isnan(values).all(axis=0)
    submitted[:, :] = reported
    return FigureCube(table, months, fields, values, submitted)
