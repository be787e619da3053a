"""The glossary: every metric and monthly series the reports show, in English and Dutch.

One table (:data:`TERMS`) gives each key a plain name, a unit and one sentence in both
languages, and a *kind* (persons, share, EUR, months, ...) that decides how its values are
written (:func:`format_value`). The keys are the end-of-run metrics of
``sim.outputs.end_of_run_metrics`` and the summary (``durability.median_survival_months``
and the other Kaplan-Meier estimates of :mod:`instap.survival`), and the monthly columns
of ``sim.outputs.COLUMNS``. Families of keys (``value.<stakeholder>.<part>_<H>y``,
``trust_<a>_to_<b>``, ``coalition_<kind>``, ...) are composed from their parts
(:class:`Family`), so every member resolves and nothing else does.

The reports, ``docs/glossary.md`` (``python -m instap.docs_gen``) and the live page's
series labels read this table; ``tests/test_glossary.py`` checks that every key the model
produces resolves in both languages.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from instap import formatting as f
from instap.errors import suggest
from instap.lang import LANGS
from sim.durability import CAUSES
from sim.outputs import ACTOR_KINDS, TRUST_DIRECTIONS, TRUST_PAIRS
from sim.policies.value import HORIZONS

Text = Mapping[str, str]  # language -> text
Words = Mapping[str, Mapping[str, str]]  # language -> field -> word(s), for a family's part


# ----------------------------------------------------------------------------- kinds
@dataclass(frozen=True)
class Kind:
    """What a term measures: its unit in each language and how a value is written."""

    unit: Text
    format: Callable[[Any, str], str]


def _count(x: Any, lang: str) -> str:
    return f.number(x, lang, 0 if f.missing(x) else f.auto_digits(float(x)))


def _decimal(x: Any, lang: str) -> str:
    return f.number(x, lang, 2)


KINDS: dict[str, Kind] = {
    "persons": Kind({"en": "persons", "nl": "personen"}, _count),
    "persons_month": Kind({"en": "persons per month", "nl": "personen per maand"}, _count),
    "person_months": Kind({"en": "person-months", "nl": "persoonsmaanden"}, _count),
    "organisations": Kind({"en": "organisations", "nl": "organisaties"}, _count),
    "organisations_month": Kind({"en": "organisations per month",
                                 "nl": "organisaties per maand"}, _count),
    "places": Kind({"en": "places", "nl": "plekken"}, _count),
    "outcomes": Kind({"en": "outcomes", "nl": "resultaten"}, _count),
    "months": Kind({"en": "months", "nl": "maanden"}, _count),
    "share": Kind({"en": "%", "nl": "%"}, f.percent),
    "share_year": Kind({"en": "% per year", "nl": "% per jaar"}, f.percent),
    "flag": Kind({"en": "yes/no", "nl": "ja/nee"}, f.percent),
    "eur": Kind({"en": "EUR", "nl": "euro"}, f.money),
    "eur_month": Kind({"en": "EUR per month", "nl": "euro per maand"}, f.money),
    "eur_per_eur": Kind({"en": "EUR per EUR", "nl": "euro per euro"}, _decimal),
    "index": Kind({"en": "index 0-1", "nl": "index 0-1"}, _decimal),
    "factor": Kind({"en": "factor", "nl": "factor"}, _decimal),
}


# ----------------------------------------------------------------------------- terms
@dataclass(frozen=True)
class Term:
    """One key of the glossary: its kind, plain name, a short label for plot legends and
    one sentence, each in English and Dutch."""

    key: str
    kind: str
    section: str
    names: Text
    texts: Text
    shorts: Text | None = None

    def name(self, lang: str) -> str:
        """The plain name."""
        return self.names[lang]

    def short(self, lang: str) -> str:
        """The legend label (the name when it has none)."""
        return (self.shorts or self.names)[lang]

    def text(self, lang: str) -> str:
        """The one sentence that says what it is."""
        return self.texts[lang]

    def unit(self, lang: str) -> str:
        """The unit (``%``, ``EUR``, ``months``, ...)."""
        return KINDS[self.kind].unit[lang]

    def label(self, lang: str) -> str:
        """The name with its unit: ``median survival time (months)``, ``outcome payments
        (SIB; EUR)``."""
        name, unit = self.name(lang), self.unit(lang)
        return f"{name[:-1]}; {unit})" if name.endswith(")") else f"{name} ({unit})"


@dataclass(frozen=True)
class Family:
    """Keys composed from parts: ``pattern`` has a ``{placeholder}`` per part, and the
    name, text and short label are templates filled with the part's words."""

    section: str
    pattern: str
    kind: str
    names: Text
    texts: Text
    parts: Mapping[str, Mapping[str, Words]]  # placeholder -> value -> words
    shorts: Text | None = None

    def terms(self) -> Iterator[Term]:
        """Every member of the family."""
        slots = list(self.parts)
        for values in itertools.product(*(self.parts[s] for s in slots)):
            words = {lang: {k: v for s, value in zip(slots, values, strict=True)
                            for k, v in self.parts[s][value][lang].items()} for lang in LANGS}
            key = self.pattern.format(**dict(zip(slots, values, strict=True)))
            yield Term(key, self.kind, self.section,
                       {lang: _fill(self.names[lang], words[lang]) for lang in LANGS},
                       {lang: _fill(self.texts[lang], words[lang]) for lang in LANGS},
                       None if self.shorts is None else
                       {lang: _fill(self.shorts[lang], words[lang]) for lang in LANGS})


def _fill(template: str, words: Mapping[str, str]) -> str:
    return template.format(**words)


def _words(en: str | Mapping[str, str], nl: str | Mapping[str, str], field: str = "w"
           ) -> Words:
    """A part's words: one field ``field`` or a mapping of fields per language."""
    return {"en": {field: en} if isinstance(en, str) else en,
            "nl": {field: nl} if isinstance(nl, str) else nl}


