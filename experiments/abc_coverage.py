"""Coverage check of the ABC calibration (issue 17, item 4): calibrate on data simulated at
known parameters and count how often the 90% posterior intervals hold the truth.

    python experiments/abc_coverage.py [experiments/calibration_abc.yaml] --datasets 4
        [--population-size 100] [--max-generations 5] [--max-simulations 1200] [--jobs 2]
        [--surrogate]

Each dataset: true parameters drawn from the prior (``SeedSequence([seed, k])``), one
simulation at them plus a uniform error of +/- each pattern's tolerance (the error model
the ABC assumes, instap.calibration.coverage), then the ABC of the spec with the given
(smaller) budget. Writes ``experiments/posterior/coverage.json``, which
experiments/calibration_report.py puts into docs/calibration.md. A smaller budget stops
the ABC at a larger epsilon, so its intervals are wider than the exact posterior's: the
coverage it reports is then conservative (a check that intervals are not too narrow).

``--surrogate`` runs the same check, with the spec's ABC settings, on the linear
surrogate of :mod:`instap.calibration.surrogate` (twelve parameters, ten statistics, the
same shape; microseconds a particle), so that many datasets can be afforded; it writes
``experiments/posterior/coverage_surrogate.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from instap.calibration.abc import Settings, calibrate  # noqa: E402
from instap.calibration.coverage import coverage, draw_truth, synthetic_data  # noqa: E402
from instap.calibration.simulate import Simulator  # noqa: E402
from instap.calibration.spec import load_spec  # noqa: E402
from instap.calibration.surrogate import Surrogate  # noqa: E402
from instap.execution import WorkerPool  # noqa: E402
from instap.provenance import git_commit, write_json  # noqa: E402

DEFAULT_OUT = ROOT / "experiments" / "posterior" / "coverage.json"
SURROGATE_OUT = ROOT / "experiments" / "posterior" / "coverage_surrogate.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the coverage check and write its JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spec", nargs="?", type=Path,
                    default=ROOT / "experiments" / "calibration_abc.yaml")
    ap.add_argument("--datasets", type=int, default=4)
    ap.add_argument("--population-size", type=int, default=100)
    ap.add_argument("--max-generations", type=int, default=5)
    ap.add_argument("--max-simulations", type=int, default=1200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20261208)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--surrogate", action="store_true",
                    help="check the spec's ABC settings on the linear surrogate")
    args = ap.parse_args(argv)
    spec = load_spec(args.spec)
    make_simulator = Simulator
    if args.surrogate:
        surrogate = Surrogate()
        spec = surrogate.spec(spec.abc)
        make_simulator = surrogate.simulator
        args.jobs = 1
    out_path = args.out or (SURROGATE_OUT if args.surrogate else DEFAULT_OUT)
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.datasets):
            t0 = time.perf_counter()
            truth = draw_truth(spec, args.seed + k)
            with WorkerPool(args.jobs) as pool:
                patterns, x_0 = synthetic_data(
                    spec, truth, args.seed + k,
                    make_simulator(spec, mapper=pool.map if args.jobs > 1 else None))
            spec.abc["seed"] = args.seed + k
            out = calibrate(spec, Path(tmp) / f"d{k}.db",
                            Settings(jobs=args.jobs, population_size=args.population_size,
                                     max_generations=args.max_generations,
                                     max_simulations=args.max_simulations),
                            x_0=x_0, patterns=patterns, make_simulator=make_simulator)
            cov = coverage(out.names, out.particles, out.weights, truth)
            share = sum(cov.covered.values()) / len(cov.covered)
            print(f"dataset {k}: {sum(cov.covered.values())}/{len(cov.covered)} covered, "
                  f"final epsilon {out.generations[-1]['epsilon']:.3g}, "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
            results.append({"dataset": k, **cov.as_dict(), "share_covered": share,
                            "final_epsilon": out.generations[-1]["epsilon"],
                            "generations": len(out.generations),
                            "ess": out.generations[-1]["ess"],
                            "simulations": sum(g["simulations"] for g in out.generations),
                            "observed": x_0})
    covered = [c for r in results for c in r["covered"].values()]
    per_parameter = {name: sum(r["covered"][name] for r in results) / len(results)
                     for name in spec.names}
    write_json({"spec": str(args.spec), "surrogate": args.surrogate,
                "datasets": args.datasets,
                "population_size": args.population_size,
                "max_generations": args.max_generations,
                "max_simulations": args.max_simulations, "seed": args.seed,
                "share_covered": sum(covered) / len(covered),
                "per_parameter": per_parameter, "results": results,
                "wall_seconds": round(time.perf_counter() - started, 1),
                "git_commit": git_commit()}, out_path)
    print(f"{100 * sum(covered) / len(covered):.0f}% of {len(covered)} intervals covered; "
          f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
