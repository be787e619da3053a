"""The workshop page without a browser: Solara's test rendering (``solara.render``) of the
page's widgets, the page's logic (levers in words, what changed, what differs, earlier
runs, save as scenario) and the model, plots and command behind them."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara

from instap.errors import InstapError
from instap.execution import replication_seeds, run_one
from instap.live import page as live_page
from instap.live.figures import PLOT_NAMES, FigureSet, PastRun, render_all, tick_text
from instap.live.i18n import LANGS, TEXT, choice_value, tr
from instap.live.levers import (
    RunSettings,
    changed,
    differences,
    lever_names,
    run_difference,
    value_text,
)
from instap.live.livemodel import INTERVENTIONS, LiveModel
from instap.live.page import (
    LiveConfig,
    LivePage,
    config_from_env,
    list_scenarios,
    page_seed,
    save_text,
    start_run,
)
from instap.live.serve import live_command, page_url, solara_command
from instap.scenario import load_scenario
from sim import DEFAULTS, LEVERS, PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"n_participants": 300, "months": 24}
#: What Mesa's SolaraViz showed in English whatever the language (issue 14).
MESA_ENGLISH = ("Controls", "Play Interval", "Render Interval", "Use Threads",
                "Model Parameters", "Information", "Time:", "Reset", "Step")


# ------------------------------------------------------------------------- helpers
def _render(config: LiveConfig) -> tuple[ipywidgets.Widget, Any]:
    return solara.render(LivePage(config), handle_error=False)


def _walk(widget: ipywidgets.Widget) -> list[ipywidgets.Widget]:
    kids = [c for c in getattr(widget, "children", None) or []
            if isinstance(c, ipywidgets.Widget)]
    return [widget, *(w for k in kids for w in _walk(k))]


def _classes(widget: ipywidgets.Widget) -> list[str]:
    return [*(getattr(widget, "class_", None) or "").split(), *widget._dom_classes]


def _with_class(box: ipywidgets.Widget, cls: str) -> list[ipywidgets.Widget]:
    return [w for w in _walk(box) if cls in _classes(w)]


def _text(widget: ipywidgets.Widget) -> str:
    """Every string shown inside ``widget``, in order, space separated."""
    parts = []
    for w in _walk(widget):
        parts += [c for c in getattr(w, "children", None) or [] if isinstance(c, str)]
        for attr in ("label", "v_model"):
            value = getattr(w, attr, None)
            if isinstance(value, str) and value and value != "!!disabled!!":
                parts.append(value)
        parts += [str(i) for i in getattr(w, "items", None) or [] if isinstance(i, str)]
    return " ".join(parts)


def _texts(box: ipywidgets.Widget, cls: str) -> list[str]:
    return [_text(w) for w in _with_class(box, cls)]


def _button(rc: Any, label: str) -> v.Btn:
    return rc.find(v.Btn, children=[label]).widget


def _lever(box: ipywidgets.Widget, name: str) -> ipywidgets.Widget:
    [lever] = _with_class(box, f"instap-lever-{name}")
    return lever


def _input(box: ipywidgets.Widget, name: str, kind: type) -> Any:
    [widget] = [w for w in _walk(_lever(box, name)) if isinstance(w, kind)]
    return widget


def _images(box: ipywidgets.Widget) -> dict[str, bytes]:
    out = {}
    for w in _walk(box):
        if isinstance(w, ipywidgets.Image):
            name = next(c for c in w._dom_classes if c.startswith("instap-plot-"))
            out[name.removeprefix("instap-plot-")] = bytes(w.value)
    return out


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[LiveModel]:
    """Every LiveModel the page builds, in order (the page's model class, recorded)."""
    built: list[LiveModel] = []

    class Recorded(LiveModel):
        def __init__(self, rng: int | None = None, **kwargs: Any) -> None:
            super().__init__(rng=rng, **kwargs)
            built.append(self)

    monkeypatch.setattr(live_page, "LiveModel", Recorded)
    return built


@pytest.fixture
def baseline_config() -> LiveConfig:
    return LiveConfig(scenario=ROOT / "scenarios" / "baseline.yaml", lang="en", seed=7)


# ------------------------------------------------------------------------- 1. language
def test_the_dutch_page_has_no_english_controls() -> None:
    box, rc = _render(LiveConfig(scenario=ROOT / "scenarios" / "baseline.yaml", lang="nl"))
    text = _text(box)
    for word in MESA_ENGLISH:
        assert not re.search(rf"\b{re.escape(word)}", text), word
    for label in ("\u25b6 Afspelen", "+1 maand", "Opnieuw beginnen", "Stop de financiering nu",
                  "Bewaar als scenario", "Presentatieweergave"):
        _button(rc, label)
    assert "Huidige praktijk in Den Haag" in text  # the scenario's Dutch description
    assert "today's practice" not in text
    assert _texts(box, "instap-month") == ["Maand 0 van 120"]


def test_every_text_of_the_page_exists_in_both_languages() -> None:
    assert set(TEXT) == {k for k in TEXT if all(TEXT[k].get(lang) for lang in LANGS)}
    for name in LEVERS:
        assert f"param.{name}" in TEXT, name
    for kind in INTERVENTIONS:
        assert f"act.{kind}" in TEXT and f"click.{kind}" in TEXT


def test_every_shipped_scenario_has_a_dutch_description() -> None:
    listing = list_scenarios(LiveConfig(scenario_dir=ROOT / "scenarios", lang="nl"))
    assert not listing.skipped
    for label, loaded in listing.loaded.items():
        assert loaded.text("nl"), label


# ------------------------------------------------------------------------- 2. visible settings
def test_every_lever_shows_its_value_and_unit(baseline_config: LiveConfig) -> None:
    box, _ = _render(LiveConfig(scenario=baseline_config.scenario, lang="nl"))
    values = {name: _texts(_lever(box, name), "instap-lever-value")[0]
              for name in lever_names()}
    assert values["pilot_length_months"] == "24 maanden"
    assert values["role_clarity"] == "0,4 (schaal 0 tot 1)"
    assert values["renewal_rule"] == "politieke keuze"
    assert values["debt_help_capacity_per_1000"] == "12 per 1.000 deelnemers"
    assert values["outreach_doors"] == "1 ingang"
    assert values["monitoring"] == "nee" and values["financing"] == "subsidie"
    for name in lever_names():  # every slider spans the parameter's range
        spec = PARAMETERS[name]
        if spec.kind in (int, float):
            slider = _input(box, name, v.Slider)
            assert (slider.min, slider.max) == (spec.low, spec.high), name


def test_a_changed_lever_is_marked_until_the_next_run(made: list[LiveModel],
                                                      baseline_config: LiveConfig) -> None:
    box, rc = _render(baseline_config)
    assert not _with_class(box, "instap-lever-changed")
    _input(box, "pilot_length_months", v.Slider).v_model = 60
    select = _input(box, "renewal_rule", v.Select)
    select.v_model = [x for x in select.items if choice_value("renewal_rule", x) == "never"][0]
    [lever] = _with_class(box, "instap-lever-changed")[:1]
    assert "instap-lever-pilot_length_months" in _classes(lever)
    assert _texts(lever, "instap-lever-was") == ["changed; this run: 24 months"]
    assert len(_with_class(box, "instap-lever-changed")) == 2
    assert _texts(box, "instap-pending")[0].startswith("2 levers changed, not used yet")
    assert made[-1].p.pilot_length_months == 24  # the run on screen keeps its levers
    _button(rc, "Start again").click()
    assert (made[-1].p.pilot_length_months, made[-1].p.renewal_rule) == (60, "never")
    assert not _with_class(box, "instap-lever-changed") and not _texts(box, "instap-pending")
    assert "changed: Pilot length: 60 months" in _texts(box, "instap-this-run")[0]


def test_a_scenario_lists_what_it_sets_away_from_the_baseline(
        baseline_config: LiveConfig) -> None:
    box, rc = _render(LiveConfig(scenario=baseline_config.scenario, lang="nl"))
    picker = rc.find(v.Select, label=tr("scenario", "nl")).widget
    picker.v_model = "programme_ends"
    assert _input(box, "pilot_length_months", v.Slider).v_model == 36
    text = _text(_with_class(box, "instap-differences")[0])
    assert "Looptijd pilot: 36 maanden (baseline: 24 maanden)" in text
    assert "Verlengingsregel: nooit verlengen (baseline: politieke keuze)" in text
    picker.v_model = "restart_after_a_year"  # a timeline, in words
    assert "vanaf maand 48: de gemeente start het programma opnieuw" in _text(box)


def test_other_parameters_a_scenario_sets_are_listed_too(tmp_path: Path) -> None:
    (tmp_path / "baseline.yaml").write_text("name: baseline\n")
    (tmp_path / "small.yaml").write_text(
        "name: small\nrun:\n  n_participants: 400\nadmin:\n  admin_burden: 0.2\n")
    box, _ = _render(LiveConfig(scenario=tmp_path / "small.yaml", lang="nl"))
    lines = _texts(box, "instap-differences")[0]
    assert "Administratieve lasten: 0,2 (schaal 0 tot 1) (baseline: 0,5 (schaal 0 tot 1))" in lines
    assert "n_participants: 400 (baseline: 2.000)" in lines


def test_levers_in_words() -> None:
    assert value_text("pilot_length_months", 1, "en") == "1 month"
    assert value_text("trust_sensitivity", 1.5, "nl") == "1,5\u00d7"
    assert value_text("partnership_agreement", True, "en") == "yes"
    assert value_text("financing", "sib", "nl") == "social impact bond"
    applied = dict(DEFAULTS)
    assert changed({**applied, "role_clarity": 0.4000000001}, applied) == []  # slider rounding
    assert changed({**applied, "role_clarity": 0.8, "monitoring": True}, applied) == [
        "role_clarity", "monitoring"]
    assert differences(applied, applied, "baseline", "en") == []


def test_what_made_an_earlier_run_differ() -> None:
    base = dict(DEFAULTS)
    past = RunSettings("baseline", {**base, "pilot_length_months": 36},
                       [{"month": 37, "intervention": "end_funding"}])
    now = RunSettings("baseline", base, [{"month": 13, "intervention": "agreement"}])
    assert run_difference(past, now, "nl") == (
        "looptijd pilot: 36 maanden; met stopzetting van de financiering in maand 36; "
        "zonder ondertekening van de overeenkomst in maand 12")
    assert run_difference(past, RunSettings("baseline", past.params, past.clicks),
                          "en") == "same settings"
    other = RunSettings("programme_ends", {**base, "pilot_length_months": 36,
                                           "renewal_rule": "never"})
    assert run_difference(other, now, "en").startswith(
        "scenario programme_ends; pilot length: 36 months; renewal rule: never renew")
    many = RunSettings("x", {**base, **{n: DEFAULTS[n] for n in LEVERS},
                             "role_clarity": 0.9, "admin_burden": 0.1, "monitoring": True})
    assert run_difference(many, now, "en").endswith("and 2 more")


# ------------------------------------------------------------------------- 3. before and after
def test_earlier_runs_are_kept_drawn_and_cleared(baseline_config: LiveConfig,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live_page, "MAX_PAST", 2)  # 3 on the page; fewer runs to draw here
    box, rc = _render(LiveConfig(scenario=baseline_config.scenario, lang="nl"))
    for _ in range(3):
        _button(rc, "+1 maand").click()
    _button(rc, "Stop de financiering nu").click()
    before = _images(box)
    _input(box, "pilot_length_months", v.Slider).v_model = 48
    _button(rc, "Opnieuw beginnen").click()
    assert _texts(box, "instap-month") == ["Maand 0 van 120"]
    legend = " ".join(_texts(box, "instap-past-legend"))
    assert legend == ("simulatie 1: looptijd pilot: 24 maanden; met stopzetting van de "
                      "financiering in maand 3")
    assert "Simulatie 2" in _texts(box, "instap-run")
    after = _images(box)
    assert all(after[n] != before[n] for n in PLOT_NAMES if n != "network")
    for _ in range(MAX_RUNS := live_page.MAX_PAST):  # only the last MAX_PAST are kept
        _button(rc, "+1 maand").click()
        _button(rc, "Opnieuw beginnen").click()
    assert len(_texts(box, "instap-past-legend")[0].split("simulatie ")) - 1 == 2
    assert f"Simulatie {MAX_RUNS + 2}" in _texts(box, "instap-run")
    _button(rc, "Eerdere simulaties wissen").click()
    assert not _with_class(box, "instap-past-legend")


def test_past_runs_change_the_plots_and_their_legends() -> None:
    model = LiveModel(rng=3, **SMALL)
    model.run(6)
    snap = model.snapshot()
    past = [PastRun(1, "looptijd pilot: 36 maanden", snap.series, snap.social_return)]
    plain, _ = render_all(snap, "nl")
    figures = FigureSet("nl")
    shown = figures.render(snap, past)
    assert all(shown[n] != plain[n] for n in PLOT_NAMES if n != "network")
    assert shown["network"] == plain["network"]
    for plot in figures.plots:
        if plot.name != "network":
            assert plot.fig is not None
            texts = [t.get_text() for ax in plot.fig.axes if ax.get_legend()
                     for t in ax.get_legend().get_texts()]
            assert "simulatie 1" in texts, plot.name


def test_dutch_axis_numbers() -> None:
    assert (tick_text(0.2, "nl"), tick_text(2500.0, "nl"), tick_text(1.75, "en")) == (
        "0,2", "2.500", "1.75")


# ------------------------------------------------------------------------- 4. take it home
def test_the_saved_scenario_validates_and_its_first_replication_is_the_page_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from instap import cli

    config = LiveConfig(scenario=ROOT / "scenarios" / "restart_after_a_year.yaml", lang="nl",
                        seed=1234)
    listing = list_scenarios(config)
    loaded = listing.loaded[listing.start]
    levers = {**live_page.scenario_levers(loaded.params), "role_clarity": 0.7}
    run = start_run(1, listing.start, loaded, levers, config.seed)
    run.model.run(20)
    run.model.intervene("recession")
    run.model.run()
    path = tmp_path / live_page.save_file_name(run)
    path.write_text(save_text(run, config.seed, "nl"), encoding="utf-8")
    assert path.name == "restart_after_a_year_workshop.yaml"
    try:
        cli.main(["validate", str(path)])
    except SystemExit as done:
        assert done.code in (0, None), capsys.readouterr().err
    saved = load_scenario(path)
    assert saved.timeline[-1] == {"month": 21, "intervention": "recession"}
    assert saved.description_nl == loaded.description_nl and saved.lang == "nl"
    # what `instap run FILE --seed 1234` runs as its first replication, whatever --reps
    first = run_one(saved.params, replication_seeds(config.seed, 20)[0])
    assert page_seed(config.seed) == replication_seeds(config.seed, 1)[0]
    for key, values in run.model.timeseries().items():
        np.testing.assert_array_equal(values, first.timeseries[key], err_msg=key)


def test_the_page_offers_the_run_on_screen_as_a_download(baseline_config: LiveConfig) -> None:
    box, rc = _render(baseline_config)
    _button(rc, "+1 month").click()
    _button(rc, "End funding now").click()
    [download] = [w for w in _walk(box) if type(w).__name__ == "FileDownloadWidget"]
    assert download.filename == "baseline_workshop.yaml"
    download.request_download = True  # what the browser sends on a click
    for _ in range(100):
        if download.bytes:
            break
        import time
        time.sleep(0.05)
    text = bytes(download.bytes).decode()
    assert "intervention: end_funding" in text and "--seed 7" in text


# ------------------------------------------------------------------------- 6. the picker
def test_the_picker_lists_only_scenarios_that_load(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("name: good\nfunding:\n  pilot_length_months: 30\n")
    (tmp_path / "zz_bad.yaml").write_text("name: bad\nfunding:\n  pilot_length_months: -4\n")
    (tmp_path / "zz_worse.yaml").write_text("name: [\n")
    box, rc = _render(LiveConfig(scenario_dir=tmp_path, lang="nl"))
    assert rc.find(v.Select, label="Scenario").widget.items == ["good"]
    assert _texts(box, "instap-skipped") == [
        "Niet in de lijst, want ze kunnen niet worden geladen: zz_bad.yaml, zz_worse.yaml"]
    assert str(tmp_path) not in _text(box)


# ------------------------------------------------------------------------- the page's run
def test_step_advances_the_model_and_redraws_the_plots(baseline_config: LiveConfig) -> None:
    box, rc = _render(baseline_config)
    before = _images(box)
    assert set(before) == set(PLOT_NAMES)
    for _ in range(3):
        _button(rc, "+1 month").click()
    assert _texts(box, "instap-month") == ["Month 3 of 120"]
    after = _images(box)
    assert all(after[name] != before[name] for name in ("participants", "money", "network"))
    assert not _with_class(box, "instap-render-time")  # developer text only on request


def test_intervention_button_changes_the_model_state(made: list[LiveModel],
                                                     baseline_config: LiveConfig) -> None:
    box, rc = _render(baseline_config)
    _button(rc, "+1 month").click()
    model = made[-1]
    assert model.funding.funded
    end = _button(rc, tr("act.end_funding", "en"))
    end.click()
    assert not model.funding.funded
    assert model.interventions[-1] == (1, "funding ended")
    assert _button(rc, tr("act.end_funding", "en")).disabled  # nothing left to end
    assert tr("unfunded", "en") in _texts(box, "instap-flag")
    _button(rc, tr("act.election", "en")).click()
    _button(rc, tr("act.election", "en")).click()  # idempotent within a month
    assert [m for m in model.interventions if m[1] == "election"] == [(1, "election")]


def test_start_again_replays_the_same_run(made: list[LiveModel],
                                          baseline_config: LiveConfig) -> None:
    _, rc = _render(baseline_config)
    for _ in range(4):
        _button(rc, "+1 month").click()
    _button(rc, "Start again").click()
    for _ in range(4):
        _button(rc, "+1 month").click()
    first, second = made[0], made[-1]
    assert first is not second and first.steps == second.steps == 4
    for name, values in first.timeseries().items():
        np.testing.assert_array_equal(values, second.timeseries()[name], err_msg=name)


def test_play_steps_the_model_until_paused(made: list[LiveModel],
                                           baseline_config: LiveConfig,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(live_page.SPEEDS, "normal", (0.1, 1))
    box, rc = _render(baseline_config)
    _button(rc, "\u25b6 Play").click()
    import time
    deadline = time.monotonic() + 20
    while made[-1].steps < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    _button(rc, "\u275a\u275a Pause").click()
    time.sleep(0.3)
    steps = made[-1].steps
    time.sleep(0.3)
    assert 3 <= made[-1].steps == steps


def test_a_slow_screen_sets_the_pace_of_play_and_pause_still_stops_it(
        made: list[LiveModel], baseline_config: LiveConfig,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A frame that takes 50 ms to draw, at an interval of 5 ms: the model steps one month
    per frame drawn instead of racing to the horizon inside the click's render (the CI
    failure "Too many renders triggered" on a slow machine), and Pause still stops it."""
    import time
    monkeypatch.setitem(live_page.SPEEDS, "normal", (0.005, 1))
    frames: list[int] = []  # the month of every frame the plots draw
    marks, run_text = live_page.mark_texts, live_page.this_run_text

    def drawn(*args: Any, **kwargs: Any) -> Any:
        frames.append(made[-1].steps)
        return marks(*args, **kwargs)

    def slow(*args: Any, **kwargs: Any) -> Any:  # in every render pass of the page
        time.sleep(0.05)
        return run_text(*args, **kwargs)

    monkeypatch.setattr(live_page, "mark_texts", drawn)
    monkeypatch.setattr(live_page, "this_run_text", slow)
    box, rc = _render(baseline_config)
    _button(rc, "\u25b6 Play").click()
    time.sleep(1.0)
    _button(rc, "\u275a\u275a Pause").click()
    time.sleep(0.3)
    steps = made[-1].steps
    time.sleep(0.3)
    assert 3 <= made[-1].steps == steps < made[-1].p.months
    assert steps <= len(set(frames)) + 1  # every month but the last one was drawn


def test_presentation_view_hides_the_sidebar(baseline_config: LiveConfig) -> None:
    box, rc = _render(baseline_config)
    assert not _with_class(box, "instap-present")
    _button(rc, "Presentation view").click()
    assert _with_class(box, "instap-present")
    _button(rc, "Show the levers").click()
    assert not _with_class(box, "instap-present")


# ------------------------------------------------------------------------- behind the page
def test_live_model_stops_at_the_horizon_and_rejects_unknown_interventions() -> None:
    m = LiveModel(rng=1, n_participants=200, months=3)
    for _ in range(6):
        m.step()
    assert m.steps == 3 and m.finished and not m.running
    assert len(m.timeseries()["month"]) == 4 and len(m.social_return) == 4
    assert not any(m.can_intervene(kind) for kind in INTERVENTIONS)
    with pytest.raises(ValueError, match="unknown intervention"):
        m.intervene("coup")


def test_social_return_is_the_model_metric_so_far() -> None:
    m = LiveModel(rng=5, **SMALL)
    for _ in range(6):
        m.step()
    assert math.isnan(m.social_return[0])
    assert m.social_return[-1] == pytest.approx(m.end_metrics()["finance.sroi_3y"])


def test_every_month_renders_every_plot() -> None:
    """How long a month takes to draw is a benchmark figure (``live_render_ms`` in
    ``make bench``), not a timed test."""
    m = LiveModel(rng=11)  # the baseline population of 2,000 participants
    figures = FigureSet("en")
    for month in range(12):
        m.step()
        if month == 6:
            m.intervene("recession")
        rendered = figures.render(m.snapshot())
        assert set(rendered) == set(PLOT_NAMES) and math.isfinite(figures.last_seconds)
    images, first = render_all(m.snapshot(), "nl")
    assert set(images) == set(PLOT_NAMES) and all(i[:4] == b"\x89PNG" for i in images.values())


def test_config_round_trips_through_the_environment(tmp_path: Path) -> None:
    config = LiveConfig(scenario=tmp_path / "a.yaml", scenario_dir=tmp_path, lang="nl", seed=9)
    assert config_from_env(config.to_env()) == config
    assert config_from_env({}) == LiveConfig()


def test_command_checks_its_options_before_serving(tmp_path: Path) -> None:
    with pytest.raises(InstapError, match="--lang"):
        live_command(None, lang="de")
    with pytest.raises(InstapError, match="no such scenario"):
        live_command(tmp_path / "missing.yaml")
    with pytest.raises(InstapError, match="--port"):
        live_command(None, port=70000)
    assert page_url("0.0.0.0", 8765) == "http://127.0.0.1:8765/"
    cmd = solara_command("127.0.0.1", 8765)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and "--production" in cmd


def test_a_scenarios_timeline_is_marked_in_the_pages_words() -> None:
    from instap.live.levers import mark_texts
    from instap.scenario import load_scenario as load

    scenario = load(ROOT / "scenarios" / "restart_after_a_year.yaml")
    model = LiveModel(rng=1, **scenario.params)
    model.run(50)
    texts = mark_texts(model.timeline, "nl")
    shown = {texts.get(text, text) for _, text in model.interventions}
    assert "Verlengingsregel: politieke keuze" in shown
    assert tr("event.funding period starts", "nl") == "nieuwe financieringsperiode"


def test_the_server_hides_solaras_badge() -> None:
    from instap.live.serve import server_env

    env = server_env(LiveConfig(lang="nl"))
    assert env["SOLARA_THEME_SHOW_BANNER"] == "False" and env["SOLARA_THEME_LOADER"] == "plain"
    assert env["SOLARA_THEME_TITLE"] == "Instapeconomie Den Haag: houdt het stand?"
