"""advisory: requests (asesorías) with a folio, their timeline, sessions and outcomes; indexes
for the staff queue (each filter with the newest-first order) and the map

Revision ID: 0010_advisory
Revises: 0009_library
Create Date: 2026-12-07 03:40:33

"""
import sqlalchemy as sa
from alembic import op

revision = '0010_advisory'
down_revision = '0009_library'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('advisory_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folio', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('requester_kind', sa.String(length=10), nullable=False),
    sa.Column('proposed_name', sa.String(length=200), nullable=True),
    sa.Column('founders_count', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('municipality_code', sa.String(length=5), nullable=False),
    sa.Column('modality', sa.String(length=12), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('contact_preference', sa.String(length=10), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('first_contact_at', sa.DateTime(), nullable=True),
    sa.Column('paused_since', sa.DateTime(), nullable=True),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('first_contact_due', sa.Date(), nullable=True),
    sa.Column('conclusion_due', sa.Date(), nullable=True),
    sa.Column('concluded_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('resulting_organization_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_advisory_request_assignee_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_advisory_request_municipality_code_municipality')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_advisory_request_organization_id_organization'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resulting_organization_id'], ['organization.id'], name=op.f('fk_advisory_request_resulting_organization_id_organization'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_advisory_request_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_request')),
    sa.UniqueConstraint('folio', name=op.f('uq_advisory_request_folio'))
    )
    with op.batch_alter_table('advisory_request', schema=None) as batch_op:
        batch_op.create_index('ix_advisory_request_assignee_confirmed', ['assignee_id', 'confirmed_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advisory_request_confirmed_at'), ['confirmed_at'], unique=False)
        batch_op.create_index('ix_advisory_request_municipality_confirmed', ['municipality_code', 'confirmed_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advisory_request_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_advisory_request_state_municipality_topic', ['state', 'municipality_code', 'topic'], unique=False)
        batch_op.create_index('ix_advisory_request_state_queue', ['state', 'confirmed_at', 'id', 'conclusion_due', 'first_contact_due', 'first_contact_at', 'proposed_name', 'contact_name'], unique=False)
        batch_op.create_index('ix_advisory_request_topic_confirmed', ['topic', 'confirmed_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advisory_request_user_id'), ['user_id'], unique=False)

    op.create_table('advisory_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('from_requester', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_advisory_activity_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['advisory_request.id'], name=op.f('fk_advisory_activity_request_id_advisory_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_activity'))
    )
    with op.batch_alter_table('advisory_activity', schema=None) as batch_op:
        batch_op.create_index('ix_advisory_activity_request_created', ['request_id', 'created_at'], unique=False)

    op.create_table('advisory_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('achieved_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_advisory_outcome_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['advisory_request.id'], name=op.f('fk_advisory_outcome_request_id_advisory_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_outcome'))
    )
    with op.batch_alter_table('advisory_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_outcome_request_id'), ['request_id'], unique=False)

    op.create_table('advisory_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('modality', sa.String(length=12), nullable=False),
    sa.Column('municipality_code', sa.String(length=5), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('people_attended', sa.Integer(), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('next_steps_html', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_advisory_session_municipality_code_municipality')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_advisory_session_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['advisory_request.id'], name=op.f('fk_advisory_session_request_id_advisory_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_session'))
    )
    with op.batch_alter_table('advisory_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_session_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('advisory_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_session_request_id'))

    op.drop_table('advisory_session')
    with op.batch_alter_table('advisory_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_outcome_request_id'))

    op.drop_table('advisory_outcome')
    with op.batch_alter_table('advisory_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_advisory_activity_request_created')

    op.drop_table('advisory_activity')
    with op.batch_alter_table('advisory_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_request_user_id'))
        batch_op.drop_index('ix_advisory_request_topic_confirmed')
        batch_op.drop_index('ix_advisory_request_state_queue')
        batch_op.drop_index('ix_advisory_request_state_municipality_topic')
        batch_op.drop_index(batch_op.f('ix_advisory_request_organization_id'))
        batch_op.drop_index('ix_advisory_request_municipality_confirmed')
        batch_op.drop_index(batch_op.f('ix_advisory_request_confirmed_at'))
        batch_op.drop_index('ix_advisory_request_assignee_confirmed')

    op.drop_table('advisory_request')
