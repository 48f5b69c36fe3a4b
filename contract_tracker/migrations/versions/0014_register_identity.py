"""register identity (a random UUID made with the store, for calendar UIDs) and the highest
SEQUENCE each removed deadline's event reached

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02
"""

import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0012'
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
    op.create_table('deadline_sequence_mark',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', 'kind', 'ordinal')
    )


def downgrade() -> None:
    op.drop_table('deadline_sequence_mark')
    op.drop_table('register_identity')
