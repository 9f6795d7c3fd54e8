"""Models declare their attributes in the class: what the declarations make, and what a type checker sees.

A model class is annotations plus ``field(...)``; ``Model`` builds the table
(``fields(cls)``), the constructor, the attributes and the JSON mapping from
them. Setting or reading an attribute a model does not have fails loudly,
naming the closest one, while JSON keys the SDK does not know are still kept.
"""

import copy
import importlib.util
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

from bacalhau_client.models import Field, Model, ModelDeal, ModelJob, ModelSpec, field, fields
from bacalhau_client.models.base import MODEL_REGISTRY

ROOT = Path(__file__).resolve().parent.parent


# --- the table ----------------------------------------------------------------------------------------------


def test_fields_lists_the_rows_in_declaration_order():
    assert [(row.attr, row.key, row.type) for row in fields(ModelDeal)] == [
        ("concurrency", "Concurrency", "int"), ("confidence", "Confidence", "int"), ("min_bids", "MinBids", "int")]


def test_fields_of_a_model_is_the_table_of_its_class():
    assert fields(ModelDeal(concurrency=1)) is fields(ModelDeal)


def test_fields_rows_carry_the_go_flags():
    by_attr = {row.attr: row for row in fields(ModelJob)}
    assert (by_attr["api_version"].omitempty, by_attr["requester_public_key"].base64) == (False, True)
    assert fields(ModelSpec)[0].enum == "Engine"


@pytest.mark.parametrize("value", [dict, 5, "ModelDeal"])
def test_fields_of_something_that_is_not_a_model_raises_type_error(value):
    with pytest.raises(TypeError, match="^fields\\(\\) takes a model class or model, got "):
        fields(value)


def test_annotations_become_swagger_type_strings():
    assert {row.attr: row.type for row in fields(ModelJob)} == {
        "api_version": "str", "id": "str", "requester_node_id": "str", "requester_public_key": "str",
        "client_id": "str", "spec": "ModelSpec", "deal": "ModelDeal", "execution_plan": "ModelJobExecutionPlan",
        "created_at": "datetime", "job_state": "ModelJobState", "job_events": "list[ModelJobEvent]",
        "local_job_events": "list[ModelJobLocalEvent]"}


def test_attribute_holding_models_is_the_fields_row_on_the_class():
    assert isinstance(ModelJob.spec, Field)
    assert ModelJob.spec is {row.attr: row for row in fields(ModelJob)}["spec"]


def test_attribute_holding_json_as_it_came_is_a_property_naming_its_key():
    assert isinstance(ModelDeal.concurrency, property)
    assert ModelDeal.concurrency.__doc__ == "JSON key ``Concurrency``, type ``int``."


def test_model_base_is_marked_for_type_checkers():
    assert hasattr(Model, "__dataclass_transform__")


# --- declaring a model --------------------------------------------------------------------------------------


def declare(source: str) -> type:
    """The class ``source`` defines, in a fresh module that uses string annotations as model modules do."""
    namespace: dict = {}
    exec(compile("from __future__ import annotations\nfrom typing import Any, Dict, List, Optional\n"
                 "from bacalhau_client.models.base import Model, field\n" + textwrap.dedent(source),
                 "<declared>", "exec"), namespace)
    return [value for value in namespace.values() if isinstance(value, type) and issubclass(value, Model)
            and value is not Model][-1]


@pytest.fixture
def registry_snapshot():
    """Declared test classes register themselves by name; put the registry back afterwards."""
    saved = dict(MODEL_REGISTRY)
    yield
    MODEL_REGISTRY.clear()
    MODEL_REGISTRY.update(saved)


def test_declared_class_gets_constructor_mapping_and_table(registry_snapshot):
    cls = declare("""
        class TestWidget(Model):
            name: Optional[str] = field("Name")
            sizes: Optional[Dict[str, int]] = field("Sizes", omitempty=False)
            extra: Optional[Any] = field("Extra")
    """)
    widget = cls(name="w", sizes={"a": 1})
    assert widget.to_wire() == {"Name": "w", "Sizes": {"a": 1}}
    assert [(row.attr, row.type, row.omitempty) for row in fields(cls)] == [
        ("name", "str", True), ("sizes", "dict(str, int)", False), ("extra", "object", True)]
    assert cls.attribute_map == {"name": "Name", "sizes": "Sizes", "extra": "Extra"}


