"""The workshop page: the facilitator's own controls (play, pause, one month, start again,
speed), a scenario picker, the levers with their values, intervention buttons, the run's
status, the live plots with the earlier runs faded behind them, and "save as scenario".

Everything here is UI; the model is :class:`~instap.live.livemodel.LiveModel`, a thin
wrapper around :class:`sim.InstapModel`. The page does not use Mesa's ``SolaraViz``: its
control panel cannot be translated (``Reset``, ``Play Interval (ms)``, ...) and a workshop
runs in Dutch too. Every text comes from :mod:`instap.live.i18n`; the levers' values and
the differences between runs are written by :mod:`instap.live.levers`.

Layout: a header with the title and the main numbers (month, alive or collapsed,
partners), a sidebar (scenario, levers, earlier runs, save) and the main column (controls,
interventions, plots two side by side). The page fills the window and its two columns
scroll on their own, so the header is always in view and nothing lies over the plots;
the presentation view hides the sidebar. The plots are images drawn by
:mod:`instap.live.figures` in a plain CSS grid (Mesa's component grid loads its
JavaScript from a CDN, and a workshop room often has no internet).

Seeds: the page's run is replication 1 of ``instap run FILE --seed SEED`` (the seed is
``replication_seeds(SEED, 1)[0]``), so a session saved as a scenario file replays exactly.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import solara

from instap.errors import InstapError
from instap.execution import DEFAULT_SEED, replication_seeds
from instap.live.figures import PLOT_NAMES, FigureSet, PastRun
from instap.live.i18n import choice_label, choice_value, tr
from instap.live.levers import (
    RunSettings,
    changed,
    differences,
    lever_names,
    mark_texts,
    name_text,
    run_difference,
    same,
    slider_step,
    value_text,
)
from instap.live.livemodel import INTERVENTIONS, LiveModel
from instap.live.save import session_name, session_yaml
from instap.timeline_text import describe
from sim import DEFAULTS, PARAMETERS

DEFAULTS_KEY = ""  # scenario picker entry for the model defaults (no scenario file)
REFERENCE = "baseline"  # the scenario the others are described against
MAX_PAST = 3  # earlier runs kept for the plots
#: Speed name -> (seconds between frames, months a frame).
SPEEDS: dict[str, tuple[float, int]] = {"slow": (0.8, 1), "normal": (0.25, 1), "fast": (0.05, 2)}

ENV_SCENARIO = "INSTAP_LIVE_SCENARIO"
ENV_SCENARIO_DIR = "INSTAP_LIVE_SCENARIO_DIR"
ENV_LANG = "INSTAP_LIVE_LANG"
ENV_SEED = "INSTAP_LIVE_SEED"
ENV_DEBUG = "INSTAP_LIVE_DEBUG"  # 1: show how long the plots took (developers only)

CSS = """
html, body { overflow: hidden !important; }
.instap-page { position: fixed; inset: 0; z-index: 1; display: grid;
  grid-template-columns: 360px minmax(0, 1fr); grid-template-rows: auto minmax(0, 1fr);
  background: white; color: #1A1A1A; font-size: 17px; line-height: 1.35; }
.instap-page.instap-present { grid-template-columns: minmax(0, 1fr); }
.instap-present .instap-side { display: none !important; }
.instap-header { grid-column: 1 / -1; display: flex; flex-wrap: wrap; align-items: center;
  gap: 6px 12px; padding: 8px 16px; background: #1F3A5F; color: white; }
.instap-title { font-size: 24px; font-weight: 700; margin-right: 10px; }
.instap-month { font-size: 26px; font-weight: 700; white-space: nowrap; }
.instap-run { font-size: 18px; opacity: 0.85; white-space: nowrap; }
.instap-flag { font-size: 20px; font-weight: 600; padding: 2px 10px; border-radius: 6px;
  white-space: nowrap; }
.instap-alive { background: #009E73; color: white; }
.instap-collapsed { background: #D55E00; color: white; }
.instap-plain { background: #E8EEF5; color: #1A1A1A; }
.instap-partners { background: white; color: #1A1A1A; }
.instap-spacer { flex: 1 1 0; }
.instap-header .v-btn { font-size: 16px !important; text-transform: none !important;
  letter-spacing: 0 !important; }
.instap-side { grid-row: 2; overflow-y: auto; padding: 10px 12px 40px 12px;
  background: #F4F6F8; border-right: 1px solid #D0D7DE; }
.instap-main { grid-row: 2; overflow-y: auto; padding: 8px 12px 40px 12px; }
.instap-panel { background: white; border: 1px solid #D0D7DE; border-radius: 8px;
  padding: 10px 12px; margin-bottom: 10px; }
.instap-panel-title { font-size: 20px; font-weight: 700; margin-bottom: 4px; display: block; }
.instap-small { font-size: 15px; color: #444444; display: block; }
.instap-note { font-size: 15px; color: #444444; display: block; margin-top: 6px; }
.instap-list { margin: 4px 0 0 0; padding-left: 18px; font-size: 15px; }
.instap-lever { padding: 4px 6px 2px 8px; border-left: 4px solid transparent;
  border-radius: 4px; }
.instap-lever-head { display: flex; justify-content: space-between; gap: 8px;
  font-size: 16px; }
.instap-lever-name { font-weight: 600; }
.instap-lever-value { font-weight: 700; text-align: right; }
.instap-lever-changed { border-left-color: #E69F00; background: #FFF4DC; }
.instap-lever-was { font-size: 14px; color: #8A5A00; display: block; }
.instap-lever .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.instap-lever .v-input__slot { margin-bottom: 0 !important; }
.instap-lever .v-messages { display: none; }
.instap-pending { background: #FFF4DC; color: #5A3A00; border: 2px solid #E69F00;
  border-radius: 6px; padding: 2px 10px; font-size: 16px; font-weight: 600; }
.instap-bar { display: flex; flex-wrap: wrap; gap: 8px 10px; align-items: center;
  margin-bottom: 8px; }
.instap-bar .v-btn { font-size: 17px !important; text-transform: none !important;
  letter-spacing: 0; height: 42px !important; }
.instap-bar-title { font-size: 19px; font-weight: 700; }
.instap-speed .v-btn { height: 36px !important; font-size: 15px !important;
  border: 1px solid #B0B7C3 !important; text-transform: none !important; }
.instap-this-run { font-size: 15px; color: #333333; display: block; margin-bottom: 4px; }
.instap-past-legend { display: flex; flex-wrap: wrap; gap: 2px 18px; font-size: 15px;
  margin-bottom: 6px; }
.instap-dash { display: inline-block; width: 34px; height: 0; border-top: 3px dashed #222222;
  vertical-align: middle; margin-right: 6px; }
.instap-dash-1 { border-top-style: dashed; opacity: 0.8; }
.instap-dash-2 { border-top-style: dotted; opacity: 0.7; }
.instap-plots { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
.instap-plots img { width: 100%; height: auto; display: block; border: 1px solid #DDDDDD; }
@media (min-width: 1700px) {
  .instap-present .instap-plots { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
@media (max-width: 1500px) { .instap-page { grid-template-columns: 320px minmax(0, 1fr); }
  .instap-bar .v-btn { font-size: 16px !important; padding: 0 12px !important; } }
.instap-side .v-select__selection { font-size: 16px; }
.instap-side .v-btn { text-transform: none !important; letter-spacing: 0; font-size: 15px; }
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
    """A scenario resolved for the page: its name, descriptions and full parameters."""

    name: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    description_nl: str = ""
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def text(self, lang: str) -> str:
        """The description in ``lang``: the Dutch one in Dutch (nothing if the file has
        none), else the English one up to its ``Finding:``."""
        if lang == "nl":
            return self.description_nl.strip()
        return self.description.split("Finding:")[0].strip()


def load_params(path: Path | None) -> LoadedParams:
    """Resolve a scenario file (``instap.scenario.load_scenario``) or the model defaults."""
    if path is None:
        return LoadedParams("", "", dict(DEFAULTS))
    from instap.scenario import load_scenario

    loaded = load_scenario(path)
    return LoadedParams(str(getattr(loaded, "name", path.stem)),
                        str(getattr(loaded, "description", "") or ""), dict(loaded.params),
                        str(getattr(loaded, "description_nl", "") or ""),
                        list(getattr(loaded, "timeline", []) or []))


@dataclass(frozen=True)
class Listing:
    """The picker's entries that load, checked when the page opens: the loaded scenarios
    by label, the names of the files left out, and the start."""

    loaded: dict[str, LoadedParams]
    skipped: list[str]
    start: str
    start_error: str | None = None

    @property
    def labels(self) -> list[str]:
        """The picker's entries."""
        return list(self.loaded)


def list_scenarios(config: LiveConfig) -> Listing:
    """Load every scenario of the picker once (:func:`scenario_choices`); those that do not
    load are left out and named (file names only); the terminal gets their problems. The
    start is the command line's scenario if it loads, else ``baseline``, else the first;
    the model defaults when nothing loads."""
    lang = config.lang
    folder = scenario_folder(config)
    loaded: dict[str, LoadedParams] = {}
    skipped: list[str] = []
    start_error = None
    wanted = None
    for choice in scenario_choices(config):
        label = choice.label or tr("defaults", lang)
        result, err = try_load(choice, folder, lang)
        is_start = config.scenario is not None and choice.path is not None and _same_file(
            choice.path, config.scenario)
        if result is None:
            skipped.append(choice.path.name if choice.path is not None else label)
            if is_start:
                start_error = err
            continue
        loaded[label] = result
        if is_start:
            wanted = label
    if not loaded:
        loaded[tr("defaults", lang)] = load_params(None)
    start = wanted or (REFERENCE if REFERENCE in loaded else next(iter(loaded)))
    return Listing(loaded, skipped, start, start_error)


def reference(listing: Listing, lang: str) -> tuple[str, dict[str, Any]]:
    """What scenarios are described against: ``baseline`` if it is listed, else the model
    defaults; its name and parameters."""
    if REFERENCE in listing.loaded:
        return REFERENCE, listing.loaded[REFERENCE].params
    return tr("defaults", lang), dict(DEFAULTS)


# ---------------------------------------------------------------------------- runs
def page_seed(seed: int) -> int:
    """The model seed of the page: replication 1 of ``instap run FILE --seed seed``."""
    return replication_seeds(seed, 1)[0]


def scenario_levers(params: dict[str, Any]) -> dict[str, Any]:
    """The lever values of ``params``."""
    return {name: params[name] for name in lever_names()}


@dataclass(eq=False)
class Run:
    """The run on screen: its number since the page opened, its scenario (the picker's
    label and the loaded file), every parameter it runs with, and the model."""

    number: int
    scenario: str
    loaded: LoadedParams
    params: dict[str, Any]
    model: LiveModel

    def settings(self) -> RunSettings:
        """What the run is made of so far (the buttons pressed included)."""
        return RunSettings(self.scenario, self.params, self.model.clicks())


def start_run(number: int, label: str, loaded: LoadedParams, levers: dict[str, Any],
              seed: int) -> Run:
    """A new run of scenario ``loaded`` with ``levers`` (what the sidebar set)."""
    params = {**loaded.params, **levers}
    return Run(number, label, loaded, params, LiveModel(rng=page_seed(seed), **params))


@dataclass(frozen=True, eq=False)
class Earlier:
    """A run kept for the plots once the next one starts: its settings and series."""

    number: int
    settings: RunSettings
    series: dict[str, np.ndarray]
    social_return: np.ndarray


def earlier_of(run: Run) -> Earlier:
    """The run on screen, kept (a copy: the model is not read again)."""
    snap = run.model.snapshot()
    return Earlier(run.number, run.settings(), snap.series, snap.social_return)


def keep(history: tuple[Earlier, ...], run: Run) -> tuple[Earlier, ...]:
    """``history`` with ``run`` added if it ran at least a month; the last :data:`MAX_PAST`."""
    if run.model.steps == 0:
        return history
    return (*history, earlier_of(run))[-MAX_PAST:]


@dataclass(frozen=True, eq=False)
class Session:
    """What changes together on the page, set as one value so the page is drawn once per
    change (a new run drawn half-made would show the room a wrong picture for a moment):
    the run on screen, the earlier runs kept, the levers set for the next run."""

    run: Run
    history: tuple[Earlier, ...] = ()
    pending: dict[str, Any] = field(default_factory=dict)


def past_runs(history: tuple[Earlier, ...], current: RunSettings, lang: str
              ) -> list[PastRun]:
    """The earlier runs as the plots draw them, most recent first, each named by what made
    it differ from the run on screen."""
    return [PastRun(e.number, run_difference(e.settings, current, lang), e.series,
                    e.social_return) for e in reversed(history)]


def this_run_text(run: Run, lang: str) -> str:
    """One line: the run's number, scenario, and the levers changed from the scenario."""
    scenario_params = run.loaded.params
    changes = [f"{name_text(n, lang)}: {value_text(n, run.params[n], lang)}"
               for n in lever_names() if not same(n, run.params[n], scenario_params[n])]
    name = tr("run_n", lang, n=run.number)
    if not changes:
        return tr("this_run", lang, run=name, scenario=run.scenario)
    return tr("this_run_changed", lang, run=name, scenario=run.scenario,
              changes=" \u00b7 ".join(changes))


def save_file_name(run: Run) -> str:
    """The saved scenario's file name."""
    return f"{session_name(run.loaded.name or 'defaults')}.yaml"


def save_text(run: Run, seed: int, lang: str) -> str:
    """The run on screen as a scenario file (:func:`instap.live.save.session_yaml`)."""
    return session_yaml(scenario=run.loaded.name or "defaults", params=run.params,
                        clicks=run.model.clicks(), seed=seed, lang=lang,
                        description_nl=run.loaded.description_nl)


# ---------------------------------------------------------------------------- errors
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


# ---------------------------------------------------------------------------- the page
@solara.component
def LivePage(config: LiveConfig) -> None:
    """The whole page: header, sidebar (scenario, levers, earlier runs, save) and the main
    column (controls, interventions, plots)."""
    lang = config.lang
    listing = solara.use_memo(lambda: list_scenarios(config), [])
    base = solara.use_memo(lambda: reference(listing, lang), [])
    first = solara.use_memo(lambda: start_run(1, listing.start, listing.loaded[listing.start],
                                              scenario_levers(listing.loaded[
                                                  listing.start].params), config.seed), [])
    # created once: use_reactive follows the value it is given, and a Session is only
    # equal to itself
    initial = solara.use_memo(lambda: Session(first, (), scenario_levers(first.params)), [])
    session = solara.use_reactive(initial)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("normal")
    tick = solara.use_reactive(0)
    present = solara.use_reactive(False)
    error: solara.Reactive[str | None] = solara.use_reactive(listing.start_error)
    trouble: solara.Reactive[str | None] = solara.use_reactive(None)  # the play loop's
    shown = solara.use_reactive(first.scenario)  # the picker's value: the running scenario
    folder = solara.use_memo(lambda: scenario_folder(config), [])
    drawn = solara.use_memo(threading.Event, [])  # set once a month is on the screen

    def begin(label: str, loaded: LoadedParams, levers: dict[str, Any]) -> None:
        old = session.value
        playing.set(False)
        # keep() copies the run under the model's lock; no lock is held while the page is
        # drawn again (the play loop draws holding Solara's, then takes the model's)
        kept = keep(old.history, old.run)
        new = start_run(old.run.number + 1, label, loaded, levers, config.seed)
        trouble.set(None)
        shown.set(label)
        session.set(Session(new, kept, dict(levers)))

    def pick(label: str) -> None:
        current = session.value.run
        if label == current.scenario:
            return
        if label not in listing.loaded:  # not an entry (a crafted request): nothing is read
            shown.set(current.scenario)
            return
        path = next((c.path for c in scenario_choices(config)
                     if (c.label or tr("defaults", lang)) == label), None)
        loaded, err = try_load(ScenarioChoice(label, path), folder, lang)
        error.set(err)
        if loaded is None:  # edited since the page opened: keep running what runs
            shown.set(current.scenario)
            return
        begin(label, loaded, scenario_levers(loaded.params))

    def again() -> None:
        now = session.value
        begin(now.run.scenario, now.run.loaded, dict(now.pending))

    def play_loop(cancel: threading.Event) -> None:
        """Step the model while playing, one frame per interval (Mesa's play loop, with
        the page's own stop: a finished run, a new run, pause).

        Paced on the screen, not the clock alone: the next month waits until the last is
        drawn. A render started by a click elsewhere then sees one new month per pass, not
        a model racing ahead of a slow projector laptop (and never a render loop that
        cannot settle because a month arrives during every pass)."""
        if not playing.value:
            return
        model = session.value.run.model
        try:
            while not cancel.is_set():
                seconds, months = SPEEDS[speed.value]
                if cancel.wait(seconds) or not playing.value:  # pause is read at once
                    return
                for _ in range(months):
                    model.step()
                if model.finished:
                    playing.set(False)
                drawn.clear()
                tick.set(tick.value + 1)
                if model.finished:
                    return
                while not drawn.wait(0.05):
                    if cancel.is_set() or not playing.value:
                        return
        except Exception as err:  # shown on the page; the server keeps running
            traceback.print_exc()
            playing.set(False)
            trouble.set(f"{tr('error', lang)}: {err}")

    now = session.value
    current = now.run
    solara.use_thread(play_loop, dependencies=[playing.value, current.number, speed.value],
                      intrusive_cancel=False)

    solara.Style(CSS)
    solara.Title(tr("title", lang))
    with solara.Div(classes=["instap-page", *(["instap-present"] if present.value else [])]):
        Header(current, tick, present, lang)
        with solara.Div(classes=["instap-side"]):
            ScenarioPanel(listing, current, shown, pick, error.value, base, lang)
            LeverPanel(session, lang)
            PastPanel(session, tick, lang)
            SavePanel(current, config.seed, lang)
        with solara.Div(classes=["instap-main"]):
            Controls(current, tick, playing, speed, now.pending, again, lang)
            Interventions(current, tick, lang)
            if trouble.value:
                solara.Error(trouble.value)
            solara.Text(this_run_text(current, lang), classes=["instap-this-run"])
            Plots(current, tick, now.history, lang)
        FrameDrawn(tick, drawn)


@solara.component
def FrameDrawn(tick: solara.Reactive[int], drawn: threading.Event) -> None:
    """Nothing to see: signals the play loop once a month has been drawn. An effect runs
    after the render pass has been committed to the page, so it marks a finished frame."""
    month = tick.get()
    solara.use_effect(drawn.set, [month])


@solara.component
def Header(run: Run, tick: solara.Reactive[int], present: solara.Reactive[bool],
           lang: str) -> None:
    """Title, then the numbers the back of the room needs: month, alive or collapsed,
    partners, funding, recession; and the presentation view switch."""
    tick.get()  # subscribe: drawn again every month
    m = run.model
    with m.lock:  # the play loop may be in the middle of a month
        status = m.status()
        month = m.steps
    alive = bool(status["alive"])
    with solara.Div(classes=["instap-header"]):
        solara.Text(tr("title", lang), classes=["instap-title"])
        solara.Text(tr("month_of", lang, month=month, months=m.p.months),
                    classes=["instap-month"])
        solara.Text(tr("alive" if alive else "collapsed", lang),
                    classes=["instap-flag", "instap-alive" if alive else "instap-collapsed"])
        solara.Text(tr("coalition_members", lang, n=status["partners"]),
                    classes=["instap-flag", "instap-partners"])
        solara.Text(tr("funded" if status["funded"] else "unfunded", lang),
                    classes=["instap-flag", "instap-plain"])
        if status["recession"]:
            solara.Text(tr("in_recession", lang), classes=["instap-flag", "instap-collapsed"])
        solara.Text(tr("run_n", lang, n=run.number), classes=["instap-run"])
        solara.Div(classes=["instap-spacer"])
        solara.Button(tr("show_levers" if present.value else "present", lang),
                      on_click=lambda: present.set(not present.value), outlined=True,
                      color="white", classes=["instap-present-toggle"])


@solara.component
def ScenarioPanel(listing: Listing, run: Run, shown: solara.Reactive[str],
                  pick: Callable[[str], None], error: str | None,
                  base: tuple[str, dict[str, Any]], lang: str) -> None:
    """The picker (only scenarios that load; one line naming those left out), the
    scenario's description, what it sets differently from ``baseline``, and its timeline."""
    loaded = run.loaded
    base_name, base_params = base
    with solara.Div(classes=["instap-panel", "instap-scenario"]):
        solara.Select(tr("scenario", lang), values=listing.labels, value=shown, on_value=pick)
        if listing.skipped:
            solara.Text(tr("skipped", lang, names=", ".join(listing.skipped)),
                        classes=["instap-note", "instap-skipped"])
        if error:
            solara.Error(error)
        text = loaded.text(lang)
        if text:
            solara.Text(text, classes=["instap-small", "instap-description"])
        diffs = differences(loaded.params, base_params, base_name, lang)
        if run.scenario == base_name:
            solara.Text(tr("is_reference", lang), classes=["instap-note"])
        elif diffs:
            solara.Text(tr("differs_from", lang, base=base_name), classes=["instap-note"])
            with solara.Div(classes=["instap-differences"]):
                for line in diffs:
                    solara.Text("\u2022 " + line, classes=["instap-small"])
        else:
            solara.Text(tr("same_as_reference", lang, base=base_name), classes=["instap-note"])
        if loaded.timeline:
            solara.Text(tr("scenario_timeline", lang), classes=["instap-note"])
            for entry in loaded.timeline:
                solara.Text("\u2022 " + describe(entry, lang), classes=["instap-small"])
        solara.Text(tr("scenario_help", lang), classes=["instap-note"])


@solara.component
def LeverPanel(session: solara.Reactive[Session], lang: str) -> None:
    """Every lever with its value and unit; a lever set differently from the run on screen
    is marked (it counts from the next run)."""
    pending, applied = session.value.pending, session.value.run.params
    waiting = changed(pending, applied)

    def setter(name: str) -> Callable[[Any], None]:
        def on_value(value: Any) -> None:
            now = session.value
            session.set(replace(now, pending={**now.pending, name: value}))
        return on_value

    with solara.Div(classes=["instap-panel", "instap-levers"]):
        solara.Text(tr("levers", lang), classes=["instap-panel-title"])
        if waiting:
            solara.Text(pending_text(len(waiting), lang), classes=["instap-pending"])
        else:
            solara.Text(tr("levers_hint", lang), classes=["instap-small"])
        for name in lever_names():
            LeverInput(name, pending[name], applied[name], setter(name), lang)


def pending_text(n: int, lang: str) -> str:
    """``2 knoppen gewijzigd, nog niet gebruikt: ...``."""
    return tr("pending_one", lang) if n == 1 else tr("pending_many", lang, n=n)


@solara.component
def LeverInput(name: str, value: Any, applied: Any, on_value: Callable[[Any], None],
               lang: str) -> None:
    """One lever: its name and value (with unit) on one line, the input below."""
    spec = PARAMETERS[name]
    is_changed = not same(name, value, applied)
    classes = ["instap-lever", f"instap-lever-{name}",
               *(["instap-lever-changed"] if is_changed else [])]
    with solara.Div(classes=classes):
        with solara.Div(classes=["instap-lever-head"]):
            solara.Text(name_text(name, lang), classes=["instap-lever-name"])
            solara.Text(value_text(name, value, lang), classes=["instap-lever-value"])
        if spec.kind is bool:
            solara.Switch(label="", value=bool(value), on_value=on_value)
        elif spec.kind is str:
            labels = [choice_label(name, c, lang) for c in spec.choices or ()]
            solara.Select(label="", values=labels, value=choice_label(name, value, lang),
                          on_value=lambda label: on_value(choice_value(name, label)),
                          dense=True)
        elif spec.kind is int:
            assert spec.low is not None and spec.high is not None
            solara.SliderInt("", value=int(value), min=int(spec.low), max=int(spec.high),
                             step=1, on_value=on_value, thumb_label=False)
        else:
            assert spec.low is not None and spec.high is not None
            step = slider_step(name)

            def on_slider(v: float) -> None:  # on the step, without float noise in files
                on_value(round(round(float(v) / step) * step, 10))

            solara.SliderFloat("", value=float(value), min=float(spec.low),
                               max=float(spec.high), step=step, thumb_label=False,
                               on_value=on_slider)
        if is_changed:
            solara.Text(tr("lever_now", lang, value=value_text(name, applied, lang)),
                        classes=["instap-lever-was"])


@solara.component
def PastPanel(session: solara.Reactive[Session], tick: solara.Reactive[int], lang: str
              ) -> None:
    """The earlier runs kept for the plots, what made each differ, and a button to clear
    them."""
    tick.get()  # subscribe: the differences follow the buttons pressed in the current run
    now = session.value
    with solara.Div(classes=["instap-panel", "instap-past"]):
        solara.Text(tr("past", lang), classes=["instap-panel-title"])
        if not now.history:
            solara.Text(tr("past_none", lang), classes=["instap-small"])
            return
        for past in past_runs(now.history, now.run.settings(), lang):
            solara.Text(tr("legend_past", lang, n=past.number, what=past.label),
                        classes=["instap-small"])
        solara.Button(tr("past_clear", lang),
                      on_click=lambda: session.set(replace(session.value, history=())),
                      outlined=True, color="primary", classes=["instap-past-clear"])


@solara.component
def SavePanel(run: Run, seed: int, lang: str) -> None:
    """'Save as scenario': the run on screen as a scenario file, to run with replications
    afterwards."""
    latest = solara.use_ref(run)
    latest.current = run
    # one function for the page's lifetime: FileDownload starts over when its data changes
    data = solara.use_memo(lambda: (lambda: save_text(latest.current, seed, lang)), [])
    name = save_file_name(run)
    with solara.Div(classes=["instap-panel", "instap-save"]):
        solara.Text(tr("save_title", lang), classes=["instap-panel-title"])
        with solara.FileDownload(data, filename=name, mime_type="application/x-yaml"):
            solara.Button(tr("save", lang), color="primary", classes=["instap-save-button"])
        solara.Text(tr("save_help", lang, file=name, seed=seed), classes=["instap-note"])


@solara.component
def Controls(run: Run, tick: solara.Reactive[int], playing: solara.Reactive[bool],
             speed: solara.Reactive[str], pending: dict[str, Any], again: Callable[[], None],
             lang: str) -> None:
    """Play or pause, one month on, start again (a new run with the levers as set), the
    speed; a mark when levers wait for the next run."""
    tick.get()  # subscribe: drawn again every month
    m = run.model

    def one_month() -> None:
        m.step()
        tick.set(tick.value + 1)

    labels = {tr(f"speed.{s}", lang): s for s in SPEEDS}
    waiting = changed(pending, run.params)
    with solara.Div(classes=["instap-bar", "instap-controls"]):
        solara.Button(tr("pause" if playing.value else "play", lang), color="primary",
                      on_click=lambda: playing.set(not playing.value),
                      disabled=m.finished, classes=["instap-play"])
        solara.Button(tr("step", lang), color="primary", outlined=True, on_click=one_month,
                      disabled=playing.value or m.finished, classes=["instap-step"])
        solara.Button(tr("reset", lang), color="warning" if waiting else "primary",
                      outlined=not waiting, on_click=again, classes=["instap-reset"])
        solara.Text(tr("speed", lang) + ":", classes=["instap-bar-title"])
        with solara.Div(classes=["instap-speed"]):
            solara.ToggleButtonsSingle(
                value=tr(f"speed.{speed.value}", lang), values=list(labels),
                on_value=lambda label: speed.set(labels[label]))
        if waiting:
            solara.Text(pending_text(len(waiting), lang), classes=["instap-pending"])
    if m.finished:
        solara.Info(tr("run_finished", lang))


@solara.component
def Interventions(run: Run, tick: solara.Reactive[int], lang: str) -> None:
    """One button per intervention; a button that could not change anything is disabled,
    and any error is shown on the page instead of reaching the server."""
    tick.get()  # subscribe: drawn again every month
    m = run.model
    error: solara.Reactive[str | None] = solara.use_reactive(None)

    def act(kind: str) -> Callable[[], None]:
        def handler() -> None:
            try:
                m.intervene(kind)
                error.set(None)
            except Exception as err:
                traceback.print_exc()
                error.set(f"{tr('error', lang)}: {err}")
            tick.set(tick.value + 1)
        return handler

    with m.lock:
        possible = {kind: m.can_intervene(kind) for kind in INTERVENTIONS}
    with solara.Div(classes=["instap-bar", "instap-acts"]):
        solara.Text(tr("interventions", lang) + ":", classes=["instap-bar-title"])
        for kind in INTERVENTIONS:
            solara.Button(tr(f"act.{kind}", lang), on_click=act(kind), color="primary",
                          outlined=True, disabled=not possible[kind],
                          classes=[f"instap-act-{kind}"])
    if error.value:
        solara.Error(error.value)


@solara.component
def Plots(run: Run, tick: solara.Reactive[int], history: tuple[Earlier, ...], lang: str
          ) -> None:
    """The live plots, redrawn once per month or intervention, with the earlier runs."""
    tick.get()  # subscribe: drawn again every month
    m = run.model
    figures = solara.use_memo(lambda: FigureSet(lang), [])
    past = past_runs(history, run.settings(), lang)

    def draw() -> tuple[dict[str, bytes], str | None]:
        try:
            snap = m.snapshot()
            texts = mark_texts(m.timeline, lang)
            snap = replace(snap, marks=[(month, texts.get(text, text))
                                        for month, text in snap.marks])
            return figures.render(snap, past), None
        except Exception as err:  # show it; keep the server and the controls alive
            traceback.print_exc()
            return {}, f"{tr('error', lang)}: {err}"

    key = (run.number, m.steps, len(m.interventions), tuple((p.number, p.label) for p in past))
    images, error = solara.use_memo(draw, [key])
    if error:
        solara.Error(error)
    if past:
        with solara.Div(classes=["instap-past-legend"]):
            for i, p in enumerate(past):
                with solara.Div():
                    solara.Div(classes=["instap-dash", f"instap-dash-{i}"])
                    solara.Text(tr("legend_past", lang, n=p.number, what=p.label))
    with solara.Div(classes=["instap-plots"]):
        for name in PLOT_NAMES:
            if name in images:
                solara.Image(images[name], format="png", classes=[f"instap-plot-{name}"])
    if os.environ.get(ENV_DEBUG) and figures.last_seconds == figures.last_seconds:
        solara.Text(tr("render_time", lang, ms=1000 * figures.last_seconds),
                    classes=["instap-small", "instap-render-time"])
