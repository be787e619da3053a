"""The one definition of every model parameter: the fields of :class:`Params`.

Each field of the frozen dataclass :class:`Params` is one parameter: its type (the
annotation), its default, and in its metadata a :class:`Parameter` record with its unit,
allowed range, section and the source or rationale for the default (written with
:func:`define`). The model reads the parameters as typed attributes (``p.n_participants``).
:data:`PARAMETERS`, :data:`DEFAULTS` and :data:`LEVERS` are derived from the fields; the
scenario schema (``instap.scenario``), the docs table (``docs/parameters.md``) and the
workshop sliders (``instap.live``) are derived from them; nothing else defines a default.

Build a checked :class:`Params` with :meth:`Params.from_dict` or :meth:`Params.replace`
(``Params()`` gives the defaults); the constructor itself does not check values.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SECTIONS: dict[str, str] = {
    "run": "Population and horizon",
    "pathway": "Participant pathway (causal links 2, 3)",
    "organisations": "Organisations and their capacity",
    "funding": "Funding continuity (causal link 1)",
    "finance": "Financing instrument (causal links 7, 8)",
    "governance": "Role clarity and governance (causal link 4)",
    "trust": "Trust between organisations (causal link 5)",
    "debt": "Debts and debt help (causal link 3)",
    "admin": "Administrative burden (causal link 11)",
    "outreach": "Reach and outreach (causal link 6)",
    "monitoring": "Monitoring and evaluation (causal link 9)",
    "economy": "Economy and employers' goals (causal link 10)",
    "value": "Money and social value (causal link 12)",
    "durability": "Durability definition",
}


@dataclass(frozen=True)
class Parameter:
    """One model parameter: its name, type, unit, default, range and justification."""

    name: str
    default: Any
    unit: str
    description: str
    source: str
    section: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    lever: bool = False  # a policy lever shown as a workshop slider and swept in experiments
    calibrated: bool = False  # fitted by experiments/calibrate.py
    # a scenario's timeline may change it during a run (sim.timeline): it is read when it
    # is used, or the model carries a change over to the state it set up at the start
    mid_run: bool = False

    @property
    def kind(self) -> type:
        """The Python type of the parameter's values."""
        return type(self.default)

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ``ValueError``.

        Numbers must be finite and within the range; an integer parameter takes whole
        numbers only (``24.0`` becomes ``24``).
        """
        kind = self.kind
        if kind is bool:
            if not isinstance(value, bool):
                raise ValueError(self._refusal(value, "expected true or false"))
            return value
        if kind is str:
            if value not in (self.choices or ()):
                raise ValueError(self._refusal(value, "not one of the choices"))
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(self._refusal(value, "expected a number"))
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(self._refusal(value, "expected a finite number"))
        if kind is int and isinstance(value, float) and not value.is_integer():
            raise ValueError(self._refusal(value, "expected a whole number"))
        # Compare before converting: Python compares int and float exactly, while float()
        # of a huge int would overflow.
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ValueError(self._refusal(value, "out of range"))
        return int(value) if kind is int else float(value)

    def _refusal(self, value: Any, reason: str) -> str:
        # repr() of an int over 4,300 digits raises, and a huge value makes no message
        if isinstance(value, int) and abs(value).bit_length() > 200:
            text = f"<a whole number of {abs(value).bit_length()} bits>"
        else:
            text = repr(value)
            text = text if len(text) <= 80 else text[:80] + "..."
        return f"{self.name}={text}: {reason}; allowed: {self.allowed()}"

    def allowed(self) -> str:
        """The allowed values in words, the one text every message uses: ``true or
        false``, ``one of never, political, evidence``, ``a whole number from 3 to 240
        (months)``."""
        if self.kind is bool:
            return "true or false"
        if self.kind is str:
            return "one of " + ", ".join(self.choices or ())
        what = "a whole number" if self.kind is int else "a number"
        return f"{what} from {self.low:g} to {self.high:g} ({self.unit})"


def define(default: Any, unit: str, description: str, source: str, section: str,
           low: float | None = None, high: float | None = None, *,
           choices: tuple[str, ...] | None = None, lever: bool = False,
           calibrated: bool = False, mid_run: bool = False) -> Any:
    """One field of :class:`Params`: its default, and its :class:`Parameter` record in the
    field's metadata (``"parameter"``; named after the field in :data:`PARAMETERS`)."""
    record = Parameter("", default, unit, description, source, section, low, high, choices,
                       lever, calibrated, mid_run)
    return dataclasses.field(default=default, metadata={"parameter": record})