def _term(key: str, kind: str, section: str, en: str, nl: str, en_text: str, nl_text: str,
          short: tuple[str, str] | None = None) -> Term:
    return Term(key, kind, section, {"en": en, "nl": nl}, {"en": en_text, "nl": nl_text},
                None if short is None else {"en": short[0], "nl": short[1]})


# ----------------------------------------------------------------------------- parts
#: Actor kinds in the plural (legend labels) and the municipality.
ACTORS: dict[str, Text] = {
    "municipality": {"en": "municipality", "nl": "gemeente"},
    "foundation": {"en": "foundations", "nl": "stichtingen"},
    "regular_employer": {"en": "regular employers", "nl": "reguliere werkgevers"},
    "social_enterprise": {"en": "social enterprises", "nl": "sociale ondernemingen"},
    "housing_corporation": {"en": "housing corporations", "nl": "woningcorporaties"},
    "bank": {"en": "banks", "nl": "banken"},
}
#: The groups that trust is measured between.
TRUST_GROUPS: dict[str, Text] = {
    "municipality": {"en": "the municipality", "nl": "de gemeente"},
    "foundation": {"en": "foundations", "nl": "stichtingen"},
    "firm": {"en": "employers", "nl": "werkgevers"},
}
TRUST_SHORT: dict[str, Text] = {
    "municipality": {"en": "municipality", "nl": "gemeente"},
    "foundation": {"en": "foundations", "nl": "stichtingen"},
    "firm": {"en": "employers", "nl": "werkgevers"},
}
#: Stakeholders of the value table: with an article (``who``) and as a column head.
STAKEHOLDER_WORDS: dict[str, Words] = {
    "municipality": _words({"who": "the municipality", "party": "municipality"},
                           {"who": "de gemeente", "party": "gemeente"}),
    "benefits_budget": _words({"who": "the national benefits budget",
                               "party": "national benefits budget"},
                              {"who": "het landelijke uitkeringsbudget",
                               "party": "landelijk uitkeringsbudget"}),
    "participants": _words({"who": "the participants", "party": "participants"},
                           {"who": "de deelnemers", "party": "deelnemers"}),
    "employers": _words({"who": "employers", "party": "employers"},
                        {"who": "werkgevers", "party": "werkgevers"}),
    "banks": _words({"who": "banks", "party": "banks"}, {"who": "banken", "party": "banken"}),
    "investors": _words({"who": "outside investors", "party": "outside investors"},
                        {"who": "externe investeerders", "party": "externe investeerders"}),
    "foundations": _words({"who": "foundations", "party": "foundations"},
                          {"who": "stichtingen", "party": "stichtingen"}),
}
#: Routes to collapse: what happened, and the short label of the bar chart.
CAUSE_WORDS: dict[str, Words] = {
    "money": _words({"sub": "the municipality stopped the money",
                     "inv": "the municipality stopped the money", "label": "money stopped",
                     "cond": "money"},
                    {"sub": "de gemeente de financiering stopte",
                     "inv": "stopte de gemeente de financiering", "label": "geld gestopt",
                     "cond": "geld"}),
    "partners": _words({"sub": "the partners left on their own",
                        "inv": "the partners left on their own", "label": "partners left",
                        "cond": "partners"},
                       {"sub": "de partners uit eigen beweging opstapten",
                        "inv": "stapten de partners uit eigen beweging op",
                        "label": "partners vertrokken", "cond": "partners"}),
    "capacity": _words({"sub": "the coaching capacity disappeared",
                        "inv": "the coaching capacity disappeared",
                        "label": "coaching disappeared", "cond": "coaching capacity"},
                       {"sub": "de begeleidingscapaciteit verdween",
                        "inv": "verdween de begeleidingscapaciteit",
                        "label": "begeleiding verdwenen", "cond": "begeleidingscapaciteit"}),
    "jobs": _words({"sub": "employers stopped offering entry jobs",
                    "inv": "employers stopped offering entry jobs",
                    "label": "entry jobs disappeared", "cond": "entry jobs"},
                   {"sub": "werkgevers geen instapbanen meer aanboden",
                    "inv": "boden werkgevers geen instapbanen meer aan",
                    "label": "instapbanen verdwenen", "cond": "instapbanen"}),
}
YEARS: dict[str, Words] = {str(h): _words(str(h), str(h), "years") for h in HORIZONS}

SECTIONS: dict[str, Text] = {
    "durability": {"en": "How long the ecosystem lasts", "nl": "Hoe lang het ecosysteem "
                   "standhoudt"},
    "participants": {"en": "Participants", "nl": "Deelnemers"},
    "finance": {"en": "Money and social return", "nl": "Geld en maatschappelijk rendement"},
    "value": {"en": "Who pays and who gains", "nl": "Wie betaalt en wie profiteert"},
    "coalition": {"en": "The coalition", "nl": "De coalitie"},
    "monthly": {"en": "Monthly series", "nl": "Maandreeksen"},
}

_NOT = ("Kaplan-Meier estimate over the runs", "Kaplan-Meier-schatting over de simulaties")

