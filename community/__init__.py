"""Comunidad OSC: the application factory."""

from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from community.config import Config
from community.core import i18n  # noqa: F401 - lazy translations are escaped in HTML
from community.core.inputs import IdConverter
from community.core.security import SecureCookiesOnHttps
from community.extensions import babel, csrf, db, limiter, login_manager, mail, migrate, socketio

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(Path(config.INSTANCE_DIR).resolve()),
    )
    app.config.from_object(config)
    # Before any route exists: every <int:...> in a URL is a database id (core.inputs).
    app.url_map.converters["int"] = IdConverter
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    app.wsgi_app = SecureCookiesOnHttps(app.wsgi_app)
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    _init_extensions(app)
    _register_blueprints(app)
    from community.core import pwa

    pwa.init_app(app)  # the installable app: manifest, service worker, offline page
    _register_request_hooks(app)
    from community.errors import register_error_handlers

    register_error_handlers(app)
    _register_cli(app)
    _register_template_helpers(app)
    from community import search

    search.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from community.core import assets, database  # noqa: F401 - database: the SQLite listeners

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    mail.init_app(app)
    assets.init_app(app)  # hashed static URLs, their cache headers, compressed responses
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    i18n.install_template_gettext(app)
    i18n.install_date_filters(app)
    _init_login(app)
    socketio.init_app(
        app,
        async_mode="threading",
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        cors_allowed_origins=app.config["SOCKETIO_CORS_ORIGINS"],
        manage_session=False,
    )


def _init_login(app: Flask) -> None:
    from community.accounts.services import user_for_session

    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Entra con tu cuenta para ver esta página.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The cookies name the account's token and one device session (accounts.models)."""
        return user_for_session(session_id)


def select_locale() -> str:
    """The language chosen on this device, then the account's, then the browser's."""
    from flask_login import current_user

    if not has_request_context():
        return Config.BABEL_DEFAULT_LOCALE
    languages = list(Config.LANGUAGES)
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    best = request.accept_languages.best_match(["es", "es-MX", "en"])
    return "en" if best == "en" else Config.BABEL_DEFAULT_LOCALE


def _register_blueprints(app: Flask) -> None:
    from community import main
    from community.accounts import bp as accounts_bp
    from community.advisory import bp as advisory_bp
    from community.events import bp as events_bp
    from community.forums import bp as forums_bp
    from community.library import bp as library_bp
    from community.profiles import bp as profiles_bp
    from community.staff import bp as staff_bp
    from community.staff import public_bp as results_bp
    from community.surveys import bp as surveys_bp

    app.register_blueprint(main.bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(forums_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(advisory_bp)
    app.register_blueprint(surveys_bp)
    from community.accounts import realtime  # noqa: F401 - socket handlers

    # What each module keeps about a person (core.personal_data): export and account closing.
    from community.advisory import personal_data as _advisory_data  # noqa: F401
    from community.events import personal_data as _events_data  # noqa: F401
    from community.forums import personal_data as _forums_data  # noqa: F401
    from community.profiles import personal_data as _profiles_data  # noqa: F401
    from community.surveys import audiences as _survey_audiences  # noqa: F401 - signal receivers
    from community.surveys import personal_data as _surveys_data  # noqa: F401


def _register_request_hooks(app: Flask) -> None:
    from community.core.database import mark_read_only
    from community.core.security import add_security_headers, refuse_nul_characters

    app.before_request(refuse_nul_characters)

    @app.before_request
    def _sqlite_transaction_kind():
        mark_read_only(request.method in {"GET", "HEAD", "OPTIONS"})

    @app.teardown_request
    def _reset_transaction_kind(_exc):
        mark_read_only(False)

    app.after_request(add_security_headers)
    from community.core import pagecache, submissions

    # Registered after compression, so it runs before it: the page is filled, then compressed.
    app.before_request(pagecache.open_personal_parts)
    app.after_request(pagecache.fill_personal_parts)

    submissions.init_app(app)  # last: a key is looked up after CSRF, limits and sign-in


def _register_cli(app: Flask) -> None:
    from community.accounts.cli import users_cli
    from community.accounts.notification_cli import notifications_cli
    from community.advisory.cli import advisory_cli
    from community.cli import catalog_cli
    from community.core.mail_cli import mail_cli
    from community.demo.cli import seed_demo, seed_scale  # the only import of community.demo
    from community.events.cli import events_cli
    from community.library.cli import library_cli
    from community.profiles.registry_cli import registry_cli
    from community.staff.indicator_cli import indicators_cli
    from community.surveys.cli import surveys_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(registry_cli)
    app.cli.add_command(seed_scale)
    app.cli.add_command(events_cli)
    app.cli.add_command(library_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(advisory_cli)
    app.cli.add_command(surveys_cli)
    app.cli.add_command(indicators_cli)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from community.core.pagecache import personal
    from community.core.timeutil import machine_time, to_local
    from community.core.urls import return_path, template_url_for

    app.jinja_env.globals["url_for"] = template_url_for
    app.jinja_env.filters["local"] = to_local
    app.jinja_env.filters["machine_time"] = machine_time  # <time datetime="...">
    app.jinja_env.globals["return_path"] = return_path
    app.jinja_env.globals["personal"] = personal
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["languages"] = app.config["LANGUAGES"]
