"""submission keys: each form's one-time key, stored with the write it caused, and the
answer to give again (status, Location)

Revision ID: 0016_submission_keys
Revises: 0015_padron_import_claims
Create Date: 2026-12-07 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016_submission_keys'
down_revision = '0015_padron_import_claims'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'submission_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('endpoint', sa.String(length=80), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('location', sa.String(length=2000), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('scope', 'key', name='uq_submission_key_scope_key'),
    )
    op.create_index('ix_submission_key_created_at', 'submission_key', ['created_at'])


def downgrade():
    op.drop_table('submission_key')