FIXED: list[Term] = [
    # --- durability ------------------------------------------------------------------
    _term("durability.survival_months", "months", "durability",
          "survival time", "overlevingsduur",
          "Months until the ecosystem collapsed in a run, or the length of the run if it "
          "did not collapse.",
          "Aantal maanden tot het ecosysteem in een simulatie instortte, of de looptijd als het "
          "niet instortte."),
    _term("durability.collapsed", "share", "durability",
          "runs in which the ecosystem collapsed", "simulaties waarin het ecosysteem instortte",
          "Share of the runs in which the ecosystem collapsed: it stopped functioning for "
          "several months in a row.",
          "Aandeel van de simulaties waarin het ecosysteem instortte: het functioneerde een aantal "
          "maanden achter elkaar niet."),
    _term("durability.months_alive", "months", "durability",
          "months without collapse", "maanden zonder instorting",
          "Months in which the ecosystem had not collapsed, or had been revived by a new "
          "programme.",
          "Maanden waarin het ecosysteem niet was ingestort, of door een nieuw programma "
          "weer functioneerde."),
    _term("durability.functioning_months", "months", "durability",
          "months functioning", "maanden dat het ecosysteem functioneerde",
          "Months in which all four conditions of a functioning ecosystem held: money, "
          "partners, coaching capacity and entry jobs.",
          "Maanden waarin alle vier voorwaarden voor een functionerend ecosysteem golden: "
          "geld, partners, begeleidingscapaciteit en instapbanen."),
    _term("durability.median_survival_months", "months", "durability",
          "median survival time", "mediane overlevingsduur",
          f"The month by which half of the runs had collapsed ({_NOT[0]}).",
          f"De maand waarin de helft van de simulaties was ingestort ({_NOT[1]})."),
    _term("durability.survival_q25_months", "months", "durability",
          "month by which a quarter of the runs collapsed",
          "maand waarin een kwart van de simulaties is ingestort",
          "The first month in which the estimated chance that the ecosystem still functions "
          "is 75% or less.",
          "De eerste maand waarin de geschatte kans dat het ecosysteem nog functioneert 75% "
          "of minder is."),
    _term("durability.survival_q75_months", "months", "durability",
          "month by which three quarters of the runs collapsed",
          "maand waarin driekwart van de simulaties is ingestort",
          "The first month in which the estimated chance that the ecosystem still functions "
          "is 25% or less.",
          "De eerste maand waarin de geschatte kans dat het ecosysteem nog functioneert 25% "
          "of minder is."),
    _term("durability.p_alive_60", "share", "durability",
          "chance the ecosystem still functions after 5 years",
          "kans dat het ecosysteem na 5 jaar nog functioneert",
          f"The chance that the ecosystem has not collapsed by month 60 ({_NOT[0]}).",
          f"De kans dat het ecosysteem in maand 60 nog niet is ingestort ({_NOT[1]}).",
          ("after 5 years", "na 5 jaar")),
    _term("durability.p_alive_120", "share", "durability",
          "chance the ecosystem still functions after 10 years",
          "kans dat het ecosysteem na 10 jaar nog functioneert",
          f"The chance that the ecosystem has not collapsed by month 120 ({_NOT[0]}).",
          f"De kans dat het ecosysteem in maand 120 nog niet is ingestort ({_NOT[1]}).",
          ("after 10 years", "na 10 jaar")),
    _term("durability.cause.none", "share", "durability",
          "runs in which the ecosystem did not collapse",
          "simulaties waarin het ecosysteem niet instortte",
          "Share of the runs in which the ecosystem had not collapsed by the end of the run.",
          "Aandeel van de simulaties waarin het ecosysteem aan het eind van de looptijd niet was "
          "ingestort.",
          ("did not collapse", "niet ingestort")),
    # --- participants ----------------------------------------------------------------
    _term("participants.placements", "persons", "participants",
          "starts of work", "werkhervattingen",
          "Times someone on assistance started work during the run, through the programme "
          "or on their own (gross).",
          "Aantal keren dat iemand vanuit de bijstand aan het werk ging tijdens de looptijd, "
          "via het programma of op eigen kracht (bruto)."),
    _term("participants.placements_counterfactual", "persons", "participants",
          "starts of work without the programme", "werkhervattingen zonder programma",
          "Starts of work of the same people in the same months without the programme.",
          "Werkhervattingen van dezelfde mensen in dezelfde maanden zonder het programma."),
    _term("participants.placements_net", "persons", "participants",
          "starts of work added by the programme", "extra werkhervattingen door het "
          "programma",
          "Starts of work with the programme minus those of the same people without it.",
          "Werkhervattingen met het programma min die van dezelfde mensen zonder het "
          "programma."),
    _term("participants.programme_placements", "persons", "participants",
          "placements through the programme", "plaatsingen via het programma",
          "Starts of work through the programme: entry jobs and jobs found during a track.",
          "Werkhervattingen via het programma: instapbanen en banen die tijdens een traject "
          "zijn gevonden."),
    _term("participants.regular_work", "persons", "participants",
          "moves into regular work", "doorstroom naar regulier werk",
          "Moves into regular, unsubsidised work during the run.",
          "Overstappen naar regulier werk zonder subsidie tijdens de looptijd."),
    _term("participants.final_regular_work", "persons", "participants",
          "in regular work at the end", "in regulier werk aan het eind",
          "Participants in regular work in the last month of the run.",
          "Deelnemers met regulier werk in de laatste maand van de looptijd."),
    _term("participants.work_months", "person_months", "participants",
          "months in work", "maanden werk",
          "Months in work of all participants together during the run (entry jobs and "
          "regular work).",
          "Maanden werk van alle deelnemers samen tijdens de looptijd (instapbanen en "
          "regulier werk)."),
    _term("participants.work_months_counterfactual", "person_months", "participants",
          "months in work without the programme", "maanden werk zonder programma",
          "Months in work of the same people without the programme.",
          "Maanden werk van dezelfde mensen zonder het programma."),
    _term("participants.work_months_net", "person_months", "participants",
          "months in work added by the programme", "extra maanden werk door het programma",
          "Months in work with the programme minus those of the same people without it.",
          "Maanden werk met het programma min die van dezelfde mensen zonder het "
          "programma."),
    _term("participants.deadweight_share", "share", "participants",
          "placements that would have happened anyway",
          "plaatsingen die ook zonder programma waren gelukt",
          "Share of the programme's placements that would have happened without the "
          "programme too.",
          "Aandeel van de plaatsingen via het programma dat ook zonder het programma tot "
          "stand was gekomen."),
    _term("participants.debt_help_reach", "share", "participants",
          "reach of debt help", "bereik van schuldhulp",
          "Share of the people with problematic debts during the run who got debt help at "
          "some time.",
          "Aandeel van de mensen met problematische schulden tijdens de looptijd dat op "
          "enig moment schuldhulp kreeg."),
    _term("participants.debt_help_reach_counterfactual", "share", "participants",
          "reach of debt help without the programme", "bereik van schuldhulp zonder "
          "programma",
          "The same share for the same people without the programme.",
          "Hetzelfde aandeel voor dezelfde mensen zonder het programma."),
    # --- finance ---------------------------------------------------------------------
    _term("finance.municipal_spending", "eur", "finance",
          "municipal programme spending", "programma-uitgaven van de gemeente",
          "What the municipality spent on the programme during the run: coaching, wage "
          "subsidies, debt help, monitoring and outcome payments (not discounted).",
          "Wat de gemeente tijdens de looptijd aan het programma uitgaf: begeleiding, "
          "loonkostensubsidie, schuldhulp, monitoring en resultaatbetalingen (niet contant "
          "gemaakt)."),
    _term("finance.programme_investment", "eur", "finance",
          "all programme resources", "alle middelen van het programma",
          "Everything put into the programme during the run, whoever paid it: the municipal "
          "budget, co-funding and SIB capital (not discounted).",
          "Alles wat tijdens de looptijd in het programma is gestoken, door wie dan ook: "
          "gemeentebudget, cofinanciering en SIB-kapitaal (niet contant gemaakt)."),
    _term("finance.benefit_savings", "eur", "finance",
          "benefits saved (gross)", "bespaarde uitkeringen (bruto)",
          "Benefits not paid because people placed by the programme work.",
          "Uitkeringen die niet betaald hoefden te worden doordat mensen via het programma "
          "werken."),
    _term("finance.benefit_savings_net", "eur", "finance",
          "benefits saved against no programme", "bespaarde uitkeringen ten opzichte van "
          "geen programma",
          "Benefits saved because fewer people are on assistance than without the programme.",
          "Uitkeringen die bespaard worden doordat minder mensen in de bijstand zitten dan "
          "zonder het programma."),
    _term("finance.outcome_payments", "eur", "finance",
          "outcome payments (SIB)", "resultaatbetalingen (SIB)",
          "What the municipality paid investors for verified outcomes of the social impact "
          "bond.",
          "Wat de gemeente investeerders betaalde voor vastgestelde resultaten van de social "
          "impact bond."),
    _term("finance.sib_capital", "eur", "finance",
          "SIB capital", "SIB-kapitaal",
          "Capital that outside investors put into the social impact bond.",
          "Kapitaal dat externe investeerders in de social impact bond staken."),
    _term("finance.sib_net_outcomes", "outcomes", "finance",
          "verified SIB outcomes", "vastgestelde SIB-resultaten",
          "Outcomes of the social impact bond verified by the evaluator: starts of work "
          "still going, above those without the programme.",
          "Resultaten van de social impact bond die de evaluator vaststelde: lopende "
          "werkhervattingen, boven die zonder het programma."),
    _term("finance.investor_multiple", "eur_per_eur", "finance",
          "paid back to investors per euro of capital",
          "terugbetaald aan investeerders per euro kapitaal",
          "Outcome payments to the investors divided by the capital they put in.",
          "Resultaatbetalingen aan de investeerders gedeeld door het kapitaal dat zij "
          "inbrachten."),
    _term("finance.public_cost_per_lasting_placement", "eur", "finance",
          "public cost per lasting placement", "publieke kosten per duurzame plaatsing",
          "Municipal programme spending divided by the programme placements that lasted at "
          "least 12 months.",
          "Programma-uitgaven van de gemeente gedeeld door het aantal plaatsingen via het "
          "programma dat minstens 12 maanden standhield."),
    # --- coalition -------------------------------------------------------------------
    _term("coalition.final_size", "organisations", "coalition",
          "partners in the coalition at the end", "partners in de coalitie aan het eind",
          "Organisations other than the municipality in the coalition in the last month.",
          "Organisaties naast de gemeente die in de laatste maand in de coalitie zaten."),
    _term("coalition.peak_size", "organisations", "coalition",
          "largest number of partners", "grootste aantal partners",
          "The largest number of partners in the coalition in any month.",
          "Het grootste aantal partners in de coalitie in één maand."),
    _term("coalition.joins", "organisations", "coalition",
          "joins of the coalition", "toetredingen tot de coalitie",
          "Times an organisation joined the coalition during the run.",
          "Aantal keren dat een organisatie tijdens de looptijd tot de coalitie toetrad."),
    _term("coalition.exits", "organisations", "coalition",
          "departures from the coalition", "vertrekken uit de coalitie",
          "Times an organisation left the coalition during the run.",
          "Aantal keren dat een organisatie tijdens de looptijd uit de coalitie stapte."),
    _term("coalition.founding_share_final", "share", "coalition",
          "founding partners still in at the end",
          "oprichtende partners die aan het eind nog meedoen",
          "Share of the partners at the start who are still in the coalition at the end.",
          "Aandeel van de partners bij de start dat aan het eind nog in de coalitie zit."),
    # --- monthly series ----------------------------------------------------------------
    _term("unreached", "persons", "monthly", "participants not reached",
          "deelnemers die niet bereikt zijn",
          "People on assistance whom the programme has not reached.",
          "Mensen in de bijstand die het programma nog niet heeft bereikt.",
          ("not reached", "niet bereikt")),
    _term("engaged", "persons", "monthly", "participants in contact",
          "deelnemers met wie contact is",
          "People in contact with the programme but not yet in a track.",
          "Mensen met wie het programma contact heeft, maar nog niet in een traject.",
          ("in contact", "in contact")),
    _term("in_track", "persons", "monthly", "participants in a track",
          "deelnemers in een traject", "People in a coaching track.",
          "Mensen in een begeleidingstraject.", ("in a track", "in een traject")),
    _term("entry_job", "persons", "monthly", "participants in an entry job",
          "deelnemers in een instapbaan", "People in an entry job.",
          "Mensen in een instapbaan.", ("in an entry job", "in een instapbaan")),
    _term("regular_work", "persons", "monthly", "participants in regular work",
          "deelnemers in regulier werk", "People in regular work.",
          "Mensen met regulier werk.", ("in regular work", "in regulier werk")),
    _term("exited", "persons", "monthly", "participants who left assistance otherwise",
          "deelnemers die anders zijn uitgestroomd",
          "People who left assistance for another reason than work.",
          "Mensen die om een andere reden dan werk uit de bijstand zijn gegaan.",
          ("left assistance otherwise", "anders uitgestroomd")),
    _term("population", "persons", "monthly", "participants still on the books",
          "deelnemers die nog meetellen",
          "Participants who have not left assistance otherwise.",
          "Deelnemers die niet om een andere reden zijn uitgestroomd."),
    _term("inflow", "persons_month", "monthly", "new people on assistance",
          "nieuwe instroom in de bijstand", "People who came onto assistance this month.",
          "Mensen die deze maand in de bijstand kwamen."),
    _term("placements", "persons_month", "monthly", "starts of work", "werkhervattingen",
          "Starts of work from assistance this month.",
          "Werkhervattingen vanuit de bijstand deze maand."),
    _term("programme_placements", "persons_month", "monthly",
          "placements through the programme", "plaatsingen via het programma",
          "Starts of work through the programme this month.",
          "Werkhervattingen via het programma deze maand."),
    _term("moves_to_regular", "persons_month", "monthly", "moves into regular work",
          "doorstroom naar regulier werk", "Moves into regular work this month.",
          "Overstappen naar regulier werk deze maand."),
    _term("job_losses", "persons_month", "monthly", "job losses", "baanverlies",
          "People who lost their job this month.", "Mensen die deze maand hun baan "
          "verloren."),
    _term("in_debt_help", "persons", "monthly", "participants in debt help",
          "deelnemers in schuldhulp", "Participants in debt help this month.",
          "Deelnemers die deze maand schuldhulp krijgen.", ("in debt help", "in schuldhulp")),
    _term("coaching_capacity", "places", "monthly", "coaching places",
          "begeleidingsplekken", "Usable coaching places this month.",
          "Bruikbare begeleidingsplekken deze maand."),
    _term("entry_places", "places", "monthly", "entry-job places offered",
          "aangeboden instapplekken", "Places for entry jobs that employers offer this month.",
          "Plekken voor instapbanen die werkgevers deze maand aanbieden."),
    _term("municipal_spending", "eur_month", "monthly", "municipal programme spending",
          "programma-uitgaven van de gemeente",
          "What the municipality spent on the programme this month.",
          "Wat de gemeente deze maand aan het programma uitgaf.",
          ("municipal spending", "uitgaven gemeente")),
    _term("benefit_savings", "eur_month", "monthly", "benefits saved (people in work)",
          "bespaarde uitkeringen (mensen aan het werk)",
          "Benefits not paid this month because people placed by the programme work.",
          "Uitkeringen die deze maand niet betaald hoefden te worden doordat mensen via het "
          "programma werken.", ("benefits saved", "bespaarde uitkeringen")),
    _term("outcome_payments", "eur_month", "monthly", "outcome payments (SIB)",
          "resultaatbetalingen (SIB)",
          "What the municipality paid investors this month for verified outcomes.",
          "Wat de gemeente investeerders deze maand betaalde voor vastgestelde resultaten."),
    _term("private_funding", "eur_month", "monthly", "private co-funding and SIB capital",
          "private cofinanciering en SIB-kapitaal",
          "Money private partners and investors put into the programme this month.",
          "Geld dat private partners en investeerders deze maand in het programma staken."),
    _term("programme_investment", "eur_month", "monthly", "all programme resources",
          "alle middelen van het programma",
          "Everything put into the programme this month, whoever paid it.",
          "Alles wat deze maand in het programma is gestoken, door wie dan ook."),
    _term("benefits_paid", "eur_month", "monthly", "benefits paid", "betaalde uitkeringen",
          "Benefits paid to participants this month.",
          "Uitkeringen die deze maand aan deelnemers zijn betaald."),
    _term("funded", "flag", "monthly", "programme funded", "programma gefinancierd",
          "Whether the programme has money this month.",
          "Of het programma deze maand geld heeft.", ("funded", "gefinancierd")),
    _term("recession", "flag", "monthly", "recession", "recessie",
          "Whether the economy is in a downturn this month.",
          "Of de economie deze maand in een recessie zit."),
    _term("role_clarity", "index", "monthly", "role clarity", "duidelijkheid van de rollen",
          "How clear the partners' roles are (0: not at all, 1: fully).",
          "Hoe duidelijk de rollen van de partners zijn (0: helemaal niet, 1: volledig)."),
    _term("political_support", "index", "monthly", "the council's support",
          "steun van de gemeenteraad",
          "The council's support for the programme (0: none, 1: full).",
          "De steun van de gemeenteraad voor het programma (0: geen, 1: volledig).",
          ("council's support", "steun gemeenteraad")),
    _term("champion", "flag", "monthly", "a champion in office", "een trekker in het college",
          "Whether a champion of the programme holds office this month.",
          "Of er deze maand een trekker van het programma in het college zit."),
    _term("budget_level", "factor", "monthly", "coaching budget (1 = the start)",
          "begeleidingsbudget (1 = de start)",
          "The coaching budget against the budget at the start; 0 without funding.",
          "Het begeleidingsbudget ten opzichte van het budget bij de start; 0 zonder "
          "financiering."),
    _term("programme_budget", "eur_month", "monthly", "programme budget", "programmabudget",
          "The programme's budget this month: coaching money at the current level and the "
          "wage subsidy of this month's entry workers, whoever pays them.",
          "Het budget van het programma deze maand: het geld voor begeleiding op het "
          "huidige niveau en de loonkostensubsidie voor de instapbanen van deze maand, wie "
          "het ook betaalt.",
          ("programme budget", "programmabudget")),
    _term("healthy", "flag", "monthly", "ecosystem functions", "ecosysteem functioneert",
          "Whether all four conditions of a functioning ecosystem hold this month.",
          "Of deze maand alle vier voorwaarden voor een functionerend ecosysteem gelden."),
    _term("alive", "flag", "monthly", "ecosystem alive (not collapsed)",
          "ecosysteem leeft (niet ingestort)",
          "Whether the ecosystem has not collapsed, or has been revived, this month.",
          "Of het ecosysteem deze maand niet is ingestort, of weer functioneert.",
          ("alive", "leeft")),
    _term("employed", "persons", "monthly", "participants in work",
          "deelnemers aan het werk", "Participants in an entry job or in regular work.",
          "Deelnemers in een instapbaan of met regulier werk."),
    _term("on_assistance", "persons", "monthly", "participants on assistance",
          "deelnemers in de bijstand",
          "Participants on assistance: not reached, in contact or in a track.",
          "Deelnemers in de bijstand: niet bereikt, in contact of in een traject."),
    _term("cf_employed", "persons", "monthly", "in work without the programme",
          "aan het werk zonder programma",
          "The same people without the programme: in work.",
          "Dezelfde mensen zonder het programma: aan het werk."),
    _term("cf_on_assistance", "persons", "monthly", "on assistance without the programme",
          "in de bijstand zonder programma",
          "The same people without the programme: on assistance.",
          "Dezelfde mensen zonder het programma: in de bijstand."),
    _term("cf_placements", "persons_month", "monthly", "starts of work without the programme",
          "werkhervattingen zonder programma",
          "The same people without the programme: starts of work this month.",
          "Dezelfde mensen zonder het programma: werkhervattingen deze maand."),
    _term("cf_in_debt_help", "persons", "monthly", "in debt help without the programme",
          "in schuldhulp zonder programma",
          "The same people without the programme: in debt help.",
          "Dezelfde mensen zonder het programma: in schuldhulp."),
]


