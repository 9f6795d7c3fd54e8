"""The models: what the seed's answers read as, the generated-client surface, validation, the reference names."""

import inspect
import json
import pprint
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, NamedTuple

import pytest

import bacalhau_client
from bacalhau_client import ApiClient, models
from bacalhau_client.models import (
    Engine, Field, JobEventType, JobStateType, ModelDeal, ModelJob, ModelJobShardState, ModelJobState, ModelSpec,
    ModelStorageSpec, Publisher, StorageSourceType, Timestamp, Verifier,
)
from bacalhau_client.models.base import Model, fields

COMPLETED_NODE = "QmdZQ7ZbhnvWY1J12XYKGHApJ6aufKyLNSvf8jZBrBaAVL"
FIRST_JOB_ID = "9304c616-291f-41ad-b862-54e133c0149e"


class Response(NamedTuple):
    data: bytes


def read_fixture(fixtures_dir: Path, name: str, type_name: str):
    with ApiClient() as client:
        return client.deserialize(Response((fixtures_dir / "responses" / name).read_bytes()), type_name)


def model_classes() -> List[type]:
    return [cls for cls in (getattr(models, name) for name in models.__all__)
            if inspect.isclass(cls) and issubclass(cls, Model) and cls is not Model]


# --- the seed's answers -------------------------------------------------------------------------------------


def test_list_response_reads_jobs_as_model_jobs(fixtures_dir):
    response = read_fixture(fixtures_dir, "list_response.json", "PublicapiListResponse")
    assert [type(job) for job in response.jobs] == [ModelJob, ModelJob]
    assert [job.id for job in response.jobs] == [FIRST_JOB_ID, "92d5d4ee-3765-4f78-8353-623f5f26df08"]


def test_list_response_reads_the_completed_shards_stdout(fixtures_dir):
    job = read_fixture(fixtures_dir, "list_response.json", "PublicapiListResponse").jobs[0]
    shard = job.job_state.nodes[COMPLETED_NODE].shards["0"]
    assert isinstance(shard, ModelJobShardState)
    assert shard.state == JobStateType.COMPLETED
    assert shard.run_output.stdout == "Thu Nov 17 13:32:55 UTC 2022\n"
    assert (shard.run_output.exit_code, shard.run_output.stdouttruncated) == (0, False)
    assert (shard.verification_result.complete, shard.verification_result.result) == (True, True)
    assert shard.published_results.cid == "QmTVmC7JBD2ES2qGPqBNVWnX1KeEPNrPGb7rJ8cpFgtefe"


def test_list_response_reads_created_at_with_nanoseconds(fixtures_dir):
    job = read_fixture(fixtures_dir, "list_response.json", "PublicapiListResponse").jobs[0]
    assert job.created_at == "2022-11-17T13:32:55.33837275Z"
    assert isinstance(job.created_at, Timestamp)
    assert job.created_at.nanosecond == 338372750
    assert job.created_at.datetime == datetime(2022, 11, 17, 13, 32, 55, 338372, tzinfo=timezone.utc)


def test_list_response_reads_the_spec_with_enum_names(fixtures_dir):
    spec = read_fixture(fixtures_dir, "list_response.json", "PublicapiListResponse").jobs[0].spec
    assert (spec.engine, spec.verifier, spec.publisher) == (Engine.DOCKER, Verifier.NOOP, Publisher.ESTUARY)
    assert spec.docker.image == "ubuntu"
    assert spec.docker.entrypoint == ["date"]
    assert spec.timeout == 1800 and type(spec.timeout) is int
    assert spec.outputs[0].storage_source == StorageSourceType.IPFS
    assert (spec.outputs[0].name, spec.outputs[0].path) == ("outputs", "/outputs")
    assert (spec.sharding.batch_size, spec.sharding.glob_pattern_base_path) == (1, "/inputs")
    assert spec.resources.gpu == ""


def test_events_response_reads_event_names_in_order(fixtures_dir):
    events = read_fixture(fixtures_dir, "events_response.json", "PublicapiEventsResponse").events
    assert [event.event_name for event in events] == [
        JobEventType.CREATED, JobEventType.RESULTS_ACCEPTED, JobEventType.RESULTS_PUBLISHED]


