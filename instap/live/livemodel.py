"""The model as the workshop page drives it: :class:`sim.InstapModel` plus what a page
clicked at by a room full of people needs, and nothing that changes the model's dynamics.

* The page builds a new model for every run (:func:`instap.live.page.start_run`) with the
  scenario's parameters, the levers as set, and the page's seed, so starting again with
  the same levers replays the same run.
* Steps and interventions take one lock (the page's play loop steps in a worker thread
  while buttons are pressed in another) and stepping past the horizon is a no-op. Mesa 3.5's
  ``Model.__init__`` keeps the class's :meth:`~LiveModel.step` as the month to run and
  installs its ``_wrapped_step`` as the instance's ``step`` (advance time by one: count the
  month, run it, then the events scheduled for it). :class:`LiveModel` overrides both as
  methods: ``step`` is the model's month plus the social return, ``_wrapped_step`` takes
  the lock around Mesa's and refuses to go past the horizon before Mesa counts a month.
* Interventions are idempotent: each kind acts at most once a month, and not at all when it
  could not change anything (no funding to end, an agreement already signed, a recession
  already under way). A button is a timeline entry (:mod:`sim.timeline`) of the next month,
  applied at once: the clicks of a session are a timeline (:meth:`LiveModel.clicks`) that a
  scenario file replays.
* The social return so far is recorded after every month (``finance.sroi_3y`` of
  :meth:`sim.InstapModel.end_metrics`).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import InstapModel
from sim.timeline import Entry

INTERVENTIONS: tuple[str, ...] = ("end_funding", "election", "recession", "agreement")
SOCIAL_RETURN_METRIC = "finance.sroi_3y"


class LiveModel(InstapModel):
    """:class:`sim.InstapModel` for the workshop page (thread-safe, idempotent buttons)."""

    def __init__(self, rng: int | np.random.Generator | None = None, **params: Any) -> None:
        super().__init__(rng=rng, **params)
        self.lock = threading.RLock()
        self.social_return: list[float] = [math.nan]
        self._acted: set[tuple[int, str]] = set()

    # ------------------------------------------------------------------ stepping
    def step(self) -> None:
        """The model's month, then the social return so far (Mesa calls this from its own
        ``step``, under the lock taken in :meth:`_wrapped_step`)."""
        super().step()
        value = self.end_metrics().get(SOCIAL_RETURN_METRIC, math.nan)
        self.social_return.append(float(value))

    def _wrapped_step(self) -> None:
        """What ``model.step()`` calls: Mesa's step (time, the month, the month's scheduled
        events) under the lock; nothing happens past the horizon."""
        with self.lock:
            if self.finished:
                self.running = False
                return
            super()._wrapped_step()

    @property
    def finished(self) -> bool:
        """Whether the run reached its horizon."""
        return self.steps >= self.p.months

    # ------------------------------------------------------------------ interventions
    def can_intervene(self, kind: str) -> bool:
        """Whether pressing the button for ``kind`` would do anything now."""
        if kind not in INTERVENTIONS:
            raise ValueError(f"unknown intervention {kind!r}; one of {', '.join(INTERVENTIONS)}")
        if self.finished or (self.steps, kind) in self._acted:
            return False
        status = self.status()
        if kind == "end_funding":
            return bool(status["funded"] or status["funding_gap"])
        if kind == "recession":
            return not status["recession"]
        if kind == "agreement":
            return not status["agreement_signed"]
        return True

    def intervene(self, kind: str) -> bool:
        """Apply intervention ``kind`` now (at most once a month); return whether it acted."""
        with self.lock:
            if not self.can_intervene(kind):
                return False
            self._acted.add((self.steps, kind))
            self.apply_entry(self.click_entry(kind))
            return True

    def click_entry(self, kind: str) -> Entry:
        """A button pressed now as a timeline entry: it holds from the next month, so a
        scenario with this entry replays the click (:meth:`clicks`)."""
        return Entry(month=self.steps + 1, action="intervention", kind=kind,
                     index=len(self.timeline) + len(self.applied))

    def clicks(self) -> list[dict[str, Any]]:
        """The buttons pressed so far, as timeline entries of a scenario file."""
        scheduled = {id(e) for e in self.timeline}
        return [e.as_mapping() for e in self.applied if id(e) not in scheduled]

    # ------------------------------------------------------------------ reading
    def snapshot(self) -> Snapshot:
        """A consistent copy of everything the page draws, taken under the lock."""
        with self.lock:
            members = np.array([o.in_coalition for o in self.orgs], dtype=bool)
            status = self.status()
            return Snapshot(
                month=int(self.steps), months=int(self.p.months),
                series=self.timeseries(), marks=list(self.interventions),
                social_return=np.array(self.social_return[: self.steps + 1], dtype=float),
                kinds=[str(o.kind) for o in self.orgs], members=members,
                trust=status["trust"],
                exit_threshold=float(self.p.trust_exit_threshold),
                funded=bool(status["funded"]), recession=bool(status["recession"]),
                alive=bool(status["alive"]),
            )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state the page draws for one month (plain copies, safe to read in any thread)."""

    month: int
    months: int
    series: dict[str, np.ndarray]
    marks: list[tuple[int, str]]
    social_return: np.ndarray
    kinds: list[str]
    members: np.ndarray
    trust: np.ndarray
    exit_threshold: float
    funded: bool
    recession: bool
    alive: bool
