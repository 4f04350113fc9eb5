"""``flask seed-demo`` and ``flask seed-scale``: the one door into ``community.demo``.

The app factory registers these commands in every process, web workers included, so the data
modules (thousands of lines of names, texts and calendars) are imported only when a command
runs. Both commands run inside ``quiet()``: demo data mails nobody and pushes nothing live.
"""

import time
from importlib import import_module

import click
from flask import current_app

from community.core.aftercommit import quiet
from community.demo import SEED

# In dependency order: the OSCs need the accounts, the events the OSCs, the forums the events'
# people; the library needs the staff account; advisory asks as the OSCs' admins.
# The surveys hear from the events' attendees and the advisory requesters.
# The sample padrón is imported by staff once the registry exists; the indicators last: their
# demo goals and manual series are entered as the staff account.
DEMO_SEEDERS = ("accounts", "profiles", "events", "forums", "library", "advisory", "surveys",
                "padron", "indicators")


@click.command("seed-demo")
def seed_demo() -> None:
    """Load realistic demo data; running it again adds nothing twice."""
    from community.core.catalog import load_catalogues
    from community.extensions import db

    with quiet():
        load_catalogues()
        for name in DEMO_SEEDERS:
            import_module(f"community.demo.{name}").seed()
            db.session.commit()
            click.echo(f"Datos de demostración: {name} listo.")


@click.command("seed-scale")
@click.option("--orgs", type=click.IntRange(min=0), default=50_000, show_default=True,
              help="Cuántas organizaciones crear (0: ninguna).")
@click.option("--advisory", "advisory", type=click.IntRange(min=0), default=0,
              show_default=True, help="Cuántas solicitudes de asesoría crear.")
@click.option("--surveys", "surveys", type=click.IntRange(min=0), default=0,
              show_default=True,
              help="Cuántas respuestas crear en una encuesta de satisfacción de 15 preguntas.")
@click.option("--attendances", "attendances", type=click.IntRange(min=0), default=0,
              show_default=True,
              help="Cuántas asistencias (registros de entrada) crear en eventos de dos años.")
@click.option("--seed", "seed_value", type=int, default=SEED, show_default=True,
              help="Semilla del generador: la misma semilla da los mismos datos.")
@click.option("--append", is_flag=True,
              help="Agregar aunque ya haya organizaciones o solicitudes de escala.")
@click.option("--batch-size", type=click.IntRange(min=100), default=2000, show_default=True,
              help="Filas por inserción.")
def seed_scale(orgs: int, advisory: int, surveys: int, attendances: int, seed_value: int,
               append: bool, batch_size: int) -> None:
    """Fill the registry with many fictional OSCs, the advisory queue with many requests,
    a satisfaction survey with many answers, and two years of events with many attendances,
    for benchmarks (bulk inserts)."""
    from community.core import pagecache
    from community.demo import fake
    from community.extensions import db

    places = fake.places_from_catalogue()
    if not places:
        raise click.ClickException("No hay municipios: corre primero `flask catalog load`.")
    with quiet():
        if orgs:
            _scale_orgs(orgs, seed_value, append, batch_size, places)
            pagecache.bump("registry")
        if advisory:
            _scale_advisory(advisory, seed_value, append, batch_size, places)
        if surveys:
            _scale_surveys(surveys, seed_value, append, batch_size, places)
        if attendances:
            _scale_attendances(attendances, seed_value, append, batch_size, places)
            pagecache.bump("events")
        db.session.commit()
    if orgs and "search" in current_app.cli.commands:
        click.echo("Reconstruye el índice de búsqueda: flask search reindex")


def _scale_orgs(orgs: int, seed_value: int, append: bool, batch_size: int, places) -> None:
    import random

    from sqlalchemy import select

    from community.core.timeutil import utcnow
    from community.demo import scale
    from community.extensions import db
    from community.profiles.models import Organization

    started = time.perf_counter()
    existing = scale.scale_rows_count()
    if existing and not append:
        raise click.ClickException(
            f"Ya hay {existing} organizaciones de escala (correo en .{scale.SCALE_DOMAIN}). "
            "Usa --append para agregar más, o empieza con una base de datos vacía.")
    taken = set(db.session.scalars(select(Organization.slug)))
    builder = scale.ScaleBuilder(random.Random(f"{seed_value}:{existing}"), places,
                                 existing + 1, taken)
    now = utcnow()
    with click.progressbar(length=orgs, label="Organizaciones") as bar:
        done = 0
        while done < orgs:
            size = min(batch_size, orgs - done)
            scale.insert_batch(builder.batch(size, now))
            done += size
            bar.update(size)
    click.echo(f"{orgs} organizaciones de escala creadas en "
               f"{time.perf_counter() - started:.1f} s ({existing + orgs} en total).")


