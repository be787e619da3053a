"""Tools around the Instapeconomie model: scenarios, runs, sweeps, reports, workshop page."""

__version__ = "0.1.0"
