"""Tools around the Instapeconomie model: scenarios, runs, sweeps, reports, workshop page.

``import instap`` gives the Python API (docs/api.md), loaded on first use so that
importing the package stays quick::

    import instap
    result = instap.run("scenarios/baseline.yaml", reps=20)
    result.metrics            # pandas DataFrame, one row per replication
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The names of the Python API (:mod:`instap.api`), loaded on first use.
__all__ = ["CompareResult", "InstapError", "RunResult", "Scenario", "SweepResult", "compare",
           "discover", "load_scenario", "load_sweep", "run", "sweep"]

if TYPE_CHECKING:
    from instap.api import (
        CompareResult,
        RunResult,
        Scenario,
        SweepResult,
        compare,
        discover,
        load_scenario,
        load_sweep,
        run,
        sweep,
    )
    from instap.errors import InstapError


def __getattr__(name: str) -> Any:
    """An API name, imported from :mod:`instap.api` (or :mod:`instap.errors`) on first
    use."""
    if name not in __all__:
        raise AttributeError(f"module 'instap' has no attribute {name!r}")
    if name == "InstapError":
        from instap import errors as module
    else:
        from instap import api as module  # type: ignore[no-redef]
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    hidden = {"Any", "TYPE_CHECKING", "annotations"}
    return sorted({*globals(), *__all__} - hidden)
