"""library: resources (Dublin Core), series and issues, versioned files, page text,
download counts; the managed list of subjects starts with the program's training themes

Revision ID: 0009_library
Revises: 0008_privacy
Create Date: 2026-12-07 00:44:36

"""
import sqlalchemy as sa
from alembic import op

revision = '0009_library'
down_revision = '0008_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('library_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=90), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('identifier', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_library_series_slug'))
    )
    op.create_table('library_subject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_subject')),
    sa.UniqueConstraint('slug', name=op.f('uq_library_subject_slug'))
    )
    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=250), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('issued', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('rights', sa.String(length=30), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('identifier', sa.String(length=120), nullable=False),
    sa.Column('access', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('withdrawn_note', sa.Text(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('issue_number', sa.Integer(), nullable=True),
    sa.Column('issue_format', sa.String(length=10), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('first_page', sa.Integer(), nullable=True),
    sa.Column('last_page', sa.Integer(), nullable=True),
    sa.Column('current_file_id', sa.Integer(), nullable=True),
    sa.Column('download_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_resource_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['resource.id'], name=op.f('fk_resource_parent_id_resource'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['library_series.id'], name=op.f('fk_resource_series_id_library_series'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource')),
    sa.UniqueConstraint('slug', name=op.f('uq_resource_slug'))
    )
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_index('ix_resource_parent_position', ['parent_id', 'position'], unique=False)
        batch_op.create_index('ix_resource_series_order', ['series_id', 'issue_format', 'issue_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_status'), ['status'], unique=False)
        batch_op.create_index('ix_resource_status_issued', ['status', 'issued'], unique=False)

    op.create_table('resource_area',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('fraction', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['fraction'], ['activity_area.fraction'], name=op.f('fk_resource_area_fraction_activity_area')),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_area_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'fraction', name=op.f('pk_resource_area'))
    )
    with op.batch_alter_table('resource_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_area_fraction'), ['fraction'], unique=False)

    op.create_table('resource_creator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_creator_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_creator'))
    )
    with op.batch_alter_table('resource_creator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_creator_resource_id'), ['resource_id'], unique=False)

    op.create_table('resource_download_month',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_download_month_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'month', name=op.f('pk_resource_download_month'))
    )
    with op.batch_alter_table('resource_download_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_download_month_month'), ['month'], unique=False)

    op.create_table('resource_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=40), nullable=False),
    sa.Column('original_name', sa.String(length=130), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('has_javascript', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('text_status', sa.String(length=10), nullable=False),
    sa.Column('text_error', sa.String(length=300), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('extracted_at', sa.DateTime(), nullable=True),
    sa.Column('cover_name', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_file_resource_id_resource'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_resource_file_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_file')),
    sa.UniqueConstraint('resource_id', 'version', name='uq_resource_file_version')
    )
    with op.batch_alter_table('resource_file', schema=None) as batch_op:
        batch_op.create_index('ix_resource_file_text_status', ['text_status', 'claimed_until'], unique=False)

    # resource and resource_file point at each other: this key comes once both exist
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_resource_current_file', 'resource_file',
                                    ['current_file_id'], ['id'], ondelete='SET NULL')

    op.create_table('resource_recent_download',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('visitor', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_recent_download_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'visitor', name=op.f('pk_resource_recent_download'))
    )
    with op.batch_alter_table('resource_recent_download', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_recent_download_at'), ['at'], unique=False)

    op.create_table('resource_subject',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_subject_resource_id_resource'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['library_subject.id'], name=op.f('fk_resource_subject_subject_id_library_subject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'subject_id', name=op.f('pk_resource_subject'))
    )
    with op.batch_alter_table('resource_subject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_subject_subject_id'), ['subject_id'], unique=False)

    op.create_table('resource_page',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['resource_file.id'], name=op.f('fk_resource_page_file_id_resource_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', 'number', name=op.f('pk_resource_page'))
    )
    subjects = sa.table('library_subject', sa.column('slug', sa.String), sa.column('name', sa.String),
                        sa.column('position', sa.Integer))
    op.bulk_insert(subjects, [
        {'slug': slug, 'name': name, 'position': position}
        for position, (slug, name) in enumerate(SUBJECTS, start=1)])


# The program's training themes (the Dirección's own list), then the library's other themes;
# staff add and rename subjects at /biblioteca/gestion/temas.
SUBJECTS = (
    ('gerencia-fortalecimiento', 'Gerencia y fortalecimiento de la organización'),
    ('reforma-fiscal', 'Reforma fiscal y aspectos contables'),
    ('marketing-social', 'Marketing social'),
    ('procuracion-fondos', 'Procuración de fondos'),
    ('marco-logico', 'Marco lógico de cooperación internacional'),
    ('sociedad-civil-paz', 'Sociedad civil para la paz'),
    ('visibilidad', 'Visibilidad y comunicación'),
    ('marco-legal', 'Marco legal de las OSC'),
    ('participacion-ciudadana', 'Participación ciudadana'),
)


def downgrade():
    op.drop_table('resource_page')
    with op.batch_alter_table('resource_subject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_subject_subject_id'))

    op.drop_table('resource_subject')
    with op.batch_alter_table('resource_recent_download', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_recent_download_at'))

    op.drop_table('resource_recent_download')
    with op.batch_alter_table('resource_file', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_file_text_status')

    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_constraint('fk_resource_current_file', type_='foreignkey')
    op.drop_table('resource_file')
    with op.batch_alter_table('resource_download_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_download_month_month'))

    op.drop_table('resource_download_month')
    with op.batch_alter_table('resource_creator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_creator_resource_id'))

    op.drop_table('resource_creator')
    with op.batch_alter_table('resource_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_area_fraction'))

    op.drop_table('resource_area')
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_status_issued')
        batch_op.drop_index(batch_op.f('ix_resource_status'))
        batch_op.drop_index('ix_resource_series_order')
        batch_op.drop_index('ix_resource_parent_position')

    op.drop_table('resource')
    op.drop_table('library_subject')
    op.drop_table('library_series')
