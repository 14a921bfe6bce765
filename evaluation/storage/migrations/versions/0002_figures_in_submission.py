"""Keep a submission's figures in the submission row as one JSON object.

A submission's figures are written once and never change, and are always read together, so one
row per submission replaces one row per figure: a 10,000-row upload becomes 10,000 inserts
instead of 250,000, with no per-figure key checks.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AGGREGATE = {
    "sqlite": "json_group_object(field, value)",
    "postgresql": "json_object_agg(field, value)::text",
}


def upgrade() -> None:
    """Add submissions.figures, fill it from figure_values, drop figure_values."""
    op.add_column(
        "submissions", sa.Column("figures", sa.Text(), nullable=False, server_default="{}")
    )
    aggregate = AGGREGATE[op.get_bind().dialect.name]
    op.execute(
        "UPDATE submissions SET figures = COALESCE("
        f"(SELECT {aggregate} FROM figure_values f WHERE f.submission_id = submissions.id), '{{}}')"
    )
    op.drop_table("figure_values")


def downgrade() -> None:
    """Split the figures back into one row per figure."""
    op.create_table(
        "figure_values",
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("field", sa.String(80), primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO figure_values SELECT s.id, j.key, j.value::float "
            "FROM submissions s, json_each_text(s.figures::json) j"
        )
    else:
        op.execute(
            "INSERT INTO figure_values SELECT s.id, j.key, j.value "
            "FROM submissions s, json_each(s.figures) j"
        )
    op.drop_column("submissions", "figures")
