"""The one definition of every model parameter.

Each :class:`Parameter` carries its name, unit, default, allowed range, section and the
source or rationale for its default. The scenario schema (``instap.scenario``), the docs
table (``docs/parameters.md``) and the workshop sliders (``instap.live``) are all derived
from :data:`PARAMETERS`; nothing else defines a default.
"""

from __future__ import annotations

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

    @property
    def kind(self) -> type:
        """The Python type of the parameter's values."""
        return type(self.default)

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ``ValueError``."""
        kind = self.kind
        if kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.name}={value!r}: expected true or false")
            return value
        if kind is str:
            if value not in (self.choices or ()):
                raise ValueError(f"{self.name}={value!r}: allowed values are {self.allowed()}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{self.name}={value!r}: expected a number, {self.allowed()}")
        if kind is int:
            if float(value) != int(value):
                raise ValueError(f"{self.name}={value!r}: expected a whole number")
            value = int(value)
        else:
            value = float(value)
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ValueError(f"{self.name}={value!r}: allowed range is {self.allowed()}")
        return value

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind is bool:
            return "true or false"
        if self.kind is str:
            return "one of " + ", ".join(self.choices or ())
        return f"{self.low:g} to {self.high:g}"


def _p(*args: Any, **kwargs: Any) -> Parameter:
    return Parameter(*args, **kwargs)


_DEFINITIONS: list[Parameter] = [
    # --- run -------------------------------------------------------------------------
    _p("n_participants", 2000, "persons", "People on long-term social assistance in the "
       "programme's target population at the start.", "Rationale: a Den Haag district-sized "
       "target group; 1,748 people left assistance for work or school in Den Haag in 2024 "
       "(municipality of Den Haag). Runs scale to 100,000.", "run", 100, 200_000),
    _p("months", 120, "months", "Simulation horizon; one step is one month.",
       "Rationale: a 10-year view, beyond the 4-year political cycle (Hogeschool Rotterdam: "
       "problems need 10-20 years).", "run", 1, 240),
    _p("inflow_rate", 0.012, "1/month", "New people entering assistance each month, as a "
       "share of the initial population.", "Rationale: keeps the stock roughly stationary "
       "against the outflow of about 12%/year to work (CBS, 49k of 408k in 2021) plus other "
       "exits; 'the city keeps attracting new poor residents' (Hogeschool Rotterdam).",
       "run", 0.0, 0.05),
    _p("other_exit_rate", 0.004, "1/month", "Hazard of leaving assistance for reasons other "
       "than work (moving, retirement, partner's income).", "Rationale: about 5% a year of "
       "recipients leave for non-work reasons (CBS outflow composition).", "run", 0.0, 0.05),
    _p("initial_duration_mean_months", 48.0, "months", "Mean time on assistance of the "
       "initial population (exponential distribution).", "Rationale: the target group is "
       "long-term unemployed; most Den Haag recipients have been on assistance for more than "
       "3 years (Divosa 2022).", "run", 0.0, 240.0),
    # --- pathway (calibrated) --------------------------------------------------------
    _p("direct_job_rate", 0.0273, "1/month", "Monthly chance of finding regular work on "
       "one's own at zero months out of work (before duration, debt and economy factors).",
       "Calibrated to yearly exit to work of about 22% in the first year (CBS 2008; Divosa "
       "2022).", "pathway", 0.0, 0.2, calibrated=True),
    _p("duration_floor", 0.243, "factor", "Job-finding multiplier reached after very long "
       "unemployment (negative duration dependence).", "Calibrated to yearly exit to work "
       "of about 8% after more than three years (CBS 2008; Divosa 2022).", "pathway", 0.0,
       1.0, calibrated=True),
    _p("duration_scale_months", 23.2, "months", "e-folding time of the decline of the "
       "job-finding chance with months out of work.", "Calibrated with duration_floor.",
       "pathway", 1.0, 120.0, calibrated=True),
    _p("disengage_rate", 0.04, "1/month", "Chance that an engaged person loses contact "
       "again before a track starts.", "Rationale: bandwidth and stress (Hogeschool "
       "Rotterdam); roughly half lose contact within a year without a track.", "pathway",
       0.0, 0.5),
    _p("track_intake_rate", 0.3, "1/month", "Chance that an engaged person starts a track "
       "when a coaching slot is free.", "Rationale: intake within a few months of contact.",
       "pathway", 0.0, 1.0),
    _p("track_dropout_rate", 0.025, "1/month", "Chance of dropping out of a track.",
       "Rationale: about a quarter of starters drop out within a year (typical of Dutch "
       "re-integration tracks).", "pathway", 0.0, 0.5),
    _p("track_to_entry_rate", 0.2, "1/month", "Chance that a person in a track starts an "
       "entry job when a vacancy is free (before duration and debt factors).", "Rationale: "
       "a starter has a small chance of a job, a certified leaver a large one (Platform31, "
       "Wijkondernemingen); tracks last about a year.", "pathway", 0.0, 1.0),
    _p("coaching_effect", 1.3, "factor", "Multiplier on the own job-finding chance while "
       "coached in a track.", "Randomised Dutch experiments find small and mixed effects of "
       "coaching on work entry (DOMAIN brief).", "pathway", 1.0, 3.0),
    _p("entry_to_regular_rate", 0.045, "1/month", "Chance per month that an entry-job "
       "worker moves on to regular work.", "Rationale: entry jobs are transition places of "
       "one to two years (Start Foundation).", "pathway", 0.0, 0.5),
    _p("job_loss_rate_initial", 0.056, "1/month", "Job-loss hazard in the first months "
       "after placement.", "Calibrated to 82% still employed 6 months after leaving "
       "assistance for work (CBS 2024).", "pathway", 0.0, 0.3, calibrated=True),
    _p("job_loss_rate_settled", 0.00629, "1/month", "Job-loss hazard once settled in a job.",
       "Calibrated to 72% still employed after 18 months (CBS 2024) and re-entry into "
       "assistance of about 22% within a year (Divosa 2015).", "pathway", 0.0, 0.3,
       calibrated=True),
    _p("job_tenure_scale_months", 3.08, "months", "Tenure over which the job-loss hazard "
       "falls from its initial to its settled value.", "Calibrated with the job-loss rates.",
       "pathway", 0.5, 60.0, calibrated=True),
    # --- organisations ---------------------------------------------------------------
    _p("n_foundations", 6, "organisations", "Foundations doing outreach, intake and "
       "coaching.", "Rationale: a handful of neighbourhood foundations (Leiden interviews).",
       "organisations", 1, 50),
    _p("n_regular_employers", 20, "organisations", "Regular employers in the coalition "
       "offering entry jobs.", "Rationale: a district coalition (Wijkondernemingen: "
       "employers, schools, municipality).", "organisations", 0, 500),
    _p("n_social_enterprises", 5, "organisations", "Work-integration social enterprises.",
       "Rationale: KplusV 2016; a few per district.", "organisations", 0, 100),
    _p("n_housing_corporations", 3, "organisations", "Housing corporations (co-finance, "
       "expertise, entry jobs in maintenance).", "Leiden interviews (private partners).",
       "organisations", 0, 20),
    _p("n_banks", 1, "organisations", "Banks (loans, investor in a Social Impact Bond).",
       "Leiden interviews (Rabobank).", "organisations", 0, 5),
    _p("coaching_slots_per_1000", 90.0, "slots per 1,000 participants", "Coaching "
       "capacity of all foundations together when fully funded.", "Rationale: a coach "
       "carries about 30 people; 3 coaches per 1,000 recipients is typical of district "
       "programmes.", "organisations", 0.0, 500.0, lever=True),
    _p("entry_jobs_per_1000", 45.0, "jobs per 1,000 participants", "Entry-job places "
       "offered by all coalition employers together in good times.", "Rationale: 1,748 "
       "moves to work in Den Haag in 2024 against roughly 30,000 recipients.",
       "organisations", 0.0, 500.0),
    _p("capacity_rebuild_rate", 0.06, "1/month", "Share of the gap between a foundation's "
       "funded and actual coaching capacity closed each month (hiring, know-how).",
       "Rationale: rebuilding after a funding gap takes more than a year (Hogeschool "
       "Rotterdam; Wijkondernemingen).", "organisations", 0.0, 1.0),
    _p("capacity_loss_rate", 0.3, "1/month", "Share of coaching capacity lost each month "
       "while a foundation is unfunded.", "Rationale: staff on project contracts leave "
       "within months when money stops.", "organisations", 0.0, 1.0),
    _p("foundation_reserve_months", 3.0, "months", "Cash reserve of a foundation at the "
       "start, in months of running costs.", "Rationale: foundations suffer from funding "
       "gaps and have thin reserves (Leiden interviews).", "organisations", 0.0, 24.0),
    # --- funding ---------------------------------------------------------------------
    _p("pilot_length_months", 24, "months", "Length of one funded programme period.",
       "Rationale: pilots bounded in time (Hogeschool Rotterdam); Wijkondernemingen ran "
       "2016-2018.", "funding", 3, 240, lever=True),
    _p("renewal_rule", "political", "rule", "How the municipality decides to fund a next "
       "period: never, political (chance, lower after an election), evidence (renew if "
       "monitored results meet the target).", "Hogeschool Rotterdam (4-year political "
       "horizon); Leiden interviews (evidence-based renewal needs monitoring).", "funding",
       choices=("never", "political", "evidence"), lever=True),
    _p("political_renewal_probability", 0.8, "probability", "Chance of renewal at the end "
       "of a period under the political rule, with no election during the period.",
       "Rationale: most district pilots get one or two successors.", "funding", 0.0, 1.0),
    _p("election_renewal_factor", 0.6, "factor", "Multiplier on the renewal chance when an "
       "election fell in the period (a new council prefers its own plans).",
       "Hogeschool Rotterdam (4-year political horizon).", "funding", 0.0, 1.0),
    _p("evidence_threshold", 25.0, "placements per 1,000 per year", "Programme placements "
       "the evidence rule asks for to renew.", "Rationale: about the rate the baseline "
       "programme reaches when fully staffed.", "funding", 0.0, 500.0),
    _p("renewal_gap_months", 4, "months", "Months without money between a period and its "
       "successor when a pilot is renewed (decision and tender delays).", "Rationale: "
       "funding gaps between pilots (Leiden interviews, foundations).", "funding", 0, 36),
    _p("multi_year_commitment_years", 0, "years", "If above 0, funding is committed for "
       "this many years per period and renewed without a gap.", "Hogeschool Rotterdam "
       "(stable multi-year funding as a condition for impact).", "funding", 0, 10,
       lever=True),
    _p("election_interval_months", 48, "months", "Time between municipal elections.",
       "Dutch municipal elections every 4 years.", "funding", 12, 120),
    _p("first_election_month", 16, "month", "Month of the first election after the start.",
       "Rationale: the model starts in late 2024; next Dutch municipal election March 2026.",
       "funding", 1, 120),
    _p("restart_month", 0, "month", "If above 0, a new programme starts in this month "
       "after funding had ended (0: no restart).", "Rationale: lets analysts test the cost "
       "of restarting after a gap (pilot cliff pattern).", "funding", 0, 240),
    # --- finance ---------------------------------------------------------------------
    _p("financing", "subsidy", "instrument", "How the programme is paid: subsidy (the "
       "municipality pays), hybrid (housing corporations and the bank co-fund a share of "
       "coaching and wage subsidies; banks lend to social enterprises under every "
       "instrument), sib (Social Impact Bond: an investor pre-finances, the "
       "municipality pays per verified outcome).", "Leiden interviews; Hogeschool Rotterdam "
       "(SIB).", "finance", choices=("subsidy", "hybrid", "sib"), lever=True),
    _p("private_cofunding_share", 0.3, "share", "Share of programme costs co-funded by "
       "housing corporations and the bank under hybrid finance.", "Rationale: private "
       "partners bring finance and expertise (Leiden interviews).", "finance", 0.0, 1.0),
    _p("coaching_cost_per_slot", 350.0, "EUR/month", "Cost of one coaching slot.",
       "Rationale: a coach at about 6,000 EUR/month with 30 clients plus overhead.",
       "finance", 0.0, 5000.0),
    _p("wage_subsidy_share", 0.5, "share", "Share of an entry-job wage paid by the "
       "municipality (partly from benefit money).", "Start Foundation (work paid partly "
       "from benefit money).", "finance", 0.0, 1.0),
    _p("sib_term_months", 60, "months", "Term of a Social Impact Bond.", "INDIGO: Dutch "
       "SIBs run 2-8 years.", "finance", 12, 120),
    _p("sib_outcome_payment", 9000.0, "EUR", "Payment per verified placement above the "
       "baseline that lasts 6 months.", "Rationale: about half a year of public cost per "
       "recipient (16,100 + 2,900 EUR/year, Berenschot 2018).", "finance", 0.0, 50000.0),
    _p("sib_baseline_share", 0.5, "share", "Share of the outcomes expected without the "
       "programme; only outcomes above it are paid.", "Rationale: SIB contracts pay above a "
       "counterfactual baseline (INDIGO).", "finance", 0.0, 1.0),
    _p("sib_return_cap", 0.08, "1/year", "Cap on the investor's yearly return.",
       "INDIGO: Dutch SIB return caps 4-12% a year.", "finance", 0.0, 0.3),
    _p("sib_referral_rate", 0.7, "share", "Share of the usual inflow into coaching that "
       "the municipality refers under a SIB (intake depends on referrals).", "Hogeschool "
       "Rotterdam (SIB intake depends on municipal referrals).", "finance", 0.0, 1.0),
    _p("se_reserve_months", 3.0, "months", "Cash reserve of a social enterprise at the "
       "start, in months of wage costs.", "Rationale: thin reserves; social enterprises "
       "fail when cash runs out (DOMAIN link 7).", "finance", 0.0, 24.0),
    _p("entry_productivity", 1300.0, "EUR/month", "Revenue an entry-job worker earns for "
       "the employer.", "Rationale: about half of a minimum-wage job's productivity.",
       "finance", 0.0, 5000.0),
    _p("entry_wage", 2040.0, "EUR/month", "Gross wage of an entry job.", "Minimum wage "
       "14.71 EUR/hour (Jan 2026) x 32 hours x 52/12.", "finance", 0.0, 5000.0),
    _p("loan_rate", 0.05, "1/year", "Interest rate of bank loans to social enterprises.",
       "Rationale: commercial small-business rate; banks lend on cash flow, not social "
       "return (Hogeschool Rotterdam).", "finance", 0.0, 0.3),
    # --- governance ------------------------------------------------------------------
    _p("role_clarity", 0.4, "index 0-1", "How clear roles and responsibilities are in the "
       "coalition.", "Leiden interviews: unclear roles and governance slow cooperation.",
       "governance", 0.0, 1.0, lever=True),
    _p("partnership_agreement", False, "flag", "Whether partners sign a partnership "
       "agreement that fixes roles.", "Leiden interviews; KplusV step 7 (networks and "
       "cooperation).", "governance", lever=True),
    _p("agreement_month", 1, "month", "Month the partnership agreement is signed.",
       "Rationale: signed at the start unless a scenario says otherwise.", "governance", 0,
       240),
    _p("agreement_clarity_gain", 0.35, "index 0-1", "Rise in role clarity from a "
       "partnership agreement (capped at 1).", "Rationale: an agreement settles most "
       "but not all role questions.", "governance", 0.0, 1.0),
    _p("conflict_rate", 0.25, "1/month", "Chance per partner per month of a conflict at "
       "zero role clarity.", "Rationale: unclear roles cause duplicated effort and "
       "conflicts (Leiden interviews).", "governance", 0.0, 1.0),
    _p("coordination_overhead", 0.25, "share", "Share of coaching capacity lost to "
       "coordination at zero role clarity.", "Rationale: unclear roles cost overhead "
       "(Leiden interviews).", "governance", 0.0, 1.0),
    # --- trust -----------------------------------------------------------------------
    _p("initial_trust", 0.6, "index 0-1", "Trust between organisations at the start.",
       "Rationale: partners start with moderate goodwill.", "trust", 0.0, 1.0),
    _p("trust_gain", 0.015, "index step", "Trust gained from one kept promise or visible "
       "small win (an additive step on the 0-1 scale).", "Rationale: trust builds "
       "slowly (DOMAIN link 5).", "trust", 0.0, 1.0),
    _p("trust_asymmetry", 3.0, "ratio", "How much more a broken promise weighs than a "
       "kept one.", "Slovic 1993; Poortinga and Pidgeon 2004 (negative events weigh "
       "more).", "trust", 1.0, 10.0),
    _p("trust_sensitivity", 1.0, "factor", "Scales all trust updates (how reactive "
       "partners are).", "Rationale: a workshop lever for more or less reactive "
       "partners.", "trust", 0.0, 5.0, lever=True),
    _p("trust_exit_threshold", 0.3, "index 0-1", "A partner leaves the coalition when its "
       "trust in the coalition falls below this.", "Rationale: partners leave when trust "
       "is too low (DOMAIN link 5).", "trust", 0.0, 1.0),
    _p("rejoin_rate", 0.08, "1/month", "Chance per month that a former partner rejoins "
       "a funded programme, given enough trust.", "Rationale: rebuilding a coalition takes "
       "time (Wijkondernemingen).", "trust", 0.0, 1.0),
    _p("trust_recovery_rate", 0.03, "1/month", "Drift of a former partner's trust back "
       "towards the initial level.", "Rationale: slow forgiveness.", "trust", 0.0, 1.0),
    # --- debt ------------------------------------------------------------------------
    _p("debt_prevalence", 0.3, "share", "Share of participants (and of new inflow) with "
       "problematic debt.", "ESB 2024: about 20% owe the municipality; problematic debt is "
       "far more common among recipients than the 8% of all households (CBS).", "debt",
       0.0, 1.0),
    _p("debt_job_start_factor", 0.6, "factor", "Multiplier on job-starting chances for a "
       "person with problematic debt.", "Hogeschool Rotterdam: debts block the route to "
       "work; Regioplan 2011: debt help shortens the spell by about 4 months.", "debt", 0.0,
       1.0),
    _p("debt_job_loss_factor", 1.8, "factor", "Multiplier on the job-loss hazard for a "
       "worker with problematic debt.", "Nibud 2017: an indebted employee costs the employer "
       "about 13,000 EUR a year.", "debt", 1.0, 5.0),
    _p("debt_employer_cost", 1083.0, "EUR/month", "Cost to the employer of an indebted "
       "entry-job worker.", "Nibud 2017: about 13,000 EUR a year.", "debt", 0.0, 5000.0),
    _p("debt_help_capacity_per_1000", 12.0, "places per 1,000 participants", "Places in "
       "debt help (schuldhulpverlening) for the target group.", "Rationale: only about one "
       "in seven households with problematic debt is in view of debt help (CBS).", "debt",
       0.0, 500.0, lever=True),
    _p("debt_help_months", 10.0, "months", "Mean duration of debt help.", "Rationale: "
       "stabilisation and settlement take most of a year.", "debt", 1.0, 60.0),
    _p("debt_help_success", 0.6, "probability", "Chance that debt help resolves the "
       "problematic debt.", "Rationale: about half to two thirds of debt help ends in a "
       "settlement or stable situation.", "debt", 0.0, 1.0),
    _p("debt_detection_rate", 0.08, "1/month", "Chance per month that an indebted person "
       "in contact with a foundation is referred to debt help.", "Rationale: debts are often "
       "found late (Hogeschool Rotterdam).", "debt", 0.0, 1.0),
    _p("debt_help_first", False, "flag", "Debt help first: coached people are screened for "
       "debt, get priority in debt help, and start a job after it.", "Hogeschool Rotterdam: "
       "debts block the route to work.", "debt", lever=True),
    _p("debt_help_cost", 250.0, "EUR/month", "Municipal cost of one debt-help place.",
       "Rationale: debt help at roughly 3,000 EUR per case.", "debt", 0.0, 5000.0),
    # --- admin -----------------------------------------------------------------------
    _p("admin_burden", 0.5, "index 0-1", "Administrative burden on employers and "
       "foundations (wage garnishment, subsidy paperwork).", "Hogeschool Rotterdam: "
       "employers want to hire but hit administrative burden.", "admin", 0.0, 1.0,
       lever=True),
    _p("admin_vacancy_effect", 0.5, "share", "Share of entry-job places employers withhold "
       "at maximum burden.", "Rationale: burden reduces employers' willingness (DOMAIN "
       "link 11).", "admin", 0.0, 1.0),
    _p("admin_capacity_effect", 0.3, "share", "Share of coaching capacity spent on "
       "paperwork at maximum burden.", "Rationale: foundations suffer from bureaucracy "
       "(Leiden interviews).", "admin", 0.0, 1.0),
    _p("red_tape_rate", 0.1, "1/month", "Chance per partner per month of a red-tape "
       "incident (late payment, paperwork) at maximum burden.", "Rationale: red tape "
       "breaks promises (DOMAIN link 5).", "admin", 0.0, 1.0),
    # --- outreach --------------------------------------------------------------------
    _p("outreach_doors", 1, "entry points", "Kinds of organisation through which people "
       "can enter (1: only the municipality's counter).", "Hogeschool Rotterdam: 'any door "
       "goes'.", "outreach", 1, 10, lever=True),
    _p("reach_rate", 0.02, "1/month", "Chance per month that an unreached person is "
       "reached through a fully trusted door.", "Rationale: good initiatives do not reach "
       "the target group (Hogeschool Rotterdam).", "outreach", 0.0, 1.0),
    _p("extra_door_weight", 0.5, "share", "How much one extra door (a foundation, "
       "employer or housing corporation) adds to reach, relative to a fully trusted door.",
       "Rationale: each extra door reaches part of the people the others miss.", "outreach",
       0.0, 1.0),
    _p("participant_trust_municipality", 0.3, "index 0-1", "Participants' trust in the "
       "municipality as a door.", "Hogeschool Rotterdam: people distrust the "
       "municipality.", "outreach", 0.0, 1.0),
    _p("participant_trust_foundation", 0.7, "index 0-1", "Participants' trust in "
       "foundations and neighbours as doors.", "Leiden interviews: foundations reach "
       "vulnerable groups.", "outreach", 0.0, 1.0),
    # --- monitoring ------------------------------------------------------------------
    _p("monitoring", False, "flag", "Whether the programme is monitored and evaluated "
       "(results visible).", "Leiden interviews: monitoring is neglected but crucial; "
       "KplusV step 8.", "monitoring", lever=True),
    _p("monitoring_cost", 3000.0, "EUR/month", "Cost of monitoring and evaluation.",
       "Rationale: a part-time evaluator.", "monitoring", 0.0, 50000.0),
    _p("win_visibility_unmonitored", 0.3, "share", "Share of small wins partners see "
       "without monitoring.", "Rationale: without monitoring nobody sees results (DOMAIN "
       "link 9).", "monitoring", 0.0, 1.0),
    # --- economy ---------------------------------------------------------------------
    _p("recession_probability", 0.01, "1/month", "Chance per month that a downturn "
       "starts.", "Rationale: about one recession a decade.", "economy", 0.0, 0.2),
    _p("recession_months", 18, "months", "Length of a downturn.", "Rationale: Dutch "
       "recessions of 2009 and 2012-13.", "economy", 1, 60),
    _p("recession_job_cut", 0.4, "share", "Share of entry-job places and job-finding "
       "chances lost in a downturn.", "Rationale: a downturn cuts jobs (DOMAIN link 10).",
       "economy", 0.0, 1.0),
    _p("impact_weight", 0.5, "index 0-1", "Weight employers give to social impact "
       "against cost.", "Leiden interviews: private side balances economic viability and "
       "social impact.", "economy", 0.0, 1.0),
    # --- value -----------------------------------------------------------------------
    _p("benefit_month", 1345.0, "EUR/month", "Social assistance benefit per recipient.",
       "Dutch norm for a single person 21+, Jan 2025.", "value", 0.0, 5000.0),
    _p("execution_cost_month", 242.0, "EUR/month", "Municipal execution cost per "
       "recipient.", "Berenschot 2018: about 2,900 EUR a year.", "value", 0.0, 5000.0),
    _p("social_value_month", 300.0, "EUR/month", "Health and wellbeing value of a month "
       "in work.", "Rationale: with it, work-integration SROI over a year lands in the "
       "1.3-2.2 range of Mathematica/REDF 2015.", "value", 0.0, 5000.0),
    _p("deadweight_share", 0.3, "share", "Share of programme placements that would have "
       "happened anyway (removed from the social return).", "Rationale: usual SROI "
       "deadweight for re-integration.", "value", 0.0, 1.0),
    _p("discount_rate", 0.0225, "1/year", "Discount rate for future value.", "Dutch "
       "government discount rate (Werkgroep discontovoet 2020).", "value", 0.0, 0.2),
    # --- durability ------------------------------------------------------------------
    _p("min_employers_alive", 2, "organisations", "Coalition employers that must offer "
       "entry jobs for the ecosystem to count as alive.", "Rationale: one employer is a "
       "project, not an ecosystem.", "durability", 0, 100),
    _p("collapse_grace_months", 3, "months", "Months the alive conditions may fail in a "
       "row before the ecosystem counts as collapsed.", "Rationale: a short gap is not a "
       "collapse.", "durability", 1, 24),
]

PARAMETERS: dict[str, Parameter] = {p.name: p for p in _DEFINITIONS}
assert len(PARAMETERS) == len(_DEFINITIONS), "parameter names must be unique"

DEFAULTS: dict[str, Any] = {p.name: p.default for p in _DEFINITIONS}
LEVERS: tuple[str, ...] = tuple(p.name for p in _DEFINITIONS if p.lever)


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return defaults updated with ``overrides``, each checked; unknown names raise."""
    params = dict(DEFAULTS)
    for name, value in (overrides or {}).items():
        if name not in PARAMETERS:
            raise KeyError(f"unknown parameter {name!r}")
        params[name] = PARAMETERS[name].check(value)
    return params
