"""The model is a plain Mesa model: other Mesa tools can drive it."""

from __future__ import annotations

from pathlib import Path

import mesa

from instap.scenario import load_scenario
from sim import InstapModel
from sim.parameters import Params


def test_mesa_batch_run_drives_the_model_from_keywords() -> None:
    """mesa.batch_run builds InstapModel from keywords and reads the model's own monthly
    record through its DataCollector at the last step."""
    parameters = {"n_participants": [300], "months": [12], "role_clarity": [0.2, 0.8]}
    rows = mesa.batch_run(
        InstapModel, parameters=parameters, max_steps=12, number_processes=1,
        data_collection_period=-1, display_progress=False, rng=[1, 2])
    assert len(rows) == 4
    assert {row["role_clarity"] for row in rows} == {0.2, 0.8}
    assert all(row["Step"] == 12 for row in rows)
    for row in rows:
        twin = InstapModel(rng=row["rng"], n_participants=300, months=12,
                           role_clarity=row["role_clarity"]).run()
        final = {name: values[-1] for name, values in twin.timeseries().items()}
        assert row["placements"] == final["placements"]
        assert row["alive"] == final["alive"]
        assert row["regular_work"] == final["regular_work"]


def test_model_builds_from_a_loaded_scenario(repo_root: Path) -> None:
    """A loaded scenario's resolved parameters build the same model whether given as a
    mapping, as a typed Params, or as keywords."""
    scenario = load_scenario(repo_root / "scenarios" / "programme_ends.yaml")
    model = InstapModel(rng=4, params={**scenario.params, "n_participants": 300})
    assert model.p.renewal_rule == "never" and model.p.n_participants == 300
    typed = InstapModel(rng=4, params=Params.from_dict(scenario.params), n_participants=300)
    twin = InstapModel(rng=4, **{**scenario.params, "n_participants": 300})
    assert model.p == typed.p == twin.p
    placements = [m.run(24).timeseries()["placements"].tolist() for m in (model, typed, twin)]
    assert placements[0] == placements[1] == placements[2]
