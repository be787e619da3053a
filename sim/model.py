"""The Instapeconomie of Den Haag as a Mesa model: one step is one month.

:class:`InstapModel` owns the organisations (Mesa agents), the participant pool, the
ledger and one component per policy. Components hold only their own state; each month
:meth:`InstapModel.step` runs them in the order of the ODD's process overview
(``docs/ODD.md``, section 3) and hands each what it needs from the others: the partners'
trust to the funding decision, the funding decision's promises to the coalition, the
economy's and the burden's factors to the employers, and so on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector
from mesa.time import Schedule

from sim.accounting import Ledger
from sim.agents.firm import ENTRY_JOB_WEIGHT, FIRM_KINDS, Firm, allocate_whole_places
from sim.agents.foundation import Foundation
from sim.agents.municipality import Municipality
from sim.agents.organisation import Organisation
from sim.agents.participant import Participant, ParticipantPool
from sim.agents.participant_moves import MonthFlows, ParticipantMonth
from sim.coalition import Coalition
from sim.counterfactual import Counterfactual
from sim.durability import Durability, HealthInputs
from sim.outputs import MonthlyRecord, end_of_run_metrics, observe
from sim.parameters import Params
from sim.policies.admin import AdminBurden
from sim.policies.debt import DebtHelp
from sim.policies.economy import Economy
from sim.policies.finance import Finance
from sim.policies.funding import FundingNews, FundingPolicy
from sim.policies.governance import Governance
from sim.policies.monitoring import win_visibility
from sim.policies.politics import PoliticalSupport
from sim.policies.trust import Promise
from sim.rounding import largest_remainder
from sim.timeline import Entry, parse, problems

# Monthly columns Mesa's DataCollector reports (read by ``mesa.batch_run``).
REPORTED = ("unreached", "engaged", "in_track", "entry_job", "regular_work", "placements",
            "moves_to_regular", "municipal_spending", "benefit_savings", "alive")


class InstapModel(Model):
    """Agent-based model of the Instapeconomie (see ``docs/ODD.md``).

    Parameters come from ``params`` (a :class:`sim.parameters.Params`, used as it is, or
    a mapping of parameter names to values, checked) and keyword overrides (checked);
    every parameter has a default. ``InstapModel(rng=0, n_participants=600)`` and
    ``InstapModel(rng=seed, params=scenario.params)`` both work. ``rng`` seeds every random
    draw. ``timeline``: dated changes (:mod:`sim.timeline`; entries or a scenario file's
    mappings, also accepted as ``params["timeline"]``). Call :meth:`step` once per month,
    or :meth:`run` for the horizon.
    """

    def __init__(self, rng: int | np.random.Generator | None = None,
                 params: Params | Mapping[str, Any] | None = None,
                 timeline: Iterable[Entry | Mapping[str, Any]] | None = None,
                 **overrides: Any) -> None:
        super().__init__(rng=rng)
        if params is None:
            params = Params()
        elif not isinstance(params, Params):
            params = dict(params)
            timeline = params.pop("timeline", None) if timeline is None else timeline
            params = Params.from_dict(params)
        self.p: Params = params.replace(**overrides) if overrides else params
        p = self.p
        # Separate streams, all seeded from the model's generator: one for policy and the
        # economy, one for partners' decisions, and four for participants: their moves
        # (one uniform per person and month), who gets a free place, debt help (four
        # uniforms per person and month) and who flows in. A lever that changes how many
        # draws participants use then leaves the funding and coalition history of a
        # replication alone (common random numbers across scenarios compared with the
        # same seed), and the counterfactual population draws the same numbers for the
        # same people as the programme run (sim.counterfactual).
        (self.rng_policy, self.rng_partners, self.rng_moves, self.rng_places, self.rng_debt,
         self.rng_inflow) = self.rng.spawn(6)
        self.ledger = Ledger()
        self.events: list[tuple[int, str]] = []
        self.interventions: list[tuple[int, str]] = []
        self._members: np.ndarray | None = None  # cache of members()
        self._slots_key: tuple[Any, ...] | None = None  # what coaching_slots_array() used
        self._slots = np.zeros(0, dtype=np.int64)
        self._lender_of: np.ndarray | None = None  # the membership mask _lender() used
        self._lender_firm: Firm | None = None
        # entry-job places and what firms keep, per organisation index (_offer_entry_jobs)
        self._entry_places = self._entry_keep = np.zeros(0, dtype=np.int64)
        self.economy = Economy(p, self.rng_policy)
        self.governance = Governance(p)
        self.admin = AdminBurden(p)
        self._build_organisations()
        self.coalition = Coalition(p, self.org_kind, self.rng_partners)
        self.politics = PoliticalSupport(p, self.rng_policy)
        self.funding = FundingPolicy(p, self.politics)
        self.finance = Finance(p, sum(f.full_slots for f in self.foundations if f.in_coalition),
                               self.funding.budget)
        self.debt_help = DebtHelp(p, self.rng_debt)
        self.founding_partners = int(self.members().sum()) - 1
        self.moves = ParticipantMonth(p, self.rng_moves, self.rng_places)
        self.record = MonthlyRecord(p.months)
        self.pool = ParticipantPool(int(p.n_participants * (1 + p.inflow_rate * p.months * 1.1)))
        self.counterfactual: Counterfactual | None = None  # built once the population is in
        self._add_participants(p.n_participants, p.initial_duration_mean_months)
        self.inflow_total = 0
        self.inflow_month = 0
        if p.financing == "sib" and not self.finance.investors_sign(0, 1.0):
            self._announce(self.funding.investors_decline())
            self.finance.instrument = self.funding.instrument
        self.funding.start_period(0)
        # The programme opens its doors at month 0: nobody is in it yet (an honest start,
        # docs/ODD.md section 5). Employers put their places on offer.
        self._offer_entry_jobs(np.ones(len(self.firms)))  # draws of 1: nobody walks away
        self.counterfactual = Counterfactual(p, self.pool) if p.counterfactual else None
        self.cf_flows = MonthFlows()
        self.durability = Durability(p, self.founding_partners,
                                     int(self.coaching_slots_array().sum()))
        self._schedule_events()
        self._schedule_timeline(parse(timeline))
        self.datacollector = DataCollector(model_reporters={
            name: (lambda m, name=name: m.record.latest(name)) for name in REPORTED})
        self.record.write(0, observe(self, MonthFlows(), {"alive": True, "healthy": True}))
        self.datacollector.collect(self)

    # ----------------------------------------------------------------- construction
    def _build_organisations(self) -> None:
        p = self.p
        n_k = {"regular_employer": p.n_regular_employers,
               "social_enterprise": p.n_social_enterprises,
               "housing_corporation": p.n_housing_corporations, "bank": p.n_banks}
        self.municipality = Municipality(self, 0)
        self.orgs: list[Organisation] = [self.municipality]
        total_slots = p.coaching_slots_per_1000 * p.n_participants / 1000.0
        self.foundations: list[Foundation] = []
        for founded in (True, False):
            for _ in range(self.potential(p.n_foundations) if not founded else p.n_foundations):
                f = Foundation(self, len(self.orgs), total_slots / p.n_foundations, founded)
                self.orgs.append(f)
                self.foundations.append(f)
        self.firms: list[Firm] = []
        for founding in (True, False):
            for kind in FIRM_KINDS:
                for _ in range(n_k[kind] if founding else self.potential(n_k[kind])):
                    firm = Firm(self, len(self.orgs), kind, self._firm_base(kind), founding)
                    self.orgs.append(firm)
                    self.firms.append(firm)
        self.org_kind = np.array([o.kind for o in self.orgs])
        self.firm_index = np.array([f.org_index for f in self.firms], dtype=np.int64)
        self.foundation_index = np.array([f.org_index for f in self.foundations],
                                         dtype=np.int64)
        self.account_kind = {o.account: o.kind for o in self.orgs}
        for f in self.foundations:
            if f.in_coalition:
                self.ledger.transfer("market", f.account, p.foundation_reserve_months
                                     * f.full_slots * p.coaching_cost_per_slot,
                                     "startup_capital")
        for firm in self.firms:
            if firm.in_coalition:
                reserve = p.se_reserve_months * firm.base_slots * p.entry_wage
                self.ledger.transfer("market", firm.account, reserve, "startup_capital")

    def _firm_base(self, kind: str) -> float:
        """Entry-job places a firm of ``kind`` offers in good times: its kind's weight's
        share of ``entry_jobs_per_1000``."""
        p = self.p
        n_k = {"regular_employer": p.n_regular_employers,
               "social_enterprise": p.n_social_enterprises,
               "housing_corporation": p.n_housing_corporations, "bank": p.n_banks}
        weight = sum(ENTRY_JOB_WEIGHT[k] * n_k[k] for k in FIRM_KINDS)
        places = p.entry_jobs_per_1000 * p.n_participants / 1000.0
        return places * ENTRY_JOB_WEIGHT[kind] / weight if weight else 0.0

    def potential(self, founding: int) -> int:
        """Outside organisations of a kind that may join later: ``potential_partner_share``
        of the founding number, rounded half up."""
        return int(np.floor(self.p.potential_partner_share * founding + 0.5))

    def _add_participants(self, k: int, mean_duration: float) -> None:
        rows = self.pool.add(k, self.rng_inflow, self.p.debt_prevalence, mean_duration)
        for row in rows:
            Participant(self, int(row))
        if self.counterfactual is not None:
            self.counterfactual.arrive(self.pool, rows)

    def _schedule_events(self) -> None:
        p = self.p
        self.schedule_recurring(self._election, Schedule(
            interval=p.election_interval_months, start=p.first_election_month))
        if p.partnership_agreement:
            if p.agreement_month <= 0:
                self._sign_agreement()
            else:
                self.schedule_event(self._sign_agreement, at=p.agreement_month)

    def _election(self, intervention: bool = False) -> None:
        self.log_event("election" if intervention else "election (scheduled)",
                       intervention=intervention)
        for text in self.funding.on_election():
            self.log_event(text)

    def _sign_agreement(self, intervention: bool = False) -> None:
        if not self.governance.agreement_signed:
            self.governance.sign_agreement()
            self.log_event("partnership agreement", intervention=intervention)

    # ----------------------------------------------------------------- timeline
    def _schedule_timeline(self, entries: list[Entry]) -> None:
        """Check the entries against this run and schedule them with Mesa's event
        scheduler: an entry of month M acts at the start of month M (an event at time
        M - 1 runs after month M - 1's step), a temporary one ends at the start of month
        ``until``."""
        found = problems(entries, self.p)
        if found:
            raise found[0]
        self.timeline: list[Entry] = entries
        self.applied: list[Entry] = []  # entries that acted, scheduled or clicked, in order
        self._restore: dict[int, dict[str, Any]] = {}  # values a temporary set replaced
        self._calls: list[Callable[[], None]] = []  # Mesa keeps weak references to events
        for entry in entries:
            self._at(entry.month, partial(self.apply_entry, entry))
            if entry.until is not None:
                self._at(entry.until, partial(self._end_entry, entry))

    def _at(self, month: int, call: Callable[[], None]) -> None:
        self._calls.append(call)
        self.schedule_event(call, at=month - 1)

    def apply_entry(self, entry: Entry) -> None:
        """Carry out a timeline entry now (a scheduled one, or a click on the workshop
        page, which the page turns into an entry of the next month)."""
        self.applied.append(entry)
        if entry.action == "set":
            self._restore[entry.index] = {k: getattr(self.p, k) for k, _ in entry.values}
            self._use_params(self.p.replace(**dict(entry.values)))
            self.log_event(entry.describe(), intervention=True)
        elif entry.action == "budget":
            self.funding.budget.start(entry)
            promises = (Promise(self.p.trust_weight_cut * -entry.share, kept=False),
                        ) if entry.share < 0 else ()
            self._announce(FundingNews(promises, (entry.describe(),)), intervention=True)
        elif entry.action == "partner_leaves":
            self._partners_leave(entry)
        elif entry.action == "partner_joins":
            self._partners_join(entry)
        else:
            self._intervene(entry.kind)

    def _end_entry(self, entry: Entry) -> None:
        """A temporary entry ends: parameters go back to their values before it, the
        budget change is undone."""
        if entry.action == "set":
            self._use_params(self.p.replace(**self._restore.pop(entry.index)))
        else:
            self.funding.budget.end(entry)
        self.log_event(f"{entry.describe()}: ends", intervention=True)

    def _intervene(self, kind: str) -> None:
        if kind == "end_funding":
            self.end_funding_now()
        elif kind == "restart_funding":
            self._announce(self.funding.restart(self.steps + 1), intervention=True)
        elif kind == "election":
            self.trigger_election()
        elif kind == "recession":
            self.trigger_recession()
        else:
            self.sign_partnership_agreement()

    def _partners_leave(self, entry: Entry) -> None:
        """The first ``count`` members of the kind leave and stay out (until an entry
        brings partners of that kind back)."""
        members = [o for o in self.orgs if o.kind == entry.kind and o.in_coalition]
        for o in members[: entry.count]:
            o.leave(entry.label or "decided to leave (timeline)", route="partners")
            self.coalition.withdrawn[o.org_index] = True
        self.log_event(entry.describe(), intervention=True)
        if len(members) < entry.count:
            self.log_event(f"{entry.count - len(members)} fewer {entry.kind} left than "
                           "planned: no more in the coalition")

    def _partners_join(self, entry: Entry) -> None:
        """``count`` organisations of the kind join: outsiders that never took part first,
        then former partners (in the order of their index)."""
        out = [o for o in self.orgs if o.kind == entry.kind and not o.in_coalition]
        out.sort(key=lambda o: bool(self.coalition.ever_member[o.org_index]))
        for o in out[: entry.count]:
            self.coalition.withdrawn[o.org_index] = False
            o.rejoin()
        self.log_event(entry.describe(), intervention=True)
        if len(out) < entry.count:
            self.log_event(f"{entry.count - len(out)} fewer {entry.kind} joined than "
                           "planned: none left outside the coalition")

    def _use_params(self, new: Params) -> None:
        """Parameters change during the run: every component reads them from now on, and
        the state set up from them at the start follows (role clarity, the champion,
        coaching capacity, entry-job places)."""
        old, self.p = self.p, new
        for holder in self._param_holders():
            holder.p = new
        if new.role_clarity != old.role_clarity:
            self.governance.set_role_clarity(new.role_clarity)
        if new.champion_in_office != old.champion_in_office:
            self.politics.champion = new.champion_in_office
        if new.coaching_slots_per_1000 != old.coaching_slots_per_1000:
            per_foundation = (new.coaching_slots_per_1000 * new.n_participants / 1000.0
                              / new.n_foundations)
            for f in self.foundations:
                f.full_slots = per_foundation
            self.finance.founding_slots = sum(
                f.full_slots for f in self.foundations[: new.n_foundations])
        if new.entry_jobs_per_1000 != old.entry_jobs_per_1000:
            for firm in self.firms:
                firm.base_slots = self._firm_base(firm.kind)

    def _param_holders(self) -> list[Any]:
        """Every object that keeps the run's parameters."""
        holders: list[Any] = [self.economy, self.governance, self.admin, self.coalition,
                              self.coalition.trust, self.politics, self.funding, self.finance,
                              self.debt_help, self.moves, self.durability, *self.orgs]
        if self.counterfactual is not None:
            holders += [self.counterfactual.moves, self.counterfactual.debt_help]
        return holders

    # ----------------------------------------------------------------- queries
    def log_event(self, text: str, intervention: bool = False) -> None:
        """Record something that happened this month (shown on plots when an intervention)."""
        self.events.append((self.steps, text))
        if intervention:
            self.interventions.append((self.steps, text))

    def members(self) -> np.ndarray:
        """Boolean mask over organisations currently in the coalition (read-only; rebuilt
        only after an organisation joined or left)."""
        if self._members is None:
            self._members = np.array([o.in_coalition for o in self.orgs], dtype=bool)
            self._members.flags.writeable = False
        return self._members

    def membership_changed(self) -> None:
        """An organisation joined or left: :meth:`members` is rebuilt when next asked."""
        self._members = None

    def _usable_slots(self) -> np.ndarray:
        """Fractional usable coaching slots of each foundation (in ``self.foundations``
        order)."""
        overhead, factor = self.governance.overhead_share(), self.admin.capacity_factor()
        return np.array([f.effective_slots(overhead, factor) for f in self.foundations])

    def _by_org(self, values: np.ndarray, index: np.ndarray) -> np.ndarray:
        """``values`` of the organisations at ``index`` (``firm_index`` or
        ``foundation_index``) spread over all organisation indices (0 elsewhere)."""
        out = np.zeros(len(self.orgs), dtype=np.int64)
        out[index] = values
        return out

    def coaching_slots_array(self) -> np.ndarray:
        """Usable coaching slots per organisation index (0 for non-foundations): whole slots
        by largest remainder across foundations. Read-only: it is computed again only when
        what it depends on has changed (asked for three times a month)."""
        key = (self.governance.overhead_share(), self.admin.capacity_factor(),
               tuple((f.in_coalition, f.capacity) for f in self.foundations))
        if self._slots_key != key:
            self._slots = self._by_org(largest_remainder(self._usable_slots()),
                                       self.foundation_index)
            self._slots.flags.writeable = False
            self._slots_key = key
        return self._slots

    def coaching_keep_array(self) -> np.ndarray:
        """Coaching slots per organisation index that foundations keep filled: their
        fractional usable slots rounded up (rounding never costs anyone a place)."""
        return self._by_org(np.ceil(self._usable_slots() - 1e-9), self.foundation_index)

    def entry_keep_array(self) -> np.ndarray:
        """Entry workers per organisation index that firms keep: their fractional wish
        rounded up (0 for a firm outside the coalition or failed). Read-only: made when
        the firms decide on their places (:meth:`_offer_entry_jobs`)."""
        return self._entry_keep

    def entry_places_array(self) -> np.ndarray:
        """Entry-job places offered per organisation index. Read-only: made when the
        firms decide on their places (:meth:`_offer_entry_jobs`)."""
        return self._entry_places

    def _lender(self) -> Firm | None:
        """The first bank in the coalition: it lends, and pre-finances a SIB (looked up
        again only after a join or leave)."""
        members = self.members()
        if members is not self._lender_of:
            self._lender_firm = next((f for f in self.firms if f.kind == "bank"
                                      and f.in_coalition), None)
            self._lender_of = members
        return self._lender_firm

    def partner_ratio(self) -> float:
        """Partners in the coalition now against the founding number."""
        return (int(self.members().sum()) - 1) / max(self.founding_partners, 1)

    def _lender_account(self) -> str | None:
        lender = self._lender()
        return lender.account if lender is not None else None

    # ----------------------------------------------------------------- interventions
    def end_funding_now(self) -> None:
        """Intervention: the municipality stops funding now, with no successor."""
        self._announce(self.funding.end_now(), intervention=True)

    def trigger_election(self) -> None:
        """Intervention: an election happens now."""
        self._election(intervention=True)

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
            "collapse_cause": self.durability.cause,
            "political_support": self.politics.support,
            "champion": self.politics.champion,
            "budget_level": self.funding.coaching_level(),
            "partners": int(self.members().sum()) - 1,
            "trust": self.coalition.trust.T.copy(),
        }

    # ----------------------------------------------------------------- the month
    def step(self) -> None:
        """One month, as in the ODD's process overview (``docs/ODD.md``, section 3)."""
        t = self.steps
        if t > self.p.months:
            raise RuntimeError(f"the run has reached its horizon of {self.p.months} months")
        # 1. New month of books
        self.ledger.new_month()
        # 2. Economy (link 10): a downturn may start or runs on
        if self.economy.update():
            self.log_event("recession")
        # 3. Funding decision (links 1, 5): its promises are heard by the partners at once
        self._funding_decision(t)
        # 4. Programme payments (links 7, 8)
        self._pay_programme(t)
        # 5. Coaching capacity (links 1, 4, 11)
        self.agents_by_type[Foundation].do("adjust_capacity")
        # 6. Entry-job places (links 10, 11): one draw per firm
        self._offer_entry_jobs(self.rng_partners.random(len(self.firms)))
        # 7. Participants (links 2, 3, 6); programme placements count for the evidence rule
        flows = self._participants_move(t)
        # 8. Debt help (link 3)
        self.debt_help.month(self.pool)
        # 8b. The same people without the programme (the counterfactual)
        if self.counterfactual is not None:
            self.cf_flows = self.counterfactual.month(
                t, self.economy.job_factor(), self.economy.job_loss_factor(),
                self.moves.draws, self.debt_help.draws)
        # 9. Running costs (links 7, 8, 9)
        self._pay_running_costs(t)
        # 10. Coalition (links 4, 5, 9, 11): trust events, then partners leave and rejoin
        self._coalition_month(t)
        # 11. Municipal budget
        self.municipality.settle_budget()
        # 12. Durability
        status = self._durability(t, flows)
        # 13. Inflow
        self._inflow()
        # 14. Observation
        self.record.write(t, observe(self, flows, status))
        self.datacollector.collect(self)
        if t >= self.p.months:
            self.running = False

    def run(self, months: int | None = None) -> InstapModel:
        """Run to the horizon (or for ``months`` more months)."""
        for _ in range(months if months is not None else self.p.months - self.steps):
            self.step()
        return self

    def _announce(self, news: FundingNews, intervention: bool = False) -> None:
        """The funder's promises reach the coalition at once (link 1 -> 5); log the news."""
        members = self.members()
        for promise in news.promises:
            self.coalition.hear(promise, members)
        for text in news.logs:
            self.log_event(text, intervention=intervention)

    def _funding_decision(self, t: int) -> None:
        news = self.funding.update(
            t, partner_ratio=self.partner_ratio(),
            trust_in_funder=self.coalition.trust_in_funder(self.members()),
            recession=self.economy.in_recession,
            investors_sign=self.funding.instrument == "sib"
            and self.finance.investors_sign(t, self.funding.coaching_level()))
        self.finance.instrument = self.funding.instrument
        self._announce(news)

    def _pay_programme(self, t: int) -> None:
        self.finance.pay_programme(self.ledger, t, self.foundations, self.firms,
                                   self.funding.funded, self.funding.coaching_level(),
                                   self._lender_account())

    def _offer_entry_jobs(self, draws: np.ndarray) -> None:
        """Each firm decides on its places (one draw each); whole places by largest
        remainder. The wage subsidy is looked up again after a firm walks away: it may have
        been a co-funder."""
        admin, economy = self.admin.vacancy_factor(), self.economy.job_factor()
        cost, worker_months = 0.0, 0  # summed entry by entry, firm by firm
        for f in self.firms:
            if f.in_coalition:
                for c, w in f.gross_costs:
                    cost += c
                    worker_months += w
        shared = cost / worker_months if worker_months else None
        subsidy = self.finance.wage_subsidy_per_worker(self.funding.funded, self.firms)
        for firm, draw in zip(self.firms, draws.tolist(), strict=True):
            if not firm.offers_places():
                firm.desired = 0.0  # what Firm.offer_entry_jobs decides for it
                continue
            firm.offer_entry_jobs(draw, subsidy, admin, economy, shared)
            if not firm.in_coalition:  # it walked away: the co-funders may change
                subsidy = self.finance.wage_subsidy_per_worker(self.funding.funded, self.firms)
        desired, whole = allocate_whole_places(self.firms)
        self._entry_places = self._by_org(whole, self.firm_index)
        self._entry_keep = self._by_org(np.ceil(desired - 1e-9), self.firm_index)
        self._entry_places.flags.writeable = False
        self._entry_keep.flags.writeable = False

    def _participants_move(self, t: int) -> MonthFlows:
        """Participants' month; its programme placements count for the evidence rule."""
        flows = self.moves.run(
            self.pool, t, coaching_slots=self.coaching_slots_array(),
            entry_places=self.entry_places_array(), job_factor=self.economy.job_factor(),
            coaching_keep=self.coaching_keep_array(), entry_keep=self.entry_keep_array(),
            job_loss_factor=self.economy.job_loss_factor(),
            sib_active=self.finance.sib_active(self.funding.funded))
        self.funding.count_placements(flows.programme_placements)
        return flows

    def _pay_running_costs(self, t: int) -> None:
        twin = self.counterfactual.pool if self.counterfactual is not None else None
        self.finance.pay_running_costs(self.ledger, t, self.pool, self.foundations, self.firms,
                                       self.funding.funded, self._lender(), twin)

    def _coalition_month(self, t: int) -> None:
        """Trust events of the month; then partners leave and former partners rejoin."""
        lender = self._lender()
        bound = lender.org_index if lender is not None and self.finance.sib_active(
            self.funding.funded) else None  # a SIB investor stays for the bond's term
        change = self.coalition.month(
            t, self.pool, self.members(),
            red_tape_probability=self.admin.red_tape_probability(),
            conflict_probability=self.governance.conflict_probability(),
            clarity=self.governance.clarity, funded=self.funding.funded, bound=bound,
            results_seen=self.funding.results_ratio() * win_visibility(self.p),
            partner_ratio=self.partner_ratio())
        for i in change.leaving:
            self.orgs[i].leave("trust below threshold", route="partners")
        for i in change.rejoining:
            self.orgs[i].rejoin()

    def _durability(self, t: int, flows: MonthFlows) -> dict[str, bool]:
        money = (self.funding.funded or self.funding.gap_until is not None
                 or bool(self.finance.cofunders(self.firms)))
        window = self.p.results_window_months
        members = self.members()
        gone: dict[str, int] = {}  # partners out now who left within the window, by route
        for o, member in zip(self.orgs, members.tolist(), strict=True):
            if not member and o.left_month is not None and t - o.left_month < window:
                gone[o.left_route] = gone.get(o.left_route, 0) + 1
        return self.durability.update(t, HealthInputs(
            money=money,
            partners=int(members.sum()) - 1,
            coaching_slots=int(self.coaching_slots_array().sum()),
            # members among the firms with places this month
            offering_employers=int(np.count_nonzero((self.entry_places_array() > 0) & members)),
            programme_placements=flows.programme_placements, exits=gone))

    def _inflow(self) -> None:
        k = int(self.rng_inflow.poisson(self.p.inflow_rate * self.p.n_participants))
        if k:
            self._add_participants(k, 0.0)
            self.inflow_total += k
        self.inflow_month = k

    # ----------------------------------------------------------------- results
    def timeseries(self) -> dict[str, np.ndarray]:
        """Monthly outputs from month 0 to the current month, one array per column."""
        return self.record.as_dict(self.steps)

    def end_metrics(self) -> dict[str, float]:
        """End-of-run outputs with dotted names (see ``sim.outputs``)."""
        return end_of_run_metrics(self)