def test_events_response_reads_event_time_and_published_result(fixtures_dir):
    events = read_fixture(fixtures_dir, "events_response.json", "PublicapiEventsResponse").events
    assert events[0].event_time.nanosecond == 331375351
    assert events[2].published_result.cid == "QmTVmC7JBD2ES2qGPqBNVWnX1KeEPNrPGb7rJ8cpFgtefe"
    assert events[2].source_node_id == COMPLETED_NODE


def test_results_response_reads_the_published_cid(fixtures_dir):
    results = read_fixture(fixtures_dir, "results_response.json", "PublicapiResultsResponse").results
    assert len(results) == 1
    assert results[0].node_id == COMPLETED_NODE
    assert results[0].data.storage_source == StorageSourceType.IPFS
    assert results[0].data.cid == "QmTVmC7JBD2ES2qGPqBNVWnX1KeEPNrPGb7rJ8cpFgtefe"


def test_states_response_reads_shard_states_per_node(fixtures_dir):
    state = read_fixture(fixtures_dir, "states_response.json", "PublicapiStateResponse").state
    assert isinstance(state, ModelJobState)
    assert {node: shards.shards["0"].state for node, shards in state.nodes.items()} == {
        "QmSyJ8VUd4YSPwZFJSJsHmmmmg7sd4BAc2yHY73nisJo86": JobStateType.CANCELLED,
        "QmYgxZiySj3MRkwLSL4X2MF5F9f2PMhAE3LV49XkfNL1o3": JobStateType.CANCELLED,
        COMPLETED_NODE: JobStateType.COMPLETED,
    }
    assert state.nodes[COMPLETED_NODE].shards["0"].run_output.stdout == "Thu Nov 17 13:32:55 UTC 2022\n"


def test_timestamp_keeps_its_offset():
    stamp = Timestamp("2022-11-17T14:32:55.1+01:00")
    assert stamp.utcoffset == timedelta(hours=1)
    assert stamp.datetime == datetime(2022, 11, 17, 13, 32, 55, 100000, tzinfo=timezone.utc)


# --- the generated-client surface, for every model ----------------------------------------------------------

SAMPLES = {"str": "s", "int": 7, "float": 1.5, "bool": True, "datetime": "2022-11-17T13:32:55.33837275Z",
           "object": {"k": "v"}}


def sample(type_name: str):
    """A valid value for a type string, as a user would pass it."""
    if type_name.startswith("list["):
        return [sample(type_name[5:-1])]
    if type_name.startswith("dict("):
        return {"0": sample(type_name[5:-1].split(",", 1)[1].strip())}
    if type_name in SAMPLES:
        return SAMPLES[type_name]
    return getattr(models, type_name)()


def sample_kwargs(cls: type) -> Dict[str, object]:
    return {field.attr: sample(field.type) for field in fields(cls)}


MODELS = model_classes()
MODEL_IDS = [cls.__name__ for cls in MODELS]


