"""What the model reports: monthly columns and end-of-run metrics (no I/O here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.participant import employed, on_assistance
from sim.durability import CAUSES
from sim.pathway import STATE_NAMES, State
from sim.policies.value import (
    HORIZONS,
    STAKEHOLDERS,
    VALUED,
    LedgerStakeholders,
    horizon_value,
    spell_value,
    valuation_month,
)

if TYPE_CHECKING:
    from sim.agents.participant import ParticipantPool
    from sim.agents.participant_moves import MonthFlows
    from sim.model import InstapModel

ACTOR_KINDS = ("foundation", "regular_employer", "social_enterprise", "housing_corporation",
               "bank")
TRUST_PAIRS = (("municipality", "foundation"), ("municipality", "firm"),
               ("foundation", "firm"))
PROGRAMME_PURPOSES = ("coaching_subsidy", "cofunding", "sib_capital", "wage_subsidy",
                      "debt_help", "monitoring")
# directed trust: (a, b) for "trust of a's members in b's members"
TRUST_GROUPS = ("municipality", "foundation", "firm")
TRUST_DIRECTIONS = tuple((a, b) for a in TRUST_GROUPS for b in TRUST_GROUPS if a != b)
MUNICIPAL_PURPOSES = ("coaching_subsidy", "wage_subsidy", "debt_help", "monitoring",
                      "outcome_payment")

COLUMNS: dict[str, str] = {
    **{name: f"participants in state {name} (persons)" for name in STATE_NAMES},
    "population": "participants not exited (persons)",
    "inflow": "new people on assistance this month (persons)",
    "placements": "starts of work from assistance this month (persons)",
    "programme_placements": "placements through the programme this month (persons)",
    "moves_to_regular": "moves into regular work this month (persons)",
    "job_losses": "job losses this month (persons)",
    "in_debt_help": "participants in debt help (persons)",
    **{f"coalition_{k}": f"{k.replace('_', ' ')}s in the coalition (organisations)"
       for k in ACTOR_KINDS},
    **{f"trust_{a}_{b}": f"mean trust between {a} and {b} (index 0-1)" for a, b in TRUST_PAIRS},
    "coaching_capacity": "usable coaching slots (slots)",
    "entry_places": "entry-job places offered (places)",
    "municipal_spending": "municipal programme spending this month (EUR)",
    "benefit_savings": "benefits not paid because people placed by the programme work (EUR)",
    "outcome_payments": "SIB outcome payments this month (EUR)",
    "private_funding": "private co-funding and SIB capital this month (EUR)",
    "programme_investment": "all programme resources this month (EUR)",
    "benefits_paid": "benefits paid this month (EUR)",
    "funded": "programme funded this month (0/1)",
    "recession": "downturn under way (0/1)",
    "role_clarity": "role clarity (index 0-1)",
    "political_support": "the council's support for the programme (index 0-1)",
    "champion": "a champion of the programme in office (0/1)",
    "budget_level": "coaching budget against the starting budget (factor)",
    "programme_budget": "the programme's budget this month: coaching money at the current "
                        "level and the wage subsidy of this month's entry workers (EUR)",
    **{f"health_{c}": f"the {c} condition of a functioning ecosystem holds (0/1)"
       for c in CAUSES},
    "healthy": "the ecosystem functions: all four health conditions hold (0/1)",
    "alive": "ecosystem alive (0/1)",
    "employed": "participants in work: entry job or regular work (persons)",
    "on_assistance": "participants on assistance: unreached, engaged, in a track (persons)",
    "cf_employed": "the same people without the programme: in work (persons)",
    "cf_on_assistance": "the same people without the programme: on assistance (persons)",
    "cf_placements": "the same people without the programme: starts of work this month "
                     "(persons)",
    "cf_in_debt_help": "the same people without the programme: in debt help (persons)",
    **{f"cost_{s}": f"what the programme cost {s.replace('_', ' ')} this month, against the "
       "counterfactual (EUR)" for s in STAKEHOLDERS},
    **{f"benefit_{s}": f"what the programme brought {s.replace('_', ' ')} this month, against "
       "the counterfactual (EUR)" for s in STAKEHOLDERS},
    **{f"trust_{a}_to_{b}": f"mean trust of {a} members in {b} members (index 0-1)"
       for a, b in TRUST_DIRECTIONS},
    **{f"joins_{k}": f"{k.replace('_', ' ')}s that joined the coalition this month "
       "(organisations)" for k in ACTOR_KINDS},
    **{f"exits_{k}": f"{k.replace('_', ' ')}s that left the coalition this month "
       "(organisations)" for k in ACTOR_KINDS},
}


class MonthlyRecord:
    """Preallocated monthly columns (month 0 is the initial state), and what observing
    keeps from month to month: the coalition (turnover), where the trust columns read,
    whose cost or benefit each ledger entry is, and the kinds as codes."""

    def __init__(self, months: int) -> None:
        self.data = {name: np.zeros(months + 1) for name in COLUMNS}
        self.last = 0
        self.founders: np.ndarray | None = None  # the coalition at month 0
        self.members: np.ndarray | None = None  # the coalition at the last observation
        self.trust_cells = TrustCells()
        self.stakeholders: LedgerStakeholders | None = None  # set up at the first observation
        self._kind_codes: np.ndarray | None = None

    def turnover(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Organisations that joined and that left since the last observation (masks),
        from this month's membership mask against the one kept from last month; the first
        call (month 0) keeps the founding coalition and reports no change. An
        organisation that left and rejoined within one month counts as neither."""
        previous = self.members if self.members is not None else members
        if self.founders is None:
            self.founders = members.copy()
        self.members = members.copy()
        return members & ~previous, previous & ~members

    def kind_codes(self, org_kind: np.ndarray) -> np.ndarray:
        """Each organisation's kind as its position in ``ACTOR_KINDS`` (the municipality:
        ``len(ACTOR_KINDS)``), for counting by kind with one ``bincount``."""
        if self._kind_codes is None:
            codes = {k: i for i, k in enumerate(ACTOR_KINDS)}
            self._kind_codes = np.array([codes.get(k, len(ACTOR_KINDS)) for k in org_kind],
                                        dtype=np.int64)
        return self._kind_codes

    def write(self, month: int, row: dict[str, float]) -> None:
        """Store one month's values."""
        for name, value in row.items():
            self.data[name][month] = value
        self.last = month

    def latest(self, name: str) -> float:
        """The most recent value of a column."""
        return float(self.data[name][self.last])

    def as_dict(self, upto: int) -> dict[str, np.ndarray]:
        """Columns from month 0 to ``upto``, with a ``month`` column first."""
        out: dict[str, np.ndarray] = {"month": np.arange(upto + 1)}
        out.update({k: v[: upto + 1].copy() for k, v in self.data.items()})
        return out


