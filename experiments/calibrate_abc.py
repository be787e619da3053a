"""Calibrate the model on all patterns at once with ABC-SMC (pyabc); write the posterior.

    python experiments/calibrate_abc.py [experiments/calibration_abc.yaml]
        [--db results/calibration/abc.db] [--posterior experiments/posterior/instap_abc.json]
        [--jobs 2] [--sampler ordered|multicore|dask] [--executor local|dask]
        [--scheduler ADDRESS] [--resume] [--population-size N] [--max-generations G]
        [--max-simulations S] [--finalize]

The spec file holds what is calibrated, against which patterns, with which priors and
ABC settings (``instap.calibration.spec``). The pyabc history database keeps every
generation: after a crash or Ctrl-C, ``--resume`` continues from the last finished
generation, and (with the default ``ordered`` sampler) ends with the posterior an
uninterrupted run would have given. Then run ``experiments/calibration_report.py`` for
the posterior predictive check, the figures and ``docs/calibration.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from instap.calibration.abc import SAMPLERS, Outcome, Settings, calibrate  # noqa: E402
from instap.calibration.posterior import posterior_document  # noqa: E402
from instap.calibration.spec import CalibrationSpec, load_spec  # noqa: E402
from instap.errors import InstapError  # noqa: E402
from instap.provenance import git_commit, package_versions, write_json  # noqa: E402

DEFAULT_SPEC = ROOT / "experiments" / "calibration_abc.yaml"
DEFAULT_DB = ROOT / "results" / "calibration" / "abc.db"
DEFAULT_POSTERIOR = ROOT / "experiments" / "posterior" / "instap_abc.json"


def record(spec: CalibrationSpec, outcome: Outcome, command: list[str]) -> dict[str, object]:
    """Everything but the particles that the posterior file records."""
    s = outcome.settings
    needed = sorted({r for p in [*spec.patterns, *spec.checks] for r in p.runs})
    sims = sum(g["simulations"] for g in outcome.generations)
    return {
        "name": spec.name, "description": spec.description,
        "spec": str(spec.path.resolve().relative_to(ROOT)) if spec.path.resolve(
        ).is_relative_to(ROOT) else str(spec.path),
        "priors": [{"name": p.name, "low": p.low, "high": p.high, "kind": "uniform"}
                   for p in spec.priors],
        "patterns": [{"name": p.name, "statistic": p.statistic, "runs": list(p.runs),
                      "kind": p.kind, "bound": p.bound, "tolerance": p.tolerance,
                      "pattern": p.pattern, "source": p.source} for p in spec.patterns],
        "checks": [{"name": p.name, "statistic": p.statistic, "runs": list(p.runs),
                    "kind": p.kind, "bound": p.bound, "tolerance": p.tolerance,
                    "pattern": p.pattern, "source": p.source} for p in spec.checks],
        "runs": {name: {k: v for k, v in spec.raw["runs"][name].items()} for name in needed},
        "abc": outcome.abc,
        "sampler": {"sampler": s.sampler, "executor": s.executor, "jobs": s.jobs,
                    "deterministic": s.sampler == "ordered"},
        "observed": outcome.observed,
        "generations": outcome.generations,
        "stopped": outcome.stopped,
        "budget": {"particles_simulated": sims,
                   "model_runs": sims * len(needed) * int(outcome.abc["replications"]),
                   "sampling_seconds": round(sum(g["seconds"] for g in outcome.generations), 1),
                   "wall_seconds": round(outcome.wall_seconds, 1)},
        "git_commit": git_commit(), "versions": package_versions(),
        "created": datetime.now().isoformat(timespec="seconds"), "command": command,
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC)
    ap.add_argument("--db", type=Path, default=DEFAULT_DB, help="pyabc history database")
    ap.add_argument("--posterior", type=Path, default=DEFAULT_POSTERIOR, help="output file")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--sampler", choices=SAMPLERS, default="ordered")
    ap.add_argument("--executor", choices=("local", "dask"), default="local")
    ap.add_argument("--scheduler", default=None, help="Dask scheduler address")
    ap.add_argument("--resume", action="store_true", help="continue the calibration in --db")
    ap.add_argument("--finalize", action="store_true",
                    help="with --resume: run no more generations; write the posterior of "
                    "the last finished one")
    ap.add_argument("--population-size", type=int, default=None)
    ap.add_argument("--max-generations", type=int, default=None)
    ap.add_argument("--max-simulations", type=int, default=None)
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Calibrate and write the posterior file; 2 on bad input."""
    args = parse_args(argv)
    try:
        spec = load_spec(args.spec)
        settings = Settings(sampler=args.sampler, executor=args.executor, jobs=args.jobs,
                            scheduler=args.scheduler, population_size=args.population_size,
                            max_generations=args.max_generations,
                            max_simulations=args.max_simulations)
        args.db.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.time()
        outcome = calibrate(spec, args.db, settings, resume=args.resume or args.finalize,
                            log=lambda line: print(line, flush=True),
                            finalize=args.finalize)
    except InstapError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    doc = posterior_document(outcome.names, outcome.particles, outcome.weights,
                             record(spec, outcome, ["python", *sys.argv]))
    args.posterior.parent.mkdir(parents=True, exist_ok=True)
    write_json(doc, args.posterior)
    print(f"{outcome.stopped}; {doc['budget']['particles_simulated']} particles simulated, "
          f"{time.time() - t0:.0f} s; wrote {args.posterior}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
