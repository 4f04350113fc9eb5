"""An XSS corpus stored through every write path people have, rendered in Chromium.

Each payload, if it ever ran, would set ``window.__xss`` (and most also call ``alert``). The
corpus goes into a topic's title and text, a reply, an edit, a report, a private message, a
person's name (through sign-up), a category's name and description (staff), an OSC's name and
mission, the file name of an OSC document, and an event's title, summary, speakers and
description. Then every page that shows them is opened (the forum board, category, topic,
notices, messages, search, calendar, event, profile, the admin's edit page with the document
list, the moderation queue, the edit history and the category management page), plus what
the pages' scripts insert themselves: the live reply (live.js parses a fragment and inserts
it), the Markdown preview (forums.js sets innerHTML) and the @mention suggestions. Then the
messages built by translating a sentence around someone's words (a lazy translation used to
count as safe HTML): a suspension reason on the sign-in page, a blocked person's name in the
composer's error, and the author's own name in the composer's "Mi nombre (...)" choice.
Advisory requests have their own test: a request's proposed OSC name, description, messages
both ways, internal notes, a session's topics and next steps, an outcome's note and a
cancellation reason, seen on the status page (through the signed link and signed in), the
requester's list, the staff queue and case page, and profiles' registration form pre-filled
from the status page's invitation; the internal notes never reach the requester's pages.
Surveys too: a survey's title, introduction, section title and description, question texts and
help, options (with "otro") and the answers people type, on the answering page (also sent back
with an error, and its thanks), the published results, the invited person's list and notices,
staff's list, builder, question pages, preview, results, comparison and text answers; the CSV
and XLSX exports leave only as attachments.

On every page: no dialog opened, ``window.__xss`` is undefined, no element carries an event
handler attribute, no link or source uses ``javascript:``, ``vbscript:`` or a ``data:``
document, no iframe/object/embed exists, every script comes from /static/, and the titles
show the payload as text. The console must stay clean too (the e2e conftest fails a test on
any console error): a CSP block would mean the sanitizer let a script through and only the
second wall held, which this test counts as a failure.
"""

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from community.accounts import services as accounts
from community.accounts.models import User
from community.advisory import services as advisory
from community.core.timeutil import utcnow
from community.events import services as events
from community.extensions import db
from community.forums import categories, conversations, moderation, services
from community.forums.models import Post, Topic
from community.forums.notices import handle_of
from community.library import extraction
from community.library import services as library
from community.profiles import documents
from community.search import index
from community.surveys import audiences as survey_audiences
from community.surveys import services as surveys
from tests.conftest import PASSWORD
from tests.e2e.test_forum_journey import wait_for_room
from tests.e2e.test_registry_journey import sign_in
from tests.events.conftest import event_form
from tests.library.publishing import attach, make_pdf

FLAG = "window.__xss"
PAYLOADS = (
    '<script>window.__xss="script";alert(1)</script>',
    '<img src=x onerror="window.__xss=\'img\';alert(1)">',
    '<svg onload="window.__xss=\'svg\';alert(1)">',
    '<math><mi xlink:href="javascript:window.__xss=\'math\'">math</mi></math>',
    '[enlace](javascript:window.__xss="md";alert(1))',
    '<a href="jAvAsCrIpT:window.__xss=\'case\';alert(1)">clic</a>',
    '"><script>window.__xss="break";alert(1)</script>',
    "'><img src=x onerror=window.__xss='quote'>",
    '<iframe srcdoc="<script>parent.__xss=\'srcdoc\'</script>"></iframe>',
    '<details open ontoggle="window.__xss=\'details\';alert(1)">detalles</details>',
    '<div style="width:expression(window.__xss=\'css\');background:url(javascript:alert(1))">'
    "estilo</div>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">datos</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "[x](vbscript:msgbox(1)) <object data=javascript:alert(1)></object>",
    "<body onload=window.__xss='body'><style>*{background:url(javascript:alert(1))}</style>",
)
CORPUS = "\n\n".join(PAYLOADS)
TITLE = '"><script>window.__xss="title"</script><img src=x onerror=alert(1)> Convocatoria'
NAME = 'Ana <img src=x onerror="window.__xss=\'name\';alert(1)"> Torres'
ORG_NAME = 'Red <svg onload="window.__xss=\'org\'"> de Mujeres de Neza'
FILE_NAME = '"><img src=x onerror=alert(1)>acta<script>alert(1)</script>.pdf'
CATEGORY_NAME = 'General <img src=x onerror="window.__xss=\'category\'">'
EVENT_TITLE = 'Taller <script>window.__xss="event"</script> de fondos'
ADVISORY_NAME = 'Colectivo <img src=x onerror="window.__xss=\'advisory\';alert(1)"> Verde'
NOTE_MARK = "Nota interna del personal"