def _actors(kinds: tuple[str, ...]) -> dict[str, Words]:
    return {k: _words(ACTORS[k]["en"], ACTORS[k]["nl"], "kinds") for k in kinds}


def _trust_pair(a: str, b: str) -> Words:
    return {lang: {"a": TRUST_GROUPS[a][lang], "b": TRUST_GROUPS[b][lang],
                   "sa": TRUST_SHORT[a][lang], "sb": TRUST_SHORT[b][lang]} for lang in LANGS}


_RETENTION_GROUP: dict[str, Words] = {
    "": _words({"group": "", "group_text": ""}, {"group": "", "group_text": ""}),
    "_debt": _words({"group": ", people with debts",
                     "group_text": " Only jobs of people who had problematic debts when "
                     "they started."},
                    {"group": ", mensen met schulden",
                     "group_text": " Alleen banen van mensen die bij de start problematische "
                     "schulden hadden."}),
    "_no_debt": _words({"group": ", people without debts",
                        "group_text": " Only jobs of people without problematic debts when "
                        "they started."},
                       {"group": ", mensen zonder schulden",
                        "group_text": " Alleen banen van mensen zonder problematische "
                        "schulden bij de start."}),
}
_DURATION: dict[str, Words] = {
    "lt1y": _words("less than a year", "korter dan een jaar", "time"),
    "1to3y": _words("one to three years", "een tot drie jaar", "time"),
    "gt3y": _words("more than three years", "langer dan drie jaar", "time"),
}
_VALUE_PART: dict[str, Words] = {
    "cost": _words({"part": "cost", "how": "What the programme cost"},
                   {"part": "kosten", "how": "Wat het programma kostte voor"}),
    "benefit": _words({"part": "benefit", "how": "What the programme brought"},
                      {"part": "baten", "how": "Wat het programma opleverde voor"}),
    "net": _words({"part": "net value", "how": "Benefit minus cost of the programme for"},
                  {"part": "saldo", "how": "Baten min kosten van het programma voor"}),
}
_MONTH_PART: dict[str, Words] = {
    "cost": _words({"part": "cost", "how": "what the programme cost"},
                   {"part": "kosten", "how": "wat het programma kostte voor"}),
    "benefit": _words({"part": "benefit", "how": "what the programme brought"},
                      {"part": "baten", "how": "wat het programma opleverde voor"}),
}

