"""The model is a plain Mesa model: other Mesa tools can drive it."""

from __future__ import annotations

import mesa

from instap.scenario import load_scenario
from sim import InstapModel

from .conftest_paths import SCENARIOS


def test_mesa_batch_run_drives_the_model_from_keywords() -> None:
    """mesa.batch_run builds InstapModel from keywords and reads its DataCollector."""
    rows = mesa.batch_run(
        InstapModel, parameters={"n_participants": [300], "months": [12],
                                 "role_clarity": [0.2, 0.8]},
        max_steps=12, number_processes=1, data_collection_period=-1,
        display_progress=False, rng=[1, 2])
    assert len(rows) == 4
    assert {row["role_clarity"] for row in rows} == {0.2, 0.8}
    assert all(row["Step"] == 12 for row in rows)
    assert all("placements" in row and "alive" in row for row in rows)


def test_model_builds_from_a_loaded_scenario() -> None:
    """A loaded scenario's resolved parameters build the same model as the keywords."""
    scenario = load_scenario(SCENARIOS / "programme_ends.yaml")
    model = InstapModel.from_params({**scenario.params, "n_participants": 300}, seed=4)
    assert model.p["renewal_rule"] == "never"
    twin = InstapModel(rng=4, **{**scenario.params, "n_participants": 300})
    assert model.run(24).timeseries()["placements"].tolist() == twin.run(24).timeseries()[
        "placements"].tolist()