AUDIT_DOM = """() => {
  const bad = [];
  const urlAttrs = ["href", "src", "xlink:href", "action", "formaction", "data", "poster"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["iframe", "object", "embed", "frame", "frameset", "base"].includes(tag)) {
      bad.push("element " + tag);
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) bad.push(tag + " " + name);
      if (name === "srcdoc") bad.push(tag + " srcdoc");
      const risky = /^(javascript:|vbscript:|data:text|data:image\\/svg)/;
      if (urlAttrs.includes(name) && risky.test(value)) {
        bad.push(tag + " " + name + "=" + attr.value.slice(0, 40));
      }
      if (name === "style" && /expression|javascript:/.test(value)) bad.push(tag + " style");
    }
  }
  for (const script of document.scripts) {
    const src = script.getAttribute("src") || "";
    if (!src.startsWith("/static/") && !src.startsWith(location.origin + "/static/")) {
      bad.push("script " + (src || "inline: " + script.textContent.slice(0, 40)));
    }
  }
  return bad;
}"""


class Watch:
    """Dialogs a page opened (each dismissed at once, so a test never hangs on one)."""

    def __init__(self, *pages) -> None:
        self.dialogs: list[str] = []
        for page in pages:
            page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_inert(self, page, label: str) -> None:
        page.wait_for_load_state("load")
        assert page.evaluate(f"() => typeof {FLAG}") == "undefined", \
            f"{label}: payload ran ({page.evaluate(f'() => {FLAG}')})"
        assert not self.dialogs, f"{label}: dialogs {self.dialogs}"
        bad = page.evaluate(AUDIT_DOM)
        assert not bad, f"{label}: dangerous markup {bad}"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _people(make_user):
    """The author signs up through the real form's service with a hostile name."""
    author = accounts.sign_up(accounts.SignUp(name=NAME, email="ana.xss@ejemplo.mx",
                                              password=PASSWORD,
                                              municipality="15058", accept_privacy=True))
    author.email_confirmed_at = utcnow()
    reader = make_user(email="lector@ejemplo.mx", name="Lector Atento")
    staff = make_user(email="moderacion@edomex.mx", role="staff", name="Moderación DGPS")
    db.session.commit()
    return author, reader, staff


def _organization(author, staff, make_org):
    org = make_org(name=ORG_NAME, admin=author, municipality="15058",
                   mission="Acompañamos a mujeres.\n\n" + CORPUS)
    file = FileStorage(BytesIO(_pdf()), filename=FILE_NAME, content_type="application/pdf")
    documents.add_document(author, org, "acta", file)
    db.session.commit()
    return org


def _forum(author, reader, staff, org):
    category = categories.create_category(staff, {
        "name": CATEGORY_NAME, "slug": "general", "group": "general", "position": "1",
        "description": PAYLOADS[1] + " " + PAYLOADS[6]})
    topic = services.create_topic(author, category, {
        "title": TITLE, "body": CORPUS, "organization": str(org.id)})
    first = services.reply(reader, topic, {"body": f"@{handle_of(author)} " + CORPUS})
    second = services.reply(author, topic, {"body": "Respuesta por editar.",
                                            "quote": str(first.id)})
    services.edit_post(author, second, {"body": CORPUS + "\n\n(editado)"})
    moderation.report_post(reader, second, CORPUS)
    db.session.commit()
    return topic


