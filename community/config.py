"""Settings, all overridable by environment variables.

Defaults keep everything under ``instance/`` so that ``make run`` needs no set-up;
production sets ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY`` and the ``MAIL_*`` values.
"""

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_or_create_secret_key(instance_dir: Path) -> str:
    """A secret generated once and kept, so sessions survive restarts without a constant in code."""
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_url(url: str | None, instance_dir: Path) -> str:
    """SQLite in the instance folder unless told otherwise; psycopg 3 for PostgreSQL."""
    if not url:
        return f"sqlite:///{instance_dir / 'community.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Production-ready defaults; every value may come from the environment."""

    TESTING = False

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.INSTANCE_DIR = Path(env.get("INSTANCE_DIR", DEFAULT_INSTANCE))
        self.SECRET_KEY = env.get("SECRET_KEY") or load_or_create_secret_key(self.INSTANCE_DIR)
        self.SQLALCHEMY_DATABASE_URI = database_url(env.get("DATABASE_URL"), self.INSTANCE_DIR)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.UPLOAD_DIR = env.get("UPLOAD_DIR", str(self.INSTANCE_DIR / "uploads"))
        self.SEARCH_INDEX_DIR = env.get("SEARCH_INDEX_DIR", str(self.INSTANCE_DIR / "search-index"))
        # Read what every query needs in a background thread when an index is opened.
        self.SEARCH_WARM = env.get("SEARCH_WARM", "true").strip().lower() in {"1", "true", "yes"}
        # Decoded postings kept per process: at 250,000 documents the common words' postings
        # take about 180 MB; the registry's real index needs a few MB (bench/README.md).
        self.SEARCH_POSTINGS_CACHE_MB = int(env.get("SEARCH_POSTINGS_CACHE_MB", "192"))
        self.MAIL_DIR = env.get("MAIL_DIR", str(self.INSTANCE_DIR / "mail"))
        self.MAIL_SERVER = env.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(env.get("MAIL_PORT", "25"))
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
        self.MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = env.get(
            "MAIL_DEFAULT_SENDER", "Comunidad OSC <no-responder@comunidad-osc.local>"
        )
        # Without an SMTP server, mail is written to the log and to MAIL_DIR instead.
        self.MAIL_SUPPRESS_SEND = not self.MAIL_SERVER
        # The outbox's sender (community/core/mail_sender.py).
        self.MAIL_TIMEOUT = float(env.get("MAIL_TIMEOUT", "30"))
        self.MAIL_BATCH_SIZE = int(env.get("MAIL_BATCH_SIZE", "50"))
        self.MAIL_SEND_INTERVAL = float(env.get("MAIL_SEND_INTERVAL", "5"))
        self.MAIL_RETRY_BASE_SECONDS = int(env.get("MAIL_RETRY_BASE_SECONDS", "30"))
        self.MAIL_RETRY_MAX_SECONDS = int(env.get("MAIL_RETRY_MAX_SECONDS", "3600"))
        self.MAIL_MAX_ATTEMPTS = int(env.get("MAIL_MAX_ATTEMPTS", "10"))
        # A sender that dies keeps its claimed rows this long; longer than a batch can take.
        self.MAIL_CLAIM_SECONDS = int(env.get("MAIL_CLAIM_SECONDS", "900"))
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", str(12 * 1024 * 1024)))
        # The library (community/library/): a PDF's largest size (its upload form only), and
        # the limits of the child process that reads a PDF's text and renders its cover.
        self.LIBRARY_MAX_UPLOAD_BYTES = int(env.get("LIBRARY_MAX_UPLOAD_BYTES",
                                                    str(60 * 1024 * 1024)))
        self.LIBRARY_MAX_PAGES = int(env.get("LIBRARY_MAX_PAGES", "2000"))
        self.LIBRARY_EXTRACT_SECONDS = float(env.get("LIBRARY_EXTRACT_SECONDS", "120"))
        self.LIBRARY_EXTRACT_MEMORY_MB = int(env.get("LIBRARY_EXTRACT_MEMORY_MB", "768"))
        self.LIBRARY_CHECK_SECONDS = float(env.get("LIBRARY_CHECK_SECONDS", "20"))
        self.LIBRARY_COVER_WIDTH = int(env.get("LIBRARY_COVER_WIDTH", "360"))
        self.LIBRARY_EXTRACT_INTERVAL = float(env.get("LIBRARY_EXTRACT_INTERVAL", "10"))
        # The padrón's import (profiles/padron_views.py): a file of fewer rows than this is
        # applied within its request, a larger one in a background thread (PADRON_APPLY_INLINE
        # applies every file within its request, for the tests).
        self.PADRON_INLINE_ROWS = int(env.get("PADRON_INLINE_ROWS", "3000"))
        self.PADRON_APPLY_INLINE = _env_bool("PADRON_APPLY_INLINE", False)
        self.SOCKETIO_CORS_ORIGINS = [
            o for o in env.get("SOCKETIO_CORS_ORIGINS", "").split(",") if o
        ] or None
        self.RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
        # Brotli/Zstandard/gzip for text responses (core/assets.py); off when a proxy does it.
        self.COMPRESS_RESPONSES = _env_bool("COMPRESS_RESPONSES", True)
        self.PAGE_CACHE_DISABLED = _env_bool("PAGE_CACHE_DISABLED", False)
        # Bytes of rendered pages each process keeps (least recently used go first).
        self.PAGE_CACHE_MAX_BYTES = int(env.get("PAGE_CACHE_MAX_BYTES", str(32 * 1024 * 1024)))
        # How long a computed indicator may be reused (staff/figures.py); 0: never.
        self.INDICATOR_CACHE_SECONDS = int(env.get("INDICATOR_CACHE_SECONDS", "120"))
        # A stored figure older than its data may be shown this long, with its time
        self.INDICATOR_STALE_SECONDS = int(env.get("INDICATOR_STALE_SECONDS", "900"))
        # How often the background refresh (thread of `make run`, `flask indicators refresh
        # --loop`) recomputes the default figures: a round at scale counts millions of rows
        # (15-35 s of one core), so every five minutes, well within the stale window
        self.INDICATOR_REFRESH_SECONDS = float(env.get("INDICATOR_REFRESH_SECONDS", "300"))
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.SOCKETIO_MESSAGE_QUEUE = self.REDIS_URL
        self.PREFERRED_URL_SCHEME = env.get("PREFERRED_URL_SCHEME", "http")
        self.BASE_URL = env.get("BASE_URL", "http://127.0.0.1:5000")
        self.TRUST_PROXY = _env_bool("TRUST_PROXY", False)
        # Host names this site answers to (Flask refuses others with 400); none: any host.
        # Links never come from the Host header (they come from BASE_URL) either way.
        self.TRUSTED_HOSTS = [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",")
                              if h.strip()] or None
        self.CONTACT = {
            "name": "Dirección General de Participación Social",
            "address": env.get("CONTACT_ADDRESS", "Toluca de Lerdo, Estado de México"),
            "phone": env.get("CONTACT_PHONE", ""),
            "email": env.get("CONTACT_EMAIL", "participacion.social@edomex.gob.mx"),
        }
        # Who signs the certificates of attendance (events/certificates.py): the name is
        # printed only when set; the title always.
        self.CERTIFICATE_SIGNER_NAME = env.get("CERTIFICATE_SIGNER_NAME", "")
        self.CERTIFICATE_SIGNER_TITLE = env.get(
            "CERTIFICATE_SIGNER_TITLE",
            "Titular de la Dirección General de Participación Social")

    TEMPLATES_AUTO_RELOAD = False
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - an algorithm name
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "es_MX"
    BABEL_DEFAULT_TIMEZONE = "America/Mexico_City"
    LANGUAGES = {"es_MX": "Español", "en": "English"}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    # Per client address, every try.
    RATELIMIT_SIGNIN = "10 per minute"
    # Per account and client network (/24, /64), failed tries only: a stranger elsewhere
    # cannot use up the tries of the person's own network.
    RATELIMIT_SIGNIN_ACCOUNT = "5 per minute"
    # Per account, failed tries from every network it never signed in from, together.
    RATELIMIT_SIGNIN_ACCOUNT_NEW_NETWORKS = "20 per hour"
    RATELIMIT_SIGNUP = "5 per hour"
    RATELIMIT_RESET = "5 per hour"
    # Per account: each registration mails a confirmation (a congress hall shares one address).
    RATELIMIT_EVENT_REGISTRATION = "10 per minute;60 per hour"
    # Per address, counting only codes that do not exist: guessing, not checking.
    RATELIMIT_CERTIFICATE_LOOKUP = "20 per minute;100 per hour"
    # An advisory request mails its requester and lands in staff's queue: per person or
    # address and per e-mail typed. Messages on a request, per person or address.
    RATELIMIT_ADVISORY_REQUEST = "5 per hour;20 per day"
    RATELIMIT_ADVISORY_MESSAGE = "10 per minute;60 per hour"
    # Answers to a public survey from visitors without an account, per address (accounts
    # and invitation links answer once by constraint, not by rate).
    RATELIMIT_SURVEY_ANSWER = "20 per hour;100 per day"
    RATELIMIT_HEADERS_ENABLED = True


class TestConfig(Config):
    """Isolated settings for pytest: a private instance folder, captured mail, CSRF still on."""

    TESTING = True

    def __init__(self, instance_dir: Path, database: str | None = None,
                 redis: str | None = None) -> None:
        env = {"INSTANCE_DIR": str(instance_dir), "SECRET_KEY": "test-only-secret"}
        if database:
            env["DATABASE_URL"] = database
        if redis:
            env["REDIS_URL"] = redis
        super().__init__(env)
        self.MAIL_SUPPRESS_SEND = True
        # Hashing cost is for attackers, not for a test suite that signs in thousands of times.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
        # One Redis listener thread per test app would pile up; the scale test opts in.
        self.SOCKETIO_MESSAGE_QUEUE = None
        # A thread reading each test's small index would only race the test's own clean-up.
        self.SEARCH_WARM = False
        # Each test makes its own rows: a figure kept from an earlier test would be wrong.
        self.INDICATOR_CACHE_SECONDS = 0
        self.INDICATOR_STALE_SECONDS = 0
        # The padrón's import applies within the request: no thread outlives the test's data.
        self.PADRON_APPLY_INLINE = True
