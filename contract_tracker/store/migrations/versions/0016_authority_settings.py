"""the authority's own settings (name, nation, expected spend, opt-outs) and its recurring notices
in the deadline stream: deadline rows with no contract, and the notices recorded done

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

A store starts with no settings row: the authority's settings are unset until `authority set`
writes them. Existing deadline rows all name a contract and keep their identities.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authority_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("nation", sa.String(length=3), nullable=False),
        sa.Column("expected_spend", sa.BigInteger(), nullable=True),
        sa.Column("opt_outs", sa.Text(), nullable=False),
        sa.Column("notices_as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "authority_notice_done",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.alter_column("contract_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ux_deadline_authority", ["kind", "ordinal"], unique=True,
                              sqlite_where=sa.text("contract_id IS NULL"),
                              postgresql_where=sa.text("contract_id IS NULL"))


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ux_deadline_authority", sqlite_where=sa.text("contract_id IS NULL"),
                            postgresql_where=sa.text("contract_id IS NULL"))
    # Rows of no contract cannot stay once every row must name one.
    op.execute("DELETE FROM deadline WHERE contract_id IS NULL")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.alter_column("contract_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("authority_notice_done")
    op.drop_table("authority_settings")
