"""The one parameter definition: the typed, frozen Params and the records derived from it."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

from sim.parameters import DEFAULTS, LEVERS, PARAMETERS, SECTIONS, Params


def test_every_field_is_a_parameter_with_a_matching_type() -> None:
    fields = dataclasses.fields(Params)
    assert [f.name for f in fields] == list(PARAMETERS)
    annotations = {name: str(kind) for name, kind in Params.__annotations__.items()}
    for f in fields:
        spec = PARAMETERS[f.name]
        assert f.default == spec.default == DEFAULTS[f.name]
        assert annotations[f.name] == spec.kind.__name__, f.name
        assert spec.section in SECTIONS, f.name
        assert spec.check(spec.default) == spec.default, f.name
        assert f.metadata["parameter"] == dataclasses.replace(spec, name="")
    assert tuple(name for name, spec in PARAMETERS.items() if spec.lever) == LEVERS


def test_params_are_typed_frozen_attributes() -> None:
    p = Params()
    assert p.n_participants == 2000 and isinstance(p.n_participants, int)
    assert p.renewal_rule == "political" and p.monitoring is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.n_participants = 5  # type: ignore[misc]
    assert not hasattr(p, "__dict__")  # slots


def test_replace_checks_and_coerces_and_leaves_the_original_alone() -> None:
    p = Params()
    q = p.replace(pilot_length_months=36.0, coaching_cost_per_slot=400)
    assert q.pilot_length_months == 36 and type(q.pilot_length_months) is int
    assert q.coaching_cost_per_slot == 400.0 and type(q.coaching_cost_per_slot) is float
    assert p.pilot_length_months == 24 and p == Params()
    with pytest.raises(KeyError, match="unknown parameter 'pilot_lenght'"):
        p.replace(pilot_lenght=3)
    with pytest.raises(ValueError, match=r"months=999: out of range; allowed: a whole "
                                         r"number from 1 to 240"):
        p.replace(months=999)


def test_from_dict_and_as_dict_round_trip_in_definition_order() -> None:
    p = Params.from_dict({"financing": "sib", "n_participants": 600})
    assert (p.financing, p.n_participants) == ("sib", 600)
    values = p.as_dict()
    assert list(values) == list(PARAMETERS)
    assert Params.from_dict(values) == p
    assert Params.from_dict({}) == Params() and Params().as_dict() == DEFAULTS


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("name", ["months", "inflow_rate"])
def test_non_finite_numbers_are_refused(name: str, value: float) -> None:
    spec = PARAMETERS[name]
    with pytest.raises(ValueError, match=rf"^{name}=.*: expected a finite number; allowed: "
                                         rf"{re.escape(spec.allowed())}$"):
        spec.check(value)
    with pytest.raises(ValueError, match="expected a finite number"):
        Params().replace(**{name: value})


@pytest.mark.parametrize("value", [10**400, -(10**400), 1e300, -1e300])
@pytest.mark.parametrize("name", ["months", "inflow_rate"])
def test_huge_numbers_get_the_allowed_range_not_an_overflow(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"out of range; allowed: "
                                         rf"{re.escape(PARAMETERS[name].allowed())}"):
        PARAMETERS[name].check(value)


def test_whole_numbers_booleans_and_choices() -> None:
    with pytest.raises(ValueError, match="expected a whole number"):
        PARAMETERS["months"].check(2.5)
    with pytest.raises(ValueError, match="expected a number"):
        PARAMETERS["months"].check(True)
    with pytest.raises(ValueError, match="expected true or false"):
        PARAMETERS["monitoring"].check(1)
    with pytest.raises(ValueError, match="one of never, political, evidence"):
        PARAMETERS["renewal_rule"].check("sometimes")
    assert PARAMETERS["months"].check(240) == 240
    assert PARAMETERS["inflow_rate"].check(0) == 0.0