def _stakeholders(model: InstapModel, more_in_work: float, fewer_on_assistance: float,
                  cf_help: float) -> dict[str, float]:
    """This month's cost and benefit per stakeholder, against the counterfactual
    (:mod:`sim.policies.value`): ``more_in_work`` and ``fewer_on_assistance`` people than
    in it, and ``cf_help`` people in debt help in it (NaN without a counterfactual, and
    then the valued stakeholders are NaN)."""
    row: dict[str, float] = {}
    if model.record.stakeholders is None:
        model.record.stakeholders = LedgerStakeholders(model.account_kind)
    for name, (cost, benefit) in model.record.stakeholders.month(model.ledger).items():
        row[f"cost_{name}"], row[f"benefit_{name}"] = cost, benefit
    twin = model.counterfactual
    if twin is None:
        for name in VALUED:
            row[f"cost_{name}"] = row[f"benefit_{name}"] = float("nan")
        return row
    valued = valuation_month(model.p, more_in_work, fewer_on_assistance, cf_help)
    for name, (cost, benefit) in valued.items():
        row[f"cost_{name}"] = row.get(f"cost_{name}", 0.0) + cost
        row[f"benefit_{name}"] = row.get(f"benefit_{name}", 0.0) + benefit
    return row


class TrustCells:
    """Where in the trust matrix each trust column reads (flat indices of its blocks), for
    the coalition of the month; rebuilt only when the membership mask changed."""

    def __init__(self) -> None:
        self.members: np.ndarray | None = None
        self.cells: dict[str, np.ndarray] = {}
        self.kinds: dict[str, np.ndarray] = {}  # organisations of each trust group

    def columns(self, model: InstapModel, members: np.ndarray) -> dict[str, float]:
        """The ``trust_*`` columns of this month."""
        trust = model.coalition.trust
        if members is not self.members:  # model.members() is a new array after a change
            if not self.kinds:
                self.kinds = {kind: np.isin(model.org_kind, ACTOR_KINDS[1:]) if kind == "firm"
                              else model.org_kind == kind for kind in TRUST_GROUPS}
            groups = {kind: np.flatnonzero(of_kind & members)
                      for kind, of_kind in self.kinds.items()}
            self.cells = {f"trust_{a}_{b}": trust.cells_between(groups[a], groups[b])
                          for a, b in TRUST_PAIRS}
            self.cells.update({f"trust_{a}_to_{b}": trust.cells_from(groups[a], groups[b])
                               for a, b in TRUST_DIRECTIONS})
            self.members = members
        return {name: trust.mean_of(cells) for name, cells in self.cells.items()}


