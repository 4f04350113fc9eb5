"""The one index's fields. Every kind fills the same fields, so one query ranks them all."""

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from community.search.analysis import folding_analyzer, spanish_analyzer

# Bumped when the schema or the analyzers change: `flask search check` then asks for a reindex.
# 2: no word positions (``phrase=False``): nothing asks for a phrase, snippets re-read the
#    stored text, and positions were most of every block of postings read per query.
SCHEMA_VERSION = 2


def build_schema() -> Schema:
    spanish, folding = spanish_analyzer(), folding_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),  # "<kind>:<primary key>"
        kind=ID(stored=True),
        object_id=STORED,
        title=TEXT(analyzer=spanish, stored=True, field_boost=3.0, phrase=False),
        body=TEXT(analyzer=spanish, stored=True, phrase=False),
        place=TEXT(analyzer=spanish, field_boost=2.0, phrase=False),  # municipality name(s)
        # title + body + place, unstemmed: typo tolerance and suggestions
        words=TEXT(analyzer=folding, spelling=True, phrase=False),
        municipality=ID(stored=True),  # INEGI code, the facet
        areas=KEYWORD(stored=True, commas=True),  # LFFAROC fractions, the facet
        year=ID(stored=True),  # the facet
        visibility=KEYWORD(commas=True),  # who may see it: "public", later "members:<id>"...
        url=STORED,
    )


def prepare_document(kind: str, object_id: int, doc: dict, part: int = 0) -> dict:
    """A kind's document with the fields the search package owns filled in."""
    prepared = {key: value for key, value in doc.items() if value not in (None, "")}
    prepared["id"] = f"{kind}:{object_id}" + (f":{part}" if part else "")
    prepared["kind"] = kind
    prepared["object_id"] = object_id
    prepared.setdefault("visibility", "public")
    prepared["words"] = " ".join(
        str(doc.get(field) or "") for field in ("title", "body", "place"))
    return prepared
