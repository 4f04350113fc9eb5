"""What a survey's answers say, read from the tallies in SQL: never a loop over answers.

A results page costs the same few statements whatever the number of answers: the questions
and options (two), the totals (one), the tallies grouped by question and value (one), the
first text answers of every open question (one, a UNION ALL of one LIMIT per question) and,
only for a multiple-choice question whose tallies lack their '' row (one per respondent), the
respondents per question (one). A comparison reads both periods' tallies in one GROUP BY.
Python then works on the grouped rows, which are at most a few dozen per question.

Anonymity: any group with fewer than ``MIN_GROUP`` answers is hidden, the whole result when
the filtered total is smaller, each question's block when that question has fewer answers,
and a comparison's period the same way.

Read-only: nothing here writes; ``require_results_access`` is the permission check of the
staff pages and exports, ``public_results`` the one of the public page.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, literal, or_, select, union_all

from community.advisory.labels import TOPICS
from community.core.catalog import municipality_choices
from community.core.errors import NotFound
from community.core.periods import Period, date_range, whole_year, year_to_date
from community.core.permissions import require_staff
from community.events.fields import KINDS
from community.events.models import Event
from community.extensions import db
from community.surveys import charts
from community.surveys.labels import (
    LIKERT_AGREEMENT,
    LIKERT_SATISFACTION,
    NPS_GROUPS,
    OTHER_LABEL,
)
from community.surveys.models import (
    CHOICE_KINDS,
    LIKERT_KINDS,
    OTHER_CODE,
    TEXT_KINDS,
    Survey,
    SurveyAnswer,
    SurveyDay,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveyTally,
)

MIN_GROUP = 5
TEXT_PREVIEW = 10
TEXTS_PER_PAGE = 50
HIDDEN_MESSAGE = _l("menos de 5 respuestas")
LIKERT_LABELS = {"likert_agreement": LIKERT_AGREEMENT,
                 "likert_satisfaction": LIKERT_SATISFACTION}
RATING_POINTS = range(1, 6)


# --- permissions -------------------------------------------------------------------------


def require_results_access(actor, survey: Survey | None) -> Survey:
    """Staff read every survey's results (and its exports); anyone else gets 403, and an
    unknown survey 404 (after the permission check, so ids are not probed)."""
    require_staff(actor)
    if survey is None:
        raise NotFound("Esa encuesta no existe.")
    return survey


def public_results(survey: Survey | None, filters: "Filters | None" = None) -> "Results":
    """The aggregate results anyone may read, when staff published them (the same small-group
    hiding; text answers are never part of it)."""
    if survey is None or not survey.results_public or survey.status == "draft":
        raise NotFound("Los resultados de esta encuesta no están publicados.")
    return results(survey, filters or Filters(), with_texts=False)


def get_survey(survey_id: int) -> Survey | None:
    return db.session.get(Survey, survey_id)


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which answers count: an event, a kind of event (or advisory topic), a municipality,
    and a range of days (inclusive)."""

    event_id: int | None = None
    event_kind: str | None = None
    municipality: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def narrowed(self) -> bool:
        return any(value is not None for value in vars(self).values())


def _where(columns: dict, filters: Filters) -> list:
    """The conditions of ``filters`` on one table's context columns (``event``, ``kind``,
    ``municipality``, ``day``)."""
    conditions = []
    if filters.event_id is not None:
        conditions.append(columns["event"] == filters.event_id)
    if filters.event_kind:
        conditions.append(columns["kind"] == filters.event_kind)
    if filters.municipality:
        conditions.append(columns["municipality"] == filters.municipality)
    if filters.date_from:
        conditions.append(columns["day"] >= filters.date_from)
    if filters.date_to:
        conditions.append(columns["day"] <= filters.date_to)
    return conditions


TALLY_COLUMNS = {"event": SurveyTally.event_id, "kind": SurveyTally.event_kind,
                 "municipality": SurveyTally.municipality_code, "day": SurveyTally.day}
