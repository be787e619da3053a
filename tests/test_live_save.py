"""The workshop's session saved as a scenario: instap validate accepts it, and running it
reproduces the session (the page's levers, the scenario's timeline and the room's clicks)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np

from instap.live.livemodel import LiveModel
from instap.live.save import session_name, session_yaml
from instap.scenario import load_scenario
from sim import InstapModel

ROOT = Path(__file__).resolve().parents[1]


def test_a_saved_session_validates_and_replays_the_session(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "scenarios" / "restart_after_a_year.yaml")
    params = {**scenario.params, "role_clarity": 0.7, "n_participants": 400, "months": 60}
    live = LiveModel(rng=11, **params)
    live.run(20)
    live.intervene("recession")
    live.run()
    text = session_yaml(scenario=scenario.name, params=params, clicks=live.clicks(),
                        seed=11, lang="nl", description_nl=scenario.description_nl,
                        when=datetime(2026, 12, 7, 14, 0))
    path = tmp_path / f"{session_name(scenario.name)}.yaml"
    path.write_text(text, encoding="utf-8")
    saved = load_scenario(path)
    assert saved.name == "restart_after_a_year_workshop"
    assert saved.lang == "nl" and saved.description_nl == scenario.description_nl
    assert "extends" not in text, "self-contained: it works wherever it is saved"
    assert saved.timeline == [*scenario.timeline, {"month": 21, "intervention": "recession"}]
    assert saved.params["role_clarity"] == 0.7
    replay = InstapModel(rng=11, **saved.params).run().timeseries()
    for key, values in live.timeseries().items():
        assert np.array_equal(values, replay[key], equal_nan=True), key


def test_the_saved_name_is_a_safe_file_name() -> None:
    assert session_name("mijn scenario: test/1") == "mijn_scenario_test_1_workshop"
    assert len(session_name("x" * 300)) <= 100
