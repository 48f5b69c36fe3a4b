"""contracts record their type: a public contract, a concession, a framework or a call-off

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03

The Procurement Act 2023's rules differ by type: concessions are outside the payments compliance
notice (UK8, s.69) and the payments-over-£30,000 publication (s.70); frameworks and concessions need
no KPIs (s.52) and so no contract performance notices (UK9, s.71). Existing contracts get "public
contract", what the register assumed of every contract until now.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_type", sa.String(length=20), nullable=False,
                                      server_default="public contract"))


def downgrade() -> None:
    # SQLite 3.35 and later drop a column in place. Copying the table instead (batch mode's way)
    # drops the old one, and with foreign keys on that deletes every row referring to a contract.
    bind = op.get_bind()
    in_place = bind.dialect.name != "sqlite" or (bind.dialect.server_version_info or (0,)) >= (3, 35)
    with op.batch_alter_table("contract", schema=None, recreate="never" if in_place else "auto") as batch_op:
        batch_op.drop_column("contract_type")
