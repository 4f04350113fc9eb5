"""privacy notice: the version a person accepted and when; closed accounts

Revision ID: 0008_privacy
Revises: 0007_user_sessions
Create Date: 2026-12-08 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008_privacy'
down_revision = '0007_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('privacy_accepted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
    # Accounts from before this revision accepted no notice: they see the banner once.


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('privacy_accepted_at')
        batch_op.drop_column('privacy_version')
