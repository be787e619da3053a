"""Routes to collapse in results: the share of runs that ended by each route (money,
partners, capacity, jobs) or did not end, read from a summary's ``durability.cause``."""

from __future__ import annotations

from typing import Any

from sim.durability import CAUSES

ROUTES: tuple[str, ...] = (*CAUSES, "none")
LABELS: dict[str, str] = {
    "money": "money stopped",
    "partners": "partners left",
    "capacity": "coaching disappeared",
    "jobs": "entry jobs disappeared",
    "none": "still functioning",
}
SENTENCE: dict[str, str] = {
    "money": "the municipality stopped the money",
    "partners": "the partners left on their own",
    "capacity": "the coaching capacity disappeared",
    "jobs": "employers stopped offering entry jobs",
}


def cause_shares(summary: dict[str, Any]) -> dict[str, float]:
    """Share of runs per route (``none``: did not collapse); empty for older results."""
    causes = summary.get("durability", {}).get("cause", {})
    out = {r: causes[r]["mean"] for r in ROUTES
           if isinstance(causes.get(r), dict) and causes[r].get("mean") is not None}
    return out if out else {}


def cause_sentence(summary: dict[str, Any]) -> str:
    """One sentence on how the runs that collapsed ended, or ``""``."""
    shares = cause_shares(summary)
    ended = {r: s for r, s in shares.items() if r != "none" and s > 0}
    if not ended:
        return ""
    parts = [f"{SENTENCE[r]} in {s:.0%}" for r, s in
             sorted(ended.items(), key=lambda kv: (-kv[1], ROUTES.index(kv[0])))]
    return "Of all runs, the ecosystem collapsed because " + "; ".join(parts) + " of them."