FAMILIES: list[Family] = [
    Family("durability", "durability.cause.{cause}", "share",
           {"en": "runs that collapsed because {sub}",
            "nl": "simulaties die instortten doordat {sub}"},
           {"en": "Share of the runs in which the ecosystem collapsed because {sub}.",
            "nl": "Aandeel van de simulaties waarin het ecosysteem instortte doordat {sub}."},
           {"cause": {c: CAUSE_WORDS[c] for c in CAUSES}},
           {"en": "{label}", "nl": "{label}"}),
    Family("participants", "participants.retention_{months}m{group}", "share",
           {"en": "still in work {months} months after starting{group}",
            "nl": "na {months} maanden nog aan het werk{group}"},
           {"en": "Share of the jobs started during the run that lasted at least {months} "
                  "months, of those that could be followed that long.{group_text}",
            "nl": "Aandeel van de tijdens de looptijd begonnen banen dat minstens {months} "
                  "maanden duurde, van de banen die zo lang gevolgd konden worden."
                  "{group_text}"},
           {"months": {str(k): _words(str(k), str(k), "months") for k in (6, 12, 18)},
            "group": _RETENTION_GROUP}),
    Family("participants", "participants.exit_to_work_{duration}", "share_year",
           {"en": "yearly chance of work when on assistance {time}",
            "nl": "kans per jaar op werk bij {time} in de bijstand"},
           {"en": "Yearly chance of starting work for people who had been on assistance "
                  "{time}.",
            "nl": "Kans per jaar om aan het werk te gaan voor mensen die {time} in de "
                  "bijstand zitten."},
           {"duration": _DURATION}),
    Family("finance", "finance.outcome_value_{years}y", "eur",
           {"en": "value of the outcomes over {years} years",
            "nl": "waarde van de resultaten over {years} jaar"},
           {"en": "What the outcomes are worth over {years} years (benefits and execution "
                  "cost saved, net wages and wellbeing gained), against the same people "
                  "without the programme, discounted to the start.",
            "nl": "Wat de resultaten over {years} jaar waard zijn (bespaarde uitkeringen en "
                  "uitvoeringskosten, netto loon en welzijn), ten opzichte van dezelfde "
                  "mensen zonder het programma, contant gemaakt naar de start."},
           {"years": YEARS}),
    Family("finance", "finance.investment_{years}y", "eur",
           {"en": "investment over {years} years", "nl": "investering over {years} jaar"},
           {"en": "All programme resources over {years} years, discounted to the start.",
            "nl": "Alle middelen van het programma over {years} jaar, contant gemaakt naar "
                  "de start."},
           {"years": YEARS}),
    Family("finance", "finance.sroi_{years}y", "eur_per_eur",
           {"en": "social return over {years} years",
            "nl": "maatschappelijk rendement over {years} jaar"},
           {"en": "Value of the outcomes per euro invested over {years} years, against the "
                  "same people without the programme.",
            "nl": "Waarde van de resultaten per geïnvesteerde euro over {years} jaar, ten "
                  "opzichte van dezelfde mensen zonder het programma."},
           {"years": YEARS}),
    Family("finance", "finance.sroi_gross_{years}y", "eur_per_eur",
           {"en": "gross social return over {years} years",
            "nl": "bruto maatschappelijk rendement over {years} jaar"},
           {"en": "As the social return, but every month in work after a programme placement "
                  "counts, without comparing with the same people without the programme.",
            "nl": "Zoals het maatschappelijk rendement, maar dan telt elke maand werk na een "
                  "plaatsing via het programma mee, zonder vergelijking met dezelfde mensen "
                  "zonder het programma."},
           {"years": YEARS}),
    Family("value", "value.{stakeholder}.{part}_{years}y", "eur",
           {"en": "{part} for {who} over {years} years",
            "nl": "{part} voor {who} over {years} jaar"},
           {"en": "{how} for {who} over {years} years, against the same people without the "
                  "programme, discounted to the start.",
            "nl": "{how} {who} over {years} jaar, ten opzichte van dezelfde mensen zonder "
                  "het programma, contant gemaakt naar de start."},
           {"stakeholder": STAKEHOLDER_WORDS, "part": _VALUE_PART, "years": YEARS}),
    Family("monthly", "{part}_{stakeholder}", "eur_month",
           {"en": "{part} for {who}", "nl": "{part} voor {who}"},
           {"en": "This month, {how} for {who}, against the same people without the "
                  "programme.",
            "nl": "Deze maand: {how} {who}, ten opzichte van dezelfde mensen zonder het "
                  "programma."},
           {"part": _MONTH_PART, "stakeholder": STAKEHOLDER_WORDS}),
    Family("monthly", "coalition_{kind}", "organisations",
           {"en": "{kinds} in the coalition", "nl": "{kinds} in de coalitie"},
           {"en": "Organisations of this kind ({kinds}) in the coalition this month.",
            "nl": "Organisaties van deze soort ({kinds}) die deze maand in de coalitie "
                  "zitten."},
           {"kind": _actors(ACTOR_KINDS)}, {"en": "{kinds}", "nl": "{kinds}"}),
    Family("monthly", "joins_{kind}", "organisations_month",
           {"en": "{kinds} joining the coalition", "nl": "{kinds} die toetreden"},
           {"en": "Organisations of this kind ({kinds}) that joined the coalition this month.",
            "nl": "Organisaties van deze soort ({kinds}) die deze maand tot de coalitie "
                  "toetraden."},
           {"kind": _actors(ACTOR_KINDS)}, {"en": "{kinds}", "nl": "{kinds}"}),
    Family("monthly", "exits_{kind}", "organisations_month",
           {"en": "{kinds} leaving the coalition", "nl": "{kinds} die uittreden"},
           {"en": "Organisations of this kind ({kinds}) that left the coalition this month.",
            "nl": "Organisaties van deze soort ({kinds}) die deze maand uit de coalitie "
                  "stapten."},
           {"kind": _actors(ACTOR_KINDS)}, {"en": "{kinds}", "nl": "{kinds}"}),
    Family("monthly", "trust_{pair}", "index",
           {"en": "trust between {a} and {b}", "nl": "vertrouwen tussen {a} en {b}"},
           {"en": "Mean trust between {a} and {b}, both directions (0: none, 1: full).",
            "nl": "Gemiddeld vertrouwen tussen {a} en {b}, in beide richtingen (0: geen, "
                  "1: volledig)."},
           {"pair": {f"{a}_{b}": _trust_pair(a, b) for a, b in TRUST_PAIRS}},
           {"en": "{sa} - {sb}", "nl": "{sa} - {sb}"}),
    Family("monthly", "trust_{pair}", "index",
           {"en": "trust of {a} in {b}", "nl": "vertrouwen van {a} in {b}"},
           {"en": "Mean trust of the members of {a} in those of {b} (0: none, 1: full).",
            "nl": "Gemiddeld vertrouwen van {a} in {b} (0: geen, 1: volledig)."},
           {"pair": {f"{a}_to_{b}": _trust_pair(a, b) for a, b in TRUST_DIRECTIONS}},
           {"en": "{sa} in {sb}", "nl": "{sa} in {sb}"}),
    Family("monthly", "health_{cause}", "flag",
           {"en": "condition met: {cond}", "nl": "voorwaarde vervuld: {cond}"},
           {"en": "Whether the condition '{cond}' of a functioning ecosystem holds this "
                  "month.",
            "nl": "Of de voorwaarde '{cond}' voor een functionerend ecosysteem deze maand "
                  "geldt."},
           {"cause": CAUSE_WORDS}, {"en": "{cond}", "nl": "{cond}"}),
]


