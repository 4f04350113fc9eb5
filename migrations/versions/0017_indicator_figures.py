"""indicator figures kept for every process: computed in the background, read by the pages

Revision ID: 0017_indicator_figures
Revises: 0016_submission_keys
Create Date: 2026-12-07 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017_indicator_figures'
down_revision = '0016_submission_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'indicator_figure',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('versions', sa.Text(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_indicator_figure_computed_at', 'indicator_figure', ['computed_at'])


def downgrade():
    op.drop_table('indicator_figure')