def _scale_advisory(count: int, seed_value: int, append: bool, batch_size: int,
                    places) -> None:
    """``count`` advisory requests with their timelines, assigned among the staff."""
    import random

    from sqlalchemy import select

    from community.advisory import services
    from community.advisory.models import AdvisoryRequest
    from community.core.timeutil import utcnow
    from community.demo import scale
    from community.extensions import db

    started = time.perf_counter()
    existing = scale.advisory_scale_count()
    if existing and not append:
        raise click.ClickException(
            f"Ya hay {existing} solicitudes de asesoría de escala. Usa --append para agregar "
            "más, o empieza con una base de datos vacía.")
    staff_ids = [person_id for person_id, _name in services.staff_choices()]
    if not staff_ids:
        raise click.ClickException("No hay personal a quien asignar las solicitudes: corre "
                                   "primero `flask seed-demo` o crea una cuenta de personal.")
    taken = set(db.session.scalars(select(AdvisoryRequest.folio)))
    builder = scale.AdvisoryScaleBuilder(random.Random(f"{seed_value}:asesorias:{existing}"),
                                         places, staff_ids, existing, taken)
    now = utcnow()
    with click.progressbar(length=count, label="Solicitudes de asesoría") as bar:
        done = 0
        while done < count:
            size = min(batch_size, count - done)
            scale.insert_advisory_batch(builder.batch(size, now))
            done += size
            bar.update(size)
    click.echo(f"{count} solicitudes de asesoría de escala creadas en "
               f"{time.perf_counter() - started:.1f} s ({existing + count} en total).")


def _scale_surveys(count: int, seed_value: int, append: bool, batch_size: int,
                   places) -> None:
    """``count`` responses (with their answers, invitations and tallies) to one survey of 15
    questions, over two years, across scale events and municipalities."""
    import random

    from sqlalchemy import select

    from community.accounts.models import User
    from community.core.timeutil import utcnow
    from community.demo import scale
    from community.events.models import Event
    from community.extensions import db

    started = time.perf_counter()
    survey = scale.survey_scale_survey()
    if survey is not None and not append:
        raise click.ClickException(
            f"Ya existe la encuesta de escala (id {survey.id}). Usa --append para agregar "
            "más respuestas, o empieza con una base de datos vacía.")
    staff = db.session.scalar(select(User).where(User.role.in_(("staff", "admin")),
                                                 User.active.is_(True)).order_by(User.id))
    if staff is None:
        raise click.ClickException("No hay personal que cree la encuesta: corre primero "
                                   "`flask seed-demo` o crea una cuenta de personal.")
    rng = random.Random(f"{seed_value}:encuestas:{count}:{survey.id if survey else 0}")
    now = utcnow()
    if survey is None:
        survey = scale.make_survey_scale_survey(staff, now)
        events = scale.insert_survey_scale_events(rng, places, now)
    else:
        events = [(row.id, row.kind, row.municipality_code, row.starts_at.date())
                  for row in db.session.scalars(select(Event).where(
                      Event.slug.like(f"{scale.SURVEY_SCALE_SLUG}-%")))]
    from sqlalchemy import func

    from community.surveys.models import SurveyInvitation

    invited = db.session.scalar(select(func.count()).select_from(SurveyInvitation).where(
        SurveyInvitation.survey_id == survey.id))  # --append numbers the people on
    builder = scale.SurveyScaleBuilder(rng, survey, events, invited)
    with click.progressbar(length=count, label="Respuestas de encuesta") as bar:
        done = 0
        while done < count:
            size = min(batch_size, count - done)
            scale.insert_survey_batch(survey.id, builder.batch(size, now))
            done += size
            bar.update(size)
    click.echo(f"{count} respuestas de escala a la encuesta {survey.id} creadas en "
               f"{time.perf_counter() - started:.1f} s.")


def _scale_attendances(count: int, seed_value: int, append: bool, batch_size: int,
                       places) -> None:
    """``count`` attendances (checked-in registrations) at two years of scale events of every
    kind, by scale people on behalf of the scale OSCs; the scale advisory requests of an OSC
    get one of those OSCs."""
    import random

    from community.core.timeutil import utcnow
    from community.demo import scale_events

    started = time.perf_counter()
    existing = scale_events.attendance_scale_count()
    if existing and not append:
        raise click.ClickException(
            f"Ya hay {existing} asistencias de escala. Usa --append para agregar más, o "
            "empieza con una base de datos vacía.")
    rng = random.Random(f"{seed_value}:asistencias:{existing}")
    with click.progressbar(length=count, label="Asistencias") as bar:
        made = scale_events.seed_attendances(count, rng, places, utcnow(), batch_size,
                                             progress=bar.update)
    linked = scale_events.link_advisory_organizations(rng, batch_size)
    click.echo(f"{count} asistencias de escala creadas en {made['events']} eventos, con "
               f"{made['people']} personas y {made['registrations']} registros, en "
               f"{time.perf_counter() - started:.1f} s.")
    if linked:
        click.echo(f"{linked} solicitudes de asesoría de escala vinculadas a una OSC.")
