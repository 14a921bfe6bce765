"""The synthetic Y-city demo: its figures (revisions included) loaded into an empty store, and
one demo account per role and agency type, shown once with their passwords."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pandas as pd

from evaluation import accounts, demo
from evaluation.errors import PermissionDeniedError, StorageError
from evaluation.framework import Framework
from evaluation.i18n import N_
from evaluation.periods import last_complete_month
from evaluation.permissions import Actor, Permission, require
from evaluation.services.users import new_account
from evaluation.storage import accounts as account_store
from evaluation.storage import agencies as agency_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine

DEMO = "demo"  # the uploader and creator the demo data and accounts are recorded under


@dataclass(frozen=True)
class DemoAccount:
    """A demo account and its password, shown once when the demo is loaded."""

    username: str
    role: str
    agency: str | None
    password: str


@dataclass(frozen=True)
class DemoSetup:
    """What loading the demo stored: the generated data and the demo accounts."""

    data: demo.DemoData
    accounts: list[DemoAccount]


def load_demo(
    actor: Actor, engine: Engine, framework: Framework, today: date, with_accounts: bool = True
) -> DemoSetup:
    """Fill an empty store with the synthetic demo data and, unless told not to, its accounts."""
    require(actor, Permission.LOAD_DEMO, N_("load the demo data"))
    if not agency_store.agencies(engine).empty:
        raise StorageError(
            N_("the database already holds agencies; the demo loads into an empty database only")
        )
    data = demo.generate(framework, last_complete_month(today))
    agency_store.add_agencies(engine, data.agencies, DEMO, synthetic=True)
    meta = submission_store.UploadMeta(uploaded_by=DEMO, source_file=DEMO, note=demo.SYNTHETIC_NOTE)
    times = data.submissions.set_index(["agency_code", "period", "version"])["submitted_on"]

    def stamps(frame: pd.DataFrame, version: int) -> list[datetime]:
        return [
            datetime.combine(times[(c, p, version)], time(9, 30), tzinfo=UTC)
            for c, p in zip(frame["agency_code"], frame["period"], strict=True)
        ]

    revised = set(zip(data.revisions["agency_code"], data.revisions["period"], strict=True))
    is_revised = [
        (c, p) in revised
        for c, p in zip(data.figures["agency_code"], data.figures["period"], strict=True)
    ]
    first = pd.concat(
        [data.figures[[not r for r in is_revised]], data.revisions], ignore_index=True
    )
    submission_store.commit_figures(engine, first, meta, stamps(first, 1))
    second = data.figures[is_revised].reset_index(drop=True)
    if len(second):
        submission_store.commit_figures(engine, second, meta, stamps(second, 2))
    return DemoSetup(data, create_demo_accounts(actor, engine) if with_accounts else [])


def create_demo_accounts(actor: Actor, engine: Engine) -> list[DemoAccount]:
    """A demo coordinator and one agency user per agency type; only in a synthetic database."""
    require(actor, Permission.LOAD_DEMO, N_("create the demo accounts"))
    agencies = agency_store.agencies(engine)
    if agencies.empty or not agencies["synthetic"].all():
        raise PermissionDeniedError(
            N_("demo accounts exist only in a database of synthetic demo data")
        )
    coordinator = "demo-coordinator"  # i18n: not text (a username)
    made = [DemoAccount(coordinator, "coordinator", None, accounts.new_password())]
    for agency_type, group in agencies.sort_values("code").groupby("type", sort=True):
        code = str(group["code"].iloc[0])
        made.append(DemoAccount(f"demo-{agency_type}", "agency", code, accounts.new_password()))
    for account in made:
        record = new_account(
            account.username, account.role, account.password, account.agency, "", demo=True
        )
        account_store.add_user(engine, record, DEMO)
    return made


def demo_usernames(engine: Engine) -> list[str]:
    """The demo accounts of this database (none outside a demo)."""
    table = account_store.users(engine)
    return sorted(table.loc[table["demo"].astype(bool), "username"])
