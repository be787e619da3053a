"""Causal link 1: funding continuity.

Programmes are funded in periods: a pilot of ``pilot_length_months``, a multi-year
commitment of ``multi_year_commitment_years`` years, or a Social Impact Bond term. At
the end of a period the renewal rule decides:

- ``never``: the programme ends without successor (Wijkondernemingen, 2018);
- ``political``: renewal with chance ``political_renewal_probability``, times
  ``election_renewal_factor`` if an election fell in a pilot period (a multi-year
  commitment is budgeted across council terms, so an election does not reset it), times
  ``0.5 + mean partner trust in the municipality`` (partner relations matter);
- ``evidence``: renewal if monitored results reach ``evidence_threshold``; without
  monitoring there is no evidence and the political rule applies (link 9).

A renewed pilot starts after a gap of ``renewal_gap_months`` without money; multi-year
commitments and SIBs renew without a gap. Every cut or gap is a broken promise to the
partners (link 5); an on-time renewal is a kept one. ``restart_month`` restarts an ended
programme. Elections are scheduled with Mesa's event scheduler (``mesa.time``).

The policy announces what it did: :meth:`FundingPolicy.update` and
:meth:`FundingPolicy.end_now` return :class:`FundingNews`, the promises kept or broken (in
the order they were made) and the texts for the event log; the model hands the promises
to the coalition at once (``Coalition.hear``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.parameters import Params
from sim.policies.monitoring import monitored
from sim.policies.trust import Promise

CUT_WEIGHT = 3.0  # a funding cut counts as three broken promises
GAP_WEIGHT = 1.0  # each month without money erodes trust further
RENEWAL_WEIGHT = 2.0  # an on-time renewal counts as two kept promises


@dataclass(frozen=True, slots=True)
class FundingNews:
    """What a funding decision announces: promises to the partners and log texts."""

    promises: tuple[Promise, ...] = ()
    logs: tuple[str, ...] = ()

    def __add__(self, other: FundingNews) -> FundingNews:
        return FundingNews(self.promises + other.promises, self.logs + other.logs)


class FundingPolicy:
    """State and decisions of programme funding (renewal draws from the policy stream)."""

    def __init__(self, p: Params, rng: np.random.Generator) -> None:
        self.p = p
        self.rng = rng
        self.funded = False
        self.ended = False
        self.period_start = 0
        self.period_end = 0
        self.gap_until: int | None = None
        self.election_in_period = False
        self.period_placements = 0
        self.periods = 0

    def period_length(self) -> int:
        """Months in one funding period under the chosen instrument and commitment."""
        if self.p.financing == "sib":
            return self.p.sib_term_months
        if self.p.multi_year_commitment_years > 0:
            return 12 * self.p.multi_year_commitment_years
        return self.p.pilot_length_months

    def start_period(self, month: int) -> FundingNews:
        """Money flows for one more period (the first one, at month 0, is not news)."""
        self.funded = True
        self.ended = False
        self.gap_until = None
        self.period_start = month
        self.period_end = month + self.period_length()
        self.election_in_period = False
        self.period_placements = 0
        self.periods += 1
        return FundingNews(logs=("funding period starts",)) if self.periods > 1 else FundingNews()

    def on_election(self) -> None:
        """An election happened (scheduled every ``election_interval_months``)."""
        self.election_in_period = True

    def count_placements(self, placements: int) -> None:
        """Add this month's programme placements to the period's count (evidence rule)."""
        self.period_placements += placements

    def end_now(self) -> FundingNews:
        """Stop funding with no successor (intervention or scenario): a cut."""
        if not (self.funded or self.gap_until is not None):
            return FundingNews()
        self.funded = False
        self.ended = True
        self.gap_until = None
        return FundingNews((Promise(CUT_WEIGHT, kept=False),), ("funding ended",))

    def update(self, month: int, trust_in_funder: float) -> FundingNews:
        """Monthly: decide at the end of a period, start after a gap, or restart; every
        month without money is a broken promise. ``trust_in_funder``: the partners' mean
        trust in the municipality (moves the political renewal chance)."""
        p = self.p
        news = FundingNews()
        if self.funded and month >= self.period_end:
            news = self._decide(month, trust_in_funder)
        elif not self.funded and self.gap_until is not None and month >= self.gap_until:
            news = self.start_period(month)
        elif self.ended and p.restart_month > 0 and month == p.restart_month:
            news = self.start_period(month) + FundingNews(
                (Promise(RENEWAL_WEIGHT, kept=True, former_too=True),))
        if not self.funded:
            news += FundingNews((Promise(GAP_WEIGHT, kept=False),))
        return news

    def renewal_probability(self, month: int, trust_in_funder: float) -> float:
        """Chance that the period ending in ``month`` is followed by another one."""
        p = self.p
        rule = p.renewal_rule
        if rule == "never":
            return 0.0
        if rule == "evidence" and monitored(p):
            return 1.0 if self.placement_rate(month) >= p.evidence_threshold else 0.0
        prob = p.political_renewal_probability
        if self.election_in_period and p.multi_year_commitment_years == 0:
            prob *= p.election_renewal_factor
        prob *= 0.5 + trust_in_funder
        return min(prob, 1.0)

    def placement_rate(self, month: int) -> float:
        """Programme placements per 1,000 participants per year in this period so far."""
        months = max(month - self.period_start, 1)
        return self.period_placements * 12.0 / months * 1000.0 / self.p.n_participants

    def _decide(self, month: int, trust_in_funder: float) -> FundingNews:
        renew = self.rng.random() < self.renewal_probability(month, trust_in_funder)
        if not renew:
            self.funded = False
            self.ended = True
            return FundingNews((Promise(CUT_WEIGHT, kept=False),), ("funding not renewed",))
        seamless = self.p.financing == "sib" or self.p.multi_year_commitment_years > 0
        gap = 0 if seamless else self.p.renewal_gap_months
        if gap == 0:
            return self.start_period(month) + FundingNews((Promise(RENEWAL_WEIGHT, kept=True),))
        self.funded = False
        self.gap_until = month + gap
        return FundingNews((Promise(1.0, kept=False),), ("funding renewed after a gap",))
