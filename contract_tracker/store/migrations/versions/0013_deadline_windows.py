"""deadline: the window of days each row applies in, and the end it concerns; the rules version

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

The rows are derived data: the new columns start empty and the rules version blank, so the next
open of the store rewrites every contract's deadlines with the current rules (stream_upkeep).
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holds_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('holds_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_deadline_kind_ends', ['kind', 'ends_on'], unique=False)
    with op.batch_alter_table('deadline_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rules', sa.String(length=32), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('deadline_version', schema=None) as batch_op:
        batch_op.drop_column('rules')
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_kind_ends')
        batch_op.drop_column('ends_on')
        batch_op.drop_column('holds_until')
        batch_op.drop_column('holds_from')
