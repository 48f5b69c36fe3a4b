"""register identity (a random UUID made with the store, for calendar UIDs) and the highest
SEQUENCE each removed deadline's event reached

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('register_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # Made here, once, for every store (new or upgraded): a restore brings back the backup's own.
    op.bulk_insert(table, [{'id': 1, 'identity': str(uuid.uuid4()),
                            'created_at': datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table('register_identity')
