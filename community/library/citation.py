"""How to cite a resource: APA (7th edition) for people, BibTeX for reference managers.

Names are stored as people write them ("María González Pérez"). APA wants "González Pérez,
M.": with three or more words the last two are taken as the surnames (the Mexican custom of
two surnames), with two words the last one. A name already written "Apellido, Nombre" is
kept as written.
"""

import re

from community.library.models import Resource

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def apa_name(name: str) -> str:
    if "," in name:
        surname, _sep, given = name.partition(",")
    else:
        words = name.split()
        if len(words) < 2:
            return name
        cut = -2 if len(words) >= 3 else -1
        surname, given = " ".join(words[cut:]), " ".join(words[:cut])
    initials = " ".join(f"{word[0]}." for word in given.split() if word[:1].isalpha())
    return f"{surname.strip()}, {initials}".strip(", ")


def apa_authors(names: list[str]) -> str:
    formatted = [apa_name(n) for n in names]
    if not formatted:
        return ""
    if len(formatted) == 1:
        return formatted[0]
    if len(formatted) <= 20:
        return ", ".join(formatted[:-1]) + ", & " + formatted[-1]
    return ", ".join(formatted[:19]) + ", … " + formatted[-1]


def _authors_of(resource: Resource) -> list[str]:
    names = [c.name for c in resource.creators]
    if not names and resource.parent is not None:
        names = [c.name for c in resource.parent.creators]
    return names


def apa(resource: Resource, url: str) -> str:
    """Plain text (the page puts the titles in italics itself where APA wants them)."""
    authors = apa_authors(_authors_of(resource)) or resource.publisher or resource.title
    year = resource.issued.year
    parent = resource.parent
    if parent is not None and parent.kind == "issue" and parent.series is not None:
        source = f"{parent.series.title}, {parent.issue_number or ''}".rstrip(", ")
        pages = _pages(resource)
        return f"{authors} ({year}). {resource.title}. {source}{pages}. {url}"
    if parent is not None:
        return (f"{authors} ({year}). {resource.title}. En {parent.title}{_pages(resource)}. "
                f"{parent.publisher or resource.publisher}. {url}").replace(". .", ".")
    publisher = f" {resource.publisher}." if resource.publisher and resource.publisher != authors \
        else ""
    return f"{authors} ({year}). {resource.title}.{publisher} {url}"


def _pages(resource: Resource) -> str:
    if resource.first_page is None:
        return ""
    if resource.first_page == resource.last_page:
        return f", p. {resource.first_page}"
    return f", pp. {resource.first_page}–{resource.last_page}"


def bibtex_escape(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def bibtex_key(resource: Resource) -> str:
    return re.sub(r"[^a-z0-9]+", "", resource.slug.split("-")[0].lower())[:20] + \
        f"{resource.issued.year}{resource.id}"


def bibtex(resource: Resource, url: str) -> str:
    entry, fields = _bibtex_fields(resource)
    fields += [("year", str(resource.issued.year)), ("url", url),
               ("language", {"es": "spanish", "en": "english"}.get(resource.language,
                                                                  resource.language))]
    if resource.identifier:
        fields.append(("note", resource.identifier))
    body = ",\n".join(f"  {name} = {{{bibtex_escape(value)}}}" for name, value in fields if value)
    return f"@{entry}{{{bibtex_key(resource)},\n{body}\n}}\n"


def _bibtex_fields(resource: Resource) -> tuple[str, list[tuple[str, str]]]:
    authors = " and ".join(_authors_of(resource))
    parent = resource.parent
    pages = (f"{resource.first_page}--{resource.last_page}"
             if resource.first_page is not None else "")
    if resource.kind == "article" and parent is not None:
        journal = parent.series.title if parent.series is not None else parent.title
        return "article", [("author", authors), ("title", resource.title),
                           ("journal", journal), ("number", str(parent.issue_number or "")),
                           ("pages", pages), ("publisher", resource.publisher)]
    if parent is not None:
        return "inbook", [("author", authors), ("title", resource.title),
                          ("booktitle", parent.title), ("pages", pages),
                          ("publisher", resource.publisher)]
    if resource.kind in ("manual", "guide"):
        return "book", [("author", authors or resource.publisher), ("title", resource.title),
                        ("publisher", resource.publisher)]
    return "misc", [("author", authors or resource.publisher), ("title", resource.title),
                    ("howpublished", resource.publisher)]
