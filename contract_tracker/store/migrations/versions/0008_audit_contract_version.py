"""audit events record the contract version they produced

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22

Older events keep NULL: their version was never recorded, and guessing one would make a refused
stale edit name changes that were not made since the editor's copy.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("contract_version")
