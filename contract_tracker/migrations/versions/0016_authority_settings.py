"""the authority's own settings (name, nation, expected spend, opt-outs), for its recurring notices

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

A store starts with no row: the authority's settings are unset until `authority set` writes them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authority_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("nation", sa.String(length=3), nullable=False),
        sa.Column("expected_spend", sa.BigInteger(), nullable=True),
        sa.Column("opt_outs", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("authority_settings")