def _messages(author, reader):
    conversation = conversations.start_conversation(author, {
        "to": [handle_of(reader)], "subject": TITLE, "body": CORPUS})
    conversations.send_message(reader, conversation, {"body": CORPUS})
    db.session.commit()
    return conversation


def _event(staff):
    event = events.create_event(staff, event_form(
        title=EVENT_TITLE, summary=PAYLOADS[1], description=CORPUS, speakers=NAME,
        venue=PAYLOADS[2]))
    events.publish(staff, event)
    db.session.commit()
    return event


def _library(staff):
    series = library.save_series(staff, {"title": CATEGORY_NAME, "description": CORPUS})
    issue = library.create_resource(staff, {
        "title": TITLE, "kind": "issue", "issued": "2024", "series": series.slug,
        "issue_number": "1", "description": CORPUS, "creators": NAME + "\n" + PAYLOADS[1],
        "publisher": PAYLOADS[2], "identifier": PAYLOADS[0][:100]})
    attach(staff, issue, make_pdf(["Convocatoria " + CORPUS, "Segunda " + CORPUS]), FILE_NAME)
    library.set_parts(staff, issue, f"1-1 | {EVENT_TITLE} | {NAME}\n2-2 | {PAYLOADS[1]} | x")
    library.publish(staff, issue)
    db.session.commit()
    extraction.extract_all_pending()
    return issue


@pytest.fixture
def stored(make_user, make_org):
    """Every write path, fed the corpus. Returns plain values, and ends the test thread's
    transaction: touching an expired ORM object later would open a write transaction here
    (SQLite, BEGIN IMMEDIATE) and the live server's requests would wait for it."""
    author, reader, staff = _people(make_user)
    org = _organization(author, staff, make_org)
    topic = _forum(author, reader, staff, org)
    conversation = _messages(author, reader)
    event = _event(staff)
    issue = _library(staff)
    index.check()  # opens the index: the outbox drained after each commit
    values = {"author": author.email, "author_id": author.id, "reader": reader.email,
              "staff": staff.email, "org": org.slug, "topic_id": topic.id,
              "conversation": conversation.id, "event": event.slug,
              "topic_url": f"/foros/t/{topic.id}-{topic.slug}",
              "edited_post": _post_id(topic.id, 3), "issue": issue.slug,
              "issue_id": issue.id, "series": issue.series.slug,
              "article": issue.parts[0].slug}
    db.session.rollback()
    return values


def _visit(watch, page, paths, label):
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{label} {path}: HTTP {response.status}"
        watch.assert_inert(page, f"{label} {path}")