def observe(model: InstapModel, flows: MonthFlows, status: dict[str, bool]) -> dict[str, float]:
    """One month's values of every column."""
    counts = model.pool.counts()
    ledger, p = model.ledger, model.p
    members = model.members()
    row: dict[str, float] = {name: float(counts[i]) for i, name in enumerate(STATE_NAMES)}
    row.update(
        population=float(model.pool.n - counts[State.EXITED]),
        inflow=float(model.inflow_month),
        placements=flows.placements, programme_placements=flows.programme_placements,
        moves_to_regular=flows.to_regular, job_losses=flows.job_losses,
        in_debt_help=float(model.pool.in_debt_help[: model.pool.n].sum()),
        coaching_capacity=float(model.coaching_slots_array().sum()),
        entry_places=float(model.entry_places_array().sum()),
        municipal_spending=sum(ledger.paid("municipality", k) for k in MUNICIPAL_PURPOSES),
        benefit_savings=float(model.pool.programme_spell[: model.pool.n].sum()
                              * p.benefit_month),
        outcome_payments=ledger.month_flows.get("outcome_payment", 0.0),
        private_funding=ledger.month_flows.get("cofunding", 0.0)
        + ledger.month_flows.get("sib_capital", 0.0),
        programme_investment=sum(ledger.month_flows.get(k, 0.0) for k in PROGRAMME_PURPOSES),
        benefits_paid=ledger.month_flows.get("benefits", 0.0),
        funded=float(model.funding.funded), recession=float(model.economy.in_recession),
        role_clarity=model.governance.clarity,
        political_support=model.politics.support, champion=float(model.politics.champion),
        budget_level=model.funding.coaching_level() if model.funding.funded else 0.0,
        programme_budget=model.finance.programme_budget(
            model.funding.funded, model.funding.coaching_level(), model.firms,
            int(counts[State.ENTRY_JOB])),
        healthy=float(status["healthy"]), alive=float(status["alive"]),
        employed=float(employed(counts)), on_assistance=float(on_assistance(counts)),
    )
    twin = model.counterfactual
    if twin is not None:
        cf_counts = twin.pool.counts()
        row.update(cf_employed=float(employed(cf_counts)),
                   cf_on_assistance=float(on_assistance(cf_counts)),
                   cf_placements=float(model.cf_flows.placements),
                   cf_in_debt_help=float(twin.pool.in_debt_help[: twin.pool.n].sum()))
    else:
        for name in ("cf_employed", "cf_on_assistance", "cf_placements", "cf_in_debt_help"):
            row[name] = float("nan")
    row.update(_stakeholders(model, row["employed"] - row["cf_employed"],
                             row["cf_on_assistance"] - row["on_assistance"],
                             row["cf_in_debt_help"]))
    for c in CAUSES:
        row[f"health_{c}"] = float(status.get(c, True))
    kind_code = model.record.kind_codes(model.org_kind)
    kinds = len(ACTOR_KINDS) + 1  # the actor kinds and the municipality
    for k, count in zip(ACTOR_KINDS, np.bincount(kind_code[members], minlength=kinds),
                        strict=False):
        row[f"coalition_{k}"] = float(count)
    row.update(model.record.trust_cells.columns(model, members))
    joined, left = model.record.turnover(members)
    joins = np.bincount(kind_code[joined], minlength=kinds)
    exits = np.bincount(kind_code[left], minlength=kinds)
    for i, k in enumerate(ACTOR_KINDS):
        row[f"joins_{k}"] = float(joins[i])
        row[f"exits_{k}"] = float(exits[i])
    return row