def test_there_are_forty_models():
    assert len(MODELS) == 40


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_keyword_constructor_sets_each_attribute(cls):
    for attr, value in sample_kwargs(cls).items():
        assert getattr(cls(**{attr: value}), attr) == value, attr


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_keyword_constructor_writes_each_json_key(cls):
    for field in fields(cls):
        assert list(cls(**{field.attr: sample(field.type)}).to_wire()) == [field.key]


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_positional_constructor_follows_the_table_order(cls):
    kwargs = sample_kwargs(cls)
    assert cls(*kwargs.values()) == cls(**kwargs)


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_every_attribute_is_a_descriptor_on_the_class(cls):
    descriptors = [inspect.getattr_static(cls, field.attr) for field in fields(cls)]
    assert all(isinstance(descriptor, (property, Field)) for descriptor in descriptors)


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_every_annotation_says_what_reading_gives(cls):
    annotations = {name: text for klass in reversed(cls.__mro__) for name, text in
                   klass.__dict__.get("__annotations__", {}).items()}
    for field in fields(cls):
        annotation = annotations[field.attr]
        if field.kind == "model":
            assert annotation == "Nested[%s]" % field.type
        elif field.kind == "datetime":
            assert annotation == "Time"
        else:
            assert annotation.startswith("Optional["), field.attr


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_swagger_types_and_attribute_map_follow_the_table(cls):
    assert cls.swagger_types == {field.attr: field.type for field in fields(cls)}
    assert cls.attribute_map == {field.attr: field.key for field in fields(cls)}


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_unset_attributes_read_as_none(cls):
    model = cls()
    assert [getattr(model, field.attr) for field in fields(cls)] == [None] * len(fields(cls))


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_to_dict_is_keyed_by_attribute_names(cls):
    assert list(cls(**sample_kwargs(cls)).to_dict()) == [field.attr for field in fields(cls)]


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_to_str_pretty_prints_to_dict(cls):
    model = cls(**sample_kwargs(cls))
    assert model.to_str() == pprint.pformat(model.to_dict())


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_repr_names_the_class_and_its_values(cls):
    first = fields(cls)[0]
    model = cls(**{first.attr: sample(first.type)})
    assert repr(model) == "%s(%s=%r)" % (cls.__name__, first.attr, model.to_dict()[first.attr])


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_models_with_the_same_values_are_equal(cls):
    assert cls(**sample_kwargs(cls)) == cls(**sample_kwargs(cls))
    assert not cls(**sample_kwargs(cls)) != cls(**sample_kwargs(cls))


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_models_with_different_values_are_not_equal(cls):
    assert cls(**sample_kwargs(cls)) != cls()
    assert not cls(**sample_kwargs(cls)) == cls()


def test_models_of_different_classes_are_not_equal():
    assert models.PublicapiStateRequest(job_id="j") != models.PublicapiEventsRequest(job_id="j")


def test_models_are_not_hashable():
    with pytest.raises(TypeError):
        hash(ModelDeal(concurrency=1))


def test_model_equals_the_same_model_read_from_json():
    assert ModelDeal(concurrency=1) == ModelDeal.from_wire({"Concurrency": 1})


def test_setting_none_removes_the_key():
    deal = ModelDeal(concurrency=1, confidence=1)
    deal.confidence = None
    assert deal.to_wire() == {"Concurrency": 1}


def test_datetime_value_is_written_as_rfc3339():
    job = ModelJob(created_at=datetime(2022, 11, 17, 13, 32, 55, 338372, tzinfo=timezone.utc))
    assert job.to_wire() == {"CreatedAt": "2022-11-17T13:32:55.338372Z"}


def test_dict_value_for_a_model_attribute_is_read_as_the_model():
    spec = ModelSpec(docker={"Image": "ubuntu"})
    assert spec.docker.image == "ubuntu"


# --- validation: exact messages -----------------------------------------------------------------------------

BAD_VALUES = [
    (lambda: ModelDeal(concurrency="1"), "ModelDeal.concurrency: expected int, got str '1'"),
    (lambda: ModelDeal(concurrency=True), "ModelDeal.concurrency: expected int, got bool True"),
    (lambda: ModelSpec(timeout="1800"), "ModelSpec.timeout: expected float, got str '1800'"),
    (lambda: ModelSpec(do_not_track=1), "ModelSpec.do_not_track: expected bool, got int 1"),
    (lambda: ModelSpec(docker=5), "ModelSpec.docker: expected ModelJobSpecDocker, got int"),
    (lambda: ModelSpec(docker=ModelDeal()), "ModelSpec.docker: expected ModelJobSpecDocker, got ModelDeal"),
    (lambda: ModelSpec(inputs="x"), "ModelSpec.inputs: expected list[ModelStorageSpec], got str"),
    (lambda: ModelSpec(inputs=[1]), "ModelSpec.inputs[0]: expected ModelStorageSpec, got int"),
    (lambda: ModelSpec(annotations=["a", 2]), "ModelSpec.annotations[1]: expected str, got int 2"),
    (lambda: ModelStorageSpec(metadata={1: "a"}), "ModelStorageSpec.metadata: keys must be str, got int 1"),
    (lambda: ModelStorageSpec(metadata={"a": 1}), "ModelStorageSpec.metadata['a']: expected str, got int 1"),
    (lambda: ModelJobState(nodes={"n": 5}), "ModelJobState.nodes['n']: expected ModelJobNodeState, got int"),
    (lambda: ModelJob(created_at=5), "ModelJob.created_at: expected datetime or RFC 3339 str, got int"),
    (lambda: ModelJob(created_at="yesterday"), "ModelJob.created_at: expected an RFC 3339 timestamp, got 'yesterday'"),
]


