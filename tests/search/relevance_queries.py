"""The labelled relevance set: Spanish queries over the demo registry, each with what counts
as a relevant hit and what the ranking must at least achieve.

The judgements are about the demo data (``community.demo.profiles``, seed 2026): 262
validated OSCs. A hit is judged on its whole source document (title, body, place, INEGI
municipality, LFFAROC fractions), not only on what the hit shows, so a predicate can say
"works in Ecatepec" (``place`` holds the home municipality and those it serves) or "does
asesoría jurídica gratuita" (the mission, in the body).

``must``: the rule the test asserts. A case with ``must=False`` is a known weakness of the
engine: it still runs and counts in the metrics, the test prints it, but its rule does not
fail the run (its ``floor``, what it achieves today, does); the ``weakness`` text says what
goes wrong. When such a case starts passing, the test says so, and it should become
``must``. ``suggestion``: for a typo, the corrected query the results must offer.

The rules:

- ``TOP1``: the first hit is relevant;
- ``at_least(k, of=n)``: at least k of the first n hits are relevant (n capped at the
  number of relevant documents the index holds, so "5 of 5" with 3 relevant documents
  asks for those 3);
- ``ALL5``: the first five hits (or all the relevant ones, when fewer) are relevant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from community.search.analysis import fold

TOLUCA, ECATEPEC, NEZA, NAUCALPAN = "15106", "15033", "15058", "15057"
CHIMALHUACAN, IZCALLI, TECAMAC, ZUMPANGO, TULTITLAN = "15031", "15121", "15081", "15120", "15109"


# -- what is judged --------------------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """A hit with its source document: what a person would know after opening it."""

    id: str
    kind: str
    title: str
    body: str
    place: str  # home municipality and the ones it serves, by name
    municipality: str  # INEGI code, "" for an OSC of another state
    areas: tuple[str, ...]  # LFFAROC fractions
    year: str

    def text(self) -> str:
        return fold(" ".join((self.title, self.body, self.place)))


class P:
    """A relevance predicate; ``&`` and ``|`` combine them."""

    def __init__(self, test: Callable[[Judged], bool], label: str):
        self.test, self.label = test, label

    def __call__(self, doc: Judged) -> bool:
        return bool(self.test(doc))

    def __and__(self, other: P) -> P:
        return P(lambda d: self(d) and other(d), f"({self.label} and {other.label})")

    def __or__(self, other: P) -> P:
        return P(lambda d: self(d) or other(d), f"({self.label} or {other.label})")

    def __repr__(self) -> str:
        return self.label


def municipality(*codes: str) -> P:
    """Based in one of these municipalities (INEGI codes)."""
    return P(lambda d: d.municipality in codes, f"municipality in {codes}")


def serves(name: str) -> P:
    """Based in or serving the municipality called ``name`` (its place names)."""
    folded = fold(name)
    return P(lambda d: folded in fold(d.place), f"serves {name!r}")


def area(*fractions: str) -> P:
    return P(lambda d: any(f in d.areas for f in fractions), f"area in {fractions}")


def title_has(*phrases: str) -> P:
    """The title holds one of the phrases (accent and case folded)."""
    folded = [fold(p) for p in phrases]
    return P(lambda d: any(p in fold(d.title) for p in folded), f"title has {phrases}")


def text_has(*phrases: str) -> P:
    """Title, body or place hold one of the phrases (accent and case folded)."""
    folded = [fold(p) for p in phrases]
    return P(lambda d: any(p in d.text() for p in folded), f"text has {phrases}")


def title_is(title: str) -> P:
    return P(lambda d: fold(d.title) == fold(title), f"title is {title!r}")


# -- what the ranking must achieve -----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    k: int  # relevant hits required...
    n: int  # ...among the first n

    def holds(self, flags: list[bool], relevant_total: int) -> bool:
        n = self.n
        k = min(self.k, relevant_total)  # cannot ask for more than the index holds
        return sum(flags[:n]) >= k

    def __str__(self) -> str:
        return "top hit relevant" if (self.k, self.n) == (1, 1) else f"≥{self.k} of top {self.n}"


def at_least(k: int, of: int) -> Rule:
    return Rule(k, of)


TOP1 = Rule(1, 1)
ALL5 = Rule(5, 5)


@dataclass(frozen=True)
class Case:
    q: str
    relevant: P
    rule: Rule  # what a good ranking achieves; asserted when ``must``
    topic: str  # what the case covers (for the table)
    filters: dict[str, str] = field(default_factory=dict)  # facet filters, as /buscar takes them
    suggestion: str | None = None  # the expected "¿Quisiste decir …?" (compared folded)
    must: bool = True
    floor: Rule | None = None  # for must=False: what it achieves today, asserted
    weakness: str = ""  # for must=False: what goes wrong, and why


# -- the set ---------------------------------------------------------------------------------

in_neza = municipality(NEZA) | serves("Nezahualcóyotl")
in_toluca = municipality(TOLUCA) | serves("Toluca")
in_ecatepec = municipality(ECATEPEC) | serves("Ecatepec")
women = area("VI") | text_has("mujer")
migrants = text_has("migrant")
children = text_has("niñez", "niña", "niño", "infancia", "infantil")
elderly = text_has("personas mayores", "adultas mayores")
youth = text_has("juventud", "jóvenes")
legal_aid = text_has("asesoría jurídica") | area("IV")

CASES: list[Case] = [
    # Accents, case and typos on a municipality name.
    Case("Nezahualcóyotl", in_neza, ALL5, "municipality, accents"),
    Case("nezahualcoyotl", in_neza, ALL5, "municipality, no accents"),
    Case("NEZAHUALCOYOTL", in_neza, ALL5, "municipality, upper case"),
    Case("nezahualcoyot", in_neza, ALL5, "municipality, typo", suggestion="nezahualcoyotl"),
    Case("Toluca", in_toluca, ALL5, "municipality"),
    Case("toluka", in_toluca, ALL5, "municipality, typo", suggestion="toluca"),
    Case("Ecatepec", in_ecatepec, ALL5, "municipality"),
    Case("ecatepek", in_ecatepec, ALL5, "municipality, typo", suggestion="ecatepec"),
    Case("ecatepec de morelos", in_ecatepec, ALL5, "municipality, official name"),
    Case("Naucalpan", municipality(NAUCALPAN) | serves("Naucalpan"), ALL5, "municipality"),
    Case("Chimalhuacán", municipality(CHIMALHUACAN) | serves("Chimalhuacán"), ALL5,
         "municipality, accents"),
    Case("chimalhuacan", municipality(CHIMALHUACAN) | serves("Chimalhuacán"), ALL5,
         "municipality, no accents"),
    Case("Cuautitlán Izcalli", municipality(IZCALLI) | serves("Cuautitlán Izcalli"), ALL5,
         "municipality, two words"),
    Case("Tecámac", municipality(TECAMAC) | serves("Tecámac"), ALL5, "municipality"),
    Case("tecamac", municipality(TECAMAC) | serves("Tecámac"), ALL5, "municipality, no accents"),
    Case("Zumpango", municipality(ZUMPANGO) | serves("Zumpango"), ALL5, "municipality"),
    Case("valle de chalco", serves("Valle de Chalco"), TOP1, "municipality, three words"),
    Case("Neza", in_neza, ALL5, "municipality, short name"),
    # Activity areas (art. 5 LFFAROC).
    Case("equidad de género", area("VI"), ALL5, "activity area"),
    Case("equidad de genero", area("VI"), ALL5, "activity area, no accents"),
    Case("derechos humanos", area("IX"), ALL5, "activity area"),
    Case("derechos umanos", area("IX"), ALL5, "activity area, typo in the first letter",
         suggestion="derechos humanos"),
    Case("vecas para niñas", text_has("beca"), TOP1, "b for v in the first letter",
         suggestion="becas para niñas"),
    Case("medio ambiente", area("XII"), ALL5, "activity area"),
    Case("deporte", area("X"), ALL5, "activity area"),
    Case("salud", area("XI"), ALL5, "activity area"),
    Case("discapacidad", area("VII"), ALL5, "activity area"),
    Case("discapasidad", area("VII"), ALL5, "activity area, typo", suggestion="discapacidad"),
    Case("pueblos indígenas", area("V"), ALL5, "activity area"),
    Case("protección civil", area("XV"), ALL5, "activity area", must=False, floor=TOP1,
         weakness="no phrase or proximity scoring: 'civil' is in 181 of the 262 bodies "
                  "(\"sociedad civil\" in the legal boilerplate), so 'Protección Animal …' "
                  "(protección in the title, boosted ×3) outranks the 'Cuerpo de Voluntarios "
                  "de Rescate' OSCs whose body says \"protección civil\""),
    # Populations.
    Case("personas mayores", elderly, ALL5, "population"),
    Case("adultos mayores", elderly, ALL5, "population, gender"),
    Case("niñez", children, ALL5, "population"),
    Case("ninos", children, ALL5, "population, ñ typed as n"),
    Case("juventudes", youth, ALL5, "population"),
    Case("jovenes", youth, ALL5, "population, no accents"),
    Case("migrantes", migrants, ALL5, "population"),
    Case("migrantez", migrants, ALL5, "population, typo", suggestion="migrantes"),
    Case("tercera edad", elderly, at_least(3, of=5), "population, synonym", must=False,
         weakness="no synonyms: 'tercera' stems like 'terceros' (\"en beneficio de terceros\", "
                  "in 177 of the 262 bodies) and 'edad' is in no document, so the query "
                  "returns most of the index ranked by 'terceros'; 'personas mayores' is what "
                  "the data says"),
    # Needs in several words.
    Case("apoyo a mujeres en ecatepec", women & in_ecatepec, at_least(3, of=5), "need"),
    Case("comedor comunitario en toluca",
         (title_has("comedor", "cocina") | text_has("comedor")) & in_toluca, TOP1, "need"),
    Case("asesoría jurídica gratuita", legal_aid, ALL5, "need"),
    Case("talleres de lectura para niños",
         text_has("lectura", "leer", "biblioteca") & (children | area("XIII")), at_least(3, of=5),
         "need"),
    Case("refugio para mujeres que viven violencia", text_has("refugio") & women, TOP1, "need"),
    Case("violencia familiar", text_has("violencia") & women, ALL5, "need"),
    Case("procuracion de fondos", text_has("procuración de fondos"), ALL5, "need, no accents"),
    Case("banco de alimentos", title_has("banco de alimentos") | text_has("despensa"), TOP1,
         "need"),
    Case("terapia de lenguaje", text_has("terapia física y de lenguaje"), ALL5, "need"),
    Case("lengua de señas", text_has("lengua de señas"), ALL5, "need"),
    Case("jornadas de reforestación", text_has("reforestación"), ALL5, "need"),
    Case("cancer de mama", text_has("cáncer de mama") | title_has("cáncer"), TOP1, "need"),
    Case("adopcion de perros y gatos", text_has("adopción"), ALL5, "need, no accents"),
    Case("abogado gratis", legal_aid | text_has("abogado"), ALL5, "need, everyday words"),
    Case("ayuda legal", legal_aid, at_least(3, of=5), "need, synonym", must=False,
         weakness="no synonyms: 'legal' is not 'jurídica'; the OR of 'ayuda' and 'legal' "
                  "finds addiction shelters (\"grupos de ayuda mutua\") and OSCs that advise "
                  "on \"constitución legal\", not the free legal-aid OSCs"),
    # Stemming: plural, singular, gender.
    Case("capacitaciones", text_has("capacit"), ALL5, "stemming, plural"),
    Case("capacitacion", text_has("capacit"), ALL5, "stemming, no accent"),
    Case("mujer", women, ALL5, "stemming, singular"),
    Case("niñas", children, ALL5, "stemming, plural/gender"),
    Case("comedores", text_has("comedor"), ALL5, "stemming, plural"),
    Case("psicologo", text_has("psicológ"), ALL5, "stemming, gender, no accent"),
    Case("otomí", text_has("otomí"), ALL5, "stemming, people"),
    # Names of organizations.
    Case("Casa del Migrante de Tultitlán", title_is("Casa del Migrante de Tultitlán"), TOP1,
         "name"),
    Case("casa del migrante", title_has("casa del migrante"), at_least(2, of=2), "name, partial"),
    Case("Colectiva Violeta", title_has("colectiva violeta"), ALL5, "name"),
    Case("Teresa Colín", title_has("teresa colín"), TOP1, "name, person"),
    Case("red de familias por el autismo", title_has("autismo"), TOP1, "name"),
    # With facet filters.
    Case("mujeres", women & municipality(NEZA), ALL5, "filter: municipality",
         filters={"municipality": NEZA}),
    Case("talleres", area("XIII"), ALL5, "filter: area", filters={"area": "XIII"}),
    Case("salud", area("XI") & municipality(TOLUCA), ALL5, "filter: municipality and area",
         filters={"municipality": TOLUCA, "area": "XI"}),
]
