"""Remember every valid framework the product has served, so an invalid edit never stops it.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create framework_versions."""
    op.create_table(
        "framework_versions",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_served", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_framework_versions_last_served", "framework_versions", ["last_served"])


def downgrade() -> None:
    """Drop framework_versions."""
    op.drop_table("framework_versions")
