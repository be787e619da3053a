"""Plain-language findings, in English or Dutch: the sentences a policy analyst reads after
a run (:func:`plain_summary`) or a comparison of scenarios (:func:`comparison_findings`).

Numbers are written as the reader's language writes them (:mod:`instap.formatting`); a
comparison that says nothing (two equal shares, an interval that is one point) becomes a
sentence that says so, or is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from instap import formatting as f
from instap import glossary
from instap.collapse import cause_sentence
from instap.lang import in_lang
from instap.stats import table_row
from instap.survival import ALIVE_AT, MEDIAN_KEY

if TYPE_CHECKING:
    from instap.inputs import ScenarioData


# ----------------------------------------------------------------------------- pieces
def _amount(key: str, value: Any, lang: str) -> str:
    """``value`` of ``key`` as its kind writes it."""
    return glossary.format_value(key, value, lang)


def _interval(key: str, entry: Mapping[str, Any], lang: str) -> str:
    """`` (95% interval: 41 to 54)`` of an estimate; empty when a bound is missing or the
    interval is a single point."""
    low, high = entry.get("low"), entry.get("high")
    if f.missing(low) or f.missing(high):
        return ""
    lo, hi = _amount(key, low, lang), _amount(key, high, lang)
    if lo == hi:
        return ""
    return in_lang(lang, " (95% interval: ", " (95%-interval: ") + f.interval(lo, hi, lang) + ")"


def _diff_interval(key: str, row: Mapping[str, Any], lang: str) -> str:
    """`` (95% interval: +3 to +20)`` of a difference; empty without bounds."""
    low, high = row.get("diff_low"), row.get("diff_high")
    band = glossary.format_difference_interval(key, low, high, lang)
    if not band or glossary.format_difference(key, low, lang) == glossary.format_difference(
            key, high, lang):  # "+2 to +2" says nothing an interval should
        return ""
    return in_lang(lang, f" (95% interval: {band})", f" (95%-interval: {band})")


def _is_zero(text: str) -> bool:
    """Whether a formatted number shows no difference (``0``, ``0.0``, ``EUR 0``)."""
    return not any(ch in "123456789" for ch in text)


# ----------------------------------------------------------------------------- run summary
def interval_sentence(posterior: str | None, lang: str = "en") -> str:
    """Which kind of interval a run or comparison shows: seed noise only (``posterior``
    None), or parameter uncertainty as well (each replication drew its parameters from
    the posterior file ``posterior``)."""
    if posterior is None:
        return in_lang(lang, "Intervals show seed noise only: every replication uses the "
                       "same parameter values.",
                       "Intervallen tonen alleen toeval: elke simulatie gebruikt dezelfde "
                       "parameterwaarden.")
    name = Path(posterior).name
    return in_lang(lang, "Intervals include parameter uncertainty: each replication drew "
                   f"its calibrated parameters from the posterior {name}.",
                   "Intervallen bevatten ook onzekerheid over de parameters: elke simulatie "
                   f"trok haar gekalibreerde parameters uit de posterior {name}.")


def plain_summary(summary: dict[str, Any], name: str, horizon: int, lang: str = "en") -> str:
    """A few sentences a policy analyst can read, one a line."""
    dur, part, fin = (summary.get(k, {}) for k in ("durability", "participants", "finance"))
    reps = summary.get("run", {}).get("replications", 0)
    lines = [in_lang(lang, f"Scenario {name}: {reps} replications over {horizon} months.",
                     f"Scenario {name}: {reps} simulaties van {horizon} maanden.")]
    posterior = summary.get("run", {}).get("posterior")
    if posterior:
        lines.append(interval_sentence(posterior.get("file"), lang))
    lines.append(_durability_sentence(dur, horizon, lang))
    causes = cause_sentence(summary, lang)
    if causes:
        lines.append(causes)
    pl, rw = part.get("placements"), part.get("regular_work") or {}
    if pl and pl.get("mean") is not None:
        n = _amount("participants.placements", pl["mean"], lang)
        ci = _interval("participants.placements", pl, lang)
        moved = _amount("participants.regular_work", rw.get("mean"), lang)
        lines.append(in_lang(
            lang, f"On average {n} people started work{ci}, and {moved} moved into regular "
            "work.",
            f"Gemiddeld gingen {n} mensen aan het werk{ci} en stroomden {moved} mensen door "
            "naar regulier werk."))
    net, dead = part.get("work_months_net"), part.get("deadweight_share")
    if net and net.get("mean") is not None:
        key = "participants.work_months_net"
        n = _amount(key, abs(net["mean"]), lang)
        ci = _interval(key, net, lang)
        if net["mean"] >= 0:
            text = in_lang(lang, f"Against the same people without the programme, it added "
                           f"{n} months in work{ci}",
                           f"Vergeleken met dezelfde mensen zonder het programma leverde het "
                           f"{n} maanden werk extra op{ci}")
        else:
            text = in_lang(lang, f"Against the same people without the programme, it gave "
                           f"{n} fewer months in work{ci}",
                           f"Vergeleken met dezelfde mensen zonder het programma leverde het "
                           f"{n} maanden werk minder op{ci}")
        if dead and dead.get("mean") is not None:
            share = f.percent(dead["mean"], lang)
            text += in_lang(lang, f"; {share} of its placements would have happened anyway",
                            f"; {share} van de plaatsingen via het programma was ook zonder "
                            "het programma gelukt")
        lines.append(text + ".")
    r6, r18 = part.get("retention_6m"), part.get("retention_18m")
    if r6 and r6.get("mean") is not None:
        six = f.percent(r6["mean"], lang)
        if r18 and r18.get("mean") is not None:
            eighteen = f.percent(r18["mean"], lang)
            lines.append(in_lang(
                lang, f"Of those placed, {six} still worked after 6 months and {eighteen} "
                "after 18 months.",
                f"Van de mensen die aan het werk gingen, werkte {six} na 6 maanden nog en "
                f"{eighteen} na 18 maanden."))
        else:
            lines.append(in_lang(lang, f"Of those placed, {six} still worked after 6 months.",
                                 f"Van de mensen die aan het werk gingen, werkte {six} na 6 "
                                 "maanden nog."))
    sroi, gross = fin.get("sroi_10y"), fin.get("sroi_gross_10y")
    if sroi and sroi.get("mean") is not None:
        key = "finance.sroi_10y"
        value, ci = f.money(sroi["mean"], lang, 2), _interval(key, sroi, lang)
        text = in_lang(lang, f"Social return over 10 years: {value} per EUR invested{ci}, "
                       "counted against the same people without the programme",
                       f"Maatschappelijk rendement over 10 jaar: {value} per geïnvesteerde "
                       f"euro{ci}, gerekend ten opzichte van dezelfde mensen zonder het "
                       "programma")
        if gross and gross.get("mean") is not None:
            g = f.money(gross["mean"], lang, 2)
            text += in_lang(lang, f" ({g} if every placement is counted)",
                            f" ({g} als elke plaatsing meetelt)")
        lines.append(text + ".")
    return "\n".join(lines)


def _durability_sentence(dur: Mapping[str, Any], horizon: int, lang: str) -> str:
    """How long the ecosystem lasted, and the chance it still functions after 10 (or 5)
    years when the run is that long."""
    med = dur.get("median_survival_months")
    if med and med.get("reached"):
        hi = med.get("high")
        upper = (_amount(MEDIAN_KEY, hi, lang) if hi is not None
                 else in_lang(lang, "beyond the run", "langer dan de looptijd"))
        low = _amount(MEDIAN_KEY, med.get("low"), lang)
        ci = "" if f.missing(med.get("low")) or low == upper else (
            in_lang(lang, " (95% interval: ", " (95%-interval: ")
            + f.interval(low, upper, lang) + ")")
        text = in_lang(lang, f"The ecosystem lasted a median of {f.months(med['mean'], lang)}"
                       f"{ci}", f"De mediane overlevingsduur van het ecosysteem is "
                       f"{f.months(med['mean'], lang)}{ci}")
    elif med:
        text = in_lang(lang, "The ecosystem outlived the run in more than half of the runs "
                       f"(median survival beyond {horizon} months)",
                       "In meer dan de helft van de simulaties functioneerde het ecosysteem aan "
                       f"het eind van de looptijd nog (mediane overlevingsduur langer dan "
                       f"{horizon} maanden)")
    else:
        text = in_lang(lang, "No survival estimate", "Geen schatting van de overlevingsduur")
    for months, key in sorted(((t, k) for t, k in ALIVE_AT.items() if t <= horizon),
                              reverse=True):
        entry = dur.get(key.split(".", 1)[1])
        if not entry or not entry.get("estimable") or entry.get("mean") is None:
            continue
        years = months // 12
        p = entry["mean"]
        if p == 0:
            text += in_lang(lang, f"; after {years} years it no longer functioned in any run",
                            f"; na {years} jaar functioneerde het in geen enkele simulatie meer")
        elif p == 1:
            text += in_lang(lang, f"; after {years} years it still functioned in every run",
                            f"; na {years} jaar functioneerde het in alle simulaties nog")
        else:
            text += in_lang(lang, f"; chance it still functions after {years} years: "
                            f"{f.percent(p, lang)}", f"; kans dat het na {years} jaar nog "
                            f"functioneert: {f.percent(p, lang)}") + _interval(key, entry, lang)
        break
    return text + "."


# ----------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class Headline:
    """A metric that gets a sentence in a comparison. ``noun`` (a count: "brings 12 more
    starts of work"; singular and plural) or ``subject`` (a level: "the social return ...
    is 0.30 higher"), in each language; ``nl_plural``: the Dutch subject takes "zijn"."""

    noun: Mapping[str, tuple[str, str]] | None = None
    subject: Mapping[str, str] | None = None
    tail: Mapping[str, str] | None = None
    nl_plural: bool = False


# Absolute outcomes come first and ratios last, so that a lever that spends less and
# raises a ratio is read with what it did to the outcomes (issue 11).
HEADLINE: dict[str, Headline] = {
    "participants.placements": Headline(noun={
        "en": ("start of work", "starts of work"),
        "nl": ("werkhervatting", "werkhervattingen")}),
    "participants.programme_placements": Headline(noun={
        "en": ("placement through the programme", "placements through the programme"),
        "nl": ("plaatsing via het programma", "plaatsingen via het programma")}),
    "participants.work_months_net": Headline(
        noun={"en": ("month in work", "months in work"), "nl": ("maand werk", "maanden werk")},
        tail={"en": ", each counted against the same people without the programme",
              "nl": ", steeds vergeleken met dezelfde mensen zonder het programma"}),
    "participants.regular_work": Headline(noun={
        "en": ("move into regular work", "moves into regular work"),
        "nl": ("overstap naar regulier werk", "overstappen naar regulier werk")}),
    "participants.retention_12m": Headline(subject={
        "en": "the share still in work 12 months after starting",
        "nl": "het aandeel dat 12 maanden na de start nog werkt"}),
    "finance.outcome_value_10y": Headline(subject={
        "en": "the value of the outcomes over 10 years",
        "nl": "de waarde van de resultaten over 10 jaar"}),
    "finance.municipal_spending": Headline(subject={
        "en": "municipal programme spending", "nl": "de programma-uitgaven van de gemeente"},
        nl_plural=True),
    "finance.sroi_10y": Headline(subject={
        "en": "the social return over 10 years (EUR per EUR invested)",
        "nl": "het maatschappelijk rendement over 10 jaar (euro per geïnvesteerde euro)"}),
    "finance.public_cost_per_lasting_placement": Headline(subject={
        "en": "the public cost per lasting placement",
        "nl": "de publieke kosten per duurzame plaatsing"}, nl_plural=True),
}
RATIOS = ("finance.sroi_10y", "finance.public_cost_per_lasting_placement")

Finding = tuple[str, str, bool]  # (scenario, sentence, whether the 95% interval excludes 0)


def comparison_findings(scenarios: Sequence[ScenarioData], table: pd.DataFrame,
                        lang: str = "en") -> list[Finding]:
    """Plain-language sentences on each scenario's difference from the first, from the
    rows of :func:`instap.stats.comparison_table`: (scenario, sentence, whether the 95%
    interval excludes no difference)."""
    ref = scenarios[0]
    out: list[Finding] = []
    for sc in scenarios[1:]:
        name, base = _label(sc.name).capitalize(), _label(ref.name)
        med = table_row(table, MEDIAN_KEY, sc.name)
        med_ref = table_row(table, MEDIAN_KEY, ref.name)
        if med and med_ref and med.get("diff") is not None:
            out.append((sc.name, _median_sentence(name, base, med, med_ref, sc.horizon,
                                                  ref.horizon, lang), _clear(med)))
        alive = _alive_finding(table, sc, ref, name, base, lang)
        if alive:
            out.append(alive)
        caveat = _ratio_caveat(table, sc.name, name, base, lang)
        for key in HEADLINE:
            row = table_row(table, key, sc.name)
            if key in RATIOS and caveat:
                out.append((sc.name, caveat, True))
                caveat = None
            if row and row.get("diff") is not None:
                text, equal = _headline_sentence(name, base, key, row, lang)
                out.append((sc.name, text, equal or _clear(row)))
    return out


def _alive_finding(table: pd.DataFrame, sc: ScenarioData, ref: ScenarioData, name: str,
                   base: str, lang: str) -> Finding | None:
    """The chance that the ecosystem still functions after 10 (or 5) years, when both runs
    are that long; equal chances are said as such, not as "from 0% to 0%"."""
    horizon = min(sc.horizon, ref.horizon)
    for t, key in sorted(((t, k) for t, k in ALIVE_AT.items() if t <= horizon), reverse=True):
        p, p_ref = table_row(table, key, sc.name), table_row(table, key, ref.name)
        if not (p and p_ref and p.get("diff") is not None and p["mean"] is not None
                and p_ref["mean"] is not None):
            continue
        years = t // 12
        a, b = f.percent(p_ref["mean"], lang), f.percent(p["mean"], lang)
        if a == b:
            if p["mean"] == 0:
                text = in_lang(lang, f"Neither under {name} nor under {base} does the "
                               f"ecosystem still function after {years} years in any run.",
                               f"Bij {name} en bij {base} functioneert het ecosysteem na "
                               f"{years} jaar in geen enkele simulatie meer.")
            elif p["mean"] == 1:
                text = in_lang(lang, f"Under both {name} and {base} the ecosystem still "
                               f"functions after {years} years in every run.",
                               f"Bij zowel {name} als {base} functioneert het ecosysteem na "
                               f"{years} jaar in alle simulaties nog.")
            else:
                text = in_lang(lang, f"{name} and {base} give the same chance ({b}) that the "
                               f"ecosystem still functions after {years} years.",
                               f"{name} en {base} geven dezelfde kans ({b}) dat het "
                               f"ecosysteem na {years} jaar nog functioneert.")
            return sc.name, text, True
        up = p["mean"] > p_ref["mean"]
        change = glossary.format_difference(key, p["mean"] - p_ref["mean"], lang)
        ci = _diff_interval(key, p, lang)
        inner = change + (f"; {ci[2:-1]}" if ci else "")
        text = in_lang(lang, f"{name} {'raises' if up else 'lowers'} the chance that the "
                       f"ecosystem still functions after {years} years from {a} to {b} "
                       f"({inner}).",
                       f"{name} {'verhoogt' if up else 'verlaagt'} de kans dat het ecosysteem "
                       f"na {years} jaar nog functioneert van {a} naar {b} ({inner}).")
        return sc.name, text, _clear(p)
    return None


def _ratio_caveat(table: pd.DataFrame, scenario: str, name: str, base: str, lang: str
                  ) -> str | None:
    """A warning before the ratios when a scenario spends less and scores a better ratio
    while its absolute outcomes fall: "cutting pays" is then a misreading."""
    def diff(key: str) -> float | None:
        row = table_row(table, key, scenario)
        return None if row is None else row.get("diff")
    spend, ratio = diff("finance.municipal_spending"), diff("finance.sroi_10y")
    work, value = diff("participants.work_months_net"), diff("finance.outcome_value_10y")
    if spend is None or ratio is None or not (spend < 0 and ratio > 0):
        return None
    lost = [in_lang(lang, en, nl) for d, en, nl in (
        (work, "fewer months in work", "minder maanden werk"),
        (value, "less value in total", "minder waarde in totaal")) if d is not None and d < 0]
    if not lost:
        return None
    joined = in_lang(lang, " and ", " en ").join(lost)
    return in_lang(lang, f"Read the ratios below with care: {name} spends less than {base} "
                   f"and so scores a higher return per euro, but it brings {joined}. A higher "
                   "ratio here does not mean more result.",
                   f"Lees de verhoudingsgetallen hieronder met zorg: {name} geeft minder uit "
                   f"dan {base} en haalt daardoor een hoger rendement per euro, maar levert "
                   f"{joined} op. Een hogere verhouding betekent hier niet meer resultaat.")


def _median_sentence(name: str, base: str, med: dict[str, Any], med_ref: dict[str, Any],
                     horizon: int, ref_horizon: int, lang: str = "en") -> str:
    reached = med["mean"] is not None and med["mean"] < horizon
    reached_ref = med_ref["mean"] is not None and med_ref["mean"] < ref_horizon
    d = med["diff"]
    if not reached and not reached_ref:
        return in_lang(lang, f"{name} and {base} both keep the ecosystem functioning beyond "
                       f"the {ref_horizon}-month run in more than half of the runs; their "
                       "median survival cannot be told apart within the run.",
                       f"Bij {name} en bij {base} functioneert het ecosysteem in meer dan de "
                       f"helft van de simulaties langer dan de looptijd van {ref_horizon} maanden; "
                       "hun mediane overlevingsduur is binnen de looptijd niet te "
                       "onderscheiden.")
    ci = _diff_interval(MEDIAN_KEY, med, lang)
    if round(d) == 0:
        return in_lang(lang, f"{name} and {base} have the same median survival "
                       f"({_months(med, horizon, lang)}){ci}.",
                       f"{name} en {base} hebben dezelfde mediane overlevingsduur "
                       f"({_months(med, horizon, lang)}){ci}.")
    bound = (not reached and d > 0) or (not reached_ref and d < 0)
    span = f.months(abs(d), lang)
    if d > 0:
        how = in_lang(lang, f"at least {span} longer (median)" if bound
                      else f"a median {span} longer",
                      f"minstens {span} langer (mediaan)" if bound else f"mediaan {span} langer")
    else:
        how = in_lang(lang, f"at least {span} shorter (median)" if bound
                      else f"a median {span} shorter",
                      f"minstens {span} korter (mediaan)" if bound else f"mediaan {span} korter")
    return in_lang(lang, f"{name} keeps the ecosystem functioning {how} than {base}{ci}: "
                   f"median survival {_months(med, horizon, lang)} against "
                   f"{_months(med_ref, ref_horizon, lang)}.",
                   f"Bij {name} functioneert het ecosysteem {how} dan bij {base}{ci}: "
                   f"mediane overlevingsduur {_months(med, horizon, lang)} tegen "
                   f"{_months(med_ref, ref_horizon, lang)}.")


def _headline_sentence(name: str, base: str, key: str, row: dict[str, Any], lang: str
                       ) -> tuple[str, bool]:
    """The sentence of one headline metric, and whether it says "no difference"."""
    h = HEADLINE[key]
    d = float(row["diff"])
    kind = glossary.term(key).kind
    if kind == "share":
        amount = glossary.format_difference(key, abs(d), lang).lstrip("+")
    elif kind == "eur":
        amount = f.money(abs(d), lang)
    elif kind == "eur_per_eur":
        amount = f.number(abs(d), lang, 2)
    else:
        amount = f.number(abs(d), lang, f.auto_digits(abs(d)))
    ci = _diff_interval(key, row, lang)
    if _is_zero(amount):
        value = glossary.format_value(key, row.get("mean"), lang)
        what = glossary.name(key, lang)
        return in_lang(lang, f"{name} and {base} do not differ in {what} ({value}).",
                       f"{name} en {base} verschillen niet in {what} ({value})."), True
    if h.noun is not None:
        tail = h.tail[lang] if h.tail else ""
        more = in_lang(lang, "more" if d > 0 else "fewer", "meer" if d > 0 else "minder")
        noun = h.noun[lang][0 if amount == "1" else 1]
        return in_lang(lang, f"{name} brings {amount} {more} {noun} than {base}{ci}{tail}.",
                       f"{name} levert {amount} {noun} {more} op dan {base}{ci}{tail}."), False
    assert h.subject is not None
    higher = in_lang(lang, "higher" if d > 0 else "lower", "hoger" if d > 0 else "lager")
    verb = "zijn" if h.nl_plural else "is"
    return in_lang(lang, f"{name}: {h.subject['en']} is {amount} {higher} than under {base}"
                   f"{ci}.",
                   f"{name}: {h.subject['nl']} {verb} {amount} {higher} dan bij {base}{ci}."
                   ), False


def _clear(row: dict[str, Any]) -> bool:
    lo, hi = row.get("diff_low"), row.get("diff_high")
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def _label(name: str) -> str:
    return name.replace("_", " ")


def _months(row: dict[str, Any], horizon: int, lang: str = "en") -> str:
    if row["mean"] is None or row["mean"] >= horizon:
        return in_lang(lang, f"beyond {horizon} months", f"langer dan {horizon} maanden")
    return f.months(row["mean"], lang)
