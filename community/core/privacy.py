"""The aviso de privacidad: its version, in this one place.

Changing the notice's text (templates/main/privacy.html) means a new version here; every
signed-in person who accepted an older one then sees a banner to review and accept it
(accounts.services.accept_privacy_notice).
"""

from datetime import date

PRIVACY_NOTICE_VERSION = "2026-12"
PRIVACY_NOTICE_DATE = date(2026, 12, 8)