RESPONSE_COLUMNS = {"event": SurveyResponse.event_id, "kind": SurveyResponse.event_kind,
                    "municipality": SurveyResponse.municipality_code,
                    "day": SurveyResponse.answered_on}
DAY_COLUMNS = {"event": SurveyDay.event_id, "kind": SurveyDay.event_kind,
               "municipality": SurveyDay.municipality_code, "day": SurveyDay.day}


def filter_choices(survey: Survey) -> dict:
    """What the filter form offers: the events, kinds and municipalities that appear in this
    survey's answers (two statements: the day counts, a few rows a day), with their names."""
    rows = db.session.execute(
        select(SurveyDay.event_id, SurveyDay.event_kind, SurveyDay.municipality_code)
        .where(SurveyDay.survey_id == survey.id, SurveyDay.answered > 0).distinct()).all()
    event_ids = sorted({row[0] for row in rows if row[0]})
    titles = dict(db.session.execute(
        select(Event.id, Event.title).where(Event.id.in_(event_ids))).all()) if event_ids else {}
    kind_labels = {**TOPICS, **KINDS}
    kinds = sorted({row[1] for row in rows if row[1]})
    present = {row[2] for row in rows if row[2]}
    return {
        "events": [(str(event_id), titles.get(event_id, f"#{event_id}"))
                   for event_id in event_ids],
        "kinds": [(code, str(kind_labels.get(code, code))) for code in kinds],
        "municipalities": [(code, name) for code, name in municipality_choices()
                           if code in present],
    }


