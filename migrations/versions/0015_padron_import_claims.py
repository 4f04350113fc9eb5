"""padrón import and claims: where an imported OSC came from and the padrón's e-mail for it;
the uploaded padrón files on their way in; the claims to administer an unclaimed OSC

Revision ID: 0015_padron_import_claims
Revises: 0014_indicator_indexes
Create Date: 2026-12-07 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015_padron_import_claims'
down_revision = '0014_indicator_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organization') as batch:
        batch.add_column(sa.Column('source_file', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('source_row', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('imported_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('registry_email', sa.String(length=254), nullable=True))
    op.create_table(
        'padron_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('encoding', sa.String(length=20), nullable=True),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('progress_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(),
                  sa.ForeignKey('user_account.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stored_name'),
    )
    op.create_index('ix_padron_import_sha256', 'padron_import', ['sha256'])
    op.create_table(
        'organization_claim',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(),
                  sa.ForeignKey('organization.id', ondelete='CASCADE'), nullable=False),
        sa.Column('user_id', sa.Integer(),
                  sa.ForeignKey('user_account.id', ondelete='CASCADE'), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('code_hash', sa.String(length=128), nullable=True),
        sa.Column('code_expires_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(),
                  sa.ForeignKey('organization_document.id', ondelete='SET NULL'),
                  nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(),
                  sa.ForeignKey('user_account.id', ondelete='SET NULL'), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_organization_claim_org_status', 'organization_claim',
                    ['organization_id', 'status'])
    op.create_index('ix_organization_claim_user_id', 'organization_claim', ['user_id'])


def downgrade():
    op.drop_table('organization_claim')
    op.drop_table('padron_import')
    with op.batch_alter_table('organization') as batch:
        batch.drop_column('registry_email')
        batch.drop_column('imported_at')
        batch.drop_column('source_row')
        batch.drop_column('source_file')
