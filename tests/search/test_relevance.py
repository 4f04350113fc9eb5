"""Relevance over the demo registry: the labelled queries of ``relevance_queries.py``.

One test: it seeds the demo data once (about 260 validated OSCs), builds the index with the
real ``reindex`` into a folder of its own, runs every labelled query through
``service.search`` as ``/buscar`` does, and checks each ``must`` rule. It also computes
precision@5 and MRR over the whole set, prints a table (``pytest -s``), writes the figures
to ``bench/results/relevance.json`` (gitignored) and asserts floors on them, so that a change
to the analyzer, the query building or the ranking that makes results worse fails here.

Precision@5 is the share of relevant hits among the first five, out of at most the number of
relevant documents the index holds (a query with two relevant OSCs that shows both first
scores 1.0). MRR is the mean of 1/rank of the first relevant hit in the first ten (0 when
there is none).
"""

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import community.profiles.search  # noqa: F401 - registers the "organization" kind
from community.demo import accounts as accounts_demo
from community.demo import profiles as profiles_demo
from community.search import index, registry, service
from community.search.analysis import fold
from community.search.schema import build_schema
from tests.search.relevance_queries import CASES, Case, Judged

RESULTS_FILE = Path(__file__).resolve().parents[2] / "bench" / "results" / "relevance.json"
DEPTH = 10  # hits judged per query (MRR looks this far)
# Floors on the whole set, a little under what it measures on the demo data (0.965 and
# 0.971 with 69 queries, 3 of them weak): about one query's worth of slack.
MIN_PRECISION_AT_5 = 0.95
MIN_MRR = 0.955
MIN_CASES = 40


@dataclass
class Outcome:
    case: Case
    flags: list[bool]  # relevance of each hit, best first
    relevant_total: int  # relevant documents the index holds (within the case's filters)
    total: int
    suggestion: str | None
    titles: list[str]

    @property
    def precision_at_5(self) -> float:
        return sum(self.flags[:5]) / max(1, min(5, self.relevant_total))

    @property
    def reciprocal_rank(self) -> float:
        return next((1 / rank for rank, hit in enumerate(self.flags, 1) if hit), 0.0)

    @property
    def suggestion_ok(self) -> bool:
        return (self.case.suggestion is None
                or fold(self.suggestion or "") == fold(self.case.suggestion))

    @property
    def passed(self) -> bool:
        return self.case.rule.holds(self.flags, self.relevant_total) and self.suggestion_ok

    @property
    def floor_ok(self) -> bool:
        floor = self.case.floor
        return floor is None or floor.holds(self.flags, self.relevant_total)


def indexed_documents() -> dict[str, Judged]:
    """Every document the index should hold, as the kinds make them: what the judges read."""
    schema = build_schema()
    judged = {}
    with index.read_only_session():
        for kind in registry.kinds().values():
            for row in kind.all_rows():
                for doc in index.documents_for(kind, row, schema):
                    judged[doc["id"]] = Judged(
                        id=doc["id"], kind=doc["kind"], title=doc.get("title", ""),
                        body=doc.get("body", ""), place=doc.get("place", ""),
                        municipality=doc.get("municipality", ""),
                        areas=tuple(a for a in doc.get("areas", "").split(",") if a),
                        year=doc.get("year", ""))
    return judged


def within_filters(doc: Judged, filters: dict[str, str]) -> bool:
    checks = {"kind": lambda v: doc.kind == v, "municipality": lambda v: doc.municipality == v,
              "area": lambda v: v in doc.areas, "year": lambda v: doc.year == v}
    return all(checks[name](value) for name, value in filters.items())


def run_case(case: Case, documents: dict[str, Judged]) -> Outcome:
    results = service.search(case.q, per_page=DEPTH, **case.filters)
    assert results.available, f"index unavailable for {case.q!r}"
    flags = [case.relevant(documents[hit.id]) for hit in results.hits]
    relevant_total = sum(1 for doc in documents.values()
                         if within_filters(doc, case.filters) and case.relevant(doc))
    return Outcome(case, flags, relevant_total, results.total, results.suggestion,
                   [hit.title for hit in results.hits])


