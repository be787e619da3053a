"""Routes to collapse in results: the share of runs that ended by each route (money,
partners, capacity, jobs) or did not end, read from a summary's ``durability.cause``.
The words come from the glossary's ``durability.cause.<route>`` entries."""

from __future__ import annotations

from typing import Any

from instap import formatting, glossary
from instap.lang import in_lang
from sim.durability import CAUSES

ROUTES: tuple[str, ...] = (*CAUSES, "none")


def route_key(route: str) -> str:
    """The metric of a route: ``durability.cause.<route>``."""
    return f"durability.cause.{route}"


def route_label(route: str, lang: str = "en") -> str:
    """A route's short label (``money stopped``, ``did not collapse``)."""
    return glossary.short(route_key(route), lang)


def cause_shares(summary: dict[str, Any]) -> dict[str, float]:
    """Share of runs per route (``none``: did not collapse); empty for older results."""
    causes = summary.get("durability", {}).get("cause", {})
    out = {r: causes[r]["mean"] for r in ROUTES
           if isinstance(causes.get(r), dict) and causes[r].get("mean") is not None}
    return out if out else {}


def cause_sentence(summary: dict[str, Any], lang: str = "en") -> str:
    """One sentence on how the runs that collapsed ended, or ``""``."""
    shares = cause_shares(summary)
    ended = {r: s for r, s in shares.items() if r != "none" and s > 0}
    if not ended:
        return ""
    ordered = sorted(ended.items(), key=lambda kv: (-kv[1], ROUTES.index(kv[0])))
    parts = []
    for i, (route, share) in enumerate(ordered):
        pct = formatting.percent(share, lang)
        if i == 0:
            parts.append(in_lang(lang, f"in {pct} of the runs ", f"in {pct} van de simulaties ")
                         + glossary.cause_clause(route, lang))
        else:
            parts.append(f"in {pct} " + glossary.cause_clause(route, lang))
    return in_lang(lang, "Why the ecosystem collapsed: ", "Waarom het ecosysteem instortte: ") \
        + "; ".join(parts) + "."
