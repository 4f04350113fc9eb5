"""indicators: yearly goals and the manual series of years before the platform

Revision ID: 0013_indicators
Revises: 0012_survey_days
Create Date: 2026-12-07 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013_indicators'
down_revision = '0012_survey_days'
branch_labels = None
depends_on = None


def _table(name, *columns):
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator', sa.String(length=40), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('indicator', 'year', name=f'uq_{name}_year'),
    )


def upgrade():
    _table('indicator_goal',
           sa.Column('set_by_id', sa.Integer(), sa.ForeignKey('user_account.id',
                                                               ondelete='SET NULL')),
           sa.Column('set_at', sa.DateTime(), nullable=False))
    _table('indicator_history',
           sa.Column('source', sa.Text(), nullable=False),
           sa.Column('entered_by_id', sa.Integer(), sa.ForeignKey('user_account.id',
                                                                   ondelete='SET NULL')),
           sa.Column('entered_at', sa.DateTime(), nullable=False))


def downgrade():
    op.drop_table('indicator_history')
    op.drop_table('indicator_goal')
