"""One consistent read of the store: the agencies, their current figures and the ids of those
figures from one statement, so that they agree whatever is uploaded meanwhile."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from evaluation.storage.models import Agency, Submission
from evaluation.storage.submissions import figures_frame


@dataclass(frozen=True)
class State:
    """The agencies, their current figures and the ids of those figures, read in one statement
    so that they agree with each other whatever is uploaded meanwhile."""

    agencies: pd.DataFrame  # code, name, name_zh, type, active, synthetic
    figures: pd.DataFrame  # current figures: agency_code, period, one column per field
    ids: pd.DataFrame  # agency_code, period, id, active: the current submission of each row

    def submission_ids(self, months: Iterable[str]) -> list[int]:
        """Ids of the current submissions of active agencies in the months, ascending."""
        chosen = self.ids[self.ids["period"].isin(list(months)) & self.ids["active"]]
        return sorted(int(i) for i in chosen["id"])


def current_state(engine: Engine) -> State:
    """Agencies, current figures and their submission ids from one consistent read."""
    current = (
        select(Submission.agency_id, Submission.id, Submission.period, Submission.figures)
        .where(Submission.status == "current")
        .subquery()
    )
    query = (
        select(
            Agency.code,
            Agency.name,
            Agency.name_zh,
            Agency.type,
            Agency.active,
            Agency.synthetic,
            current.c.id,
            current.c.period,
            current.c.figures,
        )
        .outerjoin(current, current.c.agency_id == Agency.id)
        .order_by(Agency.code, current.c.period)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    columns = ["code", "name", "name_zh", "type", "active", "synthetic"]
    agencies = pd.DataFrame([r[:6] for r in rows], columns=columns).drop_duplicates("code")
    submitted = [r for r in rows if r[6] is not None]
    ids = pd.DataFrame(
        [(r[0], r[7], r[6], bool(r[4])) for r in submitted],
        columns=["agency_code", "period", "id", "active"],
    )
    figures = figures_frame([(r[0], r[7], r[8]) for r in submitted])
    return State(agencies.reset_index(drop=True), figures, ids)