def table(outcomes: list[Outcome]) -> str:
    lines = [f"{'query':<42} {'filters':<28} {'rule':<18} {'hits (top 10)':<13} "
             f"{'P@5':>5} {'RR':>5}  result"]
    for o in outcomes:
        marks = "".join("X" if f else "." for f in o.flags) or "-"
        filters = ",".join(f"{k}={v}" for k, v in o.case.filters.items())
        if o.passed:
            verdict = "ok" if o.case.must else "ok (weak case passes now: make it must)"
        else:
            verdict = "FAIL" if o.case.must else "weak"
            if not o.suggestion_ok:
                verdict += f" (suggestion {o.suggestion!r})"
        lines.append(f"{o.case.q[:42]:<42} {filters[:28]:<28} {str(o.case.rule):<18} "
                     f"{marks:<13} {o.precision_at_5:5.2f} {o.reciprocal_rank:5.2f}  {verdict}")
    return "\n".join(lines)


def commit_id() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5, cwd=RESULTS_FILE.parents[2], check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def write_results(outcomes: list[Outcome], precision: float, mrr: float, documents: int,
                  seconds: float) -> None:
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit_id(),
        "documents": documents,
        "queries": len(outcomes),
        "precision_at_5": round(precision, 4),
        "mrr": round(mrr, 4),
        "floors": {"precision_at_5": MIN_PRECISION_AT_5, "mrr": MIN_MRR},
        "seconds_for_queries": round(seconds, 3),
        "cases": [{
            "q": o.case.q, "filters": o.case.filters, "topic": o.case.topic,
            "must": o.case.must, "rule": str(o.case.rule), "passed": o.passed,
            "precision_at_5": round(o.precision_at_5, 4),
            "reciprocal_rank": round(o.reciprocal_rank, 4),
            "relevant_in_index": o.relevant_total, "total": o.total,
            "suggestion": o.suggestion, "hits": o.titles, "relevant": o.flags,
            "weakness": o.case.weakness or None,
        } for o in outcomes],
    }, ensure_ascii=False, indent=2) + "\n")


def test_relevance_over_the_demo_registry(app, db, tmp_path):
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "search-index")
    accounts_demo.seed()
    db.session.commit()
    profiles_demo.seed()
    db.session.commit()
    indexed = index.reindex()
    documents = indexed_documents()
    assert indexed == len(documents) > 200, "the demo registry should index ~260 OSCs"
    assert len(CASES) >= MIN_CASES

    try:
        started = time.perf_counter()
        outcomes = [run_case(case, documents) for case in CASES]
        seconds = time.perf_counter() - started
    finally:
        service.service.close()

    precision = sum(o.precision_at_5 for o in outcomes) / len(outcomes)
    mrr = sum(o.reciprocal_rank for o in outcomes) / len(outcomes)
    write_results(outcomes, precision, mrr, len(documents), seconds)
    print(f"\n{table(outcomes)}\n\n{len(outcomes)} queries over {len(documents)} documents "
          f"in {seconds * 1000:.0f} ms: precision@5 {precision:.3f} (floor "
          f"{MIN_PRECISION_AT_5}), MRR {mrr:.3f} (floor {MIN_MRR})")
    for o in outcomes:
        if not o.case.must and not o.passed:
            print(f"  weak: {o.case.q!r}: {o.case.weakness}")

    failures = [f"{o.case.q!r} {o.case.filters or ''}: {o.case.rule} not met "
                f"(hits {''.join('X' if f else '.' for f in o.flags)}, "
                f"suggestion {o.suggestion!r}) {o.titles[:5]}"
                for o in outcomes if o.case.must and not o.passed]
    failures += [f"{o.case.q!r}: fell below its floor {o.case.floor} "
                 f"(hits {''.join('X' if f else '.' for f in o.flags)}) {o.titles[:5]}"
                 for o in outcomes if not o.floor_ok]
    assert not failures, "\n".join(failures)
    assert precision >= MIN_PRECISION_AT_5, f"precision@5 {precision:.3f}"
    assert mrr >= MIN_MRR, f"MRR {mrr:.3f}"