# ----------------------------------------------------------------------------- lookup
class UnknownTerm(KeyError):
    """A key the glossary does not know."""

    def __str__(self) -> str:
        key = str(self.args[0]) if self.args else ""
        return f"no glossary entry for {key!r}{suggest(key, TERMS)}"


def _build() -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for item in [*FIXED, *(t for family in FAMILIES for t in family.terms())]:
        if item.key in terms:
            raise ValueError(f"glossary: {item.key!r} is defined twice")
        if item.kind not in KINDS:
            raise ValueError(f"glossary: {item.key!r} has unknown kind {item.kind!r}")
        terms[item.key] = item
    return terms


#: Every key of the glossary, fixed terms and the members of every family.
TERMS: dict[str, Term] = _build()


def term(key: str) -> Term:
    """The glossary entry of ``key``; :class:`UnknownTerm` when there is none."""
    try:
        return TERMS[key]
    except KeyError:
        raise UnknownTerm(key) from None


def has(key: str) -> bool:
    """Whether the glossary knows ``key``."""
    return key in TERMS


def unresolved(keys: Iterator[str] | list[str] | set[str]) -> list[str]:
    """The keys among ``keys`` that the glossary does not know, sorted."""
    return sorted(k for k in set(keys) if k not in TERMS)


def name(key: str, lang: str) -> str:
    """The plain name of ``key``: ``median survival time``."""
    return term(key).name(lang)


