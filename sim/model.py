"""The Instapeconomie of Den Haag as a Mesa model: one step is one month."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector
from mesa.time import Schedule

from sim.accounting import Ledger
from sim.agents.firm import ENTRY_JOB_WEIGHT, FIRM_KINDS, Firm, allocate_whole_places
from sim.agents.foundation import Foundation
from sim.agents.municipality import Municipality
from sim.agents.participant import Participant, ParticipantPool
from sim.agents.participant_moves import MonthFlows, ParticipantMonth
from sim.coalition import Coalition
from sim.durability import Durability
from sim.outputs import MonthlyRecord, end_of_run_metrics
from sim.parameters import Params
from sim.pathway import State
from sim.policies.admin import AdminBurden
from sim.policies.debt import step_debt_help
from sim.policies.economy import Economy
from sim.policies.finance import Finance
from sim.policies.funding import FundingPolicy
from sim.policies.governance import Governance
from sim.spells import SpellRecord

REPORTED = ("unreached", "engaged", "in_track", "entry_job", "regular_work", "placements",
            "moves_to_regular", "municipal_spending", "benefit_savings", "alive")


class InstapModel(Model):
    """Agent-based model of the Instapeconomie (see ``docs/ODD.md``).

    Parameters come from ``params`` (a :class:`sim.parameters.Params`, used as it is, or
    a mapping of parameter names to values, checked) and keyword overrides (checked);
    every parameter has a default. ``InstapModel(rng=0, n_participants=600)`` and
    ``InstapModel(rng=seed, params=scenario.params)`` both work. ``rng`` seeds every random
    draw. Call :meth:`step` once per month, or :meth:`run` for the horizon.
    """

    def __init__(self, rng: int | np.random.Generator | None = None,
                 params: Params | Mapping[str, Any] | None = None, **overrides: Any) -> None:
        super().__init__(rng=rng)
        if params is None:
            params = Params()
        elif not isinstance(params, Params):
            params = Params.from_dict(params)
        self.p: Params = params.replace(**overrides) if overrides else params
        # Separate streams, all seeded from the model's generator: ``self.rng`` for
        # participants, one for policy and the economy, one for partners' decisions. A
        # lever that changes how many draws participants use then leaves the funding and
        # coalition history of a replication alone (common random numbers across
        # scenarios compared with the same seed).
        self.rng_policy, self.rng_partners = self.rng.spawn(2)
        p = self.p
        self.ledger = Ledger()
        self.events: list[tuple[int, str]] = []
        self.interventions: list[tuple[int, str]] = []
        self.economy = Economy(p, self.rng_policy)
        self.governance = Governance(p)
        self.admin = AdminBurden(p)
        self._build_organisations()
        self.coalition = Coalition(self)
        self.funding = FundingPolicy(self)
        self.finance = Finance(self)
        self.durability = Durability(p.collapse_grace_months, p.min_employers_alive)
        self.spells = SpellRecord(p.months)
        self.duration_at_risk = np.zeros(3, dtype=np.int64)
        self.duration_exits = np.zeros(3, dtype=np.int64)
        self.record = MonthlyRecord(p.months)
        self.pool = ParticipantPool(int(p.n_participants * (1 + p.inflow_rate * p.months * 1.1)))
        self._add_participants(p.n_participants, p.initial_duration_mean_months)
        self.inflow_total = 0
        self.inflow_month = 0
        self._moves = ParticipantMonth(self)
        self.funding.start_period(0)
        self._seed_initial_states()
        self._schedule_events()
        self.datacollector = DataCollector(model_reporters={
            name: (lambda m, name=name: m.record.latest(name)) for name in REPORTED})
        self.record.write(0, self._observe(MonthFlows(), {"alive": True, "healthy": True}))
        self.datacollector.collect(self)

    # ----------------------------------------------------------------- construction
    def _build_organisations(self) -> None:
        p = self.p
        n_k = {"regular_employer": p.n_regular_employers,
               "social_enterprise": p.n_social_enterprises,
               "housing_corporation": p.n_housing_corporations, "bank": p.n_banks}
        self.municipality = Municipality(self, 0)
        self.orgs: list[Any] = [self.municipality]
        total_slots = p.coaching_slots_per_1000 * p.n_participants / 1000.0
        self.foundations: list[Foundation] = []
        for _ in range(p.n_foundations):
            f = Foundation(self, len(self.orgs), total_slots / p.n_foundations)
            self.orgs.append(f)
            self.foundations.append(f)
        weight = sum(ENTRY_JOB_WEIGHT[k] * n_k[k] for k in FIRM_KINDS)
        places = p.entry_jobs_per_1000 * p.n_participants / 1000.0
        self.firms: list[Firm] = []
        for kind in FIRM_KINDS:
            for _ in range(n_k[kind]):
                base = places * ENTRY_JOB_WEIGHT[kind] / weight if weight else 0.0
                firm = Firm(self, len(self.orgs), kind, base)
                self.orgs.append(firm)
                self.firms.append(firm)
        self.org_kind = np.array([o.kind for o in self.orgs])
        for f in self.foundations:
            self.ledger.transfer("market", f.account, p.foundation_reserve_months
                                 * f.full_slots * p.coaching_cost_per_slot,
                                 "startup_capital")
        for firm in self.firms:
            reserve = p.se_reserve_months * firm.base_slots * p.entry_wage
            self.ledger.transfer("market", firm.account, reserve, "startup_capital")

    def _add_participants(self, k: int, mean_duration: float) -> None:
        rows = self.pool.add(k, self.rng, self.p.debt_prevalence, mean_duration)
        for row in rows:
            Participant(self, int(row))

    def _seed_initial_states(self) -> None:
        """Start with the pilot running: tracks and entry jobs filled to about 80%."""
        for firm in self.firms:
            firm.offer_entry_jobs(1.0)  # a draw of 1.0: nobody walks away at the start
        allocate_whole_places(self.firms)
        pool, rng, n = self.pool, self.rng, self.pool.n
        order = rng.permutation(n)
        slots = np.floor(0.8 * self.coaching_slots_array()).astype(int)
        places = np.floor(0.8 * self.entry_places_array()).astype(int)
        n_track, n_job = int(slots.sum()), int(places.sum())
        track = order[:n_track]
        job = order[n_track:n_track + n_job]
        engaged = order[n_track + n_job:n_track + n_job + n_track // 2]
        pool.state[track] = State.IN_TRACK
        pool.coach[track] = np.repeat(np.arange(len(slots)), slots)
        pool.state[job] = State.ENTRY_JOB
        pool.employer[job] = np.repeat(np.arange(len(places)), places)
        pool.spell_start[job] = 0
        pool.programme_spell[job] = True
        pool.state[engaged] = State.ENGAGED

    def _schedule_events(self) -> None:
        p = self.p
        self.schedule_recurring(self._election, Schedule(
            interval=p.election_interval_months, start=p.first_election_month))
        if p.partnership_agreement:
            if p.agreement_month <= 0:
                self._sign_agreement()
            else:
                self.schedule_event(self._sign_agreement, at=p.agreement_month)

    def _election(self) -> None:
        self.funding.on_election()
        self.log_event("election (scheduled)")

    def _sign_agreement(self, intervention: bool = False) -> None:
        if not self.governance.agreement_signed:
            self.governance.sign_agreement()
            self.log_event("partnership agreement", intervention=intervention)

    # ----------------------------------------------------------------- queries
    def log_event(self, text: str, intervention: bool = False) -> None:
        """Record something that happened this month (shown on plots when an intervention)."""
        self.events.append((self.steps, text))
        if intervention:
            self.interventions.append((self.steps, text))

    def coaching_slots_array(self) -> np.ndarray:
        """Usable coaching slots per organisation index (0 for non-foundations)."""
        out = np.zeros(len(self.orgs), dtype=np.int64)
        for f in self.foundations:
            out[f.org_index] = f.effective_slots()
        return out

    def entry_places_array(self) -> np.ndarray:
        """Entry-job places offered per organisation index."""
        out = np.zeros(len(self.orgs), dtype=np.int64)
        for firm in self.firms:
            out[firm.org_index] = firm.slots
        return out

    def _load(self, column: np.ndarray) -> np.ndarray:
        return np.bincount(column[column >= 0], minlength=len(self.orgs))

    def free_coaching_slots(self) -> np.ndarray:
        """Free coaching slots per organisation."""
        return self.coaching_slots_array() - self._load(self.pool.coach[: self.pool.n])

    def free_entry_places(self) -> np.ndarray:
        """Free entry-job places per organisation."""
        return self.entry_places_array() - self._load(self.pool.employer[: self.pool.n])

    def lender_account(self) -> str | None:
        """The account of a bank in the coalition that lends, if any."""
        for firm in self.firms:
            if firm.kind == "bank" and firm.in_coalition:
                return firm.account
        return None

    # ----------------------------------------------------------------- interventions
    def end_funding_now(self) -> None:
        """Intervention: the municipality stops funding now, with no successor."""
        self.funding.end_now()

    def trigger_election(self) -> None:
        """Intervention: an election happens now."""
        self.funding.on_election()
        self.log_event("election", intervention=True)

    def trigger_recession(self) -> None:
        """Intervention: a downturn starts now (no effect during one)."""
        if not self.economy.in_recession:
            self.economy.start_recession()
            self.log_event("recession", intervention=True)

    def sign_partnership_agreement(self) -> None:
        """Intervention: partners sign a partnership agreement now (once)."""
        self._sign_agreement(intervention=True)

    def status(self) -> dict[str, Any]:
        """A read-only snapshot of the ecosystem this month, for pages and reports."""
        return {
            "month": self.steps,
            "horizon": self.p.months,
            "funded": self.funding.funded,
            "funding_gap": self.funding.gap_until is not None,
            "funding_ended": self.funding.ended,
            "recession": self.economy.in_recession,
            "agreement_signed": self.governance.agreement_signed,
            "role_clarity": self.governance.clarity,
            "alive": self.durability.alive,
            "collapse_month": self.durability.collapse_month,
            "partners": int(self.coalition.members().sum()) - 1,
            "trust": self.coalition.trust.T.copy(),
        }

    # ----------------------------------------------------------------- the month
    def step(self) -> None:
        """One month: funding, capacity, jobs, participants, debt help, money, trust."""
        t = self.steps
        if t > self.p.months:
            raise RuntimeError(f"the run has reached its horizon of {self.p.months} months")
        self.ledger.new_month()
        if self.economy.update():
            self.log_event("recession")
        self.funding.update(t)  # link 1
        self.finance.pay_programme()  # links 7, 8
        self.agents_by_type[Foundation].do("adjust_capacity")  # links 1, 4, 11
        draws = self.rng_partners.random(len(self.firms))
        for firm, draw in zip(self.firms, draws, strict=True):
            firm.offer_entry_jobs(float(draw))  # links 10, 11
        allocate_whole_places(self.firms)
        flows = self._moves.run()  # links 2, 3, 6
        self.funding.period_placements += flows.programme_placements
        step_debt_help(self)  # link 3
        workers, indebted = self._workers_by_firm()
        self.finance.pay_running_costs(workers, indebted)  # links 7, 8, 9
        self.coalition.month(self._wins_by_org())  # links 4, 5, 9, 11
        self.municipality.settle_budget()
        status = self.durability.update(
            t, self._programme_money(), int(self.coaching_slots_array().sum()),
            sum(1 for f in self.firms if f.slots > 0 and f.in_coalition),
            flows.programme_placements)
        self._inflow()
        self.record.write(t, self._observe(flows, status))
        self.datacollector.collect(self)
        if t >= self.p.months:
            self.running = False

    def run(self, months: int | None = None) -> InstapModel:
        """Run to the horizon (or for ``months`` more months)."""
        for _ in range(months if months is not None else self.p.months - self.steps):
            self.step()
        return self

    def _inflow(self) -> None:
        k = int(self.rng.poisson(self.p.inflow_rate * self.p.n_participants))
        if k:
            self._add_participants(k, 0.0)
            self.inflow_total += k
        self.inflow_month = k

    def _workers_by_firm(self) -> tuple[np.ndarray, np.ndarray]:
        n = self.pool.n
        employer = self.pool.employer[:n]
        working = employer >= 0
        workers = np.bincount(employer[working], minlength=len(self.orgs))
        indebted = np.bincount(employer[working & self.pool.debt[:n]],
                               minlength=len(self.orgs))
        return workers, indebted

    def _wins_by_org(self) -> np.ndarray:
        """Visible small wins per organisation: placements it took part in (link 9)."""
        n, t = self.pool.n, self.steps
        new = (self.pool.spell_start[:n] == t) & self.pool.programme_spell[:n]
        wins = np.zeros(len(self.orgs))
        wins += np.bincount(self.pool.employer[:n][new & (self.pool.employer[:n] >= 0)],
                            minlength=len(self.orgs))
        total = float(new.sum())
        members = self.coalition.members()
        share = total / max(int(members.sum()), 1)
        wins[self.org_kind == "foundation"] += share * 2  # coaches made it happen
        wins[0] += total  # the municipality sees all programme placements
        wins[(self.org_kind == "housing_corporation") | (self.org_kind == "bank")] += share
        return wins * members

    def _programme_money(self) -> float:
        return sum(f.income for f in self.foundations)

    def _observe(self, flows: MonthFlows, status: dict[str, bool]) -> dict[str, float]:
        from sim.outputs import observe
        return observe(self, flows, status)

    # ----------------------------------------------------------------- results
    def timeseries(self) -> dict[str, np.ndarray]:
        """Monthly outputs from month 0 to the current month, one array per column."""
        return self.record.as_dict(self.steps)

    def end_metrics(self) -> dict[str, float]:
        """End-of-run outputs with dotted names (see ``sim.outputs``)."""
        return end_of_run_metrics(self)