def test_stored_corpus_never_runs_on_any_page(page, phone, stored):
    watch = Watch(page, phone)
    topic_url = stored["topic_url"]
    public = ["/foros", "/foros/general", topic_url, f"/osc/{stored['org']}",
              "/eventos", f"/eventos/{stored['event']}", "/buscar?q=convocatoria",
              "/buscar?q=mujeres+neza", "/osc?municipio=15058", "/biblioteca",
              f"/biblioteca/{stored['issue']}", f"/biblioteca/{stored['article']}",
              f"/biblioteca/series/{stored['series']}", "/biblioteca?q=convocatoria",
              "/buscar?q=segunda"]
    _visit(watch, phone, public, "anonymous")
    phone.goto(topic_url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text('"><script>window.__xss=')

    sign_in(page, stored["reader"])
    _visit(watch, page, public + ["/cuenta/avisos", "/mensajes",
                                  f"/mensajes/{stored['conversation']}"], "reader")
    expect(page.get_by_role("main")).to_contain_text("<script>window.__xss=")

    page.context.clear_cookies()
    sign_in(page, stored["author"])
    slug = stored["org"]
    _visit(watch, page, [f"/osc/{slug}/editar", f"/osc/{slug}/historial", "/cuenta/avisos",
                         "/cuenta"], "author")
    page.goto(f"/osc/{slug}/editar")
    expect(page.get_by_role("main")).to_contain_text("acta")

    page.context.clear_cookies()
    sign_in(page, stored["staff"])
    edited = stored["edited_post"]
    _visit(watch, page, ["/foros/moderacion", f"/foros/p/{edited}/historial", topic_url,
                         "/foros/gestion/categorias", "/biblioteca/gestion",
                         f"/biblioteca/gestion/{stored['issue_id']}",
                         f"/biblioteca/gestion/{stored['issue_id']}/editar",
                         f"/biblioteca/{stored['issue']}"],
           "staff")


def test_corpus_inserted_by_the_pages_scripts_never_runs(page, stored):
    """What live.js and forums.js put into the page themselves: a live reply (a parsed
    fragment), the Markdown preview (innerHTML) and the @mention suggestions."""
    watch = Watch(page)
    sign_in(page, stored["reader"])
    page.goto(stored["topic_url"])
    wait_for_room(stored["topic_id"], 1)
    number = _reply_now(stored["author_id"], stored["topic_id"], CORPUS + "\n\nen vivo")
    expect(page.locator(f"#posts #p{number}")).to_contain_text("en vivo")
    watch.assert_inert(page, "live reply")

    composer = page.get_by_label("Tu respuesta")
    composer.fill(CORPUS)
    page.get_by_role("button", name="Vista previa").click()
    expect(page.locator(".composer__preview")).to_be_visible()
    expect(page.locator(".composer__preview-body")).to_contain_text("clic")
    watch.assert_inert(page, "preview")

    composer.fill("")
    composer.press_sequentially("Hola @Ana")
    expect(page.get_by_role("listbox").get_by_role("option").first).to_contain_text(
        re.compile("Ana"))
    watch.assert_inert(page, "mention suggestions")


def _post_id(topic_id: int, number: int) -> int:
    return db.session.scalar(select(Post.id).where(Post.topic_id == topic_id,
                                                   Post.number == number))


def _reply_now(author_id: int, topic_id: int, body: str) -> int:
    """A reply written while the reader's page is open; its number, read before the commit
    so the test thread holds no transaction afterwards."""
    post = services.reply(db.session.get(User, author_id), db.session.get(Topic, topic_id),
                          {"body": body})
    number = post.number
    db.session.commit()
    return number


@pytest.mark.allow_console_errors
def test_the_audit_catches_an_injected_handler(page):
    """The checks above are not vacuous: markup that slips past the sanitizer is flagged by
    the audit even when the CSP stops it from running, and the console then reports the CSP
    block (which is why the real corpus test must see a clean console)."""
    watch = Watch(page)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto("/")
    injected = '<img src="/static/nada.png" onerror="window.__xss=1"><a href="javascript:0">x</a>'
    page.evaluate("(html) => document.body.insertAdjacentHTML('beforeend', html)", injected)
    page.wait_for_timeout(500)
    with pytest.raises(AssertionError, match="img onerror"):
        watch.assert_inert(page, "self-test")
    assert page.evaluate(f"() => typeof {FLAG}") == "undefined"  # the CSP held
    assert any("Content Security Policy" in text for text in console), console


def test_translated_messages_carry_people_s_words_as_text(page, stored, make_user):
    """Sentences translated around a person's words: the words stay text in every one."""
    watch = Watch(page)
    staff = db.session.scalar(select(User).where(User.email == stored["staff"]))
    reader = db.session.scalar(select(User).where(User.email == stored["reader"]))
    author = db.session.get(User, stored["author_id"])
    suspended = make_user(email="suspendida@ejemplo.mx", name=NAME)
    accounts.suspend_for(staff, suspended, "Motivo: " + PAYLOADS[1] + " " + PAYLOADS[6],
                         days=3)
    conversations.block(reader, author)
    values = {"suspended": suspended.id, "author_handle": handle_of(author)}
    db.session.commit()

    page.goto("/cuenta/entrar")
    page.get_by_label("Correo electrónico").fill("suspendida@ejemplo.mx")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("main")).to_contain_text("Tu cuenta está suspendida")
    expect(page.get_by_role("main")).to_contain_text("onerror=")
    watch.assert_inert(page, "suspension reason on sign-in")

    sign_in(page, stored["reader"])
    page.goto("/mensajes/nueva")
    page.get_by_label("Para").fill(values["author_handle"])
    page.get_by_label("Asunto").fill("Hola")
    page.get_by_label("Mensaje").fill("Un mensaje.")
    page.get_by_role("main").get_by_role("button", name="Enviar").click()
    expect(page.get_by_role("main")).to_contain_text("Bloqueaste a Ana <img")
    watch.assert_inert(page, "blocked name in the composer's error")

    page.context.clear_cookies()
    sign_in(page, stored["author"])
    _visit(watch, page, ["/foros/general/nuevo"], "author")
    expect(page.get_by_label("Publicar a nombre de")).to_contain_text("Mi nombre (Ana <img")

    page.context.clear_cookies()
    sign_in(page, stored["staff"])
    _visit(watch, page, [f"/foros/moderacion/cuentas/{values['suspended']}/suspender"], "staff")