def _parse_day(raw: str, errors: dict, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _l("Escribe la fecha como AAAA-MM-DD.")
        return None


def parse_filters(args, choices: dict) -> tuple[Filters, dict, dict]:
    """Read ``?evento= &tipo= &municipio= &desde= &hasta=``; returns the filters, the values
    to show back in the form and the messages of those refused (dropped from the filters)."""
    chosen = {name: (args.get(name) or "").strip()[:40]
              for name in ("evento", "tipo", "municipio", "desde", "hasta")}
    errors: dict = {}
    event_id = None
    if chosen["evento"]:
        if chosen["evento"] in dict(choices["events"]):
            event_id = int(chosen["evento"])
        else:
            errors["evento"] = _l("Elige un evento de la lista.")
    kind = chosen["tipo"] or None
    if kind and kind not in dict(choices["kinds"]):
        errors["tipo"], kind = _l("Elige un tipo de la lista."), None
    municipality = chosen["municipio"] or None
    if municipality and municipality not in dict(choices["municipalities"]):
        errors["municipio"], municipality = _l("Elige un municipio de la lista."), None
    date_from = _parse_day(chosen["desde"], errors, "desde")
    date_to = _parse_day(chosen["hasta"], errors, "hasta")
    if date_from and date_to and date_from > date_to:
        errors["hasta"] = _l("La fecha final debe ser igual o posterior a la inicial.")
        date_to = None
    for name in errors:
        chosen[name] = ""
    return Filters(event_id, kind, municipality, date_from, date_to), chosen, errors


# --- the figures of one question ---------------------------------------------------------


@dataclass
class Row:
    """One line of a question's table: a point, an option or a value."""

    label: str
    count: int
    share: float | None = None


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    chart: charts.Chart | None = None

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def hidden(self) -> bool:
        return self.answered < MIN_GROUP


def _share(count: int, base: int) -> float | None:
    return count / base if base else None


def _scale(result: QuestionResult, counts: dict[str, int], points, labels) -> list[int]:
    numbers = [counts.get(str(point), 0) for point in points]
    result.answered = sum(numbers)
    result.rows = [Row(str(label), count, _share(count, result.answered))
                   for label, count in zip(labels, numbers, strict=True)]
    weighted = sum(point * count for point, count in zip(points, numbers, strict=True))
    result.stats["mean"] = weighted / result.answered if result.answered else None
    return numbers


def _likert(result: QuestionResult, counts: dict[str, int]) -> None:
    labels = [str(label) for label in LIKERT_LABELS[result.kind].values()]
    numbers = _scale(result, counts, range(1, 6), labels)
    result.stats["top_two"] = _share(numbers[3] + numbers[4], result.answered)
    result.chart = charts.likert_chart(labels, numbers, result.stats["mean"],
                                       result.stats["top_two"])


def _nps(result: QuestionResult, counts: dict[str, int]) -> None:
    numbers = {point: counts.get(str(point), 0) for point in range(11)}
    groups = {"detractors": sum(numbers[p] for p in range(7)),
              "passives": numbers[7] + numbers[8], "promoters": numbers[9] + numbers[10]}
    result.answered = sum(groups.values())
    base = result.answered
    result.rows = [Row(str(label), groups[key], _share(groups[key], base))
                   for key, label in NPS_GROUPS.items()]
    score = 100 * (groups["promoters"] - groups["detractors"]) / base if base else None
    result.stats.update(score=score, promoters=_share(groups["promoters"], base),
                        detractors=_share(groups["detractors"], base),
                        distribution=[Row(str(p), numbers[p], _share(numbers[p], base))
                                      for p in range(11)])
    result.chart = charts.nps_chart(groups["detractors"], groups["passives"],
                                    groups["promoters"], score)


def _rating(result: QuestionResult, counts: dict[str, int]) -> None:
    labels = [str(point) for point in RATING_POINTS]
    numbers = _scale(result, counts, RATING_POINTS, labels)
    result.chart = charts.histogram(list(zip(labels, numbers, strict=True)))


def _choices(result: QuestionResult, counts: dict[str, int], options, respondents: int):
    """Each option counted on its own; shares are of the people who answered the question
    (a multiple choice's add up to more than 100 %), "otro" last when it is offered."""
    items = [(option.label, counts.get(option.code, 0)) for option in options]
    if result.question.allow_other or counts.get(OTHER_CODE):
        items.append((str(OTHER_LABEL), counts.get(OTHER_CODE, 0)))
    if result.kind == "single":
        respondents = sum(count for _label, count in items)
    result.answered = respondents
    result.rows = [Row(label, count, _share(count, respondents)) for label, count in items]
    result.chart = charts.bar_chart(items, respondents)


def number_stats(counts: dict[int, int]) -> dict:
    """Count, mean, median, minimum and maximum from counts per value (never the answers)."""
    total = sum(counts.values())
    if not total:
        return {"count": 0, "mean": None, "median": None, "min": None, "max": None}
    values = sorted(counts)

    def nth(position: int) -> int:  # the value at 1-based ``position`` in sorted order
        running = 0
        for value in values:
            running += counts[value]
            if running >= position:
                return value
        return values[-1]

    if total % 2:
        median = float(nth(total // 2 + 1))
    else:
        median = (nth(total // 2) + nth(total // 2 + 1)) / 2
    return {"count": total, "mean": sum(v * c for v, c in counts.items()) / total,
            "median": median, "min": values[0], "max": values[-1]}


def _number(result: QuestionResult, counts: dict[str, int]) -> None:
    numbers: dict[int, int] = {}
    for value, count in counts.items():
        try:
            numbers[int(value)] = numbers.get(int(value), 0) + count
        except ValueError:
            continue
    result.stats = number_stats(numbers)
    result.answered = result.stats["count"]
    result.rows = [Row(label, count, _share(count, result.answered))
                   for label, count in charts.bins(numbers)]
    result.chart = charts.histogram([(row.label, row.count) for row in result.rows])


def _summarise(result: QuestionResult, counts: dict[str, int], options, respondents: int):
    kind = result.kind
    if kind in LIKERT_KINDS:
        _likert(result, counts)
    elif kind == "nps":
        _nps(result, counts)
    elif kind == "rating":
        _rating(result, counts)
    elif kind in CHOICE_KINDS:
        _choices(result, counts, options, respondents)
    elif kind == "number":
        _number(result, counts)
    elif kind in TEXT_KINDS:
        result.answered = counts.get("", 0)
    if result.hidden:  # nothing of a small group leaves this function
        result.rows, result.stats, result.chart = [], {}, None


# --- the whole survey --------------------------------------------------------------------


@dataclass
class Results:
    survey: Survey
    filters: Filters
    invited: int
    answered: int
    questions: list[QuestionResult]

    @property
    def hidden(self) -> bool:
        return self.answered < MIN_GROUP

    @property
    def rate(self) -> float | None:
        """Answered over invited; none for a public link (its invitations are written when
        people answer, so there is no one invited beforehand to divide by)."""
        if self.survey.audience == "public" or not self.invited:
            return None
        return min(self.answered / self.invited, 1.0)


def questions_of(survey: Survey) -> list[tuple[SurveyQuestion, list[SurveyOption]]]:
    """The survey's questions in order with their options (two statements)."""
    questions = list(db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id)
        .order_by(SurveyQuestion.position, SurveyQuestion.id)))
    options: dict[int, list[SurveyOption]] = {q.id: [] for q in questions}
    if questions:
        for option in db.session.scalars(
                select(SurveyOption).join(SurveyQuestion)
                .where(SurveyQuestion.survey_id == survey.id)
                .order_by(SurveyOption.question_id, SurveyOption.position, SurveyOption.id)):
            options[option.question_id].append(option)
    return [(question, options[question.id]) for question in questions]


def totals(survey: Survey, filters: Filters) -> tuple[int, int]:
    """(invited, answered): SUMs over the survey's day counts (``SurveyDay``), a few rows
    per day whatever the number of answers; the date range applies to the day of the
    invitation and to the day of the answer. A public survey invites nobody."""
    row = db.session.execute(
        select(func.coalesce(func.sum(SurveyDay.invited), 0),
               func.coalesce(func.sum(SurveyDay.answered), 0))
        .where(SurveyDay.survey_id == survey.id, *_where(DAY_COLUMNS, filters))).one()
    invited = 0 if survey.audience == "public" else int(row[0])
    return invited, int(row[1])


def tally_counts(survey: Survey, filters: Filters) -> dict[int, dict[str, int]]:
    """``{question_id: {value: count}}``: SUM of the tallies GROUP BY question and value (the
    tally's key order: one range scan of the survey, no sort)."""
    conditions = _where(TALLY_COLUMNS, filters)
    rows = db.session.execute(
        select(SurveyTally.question_id, SurveyTally.value, func.sum(SurveyTally.count))
        .where(SurveyTally.survey_id == survey.id, *conditions)
        .group_by(SurveyTally.question_id, SurveyTally.value))
    counts: dict[int, dict[str, int]] = {}
    for question_id, value, total in rows:
        counts.setdefault(question_id, {})[value] = int(total or 0)
    return counts


def period_tally_counts(survey: Survey, filters: Filters, periods: "list[Period]"
                        ) -> list[dict[int, dict[str, int]]]:
    """``tally_counts`` of each of ``periods`` in one pass over the survey's tallies: one SUM
    per period, of the rows whose day falls in it (so periods may overlap), GROUP BY question
    and value in the tally key's order (no sort). ``filters``' own dates are ignored (each
    period's replace them)."""
    undated = replace(filters, date_from=None, date_to=None)
    within = [SurveyTally.day.between(p.start, p.end) for p in periods]
    sums = [func.sum(case((inside, SurveyTally.count), else_=0)) for inside in within]
    rows = db.session.execute(
        select(SurveyTally.question_id, SurveyTally.value, *sums)
        .where(SurveyTally.survey_id == survey.id, *_where(TALLY_COLUMNS, undated),
               or_(*within))
        .group_by(SurveyTally.question_id, SurveyTally.value))
    counts: list[dict[int, dict[str, int]]] = [{} for _ in periods]
    for question_id, value, *totals_of in rows:
        for index, total in enumerate(totals_of):
            if total:
                counts[index].setdefault(question_id, {})[value] = int(total)
    return counts


def period_totals(survey: Survey, filters: Filters, periods: "list[Period]"
                  ) -> list[tuple[int, int]]:
    """``totals`` of each of ``periods`` in one pass over the survey's day counts."""
    undated = replace(filters, date_from=None, date_to=None)
    within = [SurveyDay.day.between(p.start, p.end) for p in periods]
    sums = []
    for inside in within:
        sums += [func.sum(case((inside, SurveyDay.invited), else_=0)),
                 func.sum(case((inside, SurveyDay.answered), else_=0))]
    row = db.session.execute(
        select(*sums).where(SurveyDay.survey_id == survey.id,
                            *_where(DAY_COLUMNS, undated), or_(*within))).one()
    public = survey.audience == "public"
    return [(0 if public else int(row[2 * i] or 0), int(row[2 * i + 1] or 0))
            for i in range(len(periods))]


def _response_conditions(filters: Filters) -> list:
    return _where(RESPONSE_COLUMNS, filters)


def multiple_respondents(question_ids: list[int], filters: Filters) -> dict[int, int]:
    """People who answered each multiple-choice question (one statement, COUNT DISTINCT in
    SQL), for tallies that carry no '' row per respondent."""
    if not question_ids:
        return {}
    stmt = (select(SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id)))
            .where(SurveyAnswer.question_id.in_(question_ids))
            .group_by(SurveyAnswer.question_id))
    conditions = _response_conditions(filters)
    if conditions:
        stmt = stmt.join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).where(
            *conditions)
    return {question_id: int(count) for question_id, count in db.session.execute(stmt)}


