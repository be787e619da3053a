"""Causal link 1: funding continuity, decided by the council, not drawn.

Programmes are funded in periods: a pilot of ``pilot_length_months``, a multi-year
commitment of ``multi_year_commitment_years`` years, or a Social Impact Bond term. The
budget has a *level*, 1 at the start: the coaching budget is the level times the
founding coaching capacity's cost (:mod:`sim.policies.finance`). At the end of a period
the renewal rule decides:

- ``never``: the programme ends without successor (Wijkondernemingen, 2018);
- ``political``: the council decides on its support ``s``
  (:class:`sim.policies.politics.PoliticalSupport`): at ``s >= renewal_support_threshold``
  it renews (and raises the level by ``budget_raise_share`` at ``s >=
  raise_support_threshold``, up to ``max_budget_level``); between
  ``end_support_threshold`` and the renewal threshold it extends the period once by
  ``extension_months`` and, if support is still short at the end of the extension,
  renews with a cut that grows linearly from 0 at the renewal threshold to
  ``max_cut_share`` at the end threshold; below the end threshold it ends the programme;
- ``evidence``: with monitoring, results at the evidence target (``evidence_threshold``
  placements per 1,000 a year over the period) renew the programme whatever the
  support; short of it, or without monitoring (there is no evidence, link 9), the
  political rule decides.

A Social Impact Bond's next term needs investors: if the return they expect from the
outcomes realised so far is below ``investor_min_return`` a year
(:meth:`sim.policies.finance.Finance.investors_sign`) they do not reinvest and a renewed
programme is paid as a subsidy from then on. A renewed pilot starts after a gap of
``renewal_gap_months`` without money; multi-year commitments and SIBs renew without a gap.

What the partners hear (link 5) is announced as :class:`FundingNews`: an on-time renewal
is ``trust_weight_renewal`` kept promises, a renewal after a gap ``trust_weight_late_renewal``
broken ones, an end ``trust_weight_cut`` broken ones (a partial cut the same times its
share), and every month without money ``trust_weight_gap_month`` broken ones.
``restart_month`` restarts an ended programme at the starting level.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from sim.parameters import Params
from sim.policies.monitoring import monitored
from sim.policies.politics import PoliticalSupport
from sim.policies.trust import Promise
from sim.timeline import BudgetChanges


@dataclass(frozen=True, slots=True)
class FundingNews:
    """What a funding decision announces: promises to the partners and log texts."""

    promises: tuple[Promise, ...] = ()
    logs: tuple[str, ...] = ()

    def __add__(self, other: FundingNews) -> FundingNews:
        return FundingNews(self.promises + other.promises, self.logs + other.logs)


class FundingPolicy:
    """State and decisions of programme funding: periods, the budget level, the
    instrument (a SIB may turn into a subsidy) and the council's support."""

    def __init__(self, p: Params, politics: PoliticalSupport) -> None:
        self.p = p
        self.politics = politics
        self.funded = False
        self.ended = False
        self.level = 1.0
        self.budget = BudgetChanges()  # a scenario's timeline: cuts and raises on top
        self.instrument = p.financing
        self.period_start = 0
        self.period_end = 0
        self.extended = False
        self.gap_until: int | None = None
        self.period_placements = 0
        self.recent: deque[int] = deque(maxlen=p.results_window_months)
        self.periods = 0

    # ------------------------------------------------------------------ queries
    def seamless(self) -> bool:
        """Whether a renewal follows without a gap (a SIB term or a multi-year commitment)."""
        return self.instrument == "sib" or self.p.multi_year_commitment_years > 0

    def period_length(self) -> int:
        """Months in one funding period under the current instrument and commitment."""
        if self.instrument == "sib":
            return self.p.sib_term_months
        if self.p.multi_year_commitment_years > 0:
            return 12 * self.p.multi_year_commitment_years
        return self.p.pilot_length_months

    def coaching_level(self) -> float:
        """The coaching budget against the founding one: the council's level times the
        timeline's budget changes."""
        return self.level * self.budget.factor

    def placement_rate(self, month: int) -> float:
        """Programme placements per 1,000 participants per year in this period so far."""
        months = max(month - self.period_start, 1)
        return self.period_placements * 12.0 / months * 1000.0 / self.p.n_participants

    def results_ratio(self) -> float:
        """Programme placements per 1,000 a year over the last ``results_window_months``,
        against the evidence target (1: on target). What the council and outsiders judge."""
        if not self.recent or self.p.evidence_threshold <= 0:
            return 1.0
        rate = sum(self.recent) * 12.0 / len(self.recent) * 1000.0 / self.p.n_participants
        return rate / self.p.evidence_threshold

    # ------------------------------------------------------------------ events
    def investors_decline(self) -> FundingNews:
        """SIB investors do not sign: the programme is paid as a subsidy from now on."""
        self.instrument = "subsidy"
        return FundingNews(logs=("investors do not sign: the programme runs as a subsidy",))

    def start_period(self, month: int) -> FundingNews:
        """Money flows for one more period (the first one, at month 0, is not news)."""
        self.funded = True
        self.ended = False
        self.gap_until = None
        self.extended = False
        self.period_start = month
        self.period_end = month + self.period_length()
        self.period_placements = 0
        self.periods += 1
        return FundingNews(logs=("funding period starts",)) if self.periods > 1 else FundingNews()

    def on_election(self) -> tuple[str, ...]:
        """An election happened: the council's support and champion may change."""
        return self.politics.election()

    def count_placements(self, placements: int) -> None:
        """Add this month's programme placements to the period's count and the results."""
        self.period_placements += placements
        self.recent.append(placements)

    def end_now(self) -> FundingNews:
        """Stop funding with no successor (intervention or scenario): a cut."""
        if not (self.funded or self.gap_until is not None):
            return FundingNews()
        self.funded = False
        self.ended = True
        self.gap_until = None
        return FundingNews((Promise(self.p.trust_weight_cut, kept=False),), ("funding ended",))

    def restart(self, month: int) -> FundingNews:
        """An ended programme starts again at the starting level from ``month`` (a
        renewal that former partners hear too); nothing happens while it is funded or
        waiting for renewed money."""
        if not self.ended:
            return FundingNews()
        self.level = 1.0
        return self.start_period(month) + FundingNews(
            (Promise(self.p.trust_weight_renewal, kept=True, former_too=True),))

    def update(self, month: int, *, partner_ratio: float, trust_in_funder: float,
               recession: bool, investors_sign: bool) -> FundingNews:
        """Monthly: support moves; at the end of a period the council decides; a renewal
        after a gap starts; a scheduled restart happens; every month without money is a
        broken promise. ``partner_ratio``: partners now against the founding number;
        ``trust_in_funder``: their mean trust in the municipality; ``investors_sign``:
        whether SIB investors would fund a next term (read only under a SIB)."""
        p = self.p
        visibility = 1.0 if monitored(p) else p.win_visibility_unmonitored
        self.politics.month(self.results_ratio(), visibility, partner_ratio, trust_in_funder,
                            recession)
        news = FundingNews()
        if self.funded and month >= self.period_end:
            news = self._decide(month, investors_sign)
        elif not self.funded and self.gap_until is not None and month >= self.gap_until:
            news = self.start_period(month)
        elif self.ended and p.restart_month > 0 and month == p.restart_month:
            news = self.restart(month)
        if not self.funded:
            news += FundingNews((Promise(p.trust_weight_gap_month, kept=False),))
        return news

    # ------------------------------------------------------------------ the decision
    def decision(self, month: int) -> str:
        """What the council decides at the end of the period ending in ``month``:
        ``renew``, ``raise``, ``extend``, ``cut`` or ``end`` (see the module text)."""
        p = self.p
        if p.renewal_rule == "never":
            return "end"
        s = self.politics.support
        evidence = (p.renewal_rule == "evidence" and monitored(p)
                    and self.placement_rate(month) >= p.evidence_threshold)
        if evidence or s >= p.renewal_support_threshold:
            return "raise" if s >= p.raise_support_threshold else "renew"
        if s >= p.end_support_threshold:
            return "cut" if self.extended else "extend"
        return "end"

    def cut_share(self) -> float:
        """Share of the budget a cut takes at the current support."""
        p = self.p
        span = p.renewal_support_threshold - p.end_support_threshold
        if span <= 0:
            return p.max_cut_share
        short = (p.renewal_support_threshold - self.politics.support) / span
        return p.max_cut_share * min(max(short, 0.0), 1.0)

    def _decide(self, month: int, investors_sign: bool) -> FundingNews:
        p = self.p
        choice = self.decision(month)
        if choice == "end":
            self.funded = False
            self.ended = True
            return FundingNews((Promise(p.trust_weight_cut, kept=False),),
                               ("funding not renewed",))
        if choice == "extend":
            self.extended = True
            self.period_end = month + p.extension_months
            return FundingNews(logs=(f"funding extended by {p.extension_months} months",))
        news = FundingNews()
        if choice == "raise" and self.level < p.max_budget_level:
            self.level = min(self.level * (1.0 + p.budget_raise_share), p.max_budget_level)
            news += FundingNews(logs=(f"budget raised to {self.level:.0%} of the start",))
        elif choice == "cut":
            share = self.cut_share()
            self.level *= 1.0 - share
            news += FundingNews((Promise(p.trust_weight_cut * share, kept=False),),
                                (f"budget cut by {share:.0%}",))
        if self.instrument == "sib" and not investors_sign:
            self.instrument = "subsidy"
            news += FundingNews(logs=("investors do not reinvest: the programme continues "
                                      "as a subsidy",))
            if not self.seamless():
                return news + self._gap(month)
        if self.seamless():
            return news + self.start_period(month) + FundingNews(
                (Promise(p.trust_weight_renewal, kept=True),))
        return news + self._gap(month)

    def _gap(self, month: int) -> FundingNews:
        """Renewed, but the money comes after ``renewal_gap_months``."""
        gap = self.p.renewal_gap_months
        if gap == 0:
            return self.start_period(month) + FundingNews(
                (Promise(self.p.trust_weight_renewal, kept=True),))
        self.funded = False
        self.gap_until = month + gap
        return FundingNews((Promise(self.p.trust_weight_late_renewal, kept=False),),
                           ("funding renewed after a gap",))