def _advisory_request(actor, email: str):
    """A request whose proposed OSC name, description and contact name are the corpus."""
    return advisory.create_request(actor, {
        "topic": "constituir", "requester_kind": "grupo", "proposed_name": ADVISORY_NAME,
        "founders_count": "6", "organization_id": "", "municipality_code": "15106",
        "modality": "municipio", "description": CORPUS, "contact_preference": "correo",
        "contact_name": NAME, "contact_email": email, "contact_phone": "", "locale": "es_MX"})


def _advisory_in_progress(staff):
    """Anonymous, confirmed, assigned; messages both ways, an internal note, a session and
    an outcome, all carrying the corpus; left open, so every form of the pages shows."""
    req = _advisory_request(None, "anonima.xss@ejemplo.mx")
    advisory.confirm_request(advisory.confirmation_token(req))
    token = advisory.status_token(req)
    advisory.assign(staff, req, staff.id)
    advisory.post_message(staff, req, CORPUS)
    advisory.post_message(None, req, CORPUS + "\n\nde quien pide", token=token)
    advisory.add_note(staff, req, NOTE_MARK + "\n\n" + CORPUS)
    advisory.log_session(staff, req, {
        "held_on": advisory.today().isoformat(), "modality": "municipio",
        "municipality_code": "15106", "duration_minutes": "60", "people_attended": "6",
        "topics": CORPUS, "next_steps": CORPUS})
    advisory.change_state(staff, req, "en_atencion")
    advisory.record_outcome(staff, req, {"kind": "orientacion", "note": PAYLOADS[1]})
    return req, token


def _advisory_concluded(staff, citizen):
    """A signed-in citizen's request concluded with an OSC constituted (the status page
    invites her to register it, with the proposed name in the link)."""
    req = _advisory_request(citizen, citizen.email)
    advisory.assign(staff, req, staff.id)
    advisory.change_state(staff, req, "en_atencion")
    advisory.record_outcome(staff, req, {"kind": "osc_constituida",
                                         "achieved_on": advisory.today().isoformat(),
                                         "note": PAYLOADS[2]})
    advisory.conclude(staff, req)
    return req


@pytest.fixture
def advisory_stored(make_user):
    staff = make_user(email="asesoria.xss@edomex.mx", role="staff", name=NAME)
    citizen = make_user(email="vecina.xss@ejemplo.mx", name=NAME)
    open_req, token = _advisory_in_progress(staff)
    concluded = _advisory_concluded(staff, citizen)
    cancelled = _advisory_request(citizen, citizen.email)
    advisory.change_state(staff, cancelled, "cancelada", PAYLOADS[0] + " " + PAYLOADS[6])
    db.session.commit()
    values = {"staff": staff.email, "citizen": citizen.email, "open": open_req.folio,
              "token": token, "concluded": concluded.folio, "cancelled": cancelled.folio}
    db.session.rollback()
    return values