@pytest.mark.parametrize("make,message", BAD_VALUES, ids=[message.split(":")[0] for _, message in BAD_VALUES])
def test_bad_value_raises_value_error_naming_the_attribute(make, message):
    with pytest.raises(ValueError) as raised:
        make()
    assert str(raised.value) == message


def test_setter_validates_like_the_constructor():
    deal = ModelDeal()
    with pytest.raises(ValueError) as raised:
        deal.min_bids = 1.5
    assert str(raised.value) == "ModelDeal.min_bids: expected int, got float 1.5"


def test_misspelt_keyword_raises_type_error_naming_the_close_match():
    with pytest.raises(TypeError) as raised:
        ModelDeal(concurency=1)
    assert str(raised.value) == "ModelDeal has no attribute 'concurency'; did you mean 'concurrency'?"


def test_unknown_keyword_raises_type_error_listing_the_attributes():
    with pytest.raises(TypeError) as raised:
        ModelDeal(workers=1)
    assert str(raised.value) == ("ModelDeal has no attribute 'workers'; "
                                 "known attributes: concurrency, confidence, min_bids")


def test_too_many_positional_arguments_raise_type_error():
    with pytest.raises(TypeError) as raised:
        ModelDeal(1, 2, 3, 4)
    assert str(raised.value) == "ModelDeal takes at most 3 positional arguments (4 given)"


def test_positional_and_keyword_for_one_attribute_raise_type_error():
    with pytest.raises(TypeError) as raised:
        ModelDeal(1, concurrency=2)
    assert str(raised.value) == "ModelDeal got multiple values for argument 'concurrency'"


# --- changes made through nested views are written back -----------------------------------------------------


@pytest.fixture
def listed(fixtures_dir):
    return read_fixture(fixtures_dir, "list_response.json", "PublicapiListResponse")


def wire(model):
    """The JSON the SDK would send for ``model``."""
    with ApiClient() as client:
        return client.sanitize_for_serialization(model)


def test_nested_scalar_change_is_written_back_in_place(listed):
    listed.jobs[0].spec.docker.image = "alpine"
    job = wire(listed)["jobs"][0]
    assert job["Spec"]["Docker"] == {"Image": "alpine", "Entrypoint": ["date"]}
    assert list(job) == ["APIVersion", "ID", "RequesterNodeID", "RequesterPublicKey", "ClientID", "Spec", "Deal",
                         "ExecutionPlan", "CreatedAt", "JobState"]


def test_model_appended_to_a_nested_list_is_written_back(listed):
    listed.jobs[1].spec.outputs.append(ModelStorageSpec(name="logs", path="/logs"))
    assert wire(listed)["jobs"][1]["Spec"]["outputs"][1] == {"Name": "logs", "path": "/logs"}


def test_string_appended_to_a_nested_list_is_written_back(listed):
    listed.jobs[0].spec.docker.entrypoint.append("-u")
    assert wire(listed)["jobs"][0]["Spec"]["Docker"]["Entrypoint"] == ["date", "-u"]


def test_change_inside_a_nested_dict_is_written_back(listed):
    listed.jobs[0].job_state.nodes[COMPLETED_NODE].shards["0"].state = JobStateType.ERROR
    assert wire(listed)["jobs"][0]["JobState"]["Nodes"][COMPLETED_NODE]["Shards"]["0"]["State"] == "Error"


def test_model_added_to_a_nested_dict_is_written_back(listed):
    listed.jobs[0].job_state.nodes[COMPLETED_NODE].shards["1"] = ModelJobShardState(shard_index=1)
    shards = wire(listed)["jobs"][0]["JobState"]["Nodes"][COMPLETED_NODE]["Shards"]
    assert shards["1"] == {"ShardIndex": 1}