def end_of_run_metrics(model: InstapModel) -> dict[str, float]:
    """End-of-run outputs, keyed by dotted names (``section.metric``)."""
    p, pool, now, spells = model.p, model.pool, model.steps, model.moves.spells
    n = pool.n
    ts = model.record.as_dict(now)
    working = pool.in_work()
    ongoing_starts = pool.spell_start[:n][working].astype(np.int64)
    ongoing_prog = pool.programme_spell[:n][working]
    ongoing_debt = pool.spell_debt[:n][working]
    out: dict[str, float] = {}
    survival = model.durability.collapse_month
    out["durability.survival_months"] = float(survival if survival is not None else now)
    out["durability.collapsed"] = float(survival is not None)
    out["durability.months_alive"] = float(ts["alive"][1:].sum())
    out["durability.functioning_months"] = float(model.durability.functioning_months)
    for cause in (*CAUSES, "none"):
        out[f"durability.cause.{cause}"] = float((model.durability.cause or "none") == cause)
    out.update(_participants(model, ts))
    for k in (6, 12, 18):
        share, _ = spells.retention(k, now, ongoing_starts, ongoing_prog)
        out[f"participants.retention_{k}m"] = share
        for debt, name in ((True, "debt"), (False, "no_debt")):
            share, _ = spells.retention(k, now, ongoing_starts, ongoing_prog,
                                        ongoing_debt=ongoing_debt, debt=debt)
            out[f"participants.retention_{k}m_{name}"] = share
    out.update(_duration_exits(model))
    out["participants.final_regular_work"] = float(ts["regular_work"][-1])
    # money
    ended = spells.ended[1].sum(axis=0)
    starts, lengths = np.nonzero(ended)
    weights = ended[starts, lengths]
    prog_starts = np.concatenate([np.repeat(starts, weights), ongoing_starts[ongoing_prog]])
    prog_len = np.concatenate([np.repeat(lengths, weights),
                               now - ongoing_starts[ongoing_prog]])
    ongoing = np.concatenate([np.zeros(int(weights.sum()), bool),
                              np.ones(int(ongoing_prog.sum()), bool)])
    out.update(_value(model, ts, prog_starts, prog_len, ongoing))
    spending = float(ts["municipal_spending"][1:].sum())
    out["finance.municipal_spending"] = spending
    out["finance.programme_investment"] = float(ts["programme_investment"][1:].sum())
    out["finance.benefit_savings"] = float(ts["benefit_savings"][1:].sum())
    out["finance.benefit_savings_net"] = float(
        np.sum(ts["cf_on_assistance"][1:] - ts["on_assistance"][1:]) * p.benefit_month)
    out["finance.outcome_payments"] = float(ts["outcome_payments"][1:].sum())
    bond = model.finance
    out["finance.sib_capital"] = bond.sib_capital
    out["finance.sib_net_outcomes"] = float(bond.sib_outcomes)
    out["finance.investor_multiple"] = (bond.sib_paid / bond.sib_capital
                                        if bond.sib_capital > 0 else float("nan"))
    ret12, _ = spells.retention(12, now, ongoing_starts, ongoing_prog, programme_only=True)
    lasting = _lasting(prog_starts, prog_len, ongoing, now, ret12)
    out["finance.public_cost_per_lasting_placement"] = (
        spending / lasting if lasting > 0 else float("nan"))
    out["coalition.final_size"] = float(model.members().sum() - 1)
    out.update(_coalition_turnover(model, ts))
    return out


def _participants(model: InstapModel, ts: dict[str, np.ndarray]) -> dict[str, float]:
    """Placements and months in work, gross (the programme run), counterfactual (the same
    people without the programme) and net (the difference); the measured deadweight (the
    share of programme placements that would have happened anyway); debt-help reach."""
    pool, twin = model.pool, model.counterfactual
    out: dict[str, float] = {}
    placements = float(ts["placements"][1:].sum())
    programme = float(ts["programme_placements"][1:].sum())
    cf_placements = float(ts["cf_placements"][1:].sum())
    out["participants.placements"] = placements
    out["participants.placements_counterfactual"] = cf_placements
    out["participants.placements_net"] = placements - cf_placements
    out["participants.programme_placements"] = programme
    out["participants.regular_work"] = float(ts["moves_to_regular"][1:].sum())
    work = float(ts["employed"][1:].sum())
    cf_work = float(ts["cf_employed"][1:].sum())
    out["participants.work_months"] = work
    out["participants.work_months_counterfactual"] = cf_work
    out["participants.work_months_net"] = work - cf_work
    out["participants.deadweight_share"] = (
        1.0 - (placements - cf_placements) / programme if programme > 0 else float("nan"))
    out["participants.debt_help_reach"] = _reach(pool)
    out["participants.debt_help_reach_counterfactual"] = (
        _reach(twin.pool) if twin is not None else float("nan"))
    return out


def _reach(pool: ParticipantPool) -> float:
    """Share of the people with problematic debt at some time in the run who were in debt
    help at some time in the run."""
    ever_debt = pool.ever_debt[: pool.n]
    if not ever_debt.any():
        return float("nan")
    return float(pool.ever_debt_help[: pool.n][ever_debt].mean())


