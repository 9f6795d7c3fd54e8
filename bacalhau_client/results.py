"""A job's results on disk in the layout of ``bacalhau get``: ``raw/``, ``per_shard/``, ``combined_results/``.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:     # without a folder: ./job-<first 8 characters of the ID>/
...     sorted(path.name for path in client.download(job_id, folder).iterdir())
['combined_results', 'per_shard', 'raw']

For every published shard result (``/results``), the CID is fetched once from
a trustless IPFS gateway, verified block by block (:func:`bacalhau_client.ipfs.fetch`),
into ``raw/<cid>/``; then, shard by shard (in shard index order, then node ID):

- ``per_shard/<index>_node_<first 8 characters of the node ID>/``: a copy of ``raw/<cid>`` (the
  whole node ID when another node's ID starts with the same 8 characters);
- ``combined_results/``: ``stdout`` and ``stderr`` appended in that order, no ``exitCode``,
  every other file copied unless an earlier shard already put one there (the first one wins),
  and a folder for every output volume of the job even when no shard wrote to it.

Copies are hard links where the file system allows. Everything is built in a
temporary folder beside ``dest`` and moved into place at the end: a failed
download leaves nothing behind, and an existing non-empty ``dest`` is refused,
never overwritten.

Which gateway: ``gateway``, else ``Configuration.ipfs_gateway``, else
``$BACALHAU_IPFS_GATEWAY``, else the node itself when it serves ``/ipfs/``
(the local node does: it answers ``HEAD /ipfs/bafkqaaa?format=car``), else
:data:`bacalhau_client.ipfs.DEFAULT_GATEWAY`.
"""

import os
import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Iterator, List, Optional, Tuple, Union

from bacalhau_client.exceptions import ApiException
from bacalhau_client.ipfs.gateway import (
    CAR_MEDIA_TYPE, DEFAULT_GATEWAY, configured_gateway, fetch, resolve_gateway,
)
from bacalhau_client.models.job_state import SHORT_ID_LENGTH, short_id  # noqa: F401  (kept importable)
# The identity CID of the empty block: every trustless gateway has it (the spec's probe path).
PROBE_CID = "bafkqaaa"
PROBE_TIMEOUT = 5.0
_STREAMS = ("stdout", "stderr")
_EXIT_CODE = "exitCode"


def default_dest(job_id: str) -> Path:
    """The folder ``bacalhau get`` writes to without ``--output-dir``: ``job-<short ID>`` in the current folder."""
    return Path.cwd() / ("job-" + short_id(job_id))


def download_results(client, job_id: str, dest: Union[str, "os.PathLike[str]", None] = None, *,
                     gateway: Optional[str] = None, timeout: Optional[float] = None) -> Path:
    """Download every shard's results of a job into ``dest`` (see the module); returns ``dest``.

    ``timeout`` bounds each CID's download (default 300 s, as the Go CLI's
    ``--download-timeout-secs``). Raises ``ValueError`` when the job has no
    published results, when ``dest`` exists and is not an empty folder, or when
    a result does not verify; :class:`ApiException` subclasses for the calls.
    """
    job = client.get(job_id)
    results = sorted(client.results(job.id), key=lambda result: (result.shard_index or 0, result.node_id or ""))
    results = [result for result in results if result.data is not None and result.data.cid]
    if not results:
        raise ValueError("no results found for job %s: nothing was downloaded" % job_id)
    dest = Path(dest) if dest is not None else default_dest(job.id)
    reuse_empty = dest.is_dir() and not dest.is_symlink() and not any(dest.iterdir())
    if os.path.lexists(dest) and not reuse_empty:
        raise ValueError("dest: %s already exists and is not an empty folder: nothing was overwritten; "
                         "remove it or choose another folder" % dest)
    base = gateway_for(client, gateway)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".%s.partial-" % dest.name, dir=dest.parent))
    except OSError as error:
        raise ValueError("dest: cannot write in %s: %s" % (dest.parent, error.strerror or error)) from None
    try:
        (work / "raw").mkdir()
        combined = work / "combined_results"
        combined.mkdir()
        for name in _volume_names(job):
            (combined / name).mkdir(exist_ok=True)
        for cid in dict.fromkeys(result.data.cid for result in results):
            fetch(cid, work / "raw" / cid, gateway=base, timeout=timeout, configuration=client.configuration)
        for result, name in zip(results, _shard_folder_names(results)):
            shard = work / "per_shard" / name
            shard.mkdir(parents=True, exist_ok=True)
            _lay_out(work / "raw" / result.data.cid, shard, combined)
        if reuse_empty:
            dest.rmdir()
        os.rename(work, dest)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise ValueError("writing the results of job %s to %s failed: %s" % (job_id, dest, error)) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest


def gateway_for(client, gateway: Optional[str] = None) -> str:
    """The gateway a download uses (see the module for the order)."""
    configured = configured_gateway(gateway, client.configuration)
    if configured:
        return resolve_gateway(configured)
    if serves_car(client):
        return resolve_gateway(client.configuration.host)
    return DEFAULT_GATEWAY


def serves_car(client) -> bool:
    """Whether the client's node is also a trustless gateway (one ``HEAD`` of the probe CID, no retries)."""
    url = "%s/ipfs/%s?format=car" % (client.configuration.host, PROBE_CID)
    try:
        response = client.api_client.rest_client.request(
            "HEAD", url, headers={"Accept": CAR_MEDIA_TYPE}, _request_timeout=PROBE_TIMEOUT, _retries=0)
    except ApiException:
        return False
    return (response.getheader("Content-Type") or "").startswith(CAR_MEDIA_TYPE)


def _shard_folder_names(results) -> List[str]:
    """``<index>_node_<first 8 characters of the node ID>`` per result; when two different nodes share
    those 8 characters, the later one gets its whole node ID, so no shard's files land in another's folder."""
    names, owners = [], {}
    for result in results:
        node_id, index = result.node_id or "", result.shard_index or 0
        name = "%d_node_%s" % (index, short_id(node_id))
        if owners.setdefault(name, (index, node_id)) != (index, node_id):
            name = "%d_node_%s" % (index, node_id)
        names.append(name)
    return names


def _volume_names(job) -> List[str]:
    spec = job.spec
    names = [volume.name for volume in ((spec.outputs if spec is not None else None) or [])]
    return [name for name in names if name and name not in (".", "..") and "/" not in name and "\0" not in name]


def _lay_out(raw: Path, shard: Path, combined: Path) -> None:
    """Copy one result's tree into its ``per_shard`` folder and merge it into ``combined_results``."""
    if not raw.is_dir() or raw.is_symlink():
        return  # a result that is a single file stays in raw/ only, as Go leaves it
    for relative, kind in _tree(raw):
        top_level = len(relative.parts) == 1
        if kind == "dir":
            _make_dir(shard, relative)
            _make_dir(combined, relative)
            continue
        _copy(raw / relative, shard, relative)
        if top_level and relative.name in _STREAMS:
            _append(raw / relative, combined, relative)
        elif not (top_level and relative.name == _EXIT_CODE):
            _copy(raw / relative, combined, relative)


def _tree(root: Path, relative: PurePath = PurePath()) -> Iterator[Tuple[PurePath, str]]:
    """Every entry below ``root`` in lexical order, as Go's ``filepath.WalkDir`` visits them; symlinks not followed."""
    with os.scandir(root / relative) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        path = relative / entry.name
        if entry.is_dir(follow_symlinks=False):
            yield path, "dir"
            yield from _tree(root, path)
        else:
            yield path, "symlink" if entry.is_symlink() else "file"


def _inside(base: Path, relative: PurePath) -> Optional[Path]:
    """``base / relative`` when no folder on the way is a symlink (so a write cannot leave ``base``), else None."""
    current = base
    for part in relative.parts[:-1]:
        current = current / part
        if current.is_symlink() or not current.is_dir():
            return None
    return base / relative


def _make_dir(base: Path, relative: PurePath) -> None:
    target = _inside(base, relative)
    if target is not None and not os.path.lexists(target):
        target.mkdir()


def _copy(source: Path, base: Path, relative: PurePath) -> None:
    """Copy a file (hard link when possible) or recreate a symlink, unless the target exists (as Go's walk does)."""
    target = _inside(base, relative)
    if target is None or os.path.lexists(target):
        return
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(source, target, follow_symlinks=False)


def _append(source: Path, base: Path, relative: PurePath) -> None:
    target = _inside(base, relative)
    if target is None or source.is_symlink() or target.is_symlink():
        return
    with open(source, "rb") as reader, open(target, "ab") as writer:
        shutil.copyfileobj(reader, writer)
