"""contracts' key performance indicators (PA 2023 s.52): name, target and latest rating (s.71)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

Existing contracts start with no KPIs: `kpi add` records them, and `schedule check` says which
contracts need at least three.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_kpi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=False),
        sa.Column("rating", sa.String(length=30), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contract_id", "name"),
    )
    with op.batch_alter_table("contract_kpi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_kpi_contract_id"), ["contract_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contract_kpi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_kpi_contract_id"))
    op.drop_table("contract_kpi")