def _text_question_ids(questions) -> list[int]:
    return [q.id for q, _options in questions if q.kind in TEXT_KINDS]


def text_previews(question_ids: list[int], filters: Filters,
                  limit: int = TEXT_PREVIEW) -> dict[int, list[str]]:
    """The first ``limit`` text answers of each question, ordered by response id (random, so
    neither the oldest nor the newest): one statement, a UNION ALL of one ``LIMIT`` per
    question. Each part walks the question's index in response id order and stops at
    ``limit`` rows, instead of numbering every text answer of the survey."""
    if not question_ids:
        return {}
    parts = []
    for question_id in question_ids:
        part = (select(SurveyAnswer.question_id, SurveyAnswer.response_id, SurveyAnswer.text)
                .where(SurveyAnswer.question_id == question_id,
                       SurveyAnswer.text.is_not(None), SurveyAnswer.text != "")
                .order_by(SurveyAnswer.response_id).limit(limit))
        conditions = _response_conditions(filters)
        if conditions:  # EXISTS, not a join: the walk stays in the index's order whatever
            # the planner's statistics (a join lets it sort every matching response first)
            part = part.where(exists().where(SurveyResponse.id == SurveyAnswer.response_id,
                                             *conditions))
        parts.append(select(part.subquery()))
    both = union_all(*parts).subquery()
    texts: dict[int, list[str]] = {}
    for question_id, _response_id, text in db.session.execute(
            select(both).order_by(both.c.question_id, both.c.response_id)):
        texts.setdefault(question_id, []).append(text)
    return texts


