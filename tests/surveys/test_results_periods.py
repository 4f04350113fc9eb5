"""The comparison's single pass over the tallies, the multiple choice's respondents read from
its '' tallies, and the statistics SQLite keeps for the planner."""

from datetime import date

import pytest
from sqlalchemy import create_engine, event, text

from community.extensions import db
from community.surveys import results as res
from community.surveys import services
from tests.surveys.results_helpers import answer, invite, make_survey

QUESTIONS = [
    ("likert_agreement", "Aprendí algo útil"),
    ("nps", "¿Nos recomendarías?"),
    ("single", "¿Cómo te enteraste?", ["Redes", "Correo", "Radio"]),
    ("multiple", "¿Qué temas te interesan?", ["Fiscal", "Legal", "Comunicación"]),
    ("number", "¿Cuántas personas vinieron?"),
]
ANSWERS = [  # (day, kind, likert, nps, single, multiple, number)
    (date(2026, 1, 10), "taller", 5, 10, "o1", ["o1", "o2"], 2),
    (date(2026, 2, 1), "taller", 4, 9, "o2", ["o1"], 3),
    (date(2026, 2, 20), "curso", 4, 7, "o1", ["o1"], 1),
    (date(2026, 3, 1), "taller", 2, 3, "o3", ["o3"], 10),
    (date(2026, 3, 14), "taller", 5, 10, "o1", ["o2", "o3"], 2),
    (date(2026, 3, 20), "taller", 5, 9, "o2", ["o1"], 4),
    (date(2025, 1, 5), "taller", 1, 0, "o1", ["o1"], 1),
    (date(2025, 2, 2), "curso", 3, 6, "o2", ["o2"], 5),
    (date(2025, 3, 1), "taller", 3, 8, "o3", ["o1", "o3"], 2),
    (date(2025, 3, 10), "taller", 2, 2, "o1", [], 7),
    (date(2025, 3, 14), "taller", 4, 9, "o1", ["o3"], 1),
    (date(2025, 6, 1), "taller", 5, 10, "o2", ["o2"], 3),
]


@pytest.fixture
def survey(app):
    """Every question required but the multiple choice (so the likert counts the answers),
    with the '' tally per respondent of the multiple choice that ``services`` writes."""
    survey = make_survey(QUESTIONS)
    for question in survey.questions:
        question.required = question.kind != "multiple"
    db.session.commit()
    questions = sorted(survey.questions, key=lambda q: q.position)
    for day, kind, *values in ANSWERS:
        chosen = {q: v for q, v in zip(questions, values, strict=True) if v != []}
        answer(survey, chosen, day=day, kind=kind)
        if values[3]:
            answer_respondent(survey, questions[3], day, kind)
    invite(survey, 9, day=date(2026, 1, 5), kind="taller")
    invite(survey, 3, day=date(2025, 1, 3), kind="curso")
    return survey


def answer_respondent(survey, question, day, kind) -> None:
    from tests.surveys.results_helpers import _count

    _count(survey, question, "", day, None, kind, None)
    db.session.commit()


class Statements:
    """The SQL statements run while counting, by the table they read."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(statement)

    def reading(self, table: str) -> int:
        return sum(f"FROM {table}" in s or f"FROM {table} " in s for s in self.seen)


@pytest.fixture
def statements(app):
    counter = Statements()
    engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


def _figures(outcome: res.Results) -> tuple:
    return (outcome.invited, outcome.answered, outcome.hidden,
            [(r.question.id, r.answered, [(row.label, row.count) for row in r.rows],
              sorted((k, v) for k, v in r.stats.items() if k != "distribution"))
             for r in outcome.questions])


@pytest.mark.parametrize("filters", [res.Filters(), res.Filters(event_kind="taller"),
                                     res.Filters(event_kind="curso")])
def test_comparison_in_one_pass_equals_each_periods_results(app, survey, statements,
                                                            filters):
    with app.test_request_context():
        period_a, period_b = res.year_to_date(date(2026, 3, 14))
        statements.seen.clear()
        comparison = res.compare(survey, period_a, period_b, filters)
        assert statements.reading("survey_tally") == 1  # both periods in one GROUP BY
        assert statements.reading("survey_answer") == 0  # respondents from the '' tallies
        for period, got in ((period_a, comparison.a), (period_b, comparison.b)):
            dated = res.Filters(**{**vars(filters), "date_from": period.start,
                                   "date_to": period.end})
            assert _figures(got) == _figures(res.results(survey, dated, with_texts=False))
    if filters.event_kind is None:
        assert (comparison.a.answered, comparison.b.answered) == (5, 5)
        assert (comparison.a.invited, comparison.b.invited) == (9, 3)
        multiple = next(r for r in comparison.a.questions if r.kind == "multiple")
        assert multiple.answered == 5  # respondents, not the 7 options chosen
        assert [row.count for row in multiple.rows] == [3, 2, 2, 0]
    if filters.event_kind == "curso":  # one answer in each period: both hidden
        assert comparison.a.hidden and comparison.b.hidden


def test_overlapping_periods_each_count_their_own_answers(app, survey):
    with app.test_request_context():
        whole = res.date_range(date(2025, 1, 1), date(2026, 12, 31))
        spring = res.date_range(date(2026, 1, 1), date(2026, 3, 31))
        comparison = res.compare(survey, whole, spring, res.Filters())
    assert (comparison.a.answered, comparison.b.answered) == (12, 6)
    likert = {i.label: i for i in comparison.questions[0].indicators}
    assert likert["Promedio (1 a 5)"].b == pytest.approx(25 / 6)


def test_submit_tallies_one_respondent_per_multiple_choice(app, make_survey, citizen,
                                                          other_citizen, make_user):
    from tests.surveys.conftest import valid_answers

    survey = make_survey(kinds=["multiple", "single"], open=True, audience="public")
    multiple = survey.q["multiple"]
    services.submit(citizen, survey, valid_answers(survey, multiple=["o1", "o2", "o3"]))
    services.submit(other_citizen, survey, valid_answers(survey, multiple=["o2"]))
    db.session.commit()
    with app.test_request_context():
        outcome = res.results(survey, res.Filters())
    assert outcome.hidden  # two answers: the figures stay hidden, the tallies are what counts
    counts = res.tally_counts(survey, res.Filters())
    assert counts[multiple.id] == {"": 2, "o1": 1, "o2": 2, "o3": 1}
    assert "" not in counts[survey.q["single"].id]


def test_a_returned_connection_gives_sqlite_statistics(tmp_path):
    """The planner's statistics: ``PRAGMA optimize`` when a connection first goes back to the
    pool analyses the tables it used (core/database.py), not the others."""
    import community.core.database  # noqa: F401 - the pool listener

    engine = create_engine(f"sqlite:///{tmp_path / 'stats.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (survey INT, value TEXT, n INT)"))
        connection.execute(text("CREATE INDEX tally_survey ON tally (survey, value)"))
        connection.execute(text("CREATE TABLE other (a INT)"))
        connection.execute(text("CREATE INDEX other_a ON other (a)"))
        connection.execute(text("INSERT INTO tally VALUES (1, 'o1', 1), (1, 'o2', 2)"))
    engine.dispose()
    with engine.connect() as connection:  # a new connection: its first return analyses
        connection.execute(text("SELECT sum(n) FROM tally WHERE survey = 1")).scalar()
    with engine.connect() as connection:
        analysed = {row[0] for row in connection.execute(text("SELECT tbl FROM sqlite_stat1"))}
    engine.dispose()
    assert analysed == {"tally"}
