"""A job's life on the local node, one step every ``step_delay`` seconds.

The steps follow a Go requester node with its compute nodes, for each shard:

1. every compute node bids (event ``Bid``; shard ``Bidding``; local ``Selected``, ``Bid``);
2. the first ``Concurrency`` bids are accepted (``BidAccepted``; shard ``Waiting``), the
   others rejected (``BidRejected``; shard ``Cancelled``);
3. the accepted shards run (shard ``Running``) through the node's executor;
4. a finished run proposes its results (``ResultsProposed``; shard ``Verifying`` with
   ``RunOutput``), a failed executor reports ``ComputeError`` (shard ``Error``);
5. the requester verifies (``ResultsAccepted``; ``VerificationResult``; local ``Verified``);
6. the compute node publishes (``ResultsPublished``; shard ``Completed`` with ``PublishedResults``).

Each run gets an empty results folder with a folder per output volume; after
the executor, ``stdout``, ``stderr`` and ``exitCode`` are written beside them
and the folder is published to the node's block store (its CID is the one
kubo would give), as a compute node publishes to IPFS.
"""

import copy
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from bacalhau_client.devserver.executor import (
    Executor, Volumes, call_executor, executor_result, failed_run_output, streams_run_output,
)
from bacalhau_client.devserver.publisher import BlockStore, write_results_folder
from bacalhau_client.devserver.record import JobRecord
from bacalhau_client.models import ModelSpec
from bacalhau_client.models.enums import JobEventType, JobLocalEventType, JobStateType, StorageSourceType


