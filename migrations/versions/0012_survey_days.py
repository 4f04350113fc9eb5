"""survey days: invited and answered counts per survey, day and context (WITHOUT ROWID), filled
from the invitations and responses already stored

Revision ID: 0012_survey_days
Revises: 0011_surveys
Create Date: 2026-12-07 07:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_survey_days'
down_revision = '0011_surveys'
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO survey_day (survey_id, day, event_id, event_kind, municipality_code, invited, answered)
SELECT survey_id, day, event_id, event_kind, municipality_code, SUM(invited), SUM(answered)
FROM (
    SELECT survey_id, invited_on AS day, COALESCE(context_event_id, 0) AS event_id,
           COALESCE(context_kind, '') AS event_kind,
           COALESCE(context_municipality, '') AS municipality_code,
           1 AS invited, 0 AS answered
    FROM survey_invitation WHERE invited_on IS NOT NULL
    UNION ALL
    SELECT survey_id, answered_on, COALESCE(event_id, 0), COALESCE(event_kind, ''),
           COALESCE(municipality_code, ''), 0, 1
    FROM survey_response
) AS counted
GROUP BY survey_id, day, event_id, event_kind, municipality_code
"""


def upgrade():
    op.create_table('survey_day',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('event_kind', sa.String(length=20), nullable=False),
    sa.Column('municipality_code', sa.String(length=5), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_day_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'day', 'event_id', 'event_kind', 'municipality_code', name=op.f('pk_survey_day')),
    sqlite_with_rowid=False
    )
    op.execute(BACKFILL)


def downgrade():
    op.drop_table('survey_day')
