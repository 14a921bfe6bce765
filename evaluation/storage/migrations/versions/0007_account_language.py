"""Each account may keep its own language (zh_CN or en); none follows the office's LANGUAGE.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add users.language (nullable: existing accounts follow the office's language)."""
    op.add_column("users", sa.Column("language", sa.String(10), nullable=True))


def downgrade() -> None:
    """Drop users.language."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
