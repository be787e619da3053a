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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.monitoring import monitored

if TYPE_CHECKING:
    from sim.model import InstapModel

CUT_WEIGHT = 3.0  # a funding cut counts as three broken promises
GAP_WEIGHT = 1.0  # each month without money erodes trust further
RENEWAL_WEIGHT = 2.0  # an on-time renewal counts as two kept promises


class FundingPolicy:
    """State and decisions of programme funding."""

    def __init__(self, model: InstapModel) -> None:
        self.model = model
        self.p = model.p
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

    def start_period(self, month: int) -> None:
        """Money flows for one more period."""
        self.funded = True
        self.ended = False
        self.gap_until = None
        self.period_start = month
        self.period_end = month + self.period_length()
        self.election_in_period = False
        self.period_placements = 0
        self.periods += 1
        if self.periods > 1:
            self.model.log_event("funding period starts")

    def on_election(self) -> None:
        """An election happened (scheduled every ``election_interval_months``)."""
        self.election_in_period = True

    def end_now(self) -> None:
        """Stop funding with no successor (intervention or scenario)."""
        if self.funded or self.gap_until is not None:
            self.funded = False
            self.ended = True
            self.gap_until = None
            self.model.coalition.funder_broke_promise(CUT_WEIGHT)
            self.model.log_event("funding ended", intervention=True)

    def update(self, month: int) -> None:
        """Monthly: decide at the end of a period, start after a gap, or restart."""
        p = self.p
        if self.funded and month >= self.period_end:
            self._decide(month)
        elif not self.funded and self.gap_until is not None and month >= self.gap_until:
            self.start_period(month)
        elif self.ended and p.restart_month > 0 and month == p.restart_month:
            self.start_period(month)
            self.model.coalition.funder_kept_promise(RENEWAL_WEIGHT, former_too=True)
        if not self.funded:
            self.model.coalition.funder_broke_promise(GAP_WEIGHT)

    def renewal_probability(self) -> float:
        """Chance that the current period is followed by another one."""
        p = self.p
        rule = p.renewal_rule
        if rule == "never":
            return 0.0
        if rule == "evidence" and monitored(p):
            return 1.0 if self.placement_rate() >= p.evidence_threshold else 0.0
        prob = p.political_renewal_probability
        if self.election_in_period and p.multi_year_commitment_years == 0:
            prob *= p.election_renewal_factor
        prob *= 0.5 + self.model.coalition.trust_in_funder()
        return min(prob, 1.0)

    def placement_rate(self) -> float:
        """Programme placements per 1,000 participants per year in this period."""
        months = max(self.model.steps - self.period_start, 1)
        return self.period_placements * 12.0 / months * 1000.0 / self.p.n_participants

    def _decide(self, month: int) -> None:
        renew = self.model.rng_policy.random() < self.renewal_probability()
        if not renew:
            self.funded = False
            self.ended = True
            self.model.coalition.funder_broke_promise(CUT_WEIGHT)
            self.model.log_event("funding not renewed")
            return
        seamless = self.p.financing == "sib" or self.p.multi_year_commitment_years > 0
        gap = 0 if seamless else self.p.renewal_gap_months
        if gap == 0:
            self.start_period(month)
            self.model.coalition.funder_kept_promise(RENEWAL_WEIGHT)
        else:
            self.funded = False
            self.gap_until = month + gap
            self.model.coalition.funder_broke_promise(1.0)
            self.model.log_event("funding renewed after a gap")
