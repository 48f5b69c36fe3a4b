"""deadline: a partial index on spans (due_date, start_date where start_date is set), for calendar windows

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_SPANS = sa.text("start_date IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_span_due', ['due_date', 'start_date'], unique=False,
                              sqlite_where=_SPANS, postgresql_where=_SPANS)


def downgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_span_due', sqlite_where=_SPANS, postgresql_where=_SPANS)
