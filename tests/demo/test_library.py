"""The demo library (``seed-demo``): published through the real services with real PDFs, the
text extracted and searchable by a phrase inside an article, idempotent.

Seeding reads 22 PDFs in child processes (text and cover), so one test checks it all."""

from collections import Counter

from sqlalchemy import func, select

from community.demo import library as demo
from community.demo import library_content as content
from community.library.models import (
    DownloadMonth,
    Resource,
    ResourceFile,
    ResourcePage,
    Series,
    Subject,
)
from community.search import service
from community.search.analysis import spanish_analyzer

MODELS = (Resource, ResourceFile, ResourcePage, Series, Subject, DownloadMonth)


def _counts(db) -> list[int]:
    return [db.session.scalar(select(func.count()).select_from(model)) for model in MODELS]


def _by_slug(db, slug: str) -> Resource:
    return db.session.scalar(select(Resource).where(Resource.slug == slug))


def _phrase_page(part: content.DemoPart) -> int:
    """The page of the part that holds its phrase (library_content: the middle page)."""
    count = part.last_page - part.first_page + 1
    return part.first_page + (count // 2 if count > 1 else 0)


def _check_records(db, docs) -> dict[str, Resource]:
    resources = {doc.slug: _by_slug(db, demo.record_slug(doc)) for doc in docs}
    assert all(resources.values())
    statuses = Counter(r.status for r in resources.values())
    assert statuses == {"published": len(docs) - 1, "draft": 1}
    assert resources[demo.DRAFT_SLUG].status == "draft"
    for doc in docs:
        resource = resources[doc.slug]
        assert resource.kind == doc.kind and resource.access == doc.access
        assert [c.name for c in resource.creators] == [c.name for c in doc.creators]
        assert {s.slug for s in resource.subjects} == set(doc.subjects)
        assert {a.fraction for a in resource.areas} == set(doc.areas)
        assert resource.current_file.pages == doc.page_count
        assert [(p.title, p.first_page, p.last_page) for p in resource.parts] == [
            (p.title, p.first_page, p.last_page) for p in doc.parts]
        for part, demo_part in zip(resource.parts, doc.parts, strict=True):
            assert part.description == demo_part.description
            assert {s.slug for s in part.subjects} == set(demo_part.subjects)
            assert [c.affiliation for c in part.creators] == [
                c.affiliation for c in demo_part.creators]
    # The magazine: eight issues in the series, in number order, each with its articles.
    series = db.session.scalar(select(Series).where(Series.slug == content.SERIES[0]))
    issues = list(db.session.scalars(select(Resource).where(
        Resource.series_id == series.id, Resource.parent_id.is_(None))
        .order_by(Resource.issue_number)))
    assert [i.issue_number for i in issues] == list(range(1, 9))
    assert Counter(i.issue_format for i in issues) == {"print": 5, "digital": 3}
    assert all(len(i.parts) >= 3 for i in issues)
    # Downloads, counted by the COUNTER rules over several months.
    manual = resources["manual-de-visibilidad"]
    assert manual.download_count == demo.DOWNLOADS["manual-de-visibilidad"]
    months = db.session.scalar(select(func.count()).select_from(DownloadMonth)
                               .where(DownloadMonth.resource_id == manual.id))
    assert months >= 4
    return resources


def _check_text(db, resources) -> None:
    files = list(db.session.scalars(select(ResourceFile)))
    assert len(files) == len(resources)
    assert {f.text_status for f in files} == {"done"}
    assert all(f.cover_name for f in files)
    for f in files:
        pages = db.session.scalar(select(func.count()).select_from(ResourcePage)
                                  .where(ResourcePage.file_id == f.id))
        assert pages == f.pages


_ANALYZER = spanish_analyzer()


def _words_in(text: str) -> set[str]:
    """The stems the index keeps for the text (folded; each word gives one or two)."""
    return {token.text for token in _ANALYZER(text)}


def _units(docs):
    """(owner, text) of every searchable unit: each part, and each document without parts."""
    for doc in docs:
        if not doc.parts:
            text = " ".join(block[1] for page in doc.pages for block in page.blocks)
            yield doc, f"{text} {doc.title} {doc.description}"
        for part in doc.parts:
            text = " ".join(block[1] for page in doc.pages[part.first_page - 1:part.last_page]
                            for block in page.blocks)
            yield part, f"{text} {part.title} {part.description}"


def _shared_elsewhere(docs, owner, phrase: str) -> bool:
    """Whether another part or document holds every word of the phrase (not as a phrase):
    the index keeps no word positions, so it cannot tell the two apart. A word is held when
    one of its stems is ("pesar" gives "pes", as "Peso" does)."""
    words = [stems for word in phrase.split() if (stems := _words_in(word))]
    return any(all(stems & held for stems in words)
               for unit, held in ((unit, _words_in(text)) for unit, text in _units(docs))
               if unit is not owner)


def _check_search(docs, resources, staff) -> None:
    exact_pages = 0
    phrases = 0
    for doc in docs:
        if doc.access != "public" or doc.slug == demo.DRAFT_SLUG:
            continue
        for demo_part, part in zip(doc.parts, resources[doc.slug].parts, strict=True):
            phrases += 1
            hits = service.search(demo_part.phrase).hits
            urls = [hit.url for hit in hits]
            assert f"/biblioteca/{part.slug}" in urls[:3], demo_part.phrase
            if not _shared_elsewhere(docs, demo_part, demo_part.phrase):
                assert urls[0] == f"/biblioteca/{part.slug}", demo_part.phrase
            hit = hits[urls.index(f"/biblioteca/{part.slug}")]
            # The snippet's page is the page of the first query word in the article (None:
            # a word of its record, before the pages), so usually the phrase's page.
            assert hit.page is None or part.first_page <= hit.page <= part.last_page
            exact_pages += hit.page == _phrase_page(demo_part)
        if not doc.parts:  # a guide's own phrases find it
            url = f"/biblioteca/{resources[doc.slug].slug}"
            for phrase in doc.phrases:
                urls = [hit.url for hit in service.search(phrase).hits]
                assert url in urls[:3], phrase
                assert urls[0] == url or _shared_elsewhere(docs, doc, phrase), phrase
    # 28 of the 46: the snippet starts at the first word of the query in the article (a
    # common word like "de" is no word, but "común" or "escolar" may come pages before the
    # phrase), or in its record when a word is there (page None).
    assert phrases >= 35 and exact_pages >= phrases // 2
    restricted = [doc for doc in docs if doc.access == "members"]
    assert restricted
    for doc in restricted:
        resource = resources[doc.slug]
        for phrase in doc.phrases:  # the text is for members and staff only
            assert resource.slug not in str([h.url for h in service.search(phrase).hits])
            found = service.search(phrase, user=staff).hits
            assert found and found[0].url == f"/biblioteca/{resource.slug}"
        # ... while everyone finds its record.
        assert f"/biblioteca/{resource.slug}" in [h.url for h in service.search(doc.title).hits]
    draft = resources[demo.DRAFT_SLUG]
    assert f"/biblioteca/{draft.slug}" not in [h.url for h in service.search(draft.title).hits]

def test_demo_library_is_published_extracted_searchable_and_idempotent(demo_world, db, runner,
                                                                      outbox):
    docs = content.documents()
    assert len(docs) == 22
    resources = _check_records(db, docs)
    _check_text(db, resources)

    db.session.commit()  # the drain writes from its own session
    assert runner.invoke(args=["search", "drain"]).exit_code == 0
    staff = demo.accounts.demo_account(demo.accounts.STAFF_EMAIL)
    _check_search(docs, resources, staff)
    assert outbox == []

    counts = _counts(db)
    assert demo.seed() == []
    db.session.commit()
    assert _counts(db) == counts
