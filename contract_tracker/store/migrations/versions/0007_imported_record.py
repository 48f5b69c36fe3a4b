"""imported record: the ocid and newest release date behind an imported contract

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imported_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("source_date", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scheme", "identifier"),
    )
    with op.batch_alter_table("imported_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imported_record_contract_id"), ["contract_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("imported_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imported_record_contract_id"))
    op.drop_table("imported_record")
