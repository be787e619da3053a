"""Causal link 9: monitoring and evaluation.

With monitoring every small win is visible to partners (building trust, link 5) and
renewal can rest on evidence (link 1). Without it, partners see only a share
``win_visibility_unmonitored`` of wins, and the evidence rule falls back on politics.
A Social Impact Bond always has an independent evaluator (link 8).
"""

from __future__ import annotations

from sim.parameters import Params


def monitored(p: Params) -> bool:
    """Whether results are measured (monitoring on, or a SIB's evaluator)."""
    return bool(p.monitoring) or p.financing == "sib"


def win_visibility(p: Params) -> float:
    """Share of placements that partners see as a small win."""
    return 1.0 if monitored(p) else p.win_visibility_unmonitored