def _catch_up(model: InstapModel, ts: dict[str, np.ndarray]) -> float:
    """Monthly factor by which the difference from the counterfactual shrinks past the
    run: people keep their work at the settled hazard, and the counterfactual's people
    start work at its rate over the run's last 12 months."""
    last = slice(max(len(ts["month"]) - 12, 1), None)
    at_risk = float(ts["cf_on_assistance"][last].sum())
    rate = float(ts["cf_placements"][last].sum()) / at_risk if at_risk > 0 else 0.0
    return (1.0 - model.p.job_loss_rate_settled) * (1.0 - min(rate, 1.0))


def _value(model: InstapModel, ts: dict[str, np.ndarray], prog_starts: np.ndarray,
           prog_len: np.ndarray, ongoing: np.ndarray) -> dict[str, float]:
    """The stakeholder table over 3, 10 and 20 years and the social return, net of the
    counterfactual, and the gross social return (:mod:`sim.policies.value`)."""
    p = model.p
    out: dict[str, float] = {}
    decay = _catch_up(model, ts) if model.counterfactual is not None else None
    for years in HORIZONS:
        h = f"{years}y"
        investment = horizon_value(p, ts["programme_investment"], years)
        for name in STAKEHOLDERS:
            projected = decay if name in VALUED else None
            cost = horizon_value(p, ts[f"cost_{name}"], years, projected)
            benefit = horizon_value(p, ts[f"benefit_{name}"], years, projected)
            out[f"value.{name}.cost_{h}"] = cost
            out[f"value.{name}.benefit_{h}"] = benefit
            out[f"value.{name}.net_{h}"] = benefit - cost
        outcomes = (out[f"value.benefits_budget.net_{h}"] + out[f"value.participants.net_{h}"]
                    + out[f"value.municipality.benefit_{h}"])
        out[f"finance.outcome_value_{h}"] = outcomes
        out[f"finance.investment_{h}"] = investment
        out[f"finance.sroi_{h}"] = outcomes / investment if investment > 0 else float("nan")
        gross = spell_value(p, prog_starts, prog_len, ongoing, years)
        out[f"finance.sroi_gross_{h}"] = gross / investment if investment > 0 else float("nan")
    return out


def coalition_size(ts: dict[str, np.ndarray]) -> np.ndarray:
    """Partners in the coalition per month: the ``coalition_KIND`` columns summed."""
    return np.sum([ts[f"coalition_{k}"] for k in ACTOR_KINDS], axis=0)


def _coalition_turnover(model: InstapModel, ts: dict[str, np.ndarray]) -> dict[str, float]:
    """Joins and exits over the run (all kinds), the largest number of partners in any
    month, and the share of the founding (month-0) partners still members at the end."""
    joins = sum(float(ts[f"joins_{k}"][1:].sum()) for k in ACTOR_KINDS)
    exits = sum(float(ts[f"exits_{k}"][1:].sum()) for k in ACTOR_KINDS)
    size = coalition_size(ts)
    founders = model.record.founders
    partners = model.org_kind != "municipality"
    if founders is None or not (founders & partners).any():
        founding_share = float("nan")
    else:
        founding = founders & partners
        founding_share = float((founding & model.members()).sum() / founding.sum())
    return {"coalition.joins": joins, "coalition.exits": exits,
            "coalition.peak_size": float(size.max()),
            "coalition.founding_share_final": founding_share}


def _lasting(starts: np.ndarray, lengths: np.ndarray, ongoing: np.ndarray, now: int,
             ret12: float) -> float:
    """Programme placements still in work 12 months on; recent ones weighted by retention.

    A spell started at least 12 months before the end lasted if it is still going or
    ended after more than 12 months; younger spells count with the 12-month retention.
    """
    observable = starts <= now - 12
    lasted = float((observable & (ongoing | (lengths > 12))).sum())
    recent = float((~observable).sum())
    return lasted + (recent * ret12 if np.isfinite(ret12) else 0.0)


def _duration_exits(model: InstapModel) -> dict[str, float]:
    """Yearly exit-to-work rates by time on assistance (<1, 1-3, >3 years)."""
    out = {}
    for i, name in enumerate(("lt1y", "1to3y", "gt3y")):
        at_risk, exits = model.moves.duration_at_risk[i], model.moves.duration_exits[i]
        monthly = exits / at_risk if at_risk else float("nan")
        out[f"participants.exit_to_work_{name}"] = float(1.0 - (1.0 - monthly) ** 12)
    return out
