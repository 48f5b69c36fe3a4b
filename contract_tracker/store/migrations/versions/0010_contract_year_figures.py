"""contract year figures: budget, baseline, spend (forecast or actual) and volume per financial year

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contract_year_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('baseline', sa.BigInteger(), nullable=True),
    sa.Column('spend', sa.BigInteger(), nullable=True),
    sa.Column('spend_basis', sa.String(length=10), nullable=True),
    sa.Column('volume', sa.Integer(), nullable=True),
    sa.Column('volume_unit', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'financial_year')
    )
    with op.batch_alter_table('contract_year_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_year_figures_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_year_figures_financial_year'), ['financial_year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contract_year_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_year_figures_financial_year'))
        batch_op.drop_index(batch_op.f('ix_contract_year_figures_contract_id'))

    op.drop_table('contract_year_figures')