def results(survey: Survey, filters: Filters, *, with_texts: bool = True,
            questions=None) -> Results:
    """Every question's figures under ``filters``; an empty list of questions when fewer
    than ``MIN_GROUP`` answers match (the page then says "menos de 5 respuestas")."""
    questions = questions if questions is not None else questions_of(survey)
    invited, answered = totals(survey, filters)
    outcome = Results(survey, filters, invited, answered, [])
    if outcome.hidden:
        return outcome
    _fill(outcome, questions, tally_counts(survey, filters))
    if with_texts:
        shown = [r.question.id for r in outcome.questions
                 if r.kind in TEXT_KINDS and not r.hidden]
        previews = text_previews(shown, filters)
        for result in outcome.questions:
            result.texts = previews.get(result.question.id, [])
    return outcome


def _fill(outcome: Results, questions, counts: dict[int, dict[str, int]]) -> None:
    """Each question's figures from the tallies' ``counts`` (the respondents of a
    multiple-choice question from its '' tally, or counted when the tallies lack it)."""
    filters = outcome.filters
    multiple = [q.id for q, _o in questions  # answered, but tallied without the '' row
                if q.kind == "multiple" and counts.get(q.id) and not counts[q.id].get("")]
    respondents = multiple_respondents(multiple, filters)
    for question, options in questions:
        question_counts = counts.get(question.id, {})
        result = QuestionResult(question)
        base = question_counts.get("") or respondents.get(question.id, 0)
        _summarise(result, {k: v for k, v in question_counts.items() if k != ""}
                   if question.kind not in TEXT_KINDS else question_counts, options, base)
        outcome.questions.append(result)