def test_subclass_adds_its_fields_after_the_parents(registry_snapshot):
    cls = declare("""
        class TestDealWithPriority(ModelDeal):
            priority: Optional[int] = field("Priority")
    """.replace("ModelDeal", "__import__('bacalhau_client').models.ModelDeal", 1))
    assert [row.attr for row in fields(cls)] == ["concurrency", "confidence", "min_bids", "priority"]
    assert cls(concurrency=1, priority=2).to_wire() == {"Concurrency": 1, "Priority": 2}


def test_table_of_field_rows_still_declares_a_model(registry_snapshot):
    cls = declare("""
        from bacalhau_client.models.base import Field
        class TestTabled(Model):
            _fields = (Field("name", "Name", "str"), Field("deal", "Deal", "ModelDeal"))
    """)
    tabled = cls(name="t", deal={"Concurrency": 1})
    assert (tabled.name, tabled.deal.concurrency) == ("t", 1)
    assert tabled.to_wire() == {"Name": "t", "Deal": {"Concurrency": 1}}


def test_table_and_field_declarations_together_raise_type_error(registry_snapshot):
    with pytest.raises(TypeError) as raised:
        declare("""
            from bacalhau_client.models.base import Field
            class TestBoth(Model):
                _fields = (Field("name", "Name", "str"),)
                size: Optional[int] = field("Size")
        """)
    assert str(raised.value) == "TestBoth: declare fields with field() or list them in _fields, not both"


@pytest.mark.parametrize("annotation,message", [
    ("int", "TestBad.value: annotation must be Optional[...], Nested[<model class>] or Time "
            "(an absent key reads as None), got 'int'"),
    ("Nested[List[int]]", "TestBad.value: annotation must be Optional[...], Nested[<model class>] or Time "
                          "(an absent key reads as None), got 'Nested[List[int]]'"),
    ("Optional[Set[int]]", "TestBad.value: cannot read the annotation 'Optional[Set[int]]': expected str, int, "
                           "float, bool, Any, Timestamp, a model class, List[...] or Dict[str, ...]"),
    ("Optional[Dict[int, str]]", "TestBad.value: cannot read the annotation 'Optional[Dict[int, str]]': expected "
                                 "str, int, float, bool, Any, Timestamp, a model class, List[...] or Dict[str, ...]"),
])
def test_unreadable_annotation_raises_type_error_naming_the_field(registry_snapshot, annotation, message):
    with pytest.raises(TypeError) as raised:
        declare("class TestBad(Model):\n    value: %s = field('Value')\n" % annotation)
    assert str(raised.value) == message


def test_field_without_annotation_raises_type_error(registry_snapshot):
    with pytest.raises(TypeError) as raised:
        declare("class TestBad(Model):\n    value = field('Value')\n")
    assert str(raised.value) == "TestBad.value: a field needs an annotation, such as Optional[str]"


def test_nested_and_time_annotations_become_model_and_datetime_fields(registry_snapshot):
    cls = declare("""
        from bacalhau_client.models.base import Nested, Time
        class TestStamped(Model):
            deal: Nested[ModelDeal] = field("Deal")
            at: Time = field("At")
    """)
    assert [(row.attr, row.type, row.kind) for row in fields(cls)] == [
        ("deal", "ModelDeal", "model"), ("at", "datetime", "datetime")]
    stamped = cls(deal={"Concurrency": 1}, at="2022-11-17T13:32:55Z")
    assert (stamped.deal.concurrency, stamped.at.nanosecond) == (1, 0)


def test_evaluated_annotation_raises_type_error_asking_for_string_annotations(registry_snapshot):
    with pytest.raises(TypeError) as raised:
        class TestEvaluated(Model):
            value: Optional[int] = field("Value")
    assert str(raised.value) == ("TestEvaluated.value: annotation must be a string; model modules start with "
                                 "'from __future__ import annotations'")


# --- misspelt attributes fail loudly; unknown JSON keys are kept ---------------------------------------------


def test_setting_a_misspelt_attribute_raises_naming_the_close_match():
    deal = ModelDeal(concurrency=1)
    with pytest.raises(AttributeError) as raised:
        deal.concurency = 5
    assert str(raised.value) == "ModelDeal has no attribute 'concurency'; did you mean 'concurrency'?"
    assert deal.to_wire() == {"Concurrency": 1}


def test_reading_a_misspelt_attribute_raises_naming_the_close_match():
    with pytest.raises(AttributeError) as raised:
        ModelJob.from_wire({"ID": "j"}).job_stat
    assert str(raised.value) == "ModelJob has no attribute 'job_stat'; did you mean 'job_state'?"