def short(key: str, lang: str) -> str:
    """The short label of ``key`` for a plot legend: ``in a track``."""
    return term(key).short(lang)


def label(key: str, lang: str) -> str:
    """The plain name with its unit: ``median survival time (months)``."""
    return term(key).label(lang)


def unit(key: str, lang: str) -> str:
    """The unit of ``key``: ``months``, ``%``, ``EUR``, ..."""
    return term(key).unit(lang)


def meaning(key: str, lang: str) -> str:
    """The one sentence that says what ``key`` is."""
    return term(key).text(lang)


def format_value(key: str, value: Any, lang: str) -> str:
    """A value of ``key`` as its kind is written: ``82%``, ``EUR 1,234,567`` /
    ``€ 1.234.567``, ``2.42`` / ``2,42``, ``46``; ``n/a`` / ``n.b.`` when missing."""
    return KINDS[term(key).kind].format(value, lang)


def format_interval(key: str, low: Any, high: Any, lang: str) -> str:
    """A 95% interval of ``key``: ``41 – 54``, ``21% – 94%``; empty when a bound is
    missing."""
    if f.missing(low) or f.missing(high):
        return ""
    return f"{format_value(key, low, lang)} – {format_value(key, high, lang)}"


def _points_unit(lang: str, compact: bool) -> str:
    if compact:
        return "pp" if lang != "nl" else "%-punt"
    return "percentage points" if lang != "nl" else "procentpunt"