def test_advisory_corpus_never_runs_nor_shows_internal_notes(page, phone, advisory_stored):
    watch = Watch(page, phone)
    folios = advisory_stored
    status = f"/asesorias/{folios['open']}?t={folios['token']}"
    _visit(watch, phone, [status], "anonymous requester")
    main = phone.get_by_role("main")
    expect(main).to_contain_text(ADVISORY_NAME)
    expect(main).to_contain_text("clic")
    expect(main).not_to_contain_text(NOTE_MARK)

    sign_in(phone, folios["citizen"])
    _visit(watch, phone, ["/asesorias/mis-solicitudes", f"/asesorias/{folios['cancelled']}",
                          f"/asesorias/{folios['concluded']}"], "signed-in requester")
    expect(main).not_to_contain_text(NOTE_MARK)
    phone.get_by_role("link", name="Registra tu OSC en la plataforma").click()
    expect(phone.get_by_label("Nombre de la organización")).to_have_value(ADVISORY_NAME)
    watch.assert_inert(phone, "registration pre-filled from the advisory request")

    sign_in(page, folios["staff"])
    _visit(watch, page, ["/personal/asesorias", "/personal/asesorias?q=Colectivo",
                         f"/personal/asesorias/{folios['open']}",
                         f"/personal/asesorias/{folios['concluded']}",
                         f"/personal/asesorias/{folios['cancelled']}",
                         "/personal/asesorias/mapa", "/personal", "/cuenta/avisos"], "staff")
    page.goto(f"/personal/asesorias/{folios['open']}")
    expect(page.locator("#historial")).to_contain_text(NOTE_MARK)
    expect(page.get_by_role("main")).to_contain_text("<img src=x onerror=")


SURVEY_TITLE = 'Encuesta <img src=x onerror="window.__xss=\'survey\';alert(1)"> del taller'
SURVEY_OPTION = '<svg onload="window.__xss=\'option\'">Sí</svg>'
SURVEY_TYPED = '"><script>window.__xss="typed"</script><img src=x onerror=alert(1)>'


def _survey_structure(staff, survey):
    """A section, a choice question whose text, help and options are the corpus (with
    "otro"), a question shown only after one of those options, a scale and two texts."""
    section = surveys.add_section(staff, survey, {"title": PAYLOADS[1],
                                                  "description": PAYLOADS[6]})
    choice = surveys.add_question(staff, survey, {
        "kind": "multiple", "text": PAYLOADS[0], "help": PAYLOADS[2], "required": True,
        "allow_other": True, "section_id": str(section.id),
        "options": [SURVEY_OPTION, PAYLOADS[5][:200], PAYLOADS[3]]})
    conditional = surveys.add_question(staff, survey, {
        "kind": "likert_agreement", "text": PAYLOADS[7], "required": False,
        "condition_question_id": str(choice.id), "condition_option": "o1"})
    scale = surveys.add_question(staff, survey, {"kind": "rating", "text": PAYLOADS[9],
                                                 "required": True})
    short = surveys.add_question(staff, survey, {"kind": "short_text", "text": PAYLOADS[4],
                                                 "help": PAYLOADS[8][:200]})
    long = surveys.add_question(staff, survey, {"kind": "long_text", "text": PAYLOADS[12]})
    return {"choice": choice, "conditional": conditional, "scale": scale, "short": short,
            "long": long}


def _survey_answers(questions, n: int) -> dict:
    return {questions["choice"].field_name: ["o1", "__other"],
            questions["choice"].field_name + "_other": PAYLOADS[6],
            questions["conditional"].field_name: "4", questions["scale"].field_name: "5",
            questions["short"].field_name: f"{n} {SURVEY_TYPED}",
            questions["long"].field_name: CORPUS}


