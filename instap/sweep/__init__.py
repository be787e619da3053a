"""Batch experiments and global sensitivity analysis (``instap sweep`` / ``instap analyze``).

The layers meet through plain data: :mod:`~instap.sweep.experiment` reads and checks an
experiment file; :mod:`~instap.sweep.design` turns it into design points and per-run seeds;
:mod:`~instap.sweep.targets` runs one model; :mod:`~instap.sweep.worker` runs a chunk of runs;
:mod:`~instap.sweep.executors` spreads chunks over a process pool or a Dask cluster;
:mod:`~instap.sweep.store` streams chunks to parquet files (the resume ledger);
:mod:`~instap.sweep.analysis`, :mod:`~instap.sweep.figures` and :mod:`~instap.sweep.report`
turn stored runs into indices, plots and a report; :mod:`~instap.sweep.robustness`
compares policies across futures and :mod:`~instap.sweep.trajectories` draws the kept
monthly series; :mod:`~instap.sweep.runner` ties it together for ``instap sweep`` and
:func:`instap.sweep`.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    """This package, callable as :func:`instap.api.sweep`: ``instap.sweep(...)`` runs a
    sweep whether Python resolves ``instap.sweep`` to this package (once any of its
    modules is imported, the import system sets the package as the attribute) or to the
    API function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from instap.api import sweep
        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
