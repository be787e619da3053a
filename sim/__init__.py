"""The Instapeconomie model: a Mesa agent-based model of a local impact ecosystem."""

from sim.model import InstapModel
from sim.outputs import COLUMNS
from sim.parameters import DEFAULTS, LEVERS, PARAMETERS, Parameter, Params
from sim.pathway import State

__all__ = ["COLUMNS", "DEFAULTS", "LEVERS", "PARAMETERS", "InstapModel", "Parameter", "Params",
           "State"]