class Lifecycle:
    """Drives one job through its steps; :meth:`run` is the body of the job's thread."""

    def __init__(self, record: JobRecord, *, lock: threading.Lock, stopping: threading.Event,
                 step_delay: float, requester_id: str, compute_ids: List[str], executor: Executor,
                 log: Callable[[str], None], blocks: BlockStore):
        self.record = record
        self.lock = lock
        self.stopping = stopping
        self.step_delay = step_delay
        self.requester_id = requester_id
        self.compute_ids = compute_ids
        self.executor = executor
        self.log = log
        self.blocks = blocks
        self.published: Dict[Tuple[str, int], str] = {}  # (node, shard) -> results CID

    def run(self) -> None:
        """Run every step, stopping early (between steps) when the node stops."""
        shards = range(self.record.job["ExecutionPlan"]["ShardsTotal"])
        concurrency = self.record.job["Deal"].get("Concurrency", 1)
        accepted = self.compute_ids[:concurrency]
        steps = [
            lambda: self._bid(shards),
            lambda: self._accept(shards, accepted),
            lambda: self._start(shards, accepted),
            lambda: self._execute(shards, accepted),
            lambda: self._verify(shards, accepted),
            lambda: self._publish(shards, accepted),
        ]
        for step in steps:
            if self.stopping.wait(self.step_delay):
                return
            step()
        self.log("job %s finished" % self.record.job_id)

    def _bid(self, shards) -> None:
        with self.lock:
            for node_id in self.compute_ids:
                for index in shards:
                    self.record.record_local(JobLocalEventType.SELECTED, node_id, index)
                    self.record.emit(JobEventType.BID, node_id, shard_index=index)
                    self.record.record_local(JobLocalEventType.BID, node_id, index)
                    self.record.update_shard(node_id, index, State=JobStateType.BIDDING)

    def _accept(self, shards, accepted: List[str]) -> None:
        with self.lock:
            for node_id in self.compute_ids:
                for index in shards:
                    if node_id in accepted:
                        self.record.emit(JobEventType.BID_ACCEPTED, self.requester_id, node_id, index)
                        self.record.record_local(JobLocalEventType.BID_ACCEPTED, node_id, index)
                        self.record.update_shard(node_id, index, State=JobStateType.WAITING)
                    else:
                        self.record.emit(JobEventType.BID_REJECTED, self.requester_id, node_id, index)
                        self.record.record_local(JobLocalEventType.BID_REJECTED, node_id, index)
                        self.record.update_shard(node_id, index, State=JobStateType.CANCELLED)

    def _start(self, shards, accepted: List[str]) -> None:
        with self.lock:
            for node_id in accepted:
                for index in shards:
                    self.record.update_shard(node_id, index, State=JobStateType.RUNNING)

    def _execute(self, shards, accepted: List[str]) -> None:
        outcomes = [(node_id, index) + self._run_executor(node_id, index) for node_id in accepted for index in shards]
        with self.lock:
            for node_id, index, output, error in outcomes:
                if error is None:
                    status = "Got results proposal of length: 0"
                    self.record.emit(JobEventType.RESULTS_PROPOSED, node_id, shard_index=index,
                                     Status=status, RunOutput=output)
                    self.record.update_shard(node_id, index, State=JobStateType.VERIFYING, Status=status,
                                             RunOutput=output)
                else:
                    self.record.emit(JobEventType.COMPUTE_ERROR, node_id, shard_index=index, Status=error,
                                     RunOutput=output)
                    self.record.update_shard(node_id, index, State=JobStateType.ERROR, Status=error,
                                             RunOutput=output)
                    self.log("job %s shard %d on %s failed: %s" % (self.record.job_id, index, node_id, error))

    def _run_executor(self, node_id: str, shard_index: int) -> Tuple[Dict[str, Any], Any]:
        """``(RunOutput, None)`` for a finished run, ``(RunOutput, message)`` when the executor failed.

        A finished run's results folder is published at once; its CID waits in
        :attr:`published` for the publish step.
        """
        spec = ModelSpec.from_wire(copy.deepcopy(self.record.job["Spec"]))  # the executor cannot change the job
        work = Path(tempfile.mkdtemp(prefix="bacalhau-local-run-"))
        try:
            results = work / "results"
            results.mkdir()
            try:
                volumes = Volumes(_output_folders(spec, results), self._input_folders(spec, work / "inputs"))
                result = call_executor(self.executor, spec, shard_index, volumes)
                stdout, stderr, exit_code = executor_result(result)
                output = streams_run_output(stdout, stderr, exit_code)
                write_results_folder(results, stdout, stderr, exit_code)
                self.published[node_id, shard_index] = self.blocks.publish(results)
            except Exception as error:  # any executor failure is the shard's failure, as on a compute node
                message = str(error) or type(error).__name__
                kept = getattr(error, "run_output", None)  # a failed run that still has output (RunFailed)
                return (kept if isinstance(kept, dict) else failed_run_output(message)), message
            return output, None
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _input_folders(self, spec: ModelSpec, folder: Path) -> Dict[str, Path]:
        """Mount path -> folder, for each IPFS input or context whose blocks the node holds (it published them)."""
        mounted: Dict[str, Path] = {}
        for number, volume in enumerate(list(spec.contexts or []) + list(spec.inputs or [])):
            path = volume.path or ""
            if not volume.cid or not path or path in mounted or not self.blocks.has_dag(volume.cid):
                continue
            folder.mkdir(exist_ok=True)
            target = folder / str(number)
            self.blocks.unpack(volume.cid, target)
            mounted[path] = target
        return mounted

    def _verify(self, shards, accepted: List[str]) -> None:
        with self.lock:
            for node_id, index in self._shards_in(JobStateType.VERIFYING, shards, accepted):
                result = {"Complete": True, "Result": True}
                self.record.emit(JobEventType.RESULTS_ACCEPTED, self.requester_id, node_id, index,
                                 VerificationResult=result)
                self.record.record_local(JobLocalEventType.VERIFIED, node_id, index)
                self.record.update_shard(node_id, index, VerificationResult=result)

    def _publish(self, shards, accepted: List[str]) -> None:
        with self.lock:
            for node_id, index in self._shards_in(JobStateType.VERIFYING, shards, accepted):
                published = {
                    "StorageSource": StorageSourceType.IPFS,
                    "Name": "job-%s-shard-%d-host-%s" % (self.record.job_id, index, node_id),
                    "CID": self.published[node_id, index],
                }
                self.record.emit(JobEventType.RESULTS_PUBLISHED, node_id, shard_index=index,
                                 PublishedResult=published)
                self.record.update_shard(node_id, index, State=JobStateType.COMPLETED, PublishedResults=published)
                self.record.results.append({"NodeID": node_id, "ShardIndex": index, "Data": published})

    def _shards_in(self, state: str, shards, accepted: List[str]):
        return [(node_id, index) for node_id in accepted for index in shards
                if self.record.shards[node_id][index].get("State") == state]


def _output_folders(spec: ModelSpec, results: Path) -> Dict[str, Path]:
    """An empty folder per output volume, named by the volume's ``Name`` (names that are not one path
    component are skipped: they could not be a folder of the results)."""
    folders: Dict[str, Path] = {}
    for volume in spec.outputs or []:
        name: Optional[str] = volume.name
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name or name in folders:
            continue
        folders[name] = results / name
        folders[name].mkdir()
    return folders
