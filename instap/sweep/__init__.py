"""Batch experiments and global sensitivity analysis (``instap sweep`` / ``instap analyze``).

The layers meet through plain data: :mod:`~instap.sweep.experiment` reads and checks an
experiment file; :mod:`~instap.sweep.design` turns it into design points and per-run seeds;
:mod:`~instap.sweep.targets` runs one model; :mod:`~instap.sweep.worker` runs a chunk of runs;
:mod:`~instap.sweep.executors` spreads chunks over a process pool or a Dask cluster;
:mod:`~instap.sweep.store` streams chunks to parquet files (the resume ledger);
:mod:`~instap.sweep.analysis`, :mod:`~instap.sweep.figures` and :mod:`~instap.sweep.report`
turn stored runs into indices, plots and a report.
"""
