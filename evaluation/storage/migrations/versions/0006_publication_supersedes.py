"""Each publication supersedes its period's latest one, and the database lets only one do so.

`published_evaluations.previous_id` names the publication of the same period that was the
latest when this one was made (none for a period's first). Two unique indexes hold the chain:
no two publications supersede the same one, and a period has one first publication. So when two
publishers read the same latest at once, only one of them can commit; the other is told to look
again (and, when it would repeat the winner, which publication it repeats).

Existing publications are chained in the order they were made. The table is append-only
(migration 0005), so its UPDATE guard is lifted for that one statement and put back at once.
SQLite adds the column and the indexes in place: a batch copy of the table would drop its
append-only triggers.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "published_evaluations"
FIRST = sa.text("previous_id IS NULL")
# Each row's previous publication: the newest one of its period made before it.
BACKFILL = (
    f"UPDATE {TABLE} SET previous_id = (SELECT max(p.id) FROM {TABLE} p "
    f"WHERE p.period = {TABLE}.period AND p.id < {TABLE}.id)"
)
# As migration 0005 created it.
SQLITE_NO_UPDATE = (
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: rows are never changed "
    "or removed'); END"
)


def upgrade() -> None:
    """Add previous_id, chain the existing publications, and make the chain unique."""
    _add_previous_id()
    _backfill()
    op.create_index("uq_publication_supersedes", TABLE, ["period", "previous_id"], unique=True)
    op.create_index(
        "uq_publication_first",
        TABLE,
        ["period"],
        unique=True,
        sqlite_where=FIRST,
        postgresql_where=FIRST,
    )


def _add_previous_id() -> None:
    """The nullable column referencing the publication superseded."""
    if op.get_context().dialect.name == "postgresql":
        reference = sa.ForeignKey(f"{TABLE}.id", name="fk_publication_previous")
        op.add_column(TABLE, sa.Column("previous_id", sa.Integer(), reference, nullable=True))
        return
    # Alembic adds a constraint on SQLite only by copying the table; SQLite itself can do it.
    op.execute(f"ALTER TABLE {TABLE} ADD COLUMN previous_id INTEGER REFERENCES {TABLE} (id)")


def _backfill() -> None:
    """Chain the existing publications with the append-only UPDATE guard lifted meanwhile."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only")
        op.execute(BACKFILL)
        op.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TABLE}_append_only")
        return
    op.execute(f"DROP TRIGGER {TABLE}_no_update")
    op.execute(BACKFILL)
    op.execute(SQLITE_NO_UPDATE)


def downgrade() -> None:
    """Drop the indexes and previous_id."""
    op.drop_index("uq_publication_first", table_name=TABLE)
    op.drop_index("uq_publication_supersedes", table_name=TABLE)
    if op.get_context().dialect.name == "postgresql":
        op.drop_column(TABLE, "previous_id")
        return
    # In place, not as a batch copy, which would drop the append-only triggers.
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN previous_id")
