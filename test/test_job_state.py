"""Job rules read from a job state: shard order, finished, failed shards, the one-word summary, RunOutput."""

import pytest

from bacalhau_client.models import ModelJobState, ModelRunCommandResult
from bacalhau_client.models.job_state import (
    SHORT_ID_LENGTH, FailedShard, completed_stdout, failed_shards, is_finished, iter_shards, job_not_found_message,
    list_state, run_output, shard_run_output, short_id, summarize_state,
)


def state(*shard_states):
    """A job state with one node per given shard state, each holding shard 0."""
    return {"Nodes": {"Qm%d" % index: {"Shards": {"0": {"State": value}}} for index, value in enumerate(shard_states)}}


@pytest.mark.parametrize("shard_states, summary", [
    ((), "Submitted"),
    (("Cancelled",), "Cancelled"),
    (("Bidding",), "Bidding"),
    (("Bidding", "Running"), "Running"),
    (("Waiting", "Cancelled"), "Waiting"),
    (("Verifying", "Completed"), "Verifying"),
    (("Completed", "Cancelled"), "Completed"),
    (("Completed", "Error"), "Error"),
    (("Running", "SomethingNew"), "Running"),
    (("SomethingNew",), "Running"),
    ((None,), "Running"),
])
def test_summary_names_the_furthest_live_state_or_the_outcome(shard_states, summary):
    assert summarize_state(state(*shard_states)) == summary


@pytest.mark.parametrize("shard_states, finished", [
    ((), False),
    (("Cancelled",), False),                        # every node gave it up: nothing finished
    (("Running", "Completed"), False),
    (("SomethingNew", "Completed"), False),
    ((None, "Error"), False),
    (("Completed",), True),
    (("Error",), True),
    (("Completed", "Error", "Cancelled"), True),
])
def test_finished_when_every_shard_not_cancelled_completed_or_failed(shard_states, finished):
    assert is_finished(state(*shard_states)) is finished


@pytest.mark.parametrize("shard_states, column", [
    ((), "jobStateUnknown"),
    (("Bidding", "Running"), "Running"),
    (("Running", "Cancelled"), "Cancelled"),        # a rejected bid outranks a running shard, as in Go
    (("Completed", "Error"), "Completed"),          # Go's ordinals: Completed is the largest
    (("Verifying", "SomethingNew", None), "Verifying"),
])
def test_list_state_is_the_go_lists_largest_ordinal(shard_states, column):
    assert list_state(state(*shard_states)) == column


def test_a_model_and_its_wire_dict_read_the_same():
    wire = {"Nodes": {"QmA": {"Shards": {"1": {"State": "Completed", "RunOutput": {"stdout": "b"}},
                                         "0": {"State": "Completed", "RunOutput": {"stdout": "a"}}}}}}
    model = ModelJobState.from_wire(wire)
    assert [(node, index) for node, index, _ in iter_shards(model)] == [("QmA", 0), ("QmA", 1)]
    assert (completed_stdout(model), is_finished(model), summarize_state(model)) == ("ab", True, "Completed")


def test_shard_keys_sort_as_numbers_not_text():
    shards = {str(index): {"State": "Running"} for index in (10, 2, 1)}
    assert [index for _, index, _ in iter_shards({"Nodes": {"QmA": {"Shards": shards}}})] == [1, 2, 10]


@pytest.mark.parametrize("value", [None, [], "text", 3, {"Nodes": "QmA"}])
def test_a_state_that_is_not_an_object_has_no_shards(value):
    assert (list(iter_shards(value)), is_finished(value), failed_shards(value), summarize_state(value),
            completed_stdout(value)) == ([], False, [], "Submitted", "")


def test_a_null_shard_is_a_shard_without_state_so_the_job_is_not_finished():
    value = {"Nodes": {"QmA": {"Shards": {"0": {"State": "Completed"}, "1": None}}}}
    assert (list(iter_shards(value))[1], is_finished(value)) == (("QmA", 1, {}), False)


def test_failed_shards_carry_status_stderr_and_exit_code():
    value = {"Nodes": {"QmA": {"Shards": {"0": {"State": "Error", "Status": "boom",
                                                "RunOutput": {"stderr": "oops", "exitCode": 2}},
                                          "1": {"State": "Completed"}}}}}
    assert failed_shards(value) == [FailedShard("QmA", 0, "boom", "oops", 2)]


@pytest.mark.parametrize("value, read", [
    ({"exitCode": 1}, {"exitCode": 1}), (None, {}), ("not an object", {}), ([1, 2], {}),
])
def test_a_shards_run_output_is_read_only_when_it_is_an_object(value, read):
    assert shard_run_output({"RunOutput": value}) == read


def test_run_output_has_every_key_as_a_go_compute_node_writes_it():
    assert run_output("hi\n", "", 0) == {"stdout": "hi\n", "stdouttruncated": False, "stderr": "",
                                         "stderrtruncated": False, "exitCode": 0, "runnerError": ""}
    assert ModelRunCommandResult.from_wire(run_output(runner_error="no docker")).runner_error == "no docker"


def test_short_id_and_the_not_found_message_are_the_nodes():
    job_id = "9304c616-291f-41ad-b862-54e133c0149e"
    assert (SHORT_ID_LENGTH, short_id(job_id), short_id("abc")) == (8, "9304c616", "abc")
    assert job_not_found_message("nope") == "Job not found. ID: nope"
