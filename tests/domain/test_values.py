"""Domain values (domain/values.py): immutable, compared and hashed by their fields, checked by
__post_init__ when made or replaced, pickled whole, and validated at the content edge only."""

from __future__ import annotations

import pickle

import pytest
from pydantic import TypeAdapter, ValidationError

from easeback.domain.models import CountRange, Dosage, SecondsRange
from easeback.domain.planning import PlanRequest
from easeback.domain.screening import Condition
from easeback.domain.values import Frozen, FrozenError, fields_of, record, replace, value


@record
class _Pair(Frozen):
    a: int
    b: str = "x"


def test_a_value_cannot_be_changed_and_replace_makes_a_new_one():
    r = CountRange(min=2, max=3)
    with pytest.raises(FrozenError):
        r.min = 5  # type: ignore[misc]
    with pytest.raises(FrozenError):
        del r.max  # type: ignore[misc]
    wider = replace(r, max=6)
    assert (r.max, wider.max, wider.min) == (3, 6, 2)
    assert r.model_copy(update={"max": 4}) == CountRange(min=2, max=4)


def test_values_compare_and_hash_by_their_fields_and_their_class():
    assert SecondsRange(min=1, max=2) == SecondsRange(min=1, max=2)
    assert hash(SecondsRange(min=1, max=2)) == hash(SecondsRange(min=1, max=2))
    assert SecondsRange(min=1, max=2) != CountRange(min=1, max=2)
    assert SecondsRange(min=1, max=2) != SecondsRange(min=1, max=3)
    assert len({SecondsRange(min=1, max=2), SecondsRange(min=1, max=2)}) == 1


def test_checks_run_when_made_and_when_replaced():
    with pytest.raises(ValueError, match=r"max \(1\) is below min \(2\)"):
        CountRange(min=2, max=1)
    with pytest.raises(ValueError, match="below min"):
        replace(CountRange(min=1, max=1), min=3)
    with pytest.raises(ValueError, match="exactly one of"):
        Condition(gt=1, ge=2)


def test_fields_are_named_defaults_fill_in_and_mistakes_are_type_errors():
    with pytest.raises(TypeError, match="missing keyword argument 'max'"):
        CountRange(min=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'maxx'"):
        CountRange(min=1, max=2, maxx=3)  # type: ignore[call-arg]
    d = Dosage(reps=CountRange(min=1, max=2), times_per_day="daily")
    assert (d.sets, d.move_seconds, d.hold_seconds) == (1, 3, None)
    assert fields_of(CountRange(min=1, max=2)) == {"min": 1, "max": 2}


def test_a_record_takes_its_fields_in_order_too():
    assert _Pair(1) == _Pair(a=1, b="x") == _Pair(1, "x")
    with pytest.raises(TypeError, match="two values for 'a'"):
        _Pair(1, a=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 2 values"):
        _Pair(1, "y", 3)  # type: ignore[call-arg]
    assert repr(_Pair(1)) == "_Pair(a=1, b='x')"


def test_defaults_made_by_a_factory_are_not_shared():
    one, two = PlanRequest(place="floor", minutes=10), PlanRequest(place="floor", minutes=10)
    assert one.helps == {} and one.helps is not two.helps


def test_a_value_pickles_whole_without_running_its_checks_again(catalogue):
    for t in catalogue.techniques:
        back = pickle.loads(pickle.dumps(t))
        assert back == t and back.dosage == t.dosage and type(back) is type(t)
    assert pickle.loads(pickle.dumps(catalogue)) == catalogue


def test_the_content_edge_validates_limits_types_and_unknown_fields():
    check = TypeAdapter(CountRange)
    assert check.validate_python({"min": 1, "max": 50}) == CountRange(min=1, max=50)
    for bad, where in (
        ({"min": 0, "max": 2}, ("min",)),
        ({"min": 1, "max": 51}, ("max",)),
        ({"min": 1}, ("max",)),
        ({"min": 1, "max": 2, "most": 3}, ("most",)),
        ({"min": "one", "max": 2}, ("min",)),
    ):
        with pytest.raises(ValidationError) as err:
            check.validate_python(bad)
        assert err.value.errors()[0]["loc"] == where, bad
    with pytest.raises(ValidationError, match="below min"):
        check.validate_python({"min": 3, "max": 2})


def test_a_keyword_field_takes_its_content_name():
    cond = TypeAdapter(Condition).validate_python({"in": ["yes", "unsure"]})
    assert cond == Condition(is_in=("yes", "unsure"))
    with pytest.raises(ValidationError, match="quoted"):
        TypeAdapter(Condition).validate_python({"in": [True]})


def test_a_value_class_needs_the_decorator_to_have_fields():
    @value
    class Point(Frozen):
        x: int
        y: int = 0

    assert Point(x=1) == Point(x=1, y=0)
    assert Point.__value_fields__ == ("x", "y")
    assert not hasattr(Point(x=1), "__dict__")  # slotted: no per-instance dictionary