def test_setting_an_attribute_with_no_close_match_lists_the_known_ones():
    with pytest.raises(AttributeError) as raised:
        ModelDeal().workers = 3
    assert str(raised.value) == ("ModelDeal has no attribute 'workers'; "
                                 "known attributes: concurrency, confidence, min_bids")


def test_setting_the_wire_key_instead_of_the_attribute_raises():
    with pytest.raises(AttributeError) as raised:
        ModelDeal().MinBids = 1
    assert str(raised.value) == "ModelDeal has no attribute 'MinBids'; did you mean 'min_bids'?"


def test_unknown_json_keys_are_kept_while_unknown_attributes_are_refused():
    deal = ModelDeal.from_wire({"Concurrency": 1, "Workers": 3})
    with pytest.raises(AttributeError):
        deal.workers = 4
    assert deal.additional_properties == {"Workers": 3}
    assert deal.to_wire() == {"Concurrency": 1, "Workers": 3}


def test_read_only_property_keeps_pythons_own_error():
    with pytest.raises(AttributeError) as caught:
        ModelDeal().additional_properties = {}
    # Python names the property from 3.11 on; before, it says only "can't set attribute".
    assert "did you mean" not in str(caught.value)
    assert "additional_properties" in str(caught.value) or str(caught.value) == "can't set attribute"


def test_private_attribute_can_be_set_and_leaves_the_json_alone():
    deal = ModelDeal.from_wire({"Concurrency": 1})
    deal._note = "kept"
    assert (deal._note, deal.concurrency, deal.to_wire()) == ("kept", 1, {"Concurrency": 1})


def test_deleting_an_attribute_removes_its_key():
    deal = ModelDeal(concurrency=1, confidence=1)
    del deal.confidence
    assert (deal.confidence, deal.to_wire()) == (None, {"Concurrency": 1})


def test_deleting_an_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError):
        del ModelDeal().workers


# --- attributes are built on first read, and stay in step with the JSON --------------------------------------


def test_typed_value_is_built_once_and_kept():
    job = ModelJob.from_wire({"Spec": {"Timeout": 5}, "CreatedAt": "2022-11-17T13:32:55Z"})
    assert job.spec is job.spec
    assert job.created_at is job.created_at


def test_plain_value_is_read_from_the_json_object_each_time():
    body = {"ID": "j"}
    job = ModelJob.from_wire(body)
    assert job.id == "j"
    body["ID"] = "k"
    assert job.id == "k"


def test_attributes_read_after_a_change_see_it():
    job = ModelJob.from_wire({"ID": "j", "Deal": {"Concurrency": 1}})
    assert job.deal.concurrency == 1
    job.id = "k"
    job.deal.concurrency = 2
    assert (job.id, job.deal.concurrency) == ("k", 2)
    assert job.to_wire() == {"ID": "k", "Deal": {"Concurrency": 2}}


def test_attribute_set_before_any_read_is_read_back():
    job = ModelJob.from_wire({"ID": "j"})
    job.spec = ModelSpec(timeout=5)
    assert (job.id, job.spec.timeout) == ("j", 5)
    assert job.to_wire() == {"ID": "j", "Spec": {"Timeout": 5}}


def test_model_read_from_json_shares_the_parsed_object():
    body = {"ID": "j", "Spec": {"Timeout": 5}}
    job = ModelJob.from_wire(body)
    job.spec.timeout = 6
    assert body == {"ID": "j", "Spec": {"Timeout": 6}}


def test_deep_copy_is_independent_and_equal():
    job = ModelJob.from_wire({"ID": "j", "Spec": {"Timeout": 5}})
    job.spec  # built attributes are copied too
    twin = copy.deepcopy(job)
    twin.spec.timeout = 6
    assert (job.spec.timeout, twin.spec.timeout, twin.id) == (5, 6, "j")
    assert twin.to_wire() == {"ID": "j", "Spec": {"Timeout": 6}}


def test_setting_an_attribute_of_a_shallow_copy_leaves_the_original_alone():
    job = ModelJob.from_wire({"ID": "j"})
    twin = copy.copy(job)
    twin.id = "k"
    assert (job.id, twin.id) == ("j", "k")


def test_pickle_round_trip_gives_an_equal_model():
    job = ModelJob.from_wire({"ID": "j", "Spec": {"Timeout": 5}, "Future": [1]})
    assert pickle.loads(pickle.dumps(job)) == job


