"""The glossary: every key the model produces has a name, unit and sentence in English and
Dutch; unknown keys are caught; numbers are written in each reader's convention; the live
page labels its series from the same table."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from instap import formatting as f
from instap import glossary
from instap.errors import InstapError
from instap.lang import LANGS, check_lang, default_lang, resolve_lang
from instap.summary import summarise
from sim import InstapModel
from sim.outputs import COLUMNS


@pytest.fixture(scope="module")
def model_keys() -> list[str]:
    """Every key a small run produces: end-of-run metrics, the summary's estimates
    (Kaplan-Meier median, quartiles, chances) and the monthly columns."""
    model = InstapModel(rng=3, n_participants=200, months=24).run()
    metrics = model.end_metrics()
    summary = summarise([metrics], 24)
    flat: list[str] = []

    def walk(node: dict[str, object], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict) and "mean" not in value:
                walk(value, f"{prefix}{key}.")  # type: ignore[arg-type]
            elif isinstance(value, dict):
                flat.append(prefix + key)

    walk({k: v for k, v in summary.items() if k != "run"}, "")
    columns = [c for c in model.timeseries() if c != "month"]
    return sorted({*metrics, *flat, *columns, *COLUMNS})


def test_every_key_the_model_produces_resolves_in_both_languages(
        model_keys: list[str]) -> None:
    assert len(model_keys) > 150
    assert glossary.unresolved(model_keys) == []
    for key in model_keys:
        entry = glossary.term(key)
        for lang in LANGS:
            assert entry.name(lang).strip() and entry.short(lang).strip(), key
            assert entry.unit(lang).strip(), key
            assert entry.text(lang).endswith("."), key
            assert "{" not in entry.label(lang) + entry.text(lang), key
        assert entry.text("en") != entry.text("nl"), key


def test_the_check_fails_for_a_key_the_glossary_does_not_know(model_keys: list[str]) -> None:
    """A metric added to the model without a glossary entry fails the test above."""
    new = ["durability.new_metric", "value.nobody.net_10y", "value.municipality.net_5y",
           "trust_bank_to_firm", "coalition_pirate", "participants.retention_7m"]
    assert glossary.unresolved([*model_keys, *new]) == sorted(new)
    with pytest.raises(glossary.UnknownTerm, match="did you mean 'participants.placements'"):
        glossary.term("participants.placement")


def test_families_are_composed_from_their_parts() -> None:
    assert glossary.label("value.municipality.net_10y", "en") == (
        "net value for the municipality over 10 years (EUR)")
    assert glossary.label("value.municipality.net_10y", "nl") == (
        "saldo voor de gemeente over 10 jaar (euro)")
    assert glossary.name("trust_municipality_to_firm", "nl") == (
        "vertrouwen van de gemeente in werkgevers")
    assert glossary.short("coalition_housing_corporation", "nl") == "woningcorporaties"
    assert glossary.label("durability.median_survival_months", "nl") == (
        "mediane overlevingsduur (maanden)")
    assert glossary.name("durability.p_alive_120", "nl") == (
        "kans dat het ecosysteem na 10 jaar nog functioneert")
    assert glossary.name("finance.sroi_10y", "nl") == "maatschappelijk rendement over 10 jaar"
    assert glossary.label("finance.outcome_payments", "en") == "outcome payments (SIB; EUR)"


@pytest.mark.parametrize(("key", "value", "en", "nl"), [
    ("participants.retention_6m", 0.8234, "82%", "82%"),
    ("participants.retention_6m", 0.004, "0.4%", "0,4%"),
    ("finance.municipal_spending", 1234567.4, "EUR 1,234,567", "€ 1.234.567"),
    ("value.municipality.net_10y", -427882.2, "EUR -427,882", "€ -427.882"),
    ("finance.sroi_10y", 2.4234, "2.42", "2,42"),
    ("durability.median_survival_months", 46.0, "46", "46"),
    ("participants.placements", 4459.33, "4,459", "4.459"),
    ("coalition.final_size", 2.333, "2.3", "2,3"),
    ("finance.sroi_10y", float("nan"), "n/a", "n.b."),
    ("finance.sroi_10y", None, "n/a", "n.b."),
])
def test_values_are_written_by_kind_in_the_readers_convention(key: str, value: object, en: str,
                                                              nl: str) -> None:
    assert glossary.format_value(key, value, "en") == en
    assert glossary.format_value(key, value, "nl") == nl


def test_number_helpers() -> None:
    assert f.number(1234567.891, "en", 2) == "1,234,567.89"
    assert f.number(1234567.891, "nl", 2) == "1.234.567,89"
    assert f.number(-0.0004, "en", 2) == "0.00"  # never "-0.00"
    assert f.signed(3, "nl") == "+3" and f.signed(0, "en") == "0" and f.signed(-2.5, "nl", 1) \
        == "-2,5"
    assert f.money(1234567, "en") == "EUR 1,234,567" and f.money(1234567, "nl") == "€ 1.234.567"
    assert f.money(2.126, "nl", 2) == "€ 2,13"
    assert f.months(1, "en") == "1 month" and f.months(46, "nl") == "46 maanden"
    assert f.percent(math.inf, "en") == "n/a"
    assert f.interval("41", "54", "nl") == "41 tot 54"


def test_differences_say_points_once() -> None:
    key = "durability.p_alive_60"
    assert glossary.format_difference(key, 0.667, "en") == "+67 percentage points"
    assert glossary.format_difference(key, -0.012, "nl", compact=True) == "-1,2 %-punt"
    assert glossary.format_difference_interval(key, 0.0, 1.0, "nl") == "0 tot +100 procentpunt"
    assert glossary.format_difference_interval("finance.municipal_spending", -89836, 2649568,
                                               "en", compact=True) == (
        "EUR -89,836 – EUR +2,649,568")
    assert glossary.format_interval("participants.retention_6m", 0.21, 0.94, "nl") == "21% – 94%"
    assert glossary.format_interval("participants.retention_6m", None, 0.94, "nl") == ""


def test_lang_option_and_default() -> None:
    assert check_lang("nl") == "nl"
    with pytest.raises(InstapError, match=r"^--lang fr: not allowed; allowed: en, nl$"):
        check_lang("fr")
    with pytest.raises(InstapError, match=r"^lang=3: not allowed"):
        check_lang(3, "lang")
    assert default_lang(None) == "en" and default_lang({"name": "x"}) == "en"
    assert default_lang({"lang": "nl"}) == "nl" and default_lang(SimpleNamespace(lang="nl")) == "nl"
    assert default_lang({"lang": "fr"}) == "en"  # an unsupported wish falls back
    assert resolve_lang(None, {"lang": "nl"}) == "nl" and resolve_lang("en", {"lang": "nl"}) == "en"


def test_the_live_page_labels_its_series_from_the_glossary() -> None:
    from instap.live.figures import FigureSet
    from instap.live.i18n import TEXT
    from instap.live.livemodel import LiveModel

    assert not [k for k in TEXT if k.split(".")[0] in ("state", "kind", "trust", "series")]
    model = LiveModel(rng=1, n_participants=200, months=12)
    model.step()
    snap = model.snapshot()
    legends = set()
    for plot in FigureSet("nl").plots:
        if plot.name not in ("participants", "coalition", "trust", "money"):
            continue
        plot.render(snap)
        assert plot.fig is not None
        for ax in plot.fig.axes:
            legend = ax.get_legend()
            if legend is not None:
                legends |= {" ".join(t.get_text().split()) for t in legend.get_texts()}
    for key in ("in_track", "entry_job", "coalition_social_enterprise",
                "trust_municipality_firm", "benefit_savings"):
        assert glossary.short(key, "nl") in legends, key
