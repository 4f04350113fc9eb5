"""Text helpers shared by catalogues, slugs and filters."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case without accents, so that 'nezahualcoyotl' matches 'Nezahualcóyotl'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def slugify(text: str, max_length: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "sin-nombre"
