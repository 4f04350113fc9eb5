"""The demo library's content and PDF files (``community.demo.library_content``): pure data,
no database. The PDFs are read back with pypdf, so page numbers and phrases are checked
against what a reader (or the search indexer) actually finds in the files."""

import csv
import io
import random
import time
from pathlib import Path

import pypdf
import pytest

from community.demo import library_content as lc

FRACTIONS_CSV = Path(__file__).resolve().parents[2] / "community/data/actividades_lffaroc.csv"


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def docs():
    return lc.documents()


@pytest.fixture(scope="module")
def page_texts(docs):
    """slug -> the normalized text of each page, as pypdf extracts it."""
    started = time.perf_counter()
    pdfs = {d.slug: d.pdf() for d in docs}
    print(f"\nPDF generation of {len(docs)} documents: {time.perf_counter() - started:.2f} s")
    texts = {}
    for slug, data in pdfs.items():
        reader = pypdf.PdfReader(io.BytesIO(data))
        texts[slug] = [_norm(page.extract_text()) for page in reader.pages]
    return texts


def test_eight_issues_numbered_with_four_to_six_articles(docs):
    issues = [d for d in docs if d.kind == "issue"]
    assert [d.issue_number for d in issues] == list(range(1, 9))
    assert [d.issue_format for d in issues] == ["print"] * 5 + ["digital"] * 3
    assert issues[2].title == "Ciudadanía Activa, núm. 3"
    assert issues[6].title == "Ciudadanía Activa, edición digital 2"
    assert {d.issued.year for d in issues} <= set(range(2019, 2026))
    assert min(d.issued for d in issues).year == 2019
    assert max(d.issued for d in issues).year == 2025
    for issue in issues:
        assert 4 <= len(issue.parts) <= 6, issue.slug
        assert issue.parts[0].first_page == 3  # cover, contents, then the articles
        for part, following in zip(issue.parts, issue.parts[1:], strict=False):
            assert following.first_page == part.last_page + 1
        assert issue.parts[-1].last_page == issue.page_count
        for part in issue.parts:
            assert 2 <= part.last_page - part.first_page + 1 <= 4, part.title
            assert part.creators and part.subjects and part.areas and part.description
    titles = [p.title for d in issues for p in d.parts]
    assert len(titles) == len(set(titles))


def test_other_kinds_and_metadata(docs):
    kinds = [d.kind for d in docs]
    assert kinds.count("manual") == 1 and kinds.count("normative") == 1
    guides = [d for d in docs if d.kind in ("guide", "presentation")]
    assert len(guides) == 12 and not any(d.parts for d in guides)
    assert all(3 <= d.page_count <= 8 for d in guides)
    assert sorted(d.kind for d in guides if d.access == "members") == ["guide", "presentation"]
    assert {d.access for d in docs if d.kind != "guide" and d.kind != "presentation"} == {
        "public"}
    manual = next(d for d in docs if d.kind == "manual")
    assert 5 <= len(manual.parts) <= 7
    assert manual.parts[-1].last_page == manual.page_count
    assert len({d.slug for d in docs}) == len(docs)
    assert len({d.identifier for d in docs}) == len(docs)
    for d in docs:
        assert d.language == "es" and d.publisher and d.description
        assert d.rights in ("cc-by-nc-4.0", "cc-by-4.0", "cc-by-sa-4.0", "all-rights-reserved")
        assert d.access in ("public", "members")
        assert (d.issue_number is None) == (d.kind != "issue")
        for text in (d.title, d.description, *(p.title for p in d.parts)):
            text.encode("latin-1")  # the core font's encoding
    slug, name, description, publisher = lc.SERIES
    assert slug == "ciudadania-activa" and name == "Ciudadanía Activa"
    assert description and publisher


def test_subjects_declared_and_areas_are_lffaroc_fractions(docs):
    declared = {slug for slug, _ in lc.SUBJECTS}
    assert len(lc.SUBJECTS) == 9
    with FRACTIONS_CSV.open(encoding="utf-8") as fh:
        fractions = {row["fraccion"] for row in csv.DictReader(fh)}
    for d in docs:
        for item in (d, *d.parts):
            assert item.subjects and set(item.subjects) <= declared, d.slug
            assert item.areas and set(item.areas) <= fractions, d.slug
    used = {s for d in docs for s in d.subjects}
    assert used == declared  # every theme has at least one document


def test_every_pdf_opens_with_the_declared_pages(docs, page_texts):
    for d in docs:
        assert len(page_texts[d.slug]) == d.page_count, d.slug
        assert d.pdf().startswith(b"%PDF-")
        full = " ".join(page_texts[d.slug])
        if d.creators:
            assert "Autores ficticios para datos de demostración" in full, d.slug


def test_each_part_title_is_on_its_first_page_and_listed_in_contents(docs, page_texts):
    for d in docs:
        pages = page_texts[d.slug]
        for part in d.parts:
            assert _norm(part.title) in pages[part.first_page - 1], (d.slug, part.title)
            assert _norm(part.title) in pages[1]  # the contents page
            if part.first_page > 3:
                assert _norm(part.title) not in pages[part.first_page - 2]  # starts a page


def test_phrases_are_found_only_inside_their_own_document(docs, page_texts):
    full = {slug: " ".join(pages) for slug, pages in page_texts.items()}
    metadata = " | ".join(
        text for d in docs for text in (d.title, d.description, *(p.title for p in d.parts),
                                        *(p.description for p in d.parts)))
    phrases = [(d.slug, phrase) for d in docs for phrase in d.phrases]
    assert len(phrases) == len({p for _, p in phrases})
    for d in docs:
        assert len(d.phrases) >= 2, d.slug
        assert {p.phrase for p in d.parts} <= set(d.phrases)
    for slug, phrase in phrases:
        holders = [s for s, text in full.items() if phrase in text]
        assert holders == [slug], phrase
        assert phrase not in metadata
    for d in docs:  # a part's phrase lies within the part's own pages
        pages = page_texts[d.slug]
        for part in d.parts:
            inside = " ".join(pages[part.first_page - 1:part.last_page])
            outside = " ".join(pages[:part.first_page - 1] + pages[part.last_page:])
            assert part.phrase in inside and part.phrase not in outside, part.title


def test_generation_is_deterministic(docs):
    again = lc.documents.__wrapped__()  # rebuild the data, not the cached tuple
    assert again == docs
    assert [d.pages for d in again] == [d.pages for d in docs]
    started = time.perf_counter()
    for d in docs:
        assert lc._render(d) == d.pdf(), d.slug
    print(f"\nsecond rendering of all PDFs: {time.perf_counter() - started:.2f} s")


def test_scale_text_is_plausible_and_seeded():
    texts = lc.scale_text(random.Random(3), 6)
    assert len(texts) == 6
    assert all(1500 <= len(t) <= 2600 for t in texts)
    assert texts == lc.scale_text(random.Random(3), 6)
    assert texts != lc.scale_text(random.Random(4), 6)
    for t in texts:
        t.encode("latin-1")
        assert "{" not in t and "lorem" not in t.lower()
    started = time.perf_counter()
    rng = random.Random(1)
    for _ in range(1000):
        lc.scale_text(rng, 3)
    print(f"\nscale_text: 1000 resources x 3 pages in {time.perf_counter() - started:.2f} s")
