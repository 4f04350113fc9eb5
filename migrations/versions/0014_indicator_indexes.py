"""indicator indexes: the rows the results indicators count, read from an index

Revision ID: 0014_indicator_indexes
Revises: 0013_indicators
Create Date: 2026-12-07 12:00:00

Measured with bench/indicators_bench.py (5,000 OSCs, 10,000 advisory requests, 100,000
attendances): each count was a search of a wide table row by row, or a scan.

- event_registration: the checked-in registrations only (partial), with the person and the
  OSC the distinct counts read; the attendance counts no longer read the table;
- advisory_request: by first contact (the median days and the share in time), and by state
  and conclusion (solicitudes atendidas), covering;
- advisory_outcome: by kind and day of the outcome (OSC constituidas);
- organization: the padrón at a date by status and validation, with the columns of its
  conditions (stale, CLUNI, donataria) and the municipality, covering.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_indicator_indexes'
down_revision = '0013_indicators'
branch_labels = None
depends_on = None

CHECKED_IN = sa.text('checked_in_at IS NOT NULL')


def upgrade():
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index('ix_event_registration_attended',
                              ['event_id', 'user_id', 'organization_id'], unique=False,
                              sqlite_where=CHECKED_IN, postgresql_where=CHECKED_IN)
    with op.batch_alter_table('advisory_request', schema=None) as batch_op:
        batch_op.create_index('ix_advisory_request_first_contact',
                              ['first_contact_at', 'confirmed_at', 'first_contact_due',
                               'municipality_code'], unique=False)
        batch_op.create_index('ix_advisory_request_state_concluded',
                              ['state', 'concluded_at', 'municipality_code'], unique=False)
    with op.batch_alter_table('advisory_outcome', schema=None) as batch_op:
        batch_op.create_index('ix_advisory_outcome_kind_achieved',
                              ['kind', 'achieved_on', 'request_id'], unique=False)
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index('ix_organization_status_validated',
                              ['status', 'validated_at', 'municipality_code', 'confirmed_at',
                               'sat_donee', 'cluni'], unique=False)


def downgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index('ix_organization_status_validated')
    with op.batch_alter_table('advisory_outcome', schema=None) as batch_op:
        batch_op.drop_index('ix_advisory_outcome_kind_achieved')
    with op.batch_alter_table('advisory_request', schema=None) as batch_op:
        batch_op.drop_index('ix_advisory_request_state_concluded')
        batch_op.drop_index('ix_advisory_request_first_contact')
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_event_registration_attended')
