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
                      "it again.",
                      "nl": "Een scenario kiezen zet alle knoppen op dat scenario en begint "
                      "opnieuw."},
    "defaults": {"en": "model defaults", "nl": "standaardwaarden model"},
    "levers_hint": {"en": "Lever changes take effect when you press Reset.",
                    "nl": "Gewijzigde knoppen gelden na Reset."},
    "interventions": {"en": "Interventions", "nl": "Ingrepen"},
    "month_of": {"en": "Month {month} of {months}", "nl": "Maand {month} van {months}"},
    "alive": {"en": "Ecosystem alive", "nl": "Ecosysteem leeft"},
    "collapsed": {"en": "Ecosystem collapsed", "nl": "Ecosysteem ingestort"},
    "funded": {"en": "programme funded", "nl": "programma gefinancierd"},
    "unfunded": {"en": "no programme funding", "nl": "geen programmageld"},
    "in_recession": {"en": "recession", "nl": "recessie"},
    "coalition_members": {"en": "{n} partners in the coalition",
                          "nl": "{n} partners in de coalitie"},
    "run_finished": {"en": "End of the horizon: press Reset to run again.",
                     "nl": "Einde van de looptijd: druk op Reset om opnieuw te beginnen."},
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
    "this_run": {"en": "Levers in this run", "nl": "Knoppen in deze run"},
    "on": {"en": "on", "nl": "aan"},
    "off": {"en": "off", "nl": "uit"},
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
    "plot.alive_y": {"en": "yes / no", "nl": "ja / nee"},
    "plot.return": {"en": "Social return so far", "nl": "Maatschappelijk rendement tot nu toe"},
    "plot.return_y": {"en": "EUR value per EUR invested", "nl": "euro waarde per euro ingelegd"},
    "plot.return_note": {"en": "value of placements so far, counted over 3 years",
                         "nl": "waarde van plaatsingen tot nu toe, over 3 jaar gerekend"},
    "plot.break_even": {"en": "break-even", "nl": "quitte"},
    "plot.network": {"en": "Organisations and trust", "nl": "Organisaties en vertrouwen"},
    "plot.left": {"en": "left the coalition", "nl": "uit de coalitie gestapt"},
    "plot.trust_scale": {"en": "trust", "nl": "vertrouwen"},
    # --- levers (sliders) --------------------------------------------------------------
    "param.pilot_length_months": {"en": "Pilot length (months)",
                                  "nl": "Looptijd pilot (maanden)"},
    "param.renewal_rule": {"en": "Renewal rule", "nl": "Verlengingsregel"},
    "param.multi_year_commitment_years": {"en": "Multi-year commitment (years)",
                                          "nl": "Meerjarige toezegging (jaren)"},
    "param.role_clarity": {"en": "Role clarity (0-1)", "nl": "Duidelijkheid rollen (0-1)"},
    "param.trust_sensitivity": {"en": "Trust sensitivity (x)",
                                "nl": "Gevoeligheid vertrouwen (x)"},
    "param.social_impact_bond": {"en": "Social impact bond", "nl": "Social impact bond"},
    "param.debt_help_capacity_per_1000": {"en": "Debt help places per 1,000",
                                          "nl": "Plekken schuldhulp per 1.000"},
    "param.admin_burden": {"en": "Administrative burden (0-1)",
                           "nl": "Administratieve lasten (0-1)"},
    "param.outreach_doors": {"en": "Outreach: doors in", "nl": "Bereik: ingangen"},
    "param.coaching_slots_per_1000": {"en": "Coaching places per 1,000",
                                      "nl": "Coachingsplekken per 1.000"},
    "param.partnership_agreement": {"en": "Partnership agreement at the start",
                                    "nl": "Samenwerkingsovereenkomst bij de start"},
    "param.debt_help_first": {"en": "Debt help first", "nl": "Eerst schuldhulp"},
    "param.monitoring": {"en": "Monitoring and evaluation", "nl": "Monitoring en evaluatie"},
    "param.champion_in_office": {"en": "A champion in the council at the start",
                                 "nl": "Een trekker in het college bij de start"},
    "choice.renewal_rule.never": {"en": "never renew", "nl": "nooit verlengen"},
    "choice.renewal_rule.political": {"en": "political choice", "nl": "politieke keuze"},
    "choice.renewal_rule.evidence": {"en": "on evidence", "nl": "op bewijs"},
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
