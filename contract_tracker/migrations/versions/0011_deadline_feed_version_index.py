"""deadline feed version index: a covering index for the feed server's change check

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from alembic import op


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deadline_feed_version", "deadline",
                    ["due_date", "start_date", "updated_at", "sequence", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_deadline_feed_version", table_name="deadline")
