"""contracts keep the wording of their extension options as the register or notice gave it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

Existing contracts get "" (no wording recorded): their options were entered as lengths.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extension_wording", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("extension_wording")
