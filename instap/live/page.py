"""The workshop page: Mesa's ``SolaraViz`` (play, pause, step, reset, speed, lever inputs)
plus a scenario picker, intervention buttons, a status line and the live plots.

Everything here is UI; the model is :class:`~instap.live.livemodel.LiveModel`, a thin
wrapper around :class:`sim.InstapModel`. The lever inputs are derived from
:data:`sim.PARAMETERS` and :data:`sim.LEVERS`, so ranges and defaults have one definition.

The plots are drawn by :mod:`instap.live.figures` and shown as images in a plain CSS grid:
Mesa's own component grid (``GridDraggable``) loads its JavaScript from a CDN, and a
workshop room often has no internet.
"""

from __future__ import annotations

import math
import os
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solara
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import force_update, update_counter

from instap.errors import InstapError
from instap.execution import DEFAULT_SEED
from instap.live.figures import PLOT_NAMES, FigureSet
from instap.live.i18n import choice_label, tr
from instap.live.livemodel import INTERVENTIONS, LiveModel
from sim import DEFAULTS, LEVERS, PARAMETERS

#: The issue's main levers first, in workshop order; any other lever of ``sim.LEVERS`` after.
MAIN_LEVERS: tuple[str, ...] = (
    "pilot_length_months", "renewal_rule", "multi_year_commitment_years", "role_clarity",
    "trust_sensitivity", "financing", "debt_help_capacity_per_1000", "admin_burden",
    "outreach_doors")
SIB_INPUT = "social_impact_bond"  # the financing lever shown as a checkbox
PLAY_INTERVAL_MS = 250
DEFAULTS_KEY = ""  # scenario picker entry for the model defaults (no scenario file)

ENV_SCENARIO = "INSTAP_LIVE_SCENARIO"
ENV_SCENARIO_DIR = "INSTAP_LIVE_SCENARIO_DIR"
ENV_LANG = "INSTAP_LIVE_LANG"
ENV_SEED = "INSTAP_LIVE_SEED"

CSS = """
.v-application { font-size: 18px; }
.v-label, .v-input, .v-select__selection, .v-select__selection-text, .v-list-item-title,
.v-list-item__title, .v-field__input { font-size: 17px !important; }
.v-btn { font-size: 16px !important; text-transform: none !important; letter-spacing: 0; }
.v-card-title, .v-card__title { font-size: 21px !important; }
.v-toolbar-title, .v-toolbar__title, .v-app-bar-title { font-size: 24px !important; }
.instap-status { display: flex; flex-wrap: wrap; gap: 18px; align-items: baseline;
  margin: 4px 0 8px 0; }
.instap-month { font-size: 30px; font-weight: 700; }
.instap-flag { font-size: 22px; font-weight: 600; padding: 2px 10px; border-radius: 6px; }
.instap-alive { background: #009E73; color: white; }
.instap-collapsed { background: #D55E00; color: white; }
.instap-plain { background: #EEEEEE; color: #222222; }
.instap-small { font-size: 15px; color: #555555; }
.instap-run-levers { display: block; margin-bottom: 8px; }
.instap-acts-title { font-size: 22px; font-weight: 700; }
.instap-acts { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 10px; }
.instap-acts .v-btn { font-size: 18px !important; height: 46px !important; }
.instap-plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr));
  gap: 10px; }
.instap-plots img { width: 100%; height: auto; border: 1px solid #DDDDDD; }
"""


# ---------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class LiveConfig:
    """What ``instap live`` passes to the page (through environment variables, because
    ``solara run`` imports the page module in its own process)."""

    scenario: Path | None = None
    scenario_dir: Path | None = None
    lang: str = "en"
    seed: int = DEFAULT_SEED

    def to_env(self) -> dict[str, str]:
        """The environment variables that :func:`config_from_env` reads back."""
        env = {ENV_LANG: self.lang, ENV_SEED: str(self.seed)}
        if self.scenario is not None:
            env[ENV_SCENARIO] = str(self.scenario)
        if self.scenario_dir is not None:
            env[ENV_SCENARIO_DIR] = str(self.scenario_dir)
        return env


