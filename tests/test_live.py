"""The workshop page without a browser: Solara's test rendering (``solara.render``) of the
page's widgets, and the model wrapper, plots and command behind them."""

from __future__ import annotations

import math
from pathlib import Path

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
from mesa.visualization.utils import update_counter

from instap.errors import InstapError
from instap.live import page as live_page
from instap.live.figures import PLOT_NAMES, FigureSet, render_all
from instap.live.i18n import LANGS, TEXT, choice_value, tr
from instap.live.livemodel import INTERVENTIONS, LiveModel
from instap.live.page import (
    Interventions,
    LiveConfig,
    LivePage,
    Plots,
    Status,
    config_from_env,
    lever_names,
    model_params,
)
from instap.live.serve import live_command, page_url, solara_command
from sim import DEFAULTS, LEVERS, PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"n_participants": 300, "months": 24}


def _render(config: LiveConfig) -> tuple[object, object]:
    """Render the whole page in an AppLayout (SolaraViz puts its controls in the sidebar)."""
    return solara.render(solara.AppLayout(children=[LivePage(config)]), handle_error=False)


def _texts(rc: object, cls: str) -> list[str]:
    def walk(widget: ipywidgets.Widget) -> list[ipywidgets.Widget]:
        kids = [c for c in getattr(widget, "children", None) or []
                if isinstance(c, ipywidgets.Widget)]
        return [widget, *(w for k in kids for w in walk(k))]

    found = [w for top in rc.find(v.Html).widgets for w in walk(top)]  # type: ignore[attr-defined]
    return [str(w.children[0]) for w in found
            if isinstance(w, v.Html) and cls in (w.class_ or "").split()]


def _button(rc: object, label: str) -> v.Btn:
    return rc.find(v.Btn, children=[label]).widget  # type: ignore[attr-defined]


def _images(rc: object) -> dict[str, bytes]:
    out = {}
    for w in rc.find(ipywidgets.Image).widgets:  # type: ignore[attr-defined]
        name = next(c for c in w._dom_classes if c.startswith("instap-plot-"))
        out[name.removeprefix("instap-plot-")] = bytes(w.value)
    return out


@pytest.fixture
def baseline_config() -> LiveConfig:
    return LiveConfig(scenario=ROOT / "scenarios" / "baseline.yaml", lang="en", seed=7)


# ------------------------------------------------------------------------- the page
def test_sliders_exist_with_the_parameter_ranges(baseline_config: LiveConfig) -> None:
    _, rc = _render(baseline_config)
    sliders = {w.label: w for w in rc.find(v.Slider).widgets}
    numeric = [n for n in lever_names() if PARAMETERS[n].kind in (int, float)]
    assert {"pilot_length_months", "multi_year_commitment_years", "role_clarity",
            "trust_sensitivity", "debt_help_capacity_per_1000", "admin_burden",
            "outreach_doors"} <= set(numeric)
    for name in numeric:
        spec = PARAMETERS[name]
        slider = sliders[tr(f"param.{name}", "en")]
        assert (slider.min, slider.max) == (spec.low, spec.high), name
        assert spec.low <= slider.v_model <= spec.high
    # the renewal rule is a choice, the social impact bond a checkbox
    select = rc.find(v.Select, label=tr("param.renewal_rule", "en")).widget
    assert [choice_value("renewal_rule", x) for x in select.items] == list(
        PARAMETERS["renewal_rule"].choices)
    rc.find(v.Checkbox, label=tr("param.social_impact_bond", "en")).assert_single()
    # Mesa's own controls: reset, play, step and the speed slider
    for label in ("Reset", "▶", "Step"):
        _button(rc, label)
    assert "Play Interval (ms)" in sliders


def test_every_lever_has_an_input_and_labels_in_both_languages() -> None:
    inputs = model_params(DEFAULTS, "nl", 1)
    for name in LEVERS:
        key = "social_impact_bond" if name == "financing" else name
        assert key in inputs, name
        for lang in LANGS:
            assert TEXT[f"param.{key}"][lang]
    assert set(TEXT) == {k for k in TEXT if all(TEXT[k].get(lang) for lang in LANGS)}


def test_step_advances_the_model_and_redraws_the_plots(baseline_config: LiveConfig) -> None:
    _, rc = _render(baseline_config)
    assert _texts(rc, "instap-month") == ["Month 0 of 120"]
    before = _images(rc)
    assert set(before) == set(PLOT_NAMES)
    step = _button(rc, "Step")
    for _ in range(3):
        step.click()
    assert _texts(rc, "instap-month") == ["Month 3 of 120"]
    after = _images(rc)
    assert all(after[name] != before[name] for name in ("participants", "money", "network"))