# --- what a type checker sees (mypy, when installed) ----------------------------------------------------------

TYPE_CHECKED = '''
from datetime import datetime
from bacalhau_client.models import ModelDeal, ModelJob, ModelJobState, ModelSpec, Timestamp, fields

deal = ModelDeal(concurrency="x")
deal.concurency
deal.concurency = 5
good = ModelDeal(1, 2, min_bids=None)
good.confidence = 3
reveal_type(good.min_bids)
reveal_type(ModelJob().spec)
reveal_type(ModelJob().created_at)
reveal_type(ModelJob().job_events)
reveal_type(ModelJobState().nodes)
reveal_type(ModelJob.from_wire({}))
job = ModelJob(id="j", created_at=Timestamp("2022-11-17T13:32:55Z"))
job = ModelJob(created_at=datetime(2022, 11, 17), spec={"Docker": {"Image": "ubuntu"}}, deal=ModelDeal())
job.spec = ModelSpec(timeout=5)
job.created_at = "2022-11-17T13:32:55Z"
bad = ModelJob(spec=5)
fields(ModelDeal)
import bacalhau_client
from_package = bacalhau_client.ModelDeal(concurrency="y")
'''


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed")
    work = tmp_path_factory.mktemp("mypy")
    (work / "check.py").write_text(TYPE_CHECKED, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-error-summary", "--cache-dir",
         str(work / "cache"), "--python-version", "3.10", "--hide-error-context", "--no-pretty", "check.py"],
        cwd=str(work), env={"MYPYPATH": str(ROOT), "PATH": ""}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=300)
    # Older interpreters make mypy spell builtin types in full ("builtins.dict[builtins.str, ...]").
    return {int(line.split(":")[1]): line.split(": ", 1)[1].replace("builtins.", "")
            for line in result.stdout.splitlines() if line.startswith("check.py:")}


def line_of(text: str) -> int:
    return TYPE_CHECKED.splitlines().index(text) + 1


def test_mypy_flags_a_value_of_the_wrong_type(mypy_output):
    assert mypy_output[line_of('deal = ModelDeal(concurrency="x")')] == (
        'error: Argument "concurrency" to "ModelDeal" has incompatible type "str"; expected "int | None"  '
        '[arg-type]')


def test_mypy_sees_the_models_through_the_package_too(mypy_output):
    assert mypy_output[line_of('from_package = bacalhau_client.ModelDeal(concurrency="y")')].startswith(
        'error: Argument "concurrency" to "ModelDeal" has incompatible type "str"')


def test_mypy_flags_reading_a_misspelt_attribute(mypy_output):
    assert mypy_output[line_of("deal.concurency")] == (
        'error: "ModelDeal" has no attribute "concurency"; maybe "concurrency"?  [attr-defined]')


def test_mypy_flags_setting_a_misspelt_attribute(mypy_output):
    assert mypy_output[line_of("deal.concurency = 5")].startswith('error: "ModelDeal" has no attribute "concurency"')


def test_mypy_flags_a_nested_model_of_the_wrong_type(mypy_output):
    assert mypy_output[line_of("bad = ModelJob(spec=5)")] == (
        'error: Argument "spec" to "ModelJob" has incompatible type "int"; '
        'expected "ModelSpec | dict[str, Any] | None"  [arg-type]')


def test_mypy_sees_the_attribute_types(mypy_output):
    revealed = {line: text for line, text in mypy_output.items() if text.startswith("note: Revealed type")}
    assert sorted(revealed.values()) == sorted([
        'note: Revealed type is "int | None"',
        'note: Revealed type is "bacalhau_client.models.model_spec.ModelSpec | None"',
        'note: Revealed type is "bacalhau_client.models.timestamp.Timestamp | None"',
        'note: Revealed type is "list[bacalhau_client.models.model_job_event.ModelJobEvent] | None"',
        'note: Revealed type is "dict[str, bacalhau_client.models.model_job_node_state.ModelJobNodeState] | None"',
        'note: Revealed type is "bacalhau_client.models.model_job.ModelJob"',
    ])


def test_mypy_accepts_correct_use(mypy_output):
    errors = {line for line, text in mypy_output.items() if text.startswith("error")}
    assert errors == {line_of('deal = ModelDeal(concurrency="x")'), line_of("deal.concurency"),
                      line_of("deal.concurency = 5"), line_of("bad = ModelJob(spec=5)"),
                      line_of('from_package = bacalhau_client.ModelDeal(concurrency="y")')}