def config_from_env(environ: dict[str, str] | None = None) -> LiveConfig:
    """The page configuration from ``INSTAP_LIVE_*`` environment variables."""
    env = os.environ if environ is None else environ
    scenario = env.get(ENV_SCENARIO) or None
    folder = env.get(ENV_SCENARIO_DIR) or None
    lang = env.get(ENV_LANG) or "en"
    return LiveConfig(scenario=Path(scenario) if scenario else None,
                      scenario_dir=Path(folder) if folder else None,
                      lang=lang if lang in ("en", "nl") else "en",
                      seed=int(env.get(ENV_SEED) or DEFAULT_SEED))


def default_scenario_dir() -> Path:
    """``scenarios/`` in the working directory if there is one, else in the repository."""
    here = Path.cwd() / "scenarios"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "scenarios"


@dataclass(frozen=True)
class ScenarioChoice:
    """One entry of the scenario picker."""

    label: str
    path: Path | None  # None: the model defaults


def scenario_folder(config: LiveConfig) -> Path:
    """The one folder whose scenarios the page lists: ``INSTAP_LIVE_SCENARIO_DIR``, else the
    command line scenario's folder, else :func:`default_scenario_dir`."""
    return config.scenario_dir or (config.scenario.parent if config.scenario
                                   else default_scenario_dir())


def listed_scenarios(folder: Path) -> list[Path]:
    """The ``*.yaml`` files directly in ``folder`` (not in its subfolders), leaving out
    anything that is not a regular file or is a link to a file outside the folder."""
    if not folder.is_dir():
        return []
    root = folder.resolve()
    return [p for p in sorted(folder.glob("*.yaml"))
            if p.is_file() and p.resolve().parent == root]


def scenario_choices(config: LiveConfig) -> list[ScenarioChoice]:
    """The picker's entries, fixed when the page starts: every scenario of
    :func:`scenario_folder` (plus the scenario given on the command line if it lives
    elsewhere); the model defaults when there is no scenario at all. The page reads no
    other file: a viewer picks one of these entries by its label, never by a path."""
    paths = listed_scenarios(scenario_folder(config))
    if config.scenario is not None and config.scenario.resolve() not in {
            p.resolve() for p in paths}:
        paths.insert(0, config.scenario)
    choices = [ScenarioChoice(p.stem, p) for p in paths]
    if not choices:
        choices.append(ScenarioChoice(DEFAULTS_KEY, None))
    return choices


@dataclass(frozen=True)
class LoadedParams:
    """A scenario resolved for the page: its name, description and full parameters."""

    name: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)


def load_params(path: Path | None) -> LoadedParams:
    """Resolve a scenario file (``instap.scenario.load_scenario``) or the model defaults."""
    if path is None:
        return LoadedParams("", "", dict(DEFAULTS))
    from instap.scenario import load_scenario

    loaded = load_scenario(path)
    return LoadedParams(str(getattr(loaded, "name", path.stem)),
                        str(getattr(loaded, "description", "") or ""), dict(loaded.params))


# ---------------------------------------------------------------------------- lever inputs
def lever_names() -> list[str]:
    """Every lever of ``sim.LEVERS``: the issue's main levers first."""
    return [*(n for n in MAIN_LEVERS if n in LEVERS), *(n for n in LEVERS
                                                         if n not in MAIN_LEVERS)]


def slider_step(name: str) -> float:
    """A round step giving about 100 positions, that still hits the default exactly."""
    spec = PARAMETERS[name]
    if spec.kind is int:
        return 1
    assert spec.low is not None and spec.high is not None
    span = spec.high - spec.low
    power = 10.0 ** math.floor(math.log10(span / 100.0))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= span / 100.0)
    while step > 1e-6:
        ratio = (spec.default - spec.low) / step
        if abs(ratio - round(ratio)) < 1e-6:
            return float(round(step, 10))
        step /= 10.0
    return float(step)