def test_intervention_button_changes_the_model_state() -> None:
    model = solara.reactive(LiveModel(rng=3, **SMALL))
    model.value.step()
    _, rc = solara.render(solara.Column(children=[Interventions(model, "en"),
                                                  Status(model, "en")]), handle_error=False)
    assert model.value.funding.funded
    end = _button(rc, tr("act.end_funding", "en"))
    assert not end.disabled
    end.click()
    assert not model.value.funding.funded
    assert model.value.interventions[-1] == (1, "funding ended")
    assert _button(rc, tr("act.end_funding", "en")).disabled  # nothing left to end
    assert tr("unfunded", "en") in _texts(rc, "instap-flag")
    # buttons are idempotent: a second election in the same month does nothing
    _button(rc, tr("act.election", "en")).click()
    _button(rc, tr("act.election", "en")).click()
    assert [m for m in model.value.interventions if m[1] == "election"] == [(1, "election")]


def test_intervention_is_marked_on_the_plots() -> None:
    model = solara.reactive(LiveModel(rng=3, **SMALL))
    for _ in range(2):
        model.value.step()
    _, rc = solara.render(Plots(model, "en"), handle_error=False)
    before = _images(rc)
    model.value.intervene("recession")
    update_counter.value += 1  # what the buttons do after acting
    after = _images(rc)
    assert all(after[name] != before[name] for name in PLOT_NAMES if name != "network")


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[LiveModel]:
    """Every LiveModel the page builds, in order (the page's model class, recorded)."""
    built: list[LiveModel] = []

    class Recorded(LiveModel):
        def __init__(self, rng: int | None = None, **kwargs: object) -> None:
            super().__init__(rng=rng, **kwargs)  # type: ignore[arg-type]
            built.append(self)

    monkeypatch.setattr(live_page, "LiveModel", Recorded)
    return built


def test_reset_replays_the_same_run(made: list[LiveModel], baseline_config: LiveConfig
                                    ) -> None:
    _, rc = _render(baseline_config)
    for _ in range(4):
        _button(rc, "Step").click()
    _button(rc, "Reset").click()
    assert _texts(rc, "instap-month") == ["Month 0 of 120"]
    for _ in range(4):
        _button(rc, "Step").click()
    first, second = made[0], made[-1]
    assert first is not second and first.steps == second.steps == 4
    for name, values in first.timeseries().items():
        np.testing.assert_array_equal(values, second.timeseries()[name], err_msg=name)


def test_moving_a_slider_changes_the_next_run(made: list[LiveModel],
                                              baseline_config: LiveConfig) -> None:
    _, rc = _render(baseline_config)
    rc.find(v.Slider, label=tr("param.pilot_length_months", "en")).widget.v_model = 60
    rc.find(v.Checkbox, label=tr("param.social_impact_bond", "en")).widget.v_model = True
    select = rc.find(v.Select, label=tr("param.renewal_rule", "en")).widget
    select.v_model = [x for x in select.items if choice_value("renewal_rule", x) == "never"][0]
    _button(rc, "Reset").click()
    p = made[-1].p
    assert (p.pilot_length_months, p.financing, p.renewal_rule) == (60, "sib", "never")


def test_scenario_picker_switches_scenario(baseline_config: LiveConfig) -> None:
    _, rc = _render(baseline_config)
    picker = rc.find(v.Select, label=tr("scenario", "en")).widget
    assert picker.v_model == "baseline"
    assert {"baseline", "programme_ends", "social_impact_bond"} <= set(picker.items)
    picker.v_model = "programme_ends"
    slider = rc.find(v.Slider, label=tr("param.pilot_length_months", "en")).widget
    assert slider.v_model == 36  # programme_ends.yaml sets a 3-year programme
    renewal = rc.find(v.Select, label=tr("param.renewal_rule", "en")).widget
    assert choice_value("renewal_rule", renewal.v_model) == "never"
    assert _texts(rc, "instap-month") == ["Month 0 of 120"]


def test_broken_scenario_is_shown_not_raised(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("name: good\nfunding:\n  pilot_length_months: 30\n")
    (tmp_path / "zz_bad.yaml").write_text("name: bad\nfunding:\n  pilot_length_months: -4\n")
    _, rc = _render(LiveConfig(scenario_dir=tmp_path))
    rc.find(v.Select, label=tr("scenario", "en")).widget.v_model = "zz_bad"
    errors = rc.find(v.Alert).widgets
    assert any("zz_bad" in str(w.children) for w in errors)
    slider = rc.find(v.Slider, label=tr("param.pilot_length_months", "en")).widget
    assert slider.v_model == 30  # still on the last good scenario


def test_dutch_labels() -> None:
    _, rc = _render(LiveConfig(scenario=ROOT / "scenarios" / "baseline.yaml", lang="nl"))
    labels = {w.label for w in rc.find(v.Slider).widgets}
    assert "Looptijd pilot (maanden)" in labels
    _button(rc, "Stop de financiering nu")
    assert _texts(rc, "instap-month") == ["Maand 0 van 120"]


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
