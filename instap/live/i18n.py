"""English and Dutch labels of the workshop page (``instap live --lang en|nl``).

One small dictionary: every text of the page's own comes from :data:`TEXT`, keyed by a
language-neutral name, so adding a label means adding one entry with both languages.
Parameter labels are looked up as ``param.<name>``, choices as ``choice.<name>.<value>``.
The plots' series (pathway states, actor kinds, trust between kinds, money flows, the
status bands) are labelled by the glossary the reports use (:mod:`instap.glossary`), so
the page and a report name a series alike.
"""

from __future__ import annotations

from instap.lang import LANGS

TEXT: dict[str, dict[str, str]] = {
    # --- page -----------------------------------------------------------------------
    "title": {"en": "Instapeconomie Den Haag: will it last?",
              "nl": "Instapeconomie Den Haag: houdt het stand?"},
    "scenario": {"en": "Scenario", "nl": "Scenario"},
    "scenario_help": {"en": "Picking a scenario sets every lever to that scenario and starts "
                      "a new run.",
                      "nl": "Een scenario kiezen zet alle knoppen op dat scenario en begint "
                      "een nieuwe simulatie."},
    "skipped": {"en": "Not listed, because they cannot be loaded: {names}",
                "nl": "Niet in de lijst, want ze kunnen niet worden geladen: {names}"},
    "defaults": {"en": "model defaults", "nl": "standaardwaarden model"},
    "differs_from": {"en": "What this scenario sets differently from {base}:",
                     "nl": "Wat dit scenario anders instelt dan {base}:"},
    "is_reference": {"en": "The reference: the other scenarios are read against it.",
                     "nl": "Het uitgangspunt: de andere scenario's worden ermee vergeleken."},
    "same_as_reference": {"en": "Every setting as in {base}.",
                          "nl": "Alle instellingen zoals in {base}."},
    "scenario_timeline": {"en": "During the run:", "nl": "Tijdens de simulatie:"},
    "was": {"en": "{base}: {value}", "nl": "{base}: {value}"},
    "levers": {"en": "Levers for the next run", "nl": "Knoppen voor de volgende simulatie"},
    "levers_hint": {"en": "A changed lever counts from the next run: press Start again.",
                    "nl": "Een gewijzigde knop telt vanaf de volgende simulatie: druk op "
                    "Opnieuw beginnen."},
    "pending_one": {"en": "1 lever changed, not used yet: press Start again",
                    "nl": "1 knop gewijzigd, nog niet gebruikt: druk op Opnieuw beginnen"},
    "pending_many": {"en": "{n} levers changed, not used yet: press Start again",
                     "nl": "{n} knoppen gewijzigd, nog niet gebruikt: druk op Opnieuw "
                     "beginnen"},
    "lever_now": {"en": "changed; this run: {value}", "nl": "gewijzigd; deze simulatie: {value}"},
    "interventions": {"en": "Interventions", "nl": "Ingrepen"},
    "month_of": {"en": "Month {month} of {months}", "nl": "Maand {month} van {months}"},
    "alive": {"en": "Ecosystem alive", "nl": "Ecosysteem leeft"},
    "collapsed": {"en": "Ecosystem collapsed", "nl": "Ecosysteem ingestort"},
    "funded": {"en": "programme funded", "nl": "programma gefinancierd"},
    "unfunded": {"en": "no programme funding", "nl": "geen programmageld"},
    "in_recession": {"en": "recession", "nl": "recessie"},
    "coalition_members": {"en": "{n} partners in the coalition",
                          "nl": "{n} partners in de coalitie"},
    "run_finished": {"en": "End of the horizon: press Start again for a new run.",
                     "nl": "Einde van de looptijd: druk op Opnieuw beginnen voor een nieuwe "
                     "simulatie."},
    "render_time": {"en": "plots drawn in {ms:.0f} ms", "nl": "grafieken getekend in {ms:.0f} ms"},
    "error": {"en": "Something went wrong", "nl": "Er ging iets mis"},
    "scenario_unreadable": {
        "en": "cannot be loaded ({kind}); the terminal running instap live has the details",
        "nl": "kan niet worden geladen ({kind}); details staan in het venster waarin instap "
              "live draait"},
    "scenario_elsewhere": {
        "en": "cannot be loaded: the problem is in {name}, which is not a scenario of this "
              "page; the terminal running instap live has the details",
        "nl": "kan niet worden geladen: het probleem zit in {name}, geen scenario van deze "
              "pagina; details staan in het venster waarin instap live draait"},
    "more_problems": {"en": "(and {n} more)", "nl": "(en nog {n})"},
    "run_n": {"en": "Run {n}", "nl": "Simulatie {n}"},
    "this_run": {"en": "{run}: scenario {scenario}, levers as in the scenario",
                 "nl": "{run}: scenario {scenario}, knoppen zoals in het scenario"},
    "this_run_changed": {"en": "{run}: scenario {scenario}, changed: {changes}",
                         "nl": "{run}: scenario {scenario}, gewijzigd: {changes}"},
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    # --- controls -------------------------------------------------------------------
    "play": {"en": "\u25b6 Play", "nl": "\u25b6 Afspelen"},
    "pause": {"en": "\u275a\u275a Pause", "nl": "\u275a\u275a Pauzeren"},
    "step": {"en": "+1 month", "nl": "+1 maand"},
    "reset": {"en": "Start again", "nl": "Opnieuw beginnen"},
    "speed": {"en": "Speed", "nl": "Tempo"},
    "speed.slow": {"en": "slow", "nl": "langzaam"},
    "speed.normal": {"en": "normal", "nl": "normaal"},
    "speed.fast": {"en": "fast", "nl": "snel"},
    "present": {"en": "Presentation view", "nl": "Presentatieweergave"},
    "show_levers": {"en": "Show the levers", "nl": "Knoppen tonen"},
    # --- earlier runs ---------------------------------------------------------------
    "past": {"en": "Earlier runs (dashed in the plots)",
             "nl": "Eerdere simulaties (gestreept in de grafieken)"},
    "past_none": {"en": "None yet. Start again, and this run stays in the plots, dashed, "
                  "to compare with the next.",
                  "nl": "Nog geen. Begin opnieuw, dan blijft deze simulatie gestreept in de "
                  "grafieken staan, om met de volgende te vergelijken."},
    "past_clear": {"en": "Clear earlier runs", "nl": "Eerdere simulaties wissen"},
    "past_same": {"en": "same settings", "nl": "zelfde instellingen"},
    "past_with": {"en": "with {event} in month {month}", "nl": "met {event} in maand {month}"},
    "past_without": {"en": "without {event} in month {month}",
                     "nl": "zonder {event} in maand {month}"},
    "past_more": {"en": "and {n} more", "nl": "en nog {n}"},
    "past_scenario": {"en": "scenario {name}", "nl": "scenario {name}"},
    "legend_past": {"en": "run {n}: {what}", "nl": "simulatie {n}: {what}"},
    "legend_past_short": {"en": "run {n}", "nl": "simulatie {n}"},
    "click.end_funding": {"en": "the end of the funding",
                          "nl": "stopzetting van de financiering"},
    "click.restart_funding": {"en": "the restart of the funding",
                              "nl": "herstart van de financiering"},
    "click.election": {"en": "an election", "nl": "verkiezingen"},
    "click.recession": {"en": "a recession", "nl": "een recessie"},
    "click.agreement": {"en": "the signing of the agreement",
                        "nl": "ondertekening van de overeenkomst"},
    # --- take it home ---------------------------------------------------------------
    "save_title": {"en": "Take it home", "nl": "Meenemen"},
    "save": {"en": "Save as scenario", "nl": "Bewaar als scenario"},
    "save_help": {"en": "A scenario file with this run's levers and interventions (YAML). "
                  "Afterwards, with replications: instap run {file} --seed {seed}",
                  "nl": "Een scenariobestand met de knoppen en ingrepen van deze simulatie "
                  "(YAML). Daarna, met herhalingen: instap run {file} --seed {seed}"},
    # --- interventions --------------------------------------------------------------
    "act.end_funding": {"en": "End funding now", "nl": "Stop de financiering nu"},
    "act.election": {"en": "Election", "nl": "Verkiezingen"},
    "act.recession": {"en": "Recession", "nl": "Recessie"},
    "act.agreement": {"en": "Sign a partnership agreement",
                      "nl": "Teken een samenwerkingsovereenkomst"},
    # event labels the model writes into ``model.interventions``
    "event.funding ended": {"en": "funding ended", "nl": "financiering gestopt"},
    "event.election": {"en": "election", "nl": "verkiezingen"},
    "event.recession": {"en": "recession", "nl": "recessie"},
    "event.partnership agreement": {"en": "agreement", "nl": "overeenkomst"},
    "event.funding period starts": {"en": "new funding period",
                                    "nl": "nieuwe financieringsperiode"},
    "mark_ends": {"en": "{what}: ends", "nl": "{what}: voorbij"},
    # --- plots ----------------------------------------------------------------------
    "month": {"en": "month", "nl": "maand"},
    "plot.participants": {"en": "Participants per pathway state",
                          "nl": "Deelnemers per fase"},
    "plot.participants_y": {"en": "persons", "nl": "personen"},
    "plot.coalition": {"en": "Coalition size per actor kind",
                       "nl": "Omvang coalitie per soort partner"},
    "plot.coalition_y": {"en": "organisations", "nl": "organisaties"},
    "plot.trust": {"en": "Trust between actor kinds", "nl": "Vertrouwen tussen partners"},
    "plot.trust_y": {"en": "trust (0-1)", "nl": "vertrouwen (0-1)"},
    "plot.exit_threshold": {"en": "partners leave below this",
                            "nl": "onder deze lijn stappen partners uit"},
    "plot.money": {"en": "Money flows per month", "nl": "Geldstromen per maand"},
    "plot.money_y": {"en": "thousand EUR / month", "nl": "duizend euro / maand"},
    "plot.alive": {"en": "Is the ecosystem alive?", "nl": "Leeft het ecosysteem?"},
    "plot.return": {"en": "Social return so far", "nl": "Maatschappelijk rendement tot nu toe"},
    "plot.return_y": {"en": "EUR value per EUR invested", "nl": "euro waarde per euro ingelegd"},
    "plot.return_note": {"en": "value of placements so far, counted over 3 years",
                         "nl": "waarde van plaatsingen tot nu toe, over 3 jaar gerekend"},
    "plot.break_even": {"en": "break-even", "nl": "quitte"},
    "plot.network": {"en": "Organisations and trust", "nl": "Organisaties en vertrouwen"},
    "plot.left": {"en": "left the coalition", "nl": "uit de coalitie gestapt"},
    "plot.trust_scale": {"en": "trust", "nl": "vertrouwen"},
    # --- levers: names (the value and its unit follow, see ``value.<name>``) ----------
    "param.pilot_length_months": {"en": "Pilot length", "nl": "Looptijd pilot"},
    "param.renewal_rule": {"en": "Renewal rule", "nl": "Verlengingsregel"},
    "param.multi_year_commitment_years": {"en": "Multi-year commitment",
                                          "nl": "Meerjarige toezegging"},
    "param.role_clarity": {"en": "Role clarity", "nl": "Duidelijkheid rollen"},
    "param.trust_sensitivity": {"en": "Trust sensitivity", "nl": "Gevoeligheid vertrouwen"},
    "param.financing": {"en": "Financing", "nl": "Financiering"},
    "param.debt_help_capacity_per_1000": {"en": "Debt help places", "nl": "Plekken schuldhulp"},
    "param.admin_burden": {"en": "Administrative burden", "nl": "Administratieve lasten"},
    "param.outreach_doors": {"en": "Outreach: doors in", "nl": "Bereik: ingangen"},
    "param.coaching_slots_per_1000": {"en": "Coaching places", "nl": "Coachingsplekken"},
    "param.partnership_agreement": {"en": "Partnership agreement at the start",
                                    "nl": "Samenwerkingsovereenkomst bij de start"},
    "param.debt_help_first": {"en": "Debt help first", "nl": "Eerst schuldhulp"},
    "param.monitoring": {"en": "Monitoring and evaluation", "nl": "Monitoring en evaluatie"},
    "param.champion_in_office": {"en": "A champion in the council at the start",
                                 "nl": "Een trekker in het college bij de start"},
    # a lever's value with its unit ({v}: the number as the reader writes it)
    "value.pilot_length_months": {"en": "{v} months", "nl": "{v} maanden"},
    "value.multi_year_commitment_years": {"en": "{v} years", "nl": "{v} jaar"},
    "value.role_clarity": {"en": "{v} (scale 0 to 1)", "nl": "{v} (schaal 0 tot 1)"},
    "value.trust_sensitivity": {"en": "{v}\u00d7", "nl": "{v}\u00d7"},
    "value.debt_help_capacity_per_1000": {"en": "{v} per 1,000 participants",
                                          "nl": "{v} per 1.000 deelnemers"},
    "value.admin_burden": {"en": "{v} (scale 0 to 1)", "nl": "{v} (schaal 0 tot 1)"},
    "value.outreach_doors": {"en": "{v} doors", "nl": "{v} ingangen"},
    "value.coaching_slots_per_1000": {"en": "{v} per 1,000 participants",
                                      "nl": "{v} per 1.000 deelnemers"},
    "value1.pilot_length_months": {"en": "1 month", "nl": "1 maand"},
    "value1.multi_year_commitment_years": {"en": "1 year", "nl": "1 jaar"},
    "value1.outreach_doors": {"en": "1 door", "nl": "1 ingang"},
    "choice.renewal_rule.never": {"en": "never renew", "nl": "nooit verlengen"},
    "choice.renewal_rule.political": {"en": "political choice", "nl": "politieke keuze"},
    "choice.renewal_rule.evidence": {"en": "on evidence", "nl": "op bewijs"},
    "choice.financing.subsidy": {"en": "subsidy", "nl": "subsidie"},
    "choice.financing.hybrid": {"en": "subsidy and pay for results",
                                "nl": "subsidie en betalen voor resultaat"},
    "choice.financing.sib": {"en": "social impact bond", "nl": "social impact bond"},
}


def tr(key: str, lang: str = "en", **fmt: object) -> str:
    """The label ``key`` in ``lang``, formatted with ``fmt``; falls back to English, then
    to the key itself (so an unknown model event still shows up, untranslated)."""
    entry = TEXT.get(key)
    text = key.split(".", 1)[-1] if entry is None else (entry.get(lang) or entry["en"])
    return text.format(**fmt) if fmt else text


def event_label(label: str, lang: str) -> str:
    """Short label of a model event (``model.interventions``) for a plot's time axis."""
    return tr(f"event.{label}", lang)


def choice_label(param: str, value: str, lang: str) -> str:
    """Display label of one choice of a choice parameter (e.g. ``renewal_rule``)."""
    return tr(f"choice.{param}.{value}", lang)


def choice_value(param: str, label: str) -> str:
    """The parameter value behind a choice label in any language (or the label itself if it
    already is a value)."""
    prefix = f"choice.{param}."
    for key, entry in TEXT.items():
        if key.startswith(prefix) and label in entry.values():
            return key[len(prefix):]
    return label


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ``ValueError`` naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"--lang {lang!r}: allowed values are {', '.join(LANGS)}")
    return lang