def test_nested_attribute_set_to_none_is_removed(listed):
    listed.jobs[0].spec.sharding = None
    assert "Sharding" not in wire(listed)["jobs"][0]["Spec"]


def test_replaced_nested_model_is_written_back(listed):
    listed.jobs[0].deal = ModelDeal(concurrency=3, confidence=2)
    assert wire(listed)["jobs"][0]["Deal"] == {"Concurrency": 3, "Confidence": 2}


# --- names: the package exports and API_REFERENCE.md section 2 ----------------------------------------------


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_every_model_is_exported_by_the_package(cls):
    assert getattr(bacalhau_client, cls.__name__) is cls
    assert cls.__name__ in bacalhau_client.__all__


class ReferenceRow(NamedTuple):
    key: str
    attr: str
    wire_type: str
    omitempty: str
    go_type: str


def reference_models(spec_path: Path) -> Dict[str, List[ReferenceRow]]:
    """The tables of section 2 of API_REFERENCE.md: {class name: rows}."""
    text = spec_path.read_text(encoding="utf-8")
    section = text.split("## 2. Models", 1)[1].split("\n## 3.", 1)[0]
    tables: Dict[str, List[ReferenceRow]] = {}
    for block in re.split(r"^### ", section, flags=re.M)[1:]:
        name, body = block.split("\n", 1)
        lines = [line for line in body.splitlines() if line.startswith("|")]
        header = [cell.strip() for cell in lines[0].strip("|").split("|")]
        rows = []
        for line in lines[2:]:
            cells = dict(zip(header, (cell.strip() for cell in line.strip("|").split("|"))))
            rows.append(ReferenceRow(cells["JSON key"].strip("`"), cells["Python attribute"].strip("`"),
                                     cells["wire type"], cells.get("omitempty", ""), cells.get("Go type", "")))
        tables[name.strip()] = rows
    return tables


@pytest.fixture(scope="module")
def reference(fixtures_dir):
    return reference_models(fixtures_dir / "spec" / "API_REFERENCE.md")


def expected_field_flags(row: ReferenceRow) -> Dict[str, object]:
    """What the reference row says the model's Field must be."""
    wire_type = row.wire_type
    enum = re.search(r"\(enum (\w+)\)", wire_type)
    type_name = re.sub(r" \(.*\)$", "", wire_type)
    return {
        "type": "datetime" if type_name == "timestamp" else type_name,
        "enum": enum.group(1) if enum else None,
        "base64": "(base64)" in wire_type,
        "int_keys": "decimal shard index" in wire_type,
        # Only the model.* structs have omitempty keys; the envelopes and health schemas write every field.
        "omitempty": row.omitempty == "yes",
        "pointer": row.go_type.startswith("*"),
        "unsigned": row.go_type == "uint64",
        "text_only": row.go_type == "PublicKey",
    }


def test_reference_names_the_same_forty_models(reference):
    assert sorted(reference) == sorted(MODEL_IDS)


def test_reference_models_are_importable_from_both_packages(reference):
    for name in reference:
        assert getattr(bacalhau_client, name) is getattr(models, name)


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_model_attributes_and_json_keys_match_the_reference(reference, cls):
    rows = reference[cls.__name__]
    assert [(field.attr, field.key) for field in fields(cls)] == [(row.attr, row.key) for row in rows]


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_model_wire_types_match_the_reference(reference, cls):
    for field, row in zip(fields(cls), reference[cls.__name__]):
        actual = {"type": field.type, "enum": field.enum, "base64": field.base64, "int_keys": field.int_keys,
                  "omitempty": field.omitempty, "pointer": field.pointer, "unsigned": field.unsigned,
                  "text_only": field.text_only}
        assert actual == expected_field_flags(row), "%s.%s" % (cls.__name__, field.attr)


def test_json_round_trip_of_a_built_model_is_plain_json():
    job = ModelJob(api_version="V1beta1", spec=ModelSpec(engine=Engine.DOCKER), deal=ModelDeal(concurrency=1))
    assert json.loads(json.dumps(wire(job))) == {"APIVersion": "V1beta1", "Spec": {"Engine": "Docker"},
                                                 "Deal": {"Concurrency": 1}}
