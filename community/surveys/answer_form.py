"""The answering form of a survey: what each question looks like on the page.

A survey's questions are rows, not a fixed class, so the form is built per survey: the
Flask-WTF ``AnswerForm`` carries only the CSRF token, and ``build`` turns sections, questions
and options into plain view objects the templates render as native controls (radio groups,
checkboxes, number and text inputs). Field names are the services' ("q<id>", "q<id>_other"),
so what the person typed goes straight to ``services.validate_answers``/``submit`` and, after
a refused submit, straight back into the controls. Every rule (required, ranges, which
option exists, display conditions) lives in the services; nothing here decides.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from community.surveys import labels
from community.surveys.models import OTHER_CODE as OTHER

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5_000


class AnswerForm(FlaskForm):
    """Only the CSRF token: the questions are the survey's, built by ``build``."""


@dataclass
class Choice:
    """One radio button or checkbox: its submitted value, label, element id and state."""

    value: str
    label: str
    id: str
    checked: bool = False


@dataclass
class QuestionView:
    """One question as the page shows it, with what was typed and its message."""

    question: object
    number: int
    widget: str  # radios | scale | nps | checkboxes | number | short_text | long_text
    choices: list[Choice] = field(default_factory=list)
    value: str = ""
    other_text: str = ""
    other_chosen: bool = False
    error: str = ""
    other_error: str = ""
    condition: tuple[int, str] | None = None  # (number of the earlier question, option label)

    @property
    def id(self) -> int:
        return self.question.id

    @property
    def name(self) -> str:
        return f"q{self.question.id}"

    @property
    def other_name(self) -> str:
        return f"q{self.question.id}_other"

    @property
    def anchor(self) -> str:
        """Where the error summary's link lands: the first control of the question."""
        if self.choices:
            return self.choices[0].id
        return self.name

    @property
    def grouped(self) -> bool:
        """Radio buttons and checkboxes sit in a fieldset whose legend is the question."""
        return self.widget in ("radios", "scale", "nps", "checkboxes")

    @property
    def range_text(self) -> str:
        """The allowed numbers of a number question, in words (empty for other kinds)."""
        low, high = self.question.number_min, self.question.number_max
        if self.widget != "number":
            return ""
        if low is not None and high is not None:
            return _("Un número entero del %(low)s al %(high)s.", low=low, high=high)
        if low is not None:
            return _("Un número entero, %(low)s o más.", low=low)
        if high is not None:
            return _("Un número entero, hasta %(high)s.", high=high)
        return _("Un número entero.")

    @property
    def ends(self) -> tuple:
        """The named ends of the 0–10 scale."""
        return labels.NPS_ENDS

    @property
    def maxlength(self) -> int:
        return LONG_TEXT_MAX if self.widget == "long_text" else SHORT_TEXT_MAX

    @property
    def has_hint(self) -> bool:
        return bool(self.question.help or self.range_text or self.widget == "nps")

    @property
    def allows_other(self) -> bool:
        return self.widget in ("radios", "checkboxes") and bool(self.question.allow_other)


@dataclass
class SectionView:
    section: object | None
    questions: list[QuestionView]


def _widget(kind: str) -> str:
    return {"single": "radios", "multiple": "checkboxes", "nps": "nps",
            "likert_agreement": "scale", "likert_satisfaction": "scale",
            "rating": "scale"}.get(kind, kind)


def _choices(question, widget: str, chosen: set[str]) -> list[Choice]:
    prefix = f"q{question.id}"
    if widget in ("radios", "checkboxes"):
        pairs = [(option.code, option.label) for option in question.options]
        if question.allow_other:
            pairs.append((OTHER, str(labels.OTHER_LABEL)))
    elif widget in ("scale", "nps"):
        pairs = [(str(value), label) for value, label in labels.scale_points(question.kind)]
    else:
        return []
    return [Choice(value=value, label=label, id=f"{prefix}-{index}", checked=value in chosen)
            for index, (value, label) in enumerate(pairs)]


def _submitted(question, typed: MultiDict) -> tuple[set[str], str, str]:
    """What the person sent for one question: chosen values, the typed value, "otro"."""
    name = f"q{question.id}"
    values = [value for value in typed.getlist(name) if isinstance(value, str)]
    other = typed.get(f"{name}_other", "") or ""
    return set(values), (values[0] if values else ""), other


def build(survey, typed: MultiDict | None = None, errors: dict | None = None) \
        -> list[SectionView]:
    """The survey's sections and questions as the page renders them.

    ``typed``: the submitted form (kept after a refused submit); ``errors``: the services'
    messages by field name. Questions are numbered in survey order, and a question shown
    only after an earlier choice carries that question's number and the option's label so
    the page can say so in words (the note that makes the form work without JavaScript).
    """
    typed = typed if typed is not None else MultiDict()
    errors = errors or {}
    numbers: dict[int, int] = {}
    option_labels: dict[tuple[int, str], str] = {}
    sections: dict[int | None, SectionView] = {
        section.id: SectionView(section, []) for section in _sections(survey)}
    for number, question in enumerate(_questions(survey), start=1):
        numbers[question.id] = number
        for option in question.options:
            option_labels[(question.id, option.code)] = option.label
        view = _question_view(question, number, typed, errors)
        if question.condition_question_id and question.condition_question_id in numbers:
            code = question.condition_option or ""
            view.condition = (numbers[question.condition_question_id],
                              option_labels.get((question.condition_question_id, code),
                                                str(labels.OTHER_LABEL) if code == OTHER
                                                else code))
        sections.setdefault(question.section_id, SectionView(None, []))
        sections[question.section_id].questions.append(view)
    return [section for section in sections.values() if section.questions]


def _question_view(question, number: int, typed: MultiDict, errors: dict) -> QuestionView:
    widget = _widget(question.kind)
    chosen, value, other = _submitted(question, typed)
    name = f"q{question.id}"
    return QuestionView(
        question=question, number=number, widget=widget,
        choices=_choices(question, widget, chosen), value=value, other_text=other,
        other_chosen=OTHER in chosen, error=str(errors.get(name, "")),
        other_error=str(errors.get(f"{name}_other", "")))


def _sections(survey) -> list:
    return list(survey.sections)  # ordered by position by the relationship


def _questions(survey) -> list:
    return list(survey.questions)  # by position within the whole survey


def summary(sections: list[SectionView], errors: dict) -> list[tuple[str | None, str]]:
    """The error summary at the top: (anchor or None, message), in page order; messages that
    belong to no question on the page (the whole form, a question of another survey) have no
    anchor."""
    items: list[tuple[str | None, str]] = []
    placed: set[str] = set()
    for section in sections:
        for view in section.questions:
            for key, message in ((view.name, view.error), (view.other_name, view.other_error)):
                if message:
                    anchor = view.anchor if key == view.name else f"{view.name}-other"
                    items.append((anchor, f"{view.number}. {view.question.text}: {message}"))
                    placed.add(key)
    items.extend((None, str(message)) for key, message in errors.items() if key not in placed)
    return items