@pytest.fixture
def survey_stored(make_user):
    """A public survey with the corpus in every text staff write, published results and five
    anonymous answers carrying it (the fewest that show); a signed-in citizen invited to it;
    and a draft copy, whose question pages staff may still open."""
    staff = make_user(email="encuestas.xss@edomex.mx", role="staff", name=NAME)
    citizen = make_user(email="encuestada.xss@ejemplo.mx", name=NAME)
    survey = surveys.create_survey(staff, {
        "title": SURVEY_TITLE, "intro": CORPUS, "anonymous": True, "audience": "public",
        "reminder_days": "7", "results_public": True})
    questions = _survey_structure(staff, survey)
    surveys.open_survey(staff, survey)
    survey_audiences.invite_users(survey, [citizen.id])
    for n in range(5):
        surveys.submit(None, survey, _survey_answers(questions, n), anon_key=f"{n:064x}")
    copy = surveys.duplicate(staff, survey)
    db.session.commit()
    values = {"staff": staff.email, "citizen": citizen.email, "slug": survey.slug,
              "id": survey.id, "copy": copy.id, "copy_question": copy.questions[0].id,
              "short": questions["short"].id, "choice": questions["choice"].field_name}
    db.session.rollback()
    return values


def _answer_with_the_corpus(watch, phone, slug: str) -> None:
    """What an anonymous visitor types comes back as text: on the form sent back with a
    missing answer (422), then on the thanks page."""
    phone.goto(f"/encuestas/{slug}")
    watch.assert_inert(phone, "survey answering page")
    expect(phone.get_by_role("heading", level=1)).to_have_text(SURVEY_TITLE)
    phone.get_by_role("textbox").first.fill(SURVEY_TYPED)
    phone.locator("textarea").fill(CORPUS)
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    expect(phone.get_by_role("alert")).to_be_visible()
    watch.assert_inert(phone, "survey answers sent back with an error")
    expect(phone.locator("textarea")).to_have_value(CORPUS)
    phone.get_by_label("Otro", exact=True).check()
    phone.get_by_label("5 de 5", exact=True).check()
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Gracias")
    watch.assert_inert(phone, "survey thanks page")


def test_survey_corpus_never_runs_on_any_page_nor_export(page, phone, survey_stored):
    watch = Watch(page, phone)
    stored = survey_stored
    slug, survey_id = stored["slug"], stored["id"]
    _visit(watch, phone, [f"/encuestas/{slug}/resultados"], "anonymous")
    expect(phone.get_by_role("main")).to_contain_text("window.__xss='option'")
    _answer_with_the_corpus(watch, phone, slug)

    sign_in(page, stored["citizen"])
    _visit(watch, page, ["/encuestas", "/cuenta/avisos", f"/encuestas/{slug}"], "invited")
    expect(page.get_by_role("heading", level=1)).to_have_text(SURVEY_TITLE)

    page.context.clear_cookies()
    sign_in(page, stored["staff"])
    builder = f"/personal/encuestas/{survey_id}"
    copy = f"/personal/encuestas/{stored['copy']}"
    _visit(watch, page, [
        "/personal/encuestas", builder, f"{builder}/vista-previa", f"{builder}/resultados",
        f"{builder}/resultados/comparar", f"{builder}/resultados/textos/{stored['short']}",
        copy, f"{copy}/preguntas/{stored['copy_question']}", f"{copy}/preguntas/nueva",
        f"{copy}/vista-previa"], "staff")
    page.goto(f"{builder}/resultados/textos/{stored['short']}")
    expect(page.get_by_role("main")).to_contain_text(SURVEY_TYPED)
    for extension, mimetype in (("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        response = page.request.get(f"{builder}/resultados.{extension}")
        assert response.status == 200, extension
        assert mimetype in response.headers["content-type"], response.headers
        assert response.headers["content-disposition"].startswith("attachment"), extension
        assert response.headers.get("x-content-type-options") == "nosniff", extension
    assert SURVEY_TYPED.replace('"', '""') in page.request.get(
        f"{builder}/resultados.csv").text()
