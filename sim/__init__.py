"""The Instapeconomie model: a Mesa agent-based model of a local impact ecosystem.

The parameters are imported at once (the scenario schema and input checks need only
them); the model and its outputs, which pull in numpy and Mesa, on first use
(PEP 562), so a command that refuses a bad input does so without loading them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.parameters import DEFAULTS, LEVERS, PARAMETERS, Parameter, Params
from sim.pathway import State

if TYPE_CHECKING:
    from sim.model import InstapModel
    from sim.outputs import COLUMNS

__all__ = ["COLUMNS", "DEFAULTS", "LEVERS", "PARAMETERS", "InstapModel", "Parameter", "Params",
           "State"]


def __getattr__(name: str) -> Any:
    if name == "InstapModel":
        from sim.model import InstapModel
        return InstapModel
    if name == "COLUMNS":
        from sim.outputs import COLUMNS
        return COLUMNS
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