def text_page(survey: Survey, question_id: int, filters: Filters, page: int):
    """One page of a text question's answers (a Flask-SQLAlchemy Pagination), ordered by
    response id; 404 for a question of another survey or one that is not a text, and an
    empty page while the question has fewer than ``MIN_GROUP`` answers."""
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id or question.kind not in TEXT_KINDS:
        raise NotFound("Esa pregunta no es de texto en esta encuesta.")
    answered = tally_counts(survey, filters).get(question.id, {}).get("", 0)
    stmt = (select(SurveyAnswer.text)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyAnswer.question_id == question.id, SurveyAnswer.text.is_not(None),
                   SurveyAnswer.text != "", *_response_conditions(filters))
            .order_by(SurveyAnswer.response_id))
    if answered < MIN_GROUP:
        stmt = stmt.where(literal(False))
    return question, answered, db.paginate(stmt, page=page, per_page=TEXTS_PER_PAGE,
                                           error_out=False, count=True)


# --- comparing two periods ---------------------------------------------------------------


def parse_periods(args, today: date) -> tuple[Period, Period, dict, dict]:
    """Read ``?periodo=anual|anios|fechas`` with ``anio_a, anio_b`` or ``a_desde, a_hasta,
    b_desde, b_hasta``. Refused values fall back to the default (year to date) with a
    message next to the field."""
    chosen = {name: (args.get(name) or "").strip()[:10] for name in
              ("periodo", "anio_a", "anio_b", "a_desde", "a_hasta", "b_desde", "b_hasta")}
    mode = chosen["periodo"] if chosen["periodo"] in ("anual", "anios", "fechas") else "anual"
    chosen["periodo"] = mode
    errors: dict = {}
    if mode == "anios":
        years = []
        for name in ("anio_a", "anio_b"):
            value = chosen[name]
            if value.isdigit() and 2000 <= int(value) <= today.year:
                years.append(int(value))
            else:
                errors[name] = _l("Elige un año entre 2000 y %(year)d.", year=today.year)
        if not errors:
            return whole_year(years[0]), whole_year(years[1]), chosen, errors
    elif mode == "fechas":
        days = {name: _parse_day(chosen[name], errors, name) for name in
                ("a_desde", "a_hasta", "b_desde", "b_hasta")}
        for name, value in days.items():
            if value is None and name not in errors:
                errors[name] = _l("Escribe la fecha como AAAA-MM-DD.")
        for first, last in (("a_desde", "a_hasta"), ("b_desde", "b_hasta")):
            if not errors and days[first] > days[last]:
                errors[last] = _l("La fecha final debe ser igual o posterior a la inicial.")
        if not errors:
            return (date_range(days["a_desde"], days["a_hasta"]),
                    date_range(days["b_desde"], days["b_hasta"]), chosen, errors)
    period_a, period_b = year_to_date(today)
    return period_a, period_b, chosen, errors


@dataclass
class Indicator:
    """One figure in both periods and its difference (b to a: a minus b)."""

    label: str
    a: float | None
    b: float | None
    unit: str = "number"  # number | share | score | count

    @property
    def difference(self) -> float | None:
        if self.a is None or self.b is None:
            return None
        return self.a - self.b