@dataclass(frozen=True, slots=True)
class Params:
    """Every parameter of the model, typed; one field per parameter (see :func:`define`)."""

    # --- run -------------------------------------------------------------------------
    n_participants: int = define(
        2000, "persons",
        "People on long-term social assistance in the programme's target population at the start.",
        "Rationale: a Den Haag district-sized target group; 1,748 people left assistance for work "
        "or school in Den Haag in 2024 (municipality of Den Haag). Runs scale to 100,000.",
        "run", 100, 200_000)
    months: int = define(
        120, "months",
        "Simulation horizon; one step is one month.",
        "Rationale: a 10-year view, beyond the 4-year political cycle (Hogeschool Rotterdam: "
        "problems need 10-20 years).",
        "run", 1, 240)
    counterfactual: bool = define(
        True, "flag",
        "Run the same population without the programme alongside (common random numbers), "
        "so that every outcome is measured against it (net figures).",
        "Rationale: impact is the difference from what would have happened anyway; off only "
        "to save time where net figures are not needed (the twin costs a participant month).",
        "run")
    inflow_rate: float = define(
        0.012, "1/month",
        "New people entering assistance each month, as a share of the initial population.",
        "Rationale: keeps the stock roughly stationary against the outflow of about 12%/year to "
        "work (CBS, 49k of 408k in 2021) plus other exits; 'the city keeps attracting new poor "
        "residents' (Hogeschool Rotterdam).",
        "run", 0.0, 0.05)
    other_exit_rate: float = define(
        0.004, "1/month",
        "Hazard of leaving assistance for reasons other than work (moving, retirement, partner's "
        "income).",
        "Rationale: about 5% a year of recipients leave for non-work reasons (CBS outflow "
        "composition).",
        "run", 0.0, 0.05)
    initial_duration_mean_months: float = define(
        48.0, "months",
        "Mean time on assistance of the initial population (exponential distribution).",
        "Rationale: the target group is long-term unemployed; most Den Haag recipients have been "
        "on assistance for more than 3 years (Divosa 2022).",
        "run", 0.0, 240.0)
    # --- pathway (calibrated) --------------------------------------------------------
    direct_job_rate: float = define(
        0.0271, "1/month",
        "Monthly chance of finding regular work on one's own at zero months out of work (before "
        "duration, debt and economy factors).",
        "Calibrated to yearly exit to work of about 22% in the first year (CBS 2008; Divosa "
        "2022).",
        "pathway", 0.0, 0.2, calibrated=True)
    duration_floor: float = define(
        0.229, "factor",
        "Job-finding multiplier reached after very long unemployment (negative duration "
        "dependence).",
        "Calibrated to yearly exit to work of about 8% after more than three years (CBS 2008; "
        "Divosa 2022).",
        "pathway", 0.0, 1.0, calibrated=True)
    duration_scale_months: float = define(
        23.9, "months",
        "e-folding time of the decline of the job-finding chance with months out of work.",
        "Calibrated with duration_floor.",
        "pathway", 1.0, 120.0, calibrated=True)
    disengage_rate: float = define(
        0.04, "1/month",
        "Chance that an engaged person loses contact again before a track starts.",
        "Rationale: bandwidth and stress (Hogeschool Rotterdam); roughly half lose contact within "
        "a year without a track.",
        "pathway", 0.0, 0.5)
    track_intake_rate: float = define(
        0.3, "1/month",
        "Chance that an engaged person starts a track when a coaching slot is free.",
        "Rationale: intake within a few months of contact.",
        "pathway", 0.0, 1.0)
    track_dropout_rate: float = define(
        0.025, "1/month",
        "Chance of dropping out of a track.",
        "Rationale: about a quarter of starters drop out within a year (typical of Dutch "
        "re-integration tracks).",
        "pathway", 0.0, 0.5)
    track_to_entry_rate: float = define(
        0.3, "1/month",
        "Chance per month that a person who has been in a track for long (a certified leaver) "
        "starts an entry job when a vacancy is free (before duration and debt factors; a "
        "starter's chance is lower, see track_ramp_months).",
        "Rationale: a certified leaver has a large chance of a contract (Platform31, "
        "Wijkondernemingen); tracks last about a year.",
        "pathway", 0.0, 1.0)
    track_ramp_months: float = define(
        4.0, "months",
        "e-folding time of the rise of the entry-job chance with months in a track: "
        "track_to_entry_rate * (1 - exp(-months in track / track_ramp_months)).",
        "A starter has a small chance of a job, a leaver with a certificate a large one "
        "(Platform31, Wijkondernemingen); rationale: most of the rise within the first half "
        "year of a track.",
        "pathway", 0.1, 36.0)
    coaching_effect: float = define(
        1.3, "factor",
        "Multiplier on the own job-finding chance while coached in a track.",
        "Randomised Dutch experiments find small and mixed effects of coaching on work entry "
        "(DOMAIN brief).",
        "pathway", 1.0, 3.0)
    entry_to_regular_rate: float = define(
        0.045, "1/month",
        "Chance per month that an entry-job worker moves on to regular work.",
        "Rationale: entry jobs are transition places of one to two years (Start Foundation).",
        "pathway", 0.0, 0.5)
    job_loss_rate_initial: float = define(
        0.0554, "1/month",
        "Job-loss hazard in the first months after placement.",
        "Calibrated to 82% still employed 6 months after leaving assistance for work (CBS 2024).",
        "pathway", 0.0, 0.3, calibrated=True)
    job_loss_rate_settled: float = define(
        0.0063, "1/month",
        "Job-loss hazard once settled in a job.",
        "Calibrated to 72% still employed after 18 months (CBS 2024) and re-entry into assistance "
        "of about 22% within a year (Divosa 2015).",
        "pathway", 0.0, 0.3, calibrated=True)
    job_tenure_scale_months: float = define(
        3.01, "months",
        "Tenure over which the job-loss hazard falls from its initial to its settled value.",
        "Calibrated with the job-loss rates.",
        "pathway", 0.5, 60.0, calibrated=True)
    # --- organisations ---------------------------------------------------------------
    n_foundations: int = define(
        6, "organisations",
        "Foundations doing outreach, intake and coaching.",
        "Rationale: a handful of neighbourhood foundations (Leiden interviews).",
        "organisations", 1, 50)
    n_regular_employers: int = define(
        20, "organisations",
        "Regular employers in the coalition offering entry jobs.",
        "Rationale: a district coalition (Wijkondernemingen: employers, schools, municipality).",
        "organisations", 0, 500)
    n_social_enterprises: int = define(
        5, "organisations",
        "Work-integration social enterprises.",
        "Rationale: KplusV 2016; a few per district.",
        "organisations", 0, 100)
    n_housing_corporations: int = define(
        3, "organisations",
        "Housing corporations (co-finance, expertise, entry jobs in maintenance).",
        "Leiden interviews (private partners).",
        "organisations", 0, 20)
    n_banks: int = define(
        1, "organisations",
        "Banks (loans, investor in a Social Impact Bond).",
        "Leiden interviews (Rabobank).",
        "organisations", 0, 5)
    coaching_slots_per_1000: float = define(
        90.0, "slots per 1,000 participants",
        "Coaching capacity of all foundations together when fully funded.",
        "Rationale: a coach carries about 30 people; 3 coaches per 1,000 recipients is typical of "
        "district programmes.",
        "organisations", 0.0, 500.0, lever=True, mid_run=True)
    entry_jobs_per_1000: float = define(
        45.0, "jobs per 1,000 participants",
        "Entry-job places offered by all coalition employers together in good times.",
        "Rationale: 1,748 moves to work in Den Haag in 2024 against roughly 30,000 recipients.",
        "organisations", 0.0, 500.0, mid_run=True)
    capacity_rebuild_rate: float = define(
        0.06, "1/month",
        "Share of the gap between a foundation's funded and actual coaching capacity closed each "
        "month (hiring, know-how).",
        "Rationale: rebuilding after a funding gap takes more than a year (Hogeschool Rotterdam; "
        "Wijkondernemingen).",
        "organisations", 0.0, 1.0)
    capacity_loss_rate: float = define(
        0.3, "1/month",
        "Share of coaching capacity lost each month while a foundation is unfunded.",
        "Rationale: staff on project contracts leave within months when money stops.",
        "organisations", 0.0, 1.0)
    foundation_reserve_months: float = define(
        3.0, "months",
        "Cash reserve of a foundation at the start, in months of running costs.",
        "Rationale: foundations suffer from funding gaps and have thin reserves (Leiden "
        "interviews).",
        "organisations", 0.0, 24.0)
    # --- funding ---------------------------------------------------------------------
    pilot_length_months: int = define(
        24, "months",
        "Length of one funded programme period.",
        "Rationale: pilots bounded in time (Hogeschool Rotterdam); Wijkondernemingen ran "
        "2016-2018.",
        "funding", 3, 240, lever=True, mid_run=True)
    renewal_rule: str = define(
        "political", "rule",
        "How the municipality decides to fund a next period: never, political (chance, lower "
        "after an election), evidence (renew if monitored results meet the target).",
        "Hogeschool Rotterdam (4-year political horizon); Leiden interviews (evidence-based "
        "renewal needs monitoring).",
        "funding", choices=("never", "political", "evidence"), lever=True, mid_run=True)
    initial_political_support: float = define(
        0.6, "index 0-1",
        "The council's support for the programme at the start (0 none, 1 full).",
        "Rationale: the programme starts with a council majority behind it (KplusV step 1: "
        "political support).",
        "funding", 0.0, 1.0)
    champion_in_office: bool = define(
        True, "flag",
        "Whether an alderman or senior official champions the programme at the start.",
        "KplusV step 1 (a champion and political support); Kingdon 1984 (a policy "
        "entrepreneur keeps a problem on the agenda).",
        "funding", lever=True, mid_run=True)
    base_support: float = define(
        0.3, "index 0-1",
        "Support the programme would settle at with no champion, no visible results and no "
        "partners pushing for it.",
        "Rationale: a supply-driven pilot is one of many claims on the budget (Hogeschool "
        "Rotterdam); below the renewal threshold, so support has to be earned.",
        "funding", 0.0, 1.0)
    champion_support: float = define(
        0.2, "index 0-1",
        "What a champion in office adds to the support the council settles at.",
        "KplusV step 1; Kingdon 1984 (policy entrepreneurs).",
        "funding", 0.0, 1.0)
    evidence_support_weight: float = define(
        0.3, "index 0-1",
        "How far visible results move support: added at twice the evidence target, taken off "
        "at zero placements (times the share of results the council sees).",
        "Leiden interviews (monitoring neglected but crucial); Kingdon 1984 (problem stream: "
        "visible results keep a programme on the agenda).",
        "funding", 0.0, 1.0)
    partner_lobby_weight: float = define(
        0.2, "index 0-1",
        "What partners with a stake add to support at full trust in the municipality and the "
        "founding number of partners (more partners push harder, up to 1.5 times).",
        "Leiden interviews (private partners ask for long-term commitment); KplusV step 7 "
        "(networks).",
        "funding", 0.0, 1.0)
    downturn_support_loss: float = define(
        0.15, "index 0-1",
        "Support lost during a downturn (benefit costs rise and squeeze the budget).",
        "Rationale: in a downturn more people need assistance, so the municipal budget comes "
        "under pressure (DOMAIN link 10).",
        "funding", 0.0, 1.0)
    support_adjust_rate: float = define(
        0.1, "1/month",
        "Share of the gap between current support and the level the streams point to closed each "
        "month.",
        "Rationale: council opinion moves over months, not weeks.",
        "funding", 0.0, 1.0)
    election_support_shock: float = define(
        0.15, "index 0-1",
        "Largest change in support an election brings (a uniform draw between minus and plus "
        "this).",
        "Hogeschool Rotterdam (4-year political horizon): a new council brings its own plans.",
        "funding", 0.0, 1.0)
    champion_loss_probability: float = define(
        0.5, "probability",
        "Chance that the champion leaves office at an election.",
        "Rationale: aldermen often change portfolio or leave at an election.",
        "funding", 0.0, 1.0)
    champion_gain_probability: float = define(
        0.3, "probability",
        "Chance that an election brings a new champion when there is none.",
        "Rationale: a champion is found less easily than lost (KplusV).",
        "funding", 0.0, 1.0)
    renewal_support_threshold: float = define(
        0.5, "index 0-1",
        "Support at which the council renews the programme in full at the end of a period.",
        "Rationale: a council majority.",
        "funding", 0.0, 1.0)
    end_support_threshold: float = define(
        0.3, "index 0-1",
        "Support below which the council ends the programme at the end of a period; between "
        "this and the renewal threshold it extends once, then cuts.",
        "Rationale: a programme without a majority but with some support is trimmed, not "
        "ended.",
        "funding", 0.0, 1.0)
    max_cut_share: float = define(
        0.5, "share",
        "Budget cut at support just above the end threshold (the cut shrinks linearly to 0 at "
        "the renewal threshold).",
        "Rationale: municipal budget rounds trim programmes by up to half.",
        "funding", 0.0, 1.0)
    raise_support_threshold: float = define(
        0.8, "index 0-1",
        "Support above which the council raises the budget at renewal.",
        "Rationale: a programme with broad support and results gets more money.",
        "funding", 0.0, 1.0)
    budget_raise_share: float = define(
        0.2, "share",
        "Rise of the budget at a renewal above the raise threshold.",
        "Rationale: modest growth per council decision.",
        "funding", 0.0, 1.0)
    max_budget_level: float = define(
        2.0, "factor",
        "Largest budget relative to the starting budget.",
        "Rationale: growth is bounded by the target group and the council's means.",
        "funding", 1.0, 10.0)
    results_window_months: int = define(
        12, "months",
        "Months of programme placements over which the council, partners and outsiders judge "
        "results.",
        "Rationale: results are judged in yearly reports and budget rounds.",
        "funding", 1, 60)
    extension_months: int = define(
        6, "months",
        "Length of the one extension a period gets when support is between the end and renewal "
        "thresholds.",
        "Rationale: 'we extend the pilot half a year and decide later'.",
        "funding", 1, 24, mid_run=True)
    evidence_threshold: float = define(
        25.0, "placements per 1,000 per year",
        "Programme placements the evidence rule asks for to renew.",
        "Rationale: about the rate the baseline programme reaches when fully staffed.",
        "funding", 0.0, 500.0, mid_run=True)
    renewal_gap_months: int = define(
        4, "months",
        "Months without money between a period and its successor when a pilot is renewed "
        "(decision and tender delays).",
        "Rationale: funding gaps between pilots (Leiden interviews, foundations).",
        "funding", 0, 36, mid_run=True)
    multi_year_commitment_years: int = define(
        0, "years",
        "If above 0, funding is committed for this many years per period and renewed without a "
        "gap.",
        "Hogeschool Rotterdam (stable multi-year funding as a condition for impact).",
        "funding", 0, 10, lever=True, mid_run=True)
    election_interval_months: int = define(
        48, "months",
        "Time between municipal elections.",
        "Dutch municipal elections every 4 years.",
        "funding", 12, 120)
    first_election_month: int = define(
        16, "month",
        "Month of the first election after the start.",
        "Rationale: the model starts in late 2024; next Dutch municipal election March 2026.",
        "funding", 1, 120)
    restart_month: int = define(
        0, "month",
        "If above 0, a new programme starts in this month after funding had ended (0: no "
        "restart).",
        "Rationale: lets analysts test the cost of restarting after a gap (pilot cliff pattern).",
        "funding", 0, 240)
    # --- finance ---------------------------------------------------------------------
    financing: str = define(
        "subsidy", "instrument",
        "How the programme is paid: subsidy (the municipality pays), hybrid (housing corporations "
        "and the bank co-fund a share of coaching and wage subsidies; banks lend to social "
        "enterprises under every instrument), sib (Social Impact Bond: an investor pre-finances, "
        "the municipality pays per verified outcome).",
        "Leiden interviews; Hogeschool Rotterdam (SIB).",
        "finance", choices=("subsidy", "hybrid", "sib"), lever=True)
    private_cofunding_share: float = define(
        0.3, "share",
        "Share of programme costs co-funded by housing corporations and the bank under hybrid "
        "finance.",
        "Rationale: private partners bring finance and expertise (Leiden interviews).",
        "finance", 0.0, 1.0, mid_run=True)
    coaching_cost_per_slot: float = define(
        350.0, "EUR/month",
        "Cost of one coaching slot.",
        "Rationale: a coach at about 6,000 EUR/month with 30 clients plus overhead.",
        "finance", 0.0, 5000.0)
    wage_subsidy_share: float = define(
        0.5, "share",
        "Share of an entry-job wage paid by the municipality (partly from benefit money).",
        "Start Foundation (work paid partly from benefit money).",
        "finance", 0.0, 1.0, mid_run=True)
    sib_term_months: int = define(
        60, "months",
        "Term of a Social Impact Bond.",
        "INDIGO: Dutch SIBs run 2-8 years.",
        "finance", 12, 120)
    sib_outcome_payment: float = define(
        9000.0, "EUR",
        "Payment per net verified outcome: a start of work still going after "
        "sib_verification_months, above the counterfactual baseline.",
        "Rationale: about half a year of public cost per recipient (16,100 + 2,900 EUR/year, "
        "Berenschot 2018).",
        "finance", 0.0, 50000.0)
    sib_baseline_share: float = define(
        0.5, "share",
        "Only without a counterfactual run (counterfactual: false): the share of verified "
        "programme placements taken as the baseline that would have happened anyway; outcomes "
        "above it are paid. With the counterfactual the baseline is measured.",
        "Rationale: SIB contracts pay above a counterfactual baseline (INDIGO).",
        "finance", 0.0, 1.0)
    sib_business_case_outcomes_per_1000: float = define(
        40.0, "outcomes per 1,000 participants per year",
        "Net verified outcomes a year that the provider's business case promises; investors "
        "sign the first term of a bond on it.",
        "Rationale: a Dutch SIB is signed on a business case that repays the capital with the "
        "capped return (INDIGO impact bond data: 2-8 years, caps of 4-12% a year); at the "
        "default capital (the coaching budget) and outcome payment that takes about 40. What "
        "the model then realises is the investors' risk.",
        "finance", 0.0, 500.0)
    sib_payment_interval_months: int = define(
        6, "months",
        "How often the independent evaluator reports and the municipality pays the outcomes "
        "verified since the last report.",
        "INDIGO: outcome payments at contracted milestones; rationale: a half-yearly report.",
        "finance", 1, 24)
    sib_return_cap: float = define(
        0.08, "1/year",
        "Cap on the investor's yearly return.",
        "INDIGO: Dutch SIB return caps 4-12% a year.",
        "finance", 0.0, 0.3)
    sib_referral_rate: float = define(
        0.7, "share",
        "Share of the usual inflow into coaching that the municipality refers under a SIB (intake "
        "depends on referrals).",
        "Hogeschool Rotterdam (SIB intake depends on municipal referrals).",
        "finance", 0.0, 1.0)
    se_reserve_months: float = define(
        3.0, "months",
        "Cash reserve of a social enterprise at the start, in months of wage costs.",
        "Rationale: thin reserves; social enterprises fail when cash runs out (DOMAIN link 7).",
        "finance", 0.0, 24.0)
    entry_productivity: float = define(
        1300.0, "EUR/month",
        "Revenue an entry-job worker earns for the employer.",
        "Rationale: about half of a minimum-wage job's productivity.",
        "finance", 0.0, 5000.0)
    entry_wage: float = define(
        2040.0, "EUR/month",
        "Gross wage of an entry job.",
        "Minimum wage 14.71 EUR/hour (Jan 2026) x 32 hours x 52/12.",
        "finance", 0.0, 5000.0)
    loan_rate: float = define(
        0.05, "1/year",
        "Interest rate of bank loans to social enterprises.",
        "Rationale: commercial small-business rate; banks lend on cash flow, not social return "
        "(Hogeschool Rotterdam).",
        "finance", 0.0, 0.3)
    foundation_other_income_share: float = define(
        0.2, "share",
        "Share of a member foundation's full coaching budget it raises from other sources (funds, "
        "charities, donations); it flows whatever the municipality decides, and the programme "
        "pays the rest.",
        "Leiden interviews (foundations live on more than one money source but suffer from "
        "funding gaps).",
        "finance", 0.0, 1.0)
    investor_min_return: float = define(
        0.0, "1/year",
        "Yearly return SIB investors must expect (from the business case for a first term, "
        "from the outcomes realised so far for a next one) to put money into a term; "
        "otherwise the programme, if funded, is paid as a subsidy.",
        "INDIGO impact bond data (investors price the risk of missed outcomes).",
        "finance", -1.0, 0.3)
    lending_window_months: int = define(
        12, "months",
        "Months of a social enterprise's cash flow a bank looks at before it lends: it lends "
        "when their sum is not negative.",
        "Banks lend on cash-flow grounds, not on social return (Hogeschool Rotterdam); "
        "rationale: a year of accounts, so that one month with an indebted worker does not "
        "decide.",
        "finance", 1, 60)
    bank_loss_tolerance: float = define(
        50000.0, "EUR",
        "Written-off loans after which the bank stops lending to social enterprises.",
        "Hogeschool Rotterdam (banks lend on cash-flow grounds, not social return).",
        "finance", 0.0, 10_000_000.0)
    sib_verification_months: int = define(
        6, "months",
        "How long a placement must last before a SIB pays for it as a verified outcome.",
        "INDIGO (an independent evaluator verifies outcomes); six months is a common milestone.",
        "finance", 1, 24)
    showable_impact_weight: float = define(
        0.15, "index 0-1",
        "How much housing corporations and banks weigh the impact they can show: added to their "
        "trust in the coalition at visible results of twice the evidence target, taken off at "
        "none (times the share of results they see).",
        "Leiden interviews (private partners want measurable impact); DOMAIN link 9.",
        "finance", 0.0, 1.0)
    # --- governance ------------------------------------------------------------------
    role_clarity: float = define(
        0.4, "index 0-1",
        "How clear roles and responsibilities are in the coalition.",
        "Leiden interviews: unclear roles and governance slow cooperation.",
        "governance", 0.0, 1.0, lever=True, mid_run=True)
    partnership_agreement: bool = define(
        False, "flag",
        "Whether partners sign a partnership agreement that fixes roles.",
        "Leiden interviews; KplusV step 7 (networks and cooperation).",
        "governance", lever=True)
    agreement_month: int = define(
        1, "month",
        "Month the partnership agreement is signed.",
        "Rationale: signed at the start unless a scenario says otherwise.",
        "governance", 0, 240)
    agreement_clarity_gain: float = define(
        0.35, "index 0-1",
        "Rise in role clarity from a partnership agreement (capped at 1).",
        "Rationale: an agreement settles most but not all role questions.",
        "governance", 0.0, 1.0)
    conflict_rate: float = define(
        0.25, "1/month",
        "Chance per partner per month of a conflict at zero role clarity.",
        "Rationale: unclear roles cause duplicated effort and conflicts (Leiden interviews).",
        "governance", 0.0, 1.0)
    municipality_conflict_share: float = define(
        0.5, "share",
        "Share of a partner's conflicts whose other side is the municipality (the rest are with "
        "a random other member).",
        "Leiden interviews (public and private sides differ on roles and goals); KplusV (the "
        "municipality moves from executor to director).",
        "governance", 0.0, 1.0)
    coordination_overhead: float = define(
        0.25, "share",
        "Share of coaching capacity lost to coordination at zero role clarity.",
        "Rationale: unclear roles cost overhead (Leiden interviews).",
        "governance", 0.0, 1.0)
    # --- trust -----------------------------------------------------------------------
    initial_trust: float = define(
        0.6, "index 0-1",
        "Trust between organisations at the start.",
        "Rationale: partners start with moderate goodwill.",
        "trust", 0.0, 1.0)
    trust_gain: float = define(
        0.015, "index step",
        "Trust gained from one kept promise or visible small win (an additive step on the 0-1 "
        "scale).",
        "Rationale: trust builds slowly (DOMAIN link 5).",
        "trust", 0.0, 1.0)
    trust_asymmetry: float = define(
        3.0, "ratio",
        "How much more a broken promise weighs than a kept one.",
        "Slovic 1993; Poortinga and Pidgeon 2004 (negative events weigh more).",
        "trust", 1.0, 10.0)
    trust_sensitivity: float = define(
        1.0, "factor",
        "Scales all trust updates (how reactive partners are).",
        "Rationale: a workshop lever for more or less reactive partners.",
        "trust", 0.0, 5.0, lever=True, mid_run=True)
    trust_exit_threshold: float = define(
        0.3, "index 0-1",
        "A partner leaves the coalition when its trust in the coalition falls below this.",
        "Rationale: partners leave when trust is too low (DOMAIN link 5).",
        "trust", 0.0, 1.0)
    rejoin_rate: float = define(
        0.08, "1/month",
        "Chance per month that a former partner rejoins a funded programme, given enough trust.",
        "Rationale: rebuilding a coalition takes time (Wijkondernemingen).",
        "trust", 0.0, 1.0)
    trust_recovery_rate: float = define(
        0.03, "1/month",
        "Drift of a former partner's trust back towards the initial level.",
        "Rationale: slow forgiveness.",
        "trust", 0.0, 1.0)
    trust_weight_cut: float = define(
        3.0, "promises",
        "How many broken promises a funding cut or end counts as.",
        "Rationale: a cut breaks the whole commitment, not one appointment (DOMAIN link 5).",
        "trust", 0.0, 20.0)
    trust_weight_gap_month: float = define(
        1.0, "promises",
        "Broken promises per month without money (a gap or an ended programme).",
        "Rationale: each unpaid month is a new disappointment (Leiden interviews, foundations).",
        "trust", 0.0, 20.0)
    trust_weight_renewal: float = define(
        2.0, "promises",
        "Kept promises an on-time renewal counts as.",
        "Rationale: continuity is the main promise partners ask for (Leiden interviews).",
        "trust", 0.0, 20.0)
    trust_weight_late_renewal: float = define(
        1.0, "promises",
        "Broken promises a renewal with a gap counts as (the money comes, but late).",
        "Rationale: funding gaps between pilots (Leiden interviews, foundations).",
        "trust", 0.0, 20.0)
    funder_trust_weight: float = define(
        0.7, "share",
        "Weight of trust in the municipality in a partner's trust in the coalition (the rest is "
        "its mean trust in the other members).",
        "Rationale: the municipality owns and funds the programme (Leiden interviews).",
        "trust", 0.0, 1.0)
    exit_threshold_spread: float = define(
        0.1, "index 0-1",
        "Partners differ in how much distrust they accept: each partner's own exit threshold is "
        "drawn uniformly within this distance of trust_exit_threshold.",
        "Rationale: organisations differ in patience and stake; without spread identical "
        "partners would all leave in the same month.",
        "trust", 0.0, 0.5)
    rejoin_trust_margin: float = define(
        0.1, "index 0-1",
        "Trust above a partner's exit threshold needed to come back or to join.",
        "Rationale: hysteresis; a partner that just left does not return at once.",
        "trust", 0.0, 1.0)
    conflict_group_weight: float = define(
        0.5, "promises",
        "How much a conflict dents the initiator's trust in every member of the other side's "
        "kind ('employers dump the paperwork on us').",
        "Rationale: conflicts generalise to the other side's group (Leiden interviews: "
        "diverging interests block a shared vision).",
        "trust", 0.0, 5.0)
    wins_per_kept_promise: float = define(
        2.0, "placements",
        "Visible placements (per 2,000 participants) a partner needs to see to count one kept "
        "promise.",
        "Rationale: small wins build trust slowly (Ansell and Gash 2008).",
        "trust", 0.1, 50.0)
    dialogue_rate: float = define(
        0.3, "promises/month",
        "Kept promises per month that regular face-to-face dialogue among members brings at "
        "full role clarity (proportional to clarity).",
        "Ansell and Gash 2008 (dialogue and shared understanding build trust); Leiden "
        "interviews (clear roles and governance needed for cooperation).",
        "trust", 0.0, 5.0)
    potential_partner_share: float = define(
        0.5, "share",
        "Organisations outside the coalition at the start that may join later, as a share of "
        "the founding number of each kind (rounded).",
        "Hogeschool Rotterdam (connecting networks, employers becoming aware); KplusV step 7.",
        "trust", 0.0, 3.0)
    join_rate: float = define(
        0.03, "1/month",
        "Chance per month that an outside organisation joins a funded programme whose results it "
        "sees at the evidence target (scaled by visible results, up to twice, and by the "
        "coalition's size against its founding size: the flywheel).",
        "Hogeschool Rotterdam (large parties as a flywheel, awareness among employers).",
        "trust", 0.0, 1.0)
    # --- debt ------------------------------------------------------------------------
    debt_prevalence: float = define(
        0.3, "share",
        "Share of participants (and of new inflow) with problematic debt.",
        "ESB 2024: about 20% owe the municipality; problematic debt is far more common among "
        "recipients than the 8% of all households (CBS).",
        "debt", 0.0, 1.0)
    debt_job_start_factor: float = define(
        0.6, "factor",
        "Multiplier on job-starting chances for a person with problematic debt.",
        "Hogeschool Rotterdam: debts block the route to work; Regioplan 2011: debt help shortens "
        "the spell by about 4 months.",
        "debt", 0.0, 1.0)
    debt_job_loss_factor: float = define(
        1.8, "factor",
        "Multiplier on the job-loss hazard for a worker with problematic debt.",
        "Nibud 2017: an indebted employee costs the employer about 13,000 EUR a year.",
        "debt", 1.0, 5.0)
    debt_employer_cost: float = define(
        1083.0, "EUR/month",
        "Cost to the employer of an indebted entry-job worker.",
        "Nibud 2017: about 13,000 EUR a year.",
        "debt", 0.0, 5000.0)
    debt_help_capacity_per_1000: float = define(
        12.0, "places per 1,000 participants",
        "Places in debt help (schuldhulpverlening) for the target group.",
        "Rationale: only about one in seven households with problematic debt is in view of debt "
        "help (CBS).",
        "debt", 0.0, 500.0, lever=True, mid_run=True)
    debt_help_months: float = define(
        10.0, "months",
        "Mean duration of debt help.",
        "Rationale: stabilisation and settlement take most of a year.",
        "debt", 1.0, 60.0)
    debt_help_success: float = define(
        0.6, "probability",
        "Chance that debt help resolves the problematic debt.",
        "Rationale: about half to two thirds of debt help ends in a settlement or stable "
        "situation.",
        "debt", 0.0, 1.0)
    debt_detection_rate: float = define(
        0.08, "1/month",
        "Chance per month that an indebted person in contact with a foundation is referred to "
        "debt help.",
        "Rationale: debts are often found late (Hogeschool Rotterdam).",
        "debt", 0.0, 1.0)
    debt_self_referral_rate: float = define(
        0.0015, "1/month",
        "Chance per month that an indebted person the programme does not reach asks for debt "
        "help on their own (also in the counterfactual without the programme).",
        "Rationale: only about one in seven households with problematic debt is in view of debt "
        "help (CBS); with this rate and the programme's referrals about one in seven "
        "participants with debt gets debt help within the run (tests/test_patterns.py).",
        "debt", 0.0, 1.0)
    debt_help_first: bool = define(
        False, "flag",
        "Debt help first: coached people are screened for debt, get priority in debt help, and "
        "start a job after it.",
        "Hogeschool Rotterdam: debts block the route to work.",
        "debt", lever=True, mid_run=True)
    debt_screening_factor: float = define(
        3.0, "factor",
        "Under debt help first: how much more often debts of coached people are found (they are "
        "screened at intake).",
        "Rationale: screening at intake finds debts that would otherwise surface late "
        "(Hogeschool Rotterdam).",
        "debt", 1.0, 20.0)
    debt_help_cost: float = define(
        250.0, "EUR/month",
        "Municipal cost of one debt-help place.",
        "Rationale: debt help at roughly 3,000 EUR per case.",
        "debt", 0.0, 5000.0)
    # --- admin -----------------------------------------------------------------------
    admin_burden: float = define(
        0.5, "index 0-1",
        "Administrative burden on employers and foundations (wage garnishment, subsidy "
        "paperwork).",
        "Hogeschool Rotterdam: employers want to hire but hit administrative burden.",
        "admin", 0.0, 1.0, lever=True, mid_run=True)
    admin_vacancy_effect: float = define(
        0.5, "share",
        "Share of entry-job places employers withhold at maximum burden.",
        "Rationale: burden reduces employers' willingness (DOMAIN link 11).",
        "admin", 0.0, 1.0)
    admin_capacity_effect: float = define(
        0.3, "share",
        "Share of coaching capacity spent on paperwork at maximum burden.",
        "Rationale: foundations suffer from bureaucracy (Leiden interviews).",
        "admin", 0.0, 1.0)
    red_tape_rate: float = define(
        0.1, "1/month",
        "Chance per partner per month of a red-tape incident (late payment, paperwork) at maximum "
        "burden.",
        "Rationale: red tape breaks promises (DOMAIN link 5).",
        "admin", 0.0, 1.0)
    # --- outreach --------------------------------------------------------------------
    outreach_doors: int = define(
        1, "entry points",
        "Kinds of organisation through which people can enter (1: only the municipality's "
        "counter).",
        "Hogeschool Rotterdam: 'any door goes'.",
        "outreach", 1, 10, lever=True, mid_run=True)
    reach_rate: float = define(
        0.02, "1/month",
        "Chance per month that an unreached person is reached through a fully trusted door.",
        "Rationale: good initiatives do not reach the target group (Hogeschool Rotterdam).",
        "outreach", 0.0, 1.0)
    extra_door_weight: float = define(
        0.5, "share",
        "How much one extra door (a foundation, employer or housing corporation) adds to reach, "
        "relative to a fully trusted door.",
        "Rationale: each extra door reaches part of the people the others miss.",
        "outreach", 0.0, 1.0)
    participant_trust_municipality: float = define(
        0.3, "index 0-1",
        "Participants' trust in the municipality as a door.",
        "Hogeschool Rotterdam: people distrust the municipality.",
        "outreach", 0.0, 1.0)
    participant_trust_foundation: float = define(
        0.7, "index 0-1",
        "Participants' trust in foundations and neighbours as doors.",
        "Leiden interviews: foundations reach vulnerable groups.",
        "outreach", 0.0, 1.0)
    # --- monitoring ------------------------------------------------------------------
    monitoring: bool = define(
        False, "flag",
        "Whether the programme is monitored and evaluated (results visible).",
        "Leiden interviews: monitoring is neglected but crucial; KplusV step 8.",
        "monitoring", lever=True, mid_run=True)
    monitoring_cost: float = define(
        3000.0, "EUR/month",
        "Cost of monitoring and evaluation.",
        "Rationale: a part-time evaluator.",
        "monitoring", 0.0, 50000.0)
    win_visibility_unmonitored: float = define(
        0.3, "share",
        "Share of small wins partners see without monitoring.",
        "Rationale: without monitoring nobody sees results (DOMAIN link 9).",
        "monitoring", 0.0, 1.0)
    # --- economy ---------------------------------------------------------------------
    recession_probability: float = define(
        0.01, "1/month",
        "Chance per month that a downturn starts.",
        "Rationale: about one recession a decade.",
        "economy", 0.0, 0.2)
    recession_months: int = define(
        18, "months",
        "Length of a downturn.",
        "Rationale: Dutch recessions of 2009 and 2012-13.",
        "economy", 1, 60)
    recession_job_cut: float = define(
        0.4, "share",
        "Share of entry-job places and job-finding chances lost in a downturn.",
        "Rationale: a downturn cuts jobs (DOMAIN link 10).",
        "economy", 0.0, 1.0)
    employer_prior_worker_months: float = define(
        120.0, "worker-months",
        "How much what entry workers cost the coalition's employers together (or, before "
        "anyone had one, the expected cost with the average debt) weighs against an "
        "employer's own realised costs of the last 12 months, counted as worker-months of "
        "its own experience.",
        "Rationale: employers in the coalition hear what entry workers cost the others "
        "(networks, learning communities: Hogeschool Rotterdam) and follow their own books "
        "only once they have many workers; judged on its own one or two workers, a firm "
        "left over a single indebted worker, and places per 1,000 participants fell with "
        "the population size (tests/test_patterns.py).",
        "economy", 0.0, 1000.0)
    impact_weight: float = define(
        0.5, "index 0-1",
        "Weight employers give to social impact against cost.",
        "Leiden interviews: private side balances economic viability and social impact.",
        "economy", 0.0, 1.0)
    # --- value -----------------------------------------------------------------------
    benefit_month: float = define(
        1345.0, "EUR/month",
        "Social assistance benefit per recipient.",
        "Dutch norm for a single person 21+, Jan 2025.",
        "value", 0.0, 5000.0)
    execution_cost_month: float = define(
        242.0, "EUR/month",
        "Municipal execution cost per recipient.",
        "Berenschot 2018: about 2,900 EUR a year.",
        "value", 0.0, 5000.0)
    social_value_month: float = define(
        300.0, "EUR/month",
        "Health and wellbeing value of a month in work.",
        "Rationale: with it, work-integration SROI over a year lands in the 1.3-2.2 range of "
        "Mathematica/REDF 2015.",
        "value", 0.0, 5000.0)
    net_wage_share: float = define(
        0.8, "share",
        "Net wage as a share of the gross entry wage (for the personal value of work).",
        "Rationale: income tax and contributions on a minimum wage.",
        "value", 0.0, 1.0)
    discount_rate: float = define(
        0.0225, "1/year",
        "Discount rate for future value.",
        "Dutch government discount rate (Werkgroep discontovoet 2020).",
        "value", 0.0, 0.2)
    # --- durability ------------------------------------------------------------------
    health_window_months: int = define(
        6, "months",
        "Look-back window of the health conditions on placements.",
        "Rationale: half a year without placements is not a pause but a standstill.",
        "durability", 1, 24)
    min_partner_share: float = define(
        0.5, "share",
        "Partners (all kinds) the coalition needs, as a share of its founding number, to count "
        "as functioning.",
        "Rationale: a coalition that lost half its partners has fallen apart (Leiden: "
        "durability needs the partners together).",
        "durability", 0.0, 1.0)
    min_capacity_share: float = define(
        0.25, "share",
        "Usable coaching slots needed, as a share of the founding capacity, to count as "
        "functioning.",
        "Rationale: a quarter of the coaching is a skeleton crew, less is no programme.",
        "durability", 0.0, 1.0)
    min_placement_rate: float = define(
        10.0, "placements per 1,000 per year",
        "Programme placements over the health window needed to count as functioning (from "
        "startup_months on).",
        "Rationale: 40% of the evidence target; a programme placing fewer places almost nobody.",
        "durability", 0.0, 500.0)
    startup_months: int = define(
        18, "months",
        "Months after the programme opens before the placements condition of a functioning "
        "ecosystem applies (the programme starts empty).",
        "Rationale: people must be reached and coached before anyone moves into an entry job; "
        "with the default reach and track ramp the first placements come after about half a "
        "year, and the placement threshold is reached in the second year.",
        "durability", 0, 60)
    min_employers_alive: int = define(
        2, "organisations",
        "Coalition employers that must offer entry jobs for the ecosystem to count as "
        "functioning.",
        "Rationale: one employer is a project, not an ecosystem.",
        "durability", 0, 100)
    collapse_grace_months: int = define(
        3, "months",
        "Months the ecosystem may fail to function in a row before it counts as collapsed.",
        "Rationale: a short gap is not a collapse.",
        "durability", 1, 24)

    def replace(self, **changes: Any) -> Params:
        """A copy with ``changes``, each checked (:meth:`Parameter.check`); an unknown name
        raises ``KeyError``."""
        checked = {}
        for name, value in changes.items():
            if name not in PARAMETERS:
                raise KeyError(f"unknown parameter {name!r}")
            checked[name] = PARAMETERS[name].check(value)
        return dataclasses.replace(self, **checked)

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any]) -> Params:
        """The defaults updated with ``mapping``, each value checked."""
        return cls().replace(**mapping)

    def as_dict(self) -> dict[str, Any]:
        """Plain values by name, in definition order."""
        return {name: getattr(self, name) for name in PARAMETERS}


PARAMETERS: dict[str, Parameter] = {
    f.name: dataclasses.replace(f.metadata["parameter"], name=f.name)
    for f in dataclasses.fields(Params)
}
DEFAULTS: dict[str, Any] = {name: p.default for name, p in PARAMETERS.items()}
LEVERS: tuple[str, ...] = tuple(name for name, p in PARAMETERS.items() if p.lever)