def format_difference(key: str, value: Any, lang: str, compact: bool = False) -> str:
    """A difference of ``key``, signed, in its kind's terms: ``+12``, ``-3.5 percentage
    points`` / ``-3,5 procentpunt`` (``compact``: ``-3.5 pp`` / ``-3,5 %-punt``),
    ``EUR +1,200`` / ``€ +1.200``, ``+0.25``."""
    if f.missing(value):
        return f.not_available(lang)
    number = _signed_number(key, value, lang)
    if term(key).kind in ("share", "share_year", "flag"):
        return f"{number} {_points_unit(lang, compact)}"
    return number


def format_difference_interval(key: str, low: Any, high: Any, lang: str,
                               compact: bool = False) -> str:
    """A 95% interval of a difference of ``key``, the unit said once: ``-2 to +14``,
    ``0 to +100 percentage points``, ``EUR -89,836 to EUR +2,649,568``; ``compact``
    (tables): ``-2 – +14``, ``0 – +100 pp``. Empty when a bound is missing."""
    if f.missing(low) or f.missing(high):
        return ""
    lo, hi = _signed_number(key, low, lang), _signed_number(key, high, lang)
    text = f"{lo} – {hi}" if compact else f.interval(lo, hi, lang)
    if term(key).kind in ("share", "share_year", "flag"):
        text += " " + _points_unit(lang, compact)
    return text


def _signed_number(key: str, value: Any, lang: str) -> str:
    """A difference's number with its sign (and currency), without a points unit."""
    kind = term(key).kind
    if kind in ("share", "share_year", "flag"):
        points = float(value) * 100
        return f.signed(points, lang, f.auto_digits(points))
    if kind in ("eur", "eur_month"):
        return ("EUR " if lang != "nl" else "€ ") + f.signed(value, lang)
    if kind in ("eur_per_eur", "index", "factor"):
        return f.signed(value, lang, 2)
    return f.signed(value, lang, f.auto_digits(float(value)))


def actor_name(kind: str, lang: str) -> str:
    """An actor kind in the plural (``municipality``, ``foundations``, ...)."""
    return ACTORS[kind][lang]


def stakeholder_name(stakeholder: str, lang: str) -> str:
    """A stakeholder of the value table as a column head (``national benefits budget``)."""
    return STAKEHOLDER_WORDS[stakeholder][lang]["party"]


def cause_clause(cause: str, lang: str) -> str:
    """What happened in a run that collapsed by ``cause``, to follow ``in 67% of the
    runs`` (Dutch word order: ``stopte de gemeente de financiering``)."""
    return CAUSE_WORDS[cause][lang]["inv"]


#: What a raw metric key looks like in text (``participants.placements``,
#: ``value.municipality.net_10y``; not a file name such as ``value.md``): a report shows
#: none of them.
RAW_KEY = re.compile(r"\b(?:(?:durability|participants|finance|coalition)\.[a-z][a-z0-9_]*"
                     r"|value\.[a-z_]+\.[a-z0-9_]+)\b")