@dataclass
class QuestionComparison:
    question: SurveyQuestion
    answered_a: int
    answered_b: int
    indicators: list[Indicator]

    @property
    def hidden_a(self) -> bool:
        return self.answered_a < MIN_GROUP

    @property
    def hidden_b(self) -> bool:
        return self.answered_b < MIN_GROUP


@dataclass
class Comparison:
    period_a: Period
    period_b: Period
    a: Results
    b: Results
    totals: list[Indicator]
    questions: list[QuestionComparison]


def _indicators(result: QuestionResult | None) -> dict[str, tuple[float | None, str]]:
    """The headline figures of a question (empty when hidden or missing)."""
    if result is None or result.hidden:
        return {}
    stats, kind = result.stats, result.kind
    if kind in LIKERT_KINDS:
        return {str(_l("Promedio (1 a 5)")): (stats["mean"], "number"),
                str(_l("Las dos respuestas más altas")): (stats["top_two"], "share")}
    if kind == "nps":
        return {str(_l("Puntaje NPS")): (stats["score"], "score"),
                str(_l("Promotores")): (stats["promoters"], "share"),
                str(_l("Detractores")): (stats["detractors"], "share")}
    if kind == "rating":
        return {str(_l("Promedio (1 a 5)")): (stats["mean"], "number")}
    if kind == "number":
        return {str(_l("Promedio")): (stats["mean"], "number"),
                str(_l("Mediana")): (stats["median"], "number")}
    if kind in CHOICE_KINDS:
        return {row.label: (row.share, "share") for row in result.rows}
    return {str(_l("Respuestas recibidas")): (result.answered, "count")}


def _pair(label_order: list[str], a: dict, b: dict) -> list[Indicator]:
    labels = label_order + [label for label in b if label not in label_order]
    return [Indicator(label, a.get(label, (None, ""))[0], b.get(label, (None, ""))[0],
                      (a.get(label) or b.get(label))[1]) for label in labels]


def compare(survey: Survey, period_a: Period, period_b: Period, filters: Filters,
            ) -> Comparison:
    """The same figures in two periods side by side (the filters' own dates are replaced by
    each period's), with the difference per indicator; each period hides its small groups on
    its own, and a difference needs both."""
    questions = questions_of(survey)
    first, second = _period_results(survey, questions, [period_a, period_b], filters)
    visible = {"a": not first.hidden, "b": not second.hidden}
    totals_rows = [Indicator(str(_l("Personas invitadas")), first.invited, second.invited,
                             "count"),
                   Indicator(str(_l("Respuestas recibidas")), first.answered, second.answered,
                             "count"),
                   Indicator(str(_l("Tasa de respuesta")), first.rate, second.rate, "share")]
    by_id_a = {r.question.id: r for r in first.questions}
    by_id_b = {r.question.id: r for r in second.questions}
    rows = []
    for question, _options in questions:
        result_a, result_b = by_id_a.get(question.id), by_id_b.get(question.id)
        a, b = _indicators(result_a), _indicators(result_b)
        rows.append(QuestionComparison(
            question, result_a.answered if result_a and visible["a"] else 0,
            result_b.answered if result_b and visible["b"] else 0,
            _pair(list(a), a, b) if (a or b) else []))
    return Comparison(period_a, period_b, first, second, totals_rows, rows)


def _period_results(survey: Survey, questions, periods: list[Period], filters: Filters
                    ) -> list[Results]:
    """``results`` without texts for each period: the tallies of all periods in one GROUP BY
    and their totals in one pass over the day counts, instead of a full pass per period."""
    counts = period_tally_counts(survey, filters, periods)
    outcomes = []
    for period, period_counts, (invited, answered) in zip(
            periods, counts, period_totals(survey, filters, periods), strict=True):
        each = replace(filters, date_from=period.start, date_to=period.end)
        outcome = Results(survey, each, invited, answered, [])
        if not outcome.hidden:
            _fill(outcome, questions, period_counts)
        outcomes.append(outcome)
    return outcomes