def lever_inputs(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """Mesa ``model_params`` entries for the levers, starting at ``params``' values."""
    out: dict[str, Any] = {}
    for name in lever_names():
        spec = PARAMETERS[name]
        value = params[name]
        if name == "financing":
            out[SIB_INPUT] = {"type": "Checkbox", "value": value == "sib",
                              "label": tr(f"param.{SIB_INPUT}", lang)}
        elif spec.kind is bool:
            out[name] = {"type": "Checkbox", "value": bool(value),
                         "label": tr(f"param.{name}", lang)}
        elif spec.kind is str:
            out[name] = {"type": "Select", "value": choice_label(name, value, lang),
                         "values": [choice_label(name, c, lang) for c in spec.choices or ()],
                         "label": tr(f"param.{name}", lang)}
        else:
            assert spec.low is not None and spec.high is not None
            dtype = int if spec.kind is int else float
            out[name] = Slider(tr(f"param.{name}", lang), value=dtype(value),
                               min=dtype(spec.low), max=dtype(spec.high),
                               step=slider_step(name), dtype=dtype)
    return out


def model_params(params: dict[str, Any], lang: str, seed: int) -> dict[str, Any]:
    """All of SolaraViz's ``model_params``: the lever inputs plus, fixed, every other
    parameter of the scenario, the seed and the scenario's own financing instrument."""
    levers = set(lever_names())
    fixed = {k: v for k, v in params.items() if k not in levers}
    return {"rng": seed, "base_financing": params["financing"], **fixed,
            **lever_inputs(params, lang)}


def initial_kwargs(mparams: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments Mesa's Reset passes before any input is touched."""
    out: dict[str, Any] = {}
    for name, value in mparams.items():
        if isinstance(value, Slider):
            out[name] = value.value
        elif isinstance(value, dict) and "type" in value:
            out[name] = value["value"]
        else:
            out[name] = value
    return out


# ---------------------------------------------------------------------------- components
def start_label(config: LiveConfig, by_label: dict[str, ScenarioChoice]) -> str:
    """The picker entry to start on: the command line's scenario, else ``baseline``, else
    the first."""
    for label, choice in by_label.items():
        if config.scenario is not None and choice.path is not None and (
                choice.path.resolve() == config.scenario.resolve()):
            return label
    return "baseline" if "baseline" in by_label else next(iter(by_label))


#: ``<file>[, line N]: <problem>``, the shape of every scenario-loading error.
_LOCATED = re.compile(r"^(?P<file>[^:]+?\.ya?ml|[^:]*[/\\][^:]*?)(?P<line>, line \d+)?: "
                      r"(?P<problem>.*)$")
#: An absolute, home or ``./``/``../`` path inside a message: shown as its last part.
_PATH = re.compile(r"(?<![\w.])(?:~|\.\.?)?/(?:[^\s'\",:;()/]+/)*(?P<name>[^\s'\",:;()/]*)")
PAGE_ERROR_CHARS = 300  # longest error a viewer sees; the terminal gets the whole message


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def page_error(choice: ScenarioChoice, err: BaseException, folder: Path, lang: str) -> str:
    """What a viewer sees when ``choice`` cannot be loaded: the file's name (never its
    folder), the line and the problem, on one line. A problem in another file (a file it
    extends) is spelled out only if that file is a scenario of the page's folder too;
    otherwise, and for anything that is not a bad-input error, the page names the kind of
    problem and leaves the details (maybe content of a file that is not a scenario) to the
    terminal running ``instap live``."""
    name = choice.path.name if choice.path is not None else tr("defaults", lang)
    if not isinstance(err, InstapError):
        return f"{name}: {tr('scenario_unreadable', lang, kind=type(err).__name__)}"
    lines = [line for line in str(err).splitlines() if line.strip()] or [""]
    located = _LOCATED.match(lines[0].strip())
    where, problem = "", lines[0].strip()
    if located is not None:
        file = Path(located["file"])
        line = located["line"] or ""
        problem = located["problem"]
        if choice.path is not None and _same_file(file, choice.path):
            where = line
        elif _same_file(file.parent, folder) and file.name.endswith((".yaml", ".yml")):
            where = f" ({file.name}{line})"
        else:
            return f"{name}: {tr('scenario_elsewhere', lang, name=file.name)}"
    problem = _PATH.sub(lambda m: m["name"] or "/", problem)
    more = f" {tr('more_problems', lang, n=len(lines) - 1)}" if len(lines) > 1 else ""
    text = f"{name}{where}: {problem}"
    if len(text) > PAGE_ERROR_CHARS:
        text = text[:PAGE_ERROR_CHARS - 1].rstrip() + "\u2026"
    return text + more


def try_load(choice: ScenarioChoice, folder: Path, lang: str = "en"
             ) -> tuple[LoadedParams | None, str | None]:
    """Load a picker entry; a broken file gives a message for the page (see
    :func:`page_error`) instead of an exception, and the whole story on the terminal."""
    try:
        return load_params(choice.path), None
    except InstapError as err:  # bad input: the terminal gets the full message
        text = " | ".join(str(err).splitlines())
        print(f"instap live: scenario not loaded: {text}", file=sys.stderr, flush=True)
        return None, page_error(choice, err, folder, lang)
    except Exception as err:  # a broken file must not take the page down
        traceback.print_exc()
        return None, page_error(choice, err, folder, lang)


@solara.component
def LivePage(config: LiveConfig) -> None:
    """The whole page: scenario picker, then the workshop for the picked scenario."""
    lang = config.lang
    folder = solara.use_memo(lambda: scenario_folder(config), [])
    choices = solara.use_memo(lambda: scenario_choices(config), [])
    by_label = {c.label or tr("defaults", lang): c for c in choices}

    def first() -> tuple[str, LoadedParams, str | None]:
        label = start_label(config, by_label)
        loaded, err = try_load(by_label[label], folder, lang)
        if loaded is None:  # start on the model defaults, and say why
            return tr("defaults", lang), load_params(None), err
        return label, loaded, None

    start = solara.use_memo(first, [])
    current = solara.use_reactive((start[0], start[1]))
    error = solara.use_reactive(start[2])
    shown = solara.use_reactive(start[0])  # the picker's value: always the running scenario

    def pick(label: str) -> None:
        if label == current.value[0]:
            return
        choice = by_label.get(label)
        if choice is None:  # not an entry (a crafted request): nothing is read
            shown.set(current.value[0])
            return
        loaded, err = try_load(choice, folder, lang)
        error.set(err)
        if loaded is not None:
            current.set((label, loaded))
        else:  # the picker goes back to naming the scenario that runs
            shown.set(current.value[0])

    label, loaded = current.value
    values = list(by_label) if label in by_label else [label, *by_label]
    solara.Style(CSS)
    with solara.Sidebar(), solara.Card(tr("scenario", lang)):
        solara.Select(tr("scenario", lang), values=values, value=shown, on_value=pick)
        summary = loaded.description.split("Finding:")[0].strip()
        if summary:
            solara.Div(children=[solara.Text(summary, classes=["instap-small"])])
        solara.Div(children=[solara.Text(tr("scenario_help", lang) + " "
                                         + tr("levers_hint", lang), classes=["instap-small"])],
                   style={"margin-top": "8px", "font-weight": "600"})
        if error.value:
            solara.Error(error.value)
    Workshop(loaded.params, lang, config.seed).key(f"workshop-{label}")


@solara.component
def Workshop(params: dict[str, Any], lang: str, seed: int) -> None:
    """Mesa's SolaraViz for one scenario, with the interventions and the plots."""
    mparams = solara.use_memo(lambda: model_params(params, lang, seed), [])
    first = solara.use_memo(lambda: LiveModel(**initial_kwargs(mparams)), [])
    model: solara.Reactive[LiveModel] = solara.use_reactive(first)
    SolaraViz(model, components=[], model_params=mparams, name=tr("title", lang),
              play_interval=PLAY_INTERVAL_MS)
    Status(model, lang)
    RunLevers(model, lang)
    Interventions(model, lang)
    Plots(model, lang)


@solara.component
def Status(model: solara.Reactive[LiveModel], lang: str) -> None:
    """Month counter and the ecosystem's state, large enough for the back of the room."""
    update_counter.get()
    m = model.value
    status = m.status()
    snap_alive = bool(status["alive"])
    with solara.Div(classes=["instap-status"]):
        solara.Text(tr("month_of", lang, month=m.steps, months=m.p.months),
                    classes=["instap-month"])
        solara.Text(tr("alive" if snap_alive else "collapsed", lang),
                    classes=["instap-flag", "instap-alive" if snap_alive
                             else "instap-collapsed"])
        solara.Text(tr("funded" if status["funded"] else "unfunded", lang),
                    classes=["instap-flag", "instap-plain"])
        if status["recession"]:
            solara.Text(tr("in_recession", lang), classes=["instap-flag", "instap-collapsed"])
        solara.Text(tr("coalition_members", lang, n=status["partners"]),
                    classes=["instap-small"])
    if m.finished:
        solara.Info(tr("run_finished", lang))


def lever_summary(params: dict[str, Any], lang: str) -> str:
    """The running model's lever values in one line (the sliders show theirs only while
    dragged, and may already be set for the next run)."""
    parts = []
    for name in lever_names():
        value = params[name]
        if name == "financing":
            parts.append(f"{tr(f'param.{SIB_INPUT}', lang)}: "
                         f"{tr('on' if value == 'sib' else 'off', lang)}")
            continue
        if PARAMETERS[name].kind is bool:
            shown = tr("on" if value else "off", lang)
        elif PARAMETERS[name].kind is str:
            shown = choice_label(name, value, lang)
        elif PARAMETERS[name].kind is float:
            shown = f"{value:g}"
        else:
            shown = str(value)
        parts.append(f"{tr(f'param.{name}', lang)}: {shown}")
    return " \u00b7 ".join(parts)


@solara.component
def RunLevers(model: solara.Reactive[LiveModel], lang: str) -> None:
    """One line with the lever values of the run on screen."""
    solara.Text(f"{tr('this_run', lang)}: {lever_summary(model.value.p.as_dict(), lang)}",
                classes=["instap-small", "instap-run-levers"])


@solara.component
def Interventions(model: solara.Reactive[LiveModel], lang: str) -> None:
    """One button per intervention; a button that could not change anything is disabled,
    and any error is shown on the page instead of reaching the server."""
    update_counter.get()
    m = model.value
    error: solara.Reactive[str | None] = solara.use_reactive(None)

    def act(kind: str) -> Callable[[], None]:
        def handler() -> None:
            try:
                model.value.intervene(kind)
                error.set(None)
            except Exception as err:
                traceback.print_exc()
                error.set(f"{tr('error', lang)}: {err}")
            force_update()
        return handler

    with solara.Div(classes=["instap-acts"]):
        solara.Text(tr("interventions", lang) + ":", classes=["instap-acts-title"])
        for kind in INTERVENTIONS:
            solara.Button(tr(f"act.{kind}", lang), on_click=act(kind), color="primary",
                          outlined=True, disabled=not m.can_intervene(kind),
                          classes=[f"instap-act-{kind}"])
    if error.value:
        solara.Error(error.value)


@solara.component
def Plots(model: solara.Reactive[LiveModel], lang: str) -> None:
    """The live plots, redrawn once per month or intervention."""
    counter = update_counter.get()
    m = model.value
    figures = solara.use_memo(lambda: FigureSet(lang), [])

    def draw() -> tuple[dict[str, bytes], str | None]:
        try:
            return figures.render(m.snapshot()), None
        except Exception as err:  # show it; keep the server and the controls alive
            traceback.print_exc()
            return {}, f"{tr('error', lang)}: {err}"

    images, error = solara.use_memo(draw, [m, m.steps, len(m.interventions), counter])
    if error:
        solara.Error(error)
    with solara.Div(classes=["instap-plots"]):
        for name in PLOT_NAMES:
            if name in images:
                solara.Image(images[name], format="png", classes=[f"instap-plot-{name}"])
    if math.isfinite(figures.last_seconds):
        solara.Text(tr("render_time", lang, ms=1000 * figures.last_seconds),
                    classes=["instap-small", "instap-render-time"])
