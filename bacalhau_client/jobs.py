"""Job builders with the defaults of the ``bacalhau`` CLI.

>>> job = docker_job("ubuntu", ["date"])                 # like `bacalhau docker run ubuntu date`
>>> request = sign_submit_request(job, UserKey.default())
>>> JobApi().submit(request).job.id

Each builder makes the job the CLI makes for the same arguments:
:func:`docker_job` (``docker run``), :func:`wasm_job` (``wasm run``, a CID or a
local ``.wasm``), :func:`python_job` (``run python``), :func:`from_file` and
:func:`load_job` (``create``, JSON or YAML). A builder that packs local files
(a local module, a Python context) returns a :class:`ModelJobCreatePayload`
holding the job and its ``Context``; the others return a :class:`ModelJob`.
Both go to :meth:`Client.submit`. Arguments are checked at once, so a mistake
is reported here, with the argument's name, rather than by the node.
"""

import base64
import os
import posixpath
from collections import abc
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Type, Union

from bacalhau_client._numbers import is_seconds
from bacalhau_client.models import (
    ModelDeal, ModelJob, ModelJobCreatePayload, ModelJobShardingConfig, ModelJobSpecDocker, ModelJobSpecLanguage,
    ModelJobSpecWasm, ModelResourceUsageConfig, ModelSpec, ModelStorageSpec,
)
from bacalhau_client.models.enums import APIVersion, Engine, EnumNames, Publisher, StorageSourceType, Verifier

__all__ = [
    "docker_job", "from_file", "input_cid", "input_url", "is_safe_label", "language_job", "load_job", "new_job",
    "output_volume", "pack_context", "parse_cid", "parse_input_url", "parse_input_volume", "parse_output_volume",
    "python_job", "wasm_job", "with_default_output",
]

Environment = Union[Mapping[str, str], Sequence[str], None]
Resource = Union[str, int, float, None]


def input_cid(cid: str, path: str = "/inputs") -> ModelStorageSpec:
    """An IPFS input mounted at ``path`` (the CLI's ``-v CID:PATH``)."""
    return ModelStorageSpec(storage_source=StorageSourceType.IPFS, cid=_text("cid", cid),
                            path=_absolute_path("path", path))


def input_url(url: str, path: str = "/inputs") -> ModelStorageSpec:
    """A file the node downloads from an http(s) URL, mounted at ``path`` (the CLI's ``-u URL``)."""
    url = _text("url", url)
    if not url.startswith(("http://", "https://")):
        raise ValueError("url: expected an http:// or https:// URL, got %r" % url)
    return ModelStorageSpec(storage_source=StorageSourceType.URL_DOWNLOAD, url=url, path=_absolute_path("path", path))


def output_volume(name: str, path: str) -> ModelStorageSpec:
    """An output directory ``path`` whose contents are published as ``name`` (the CLI's ``-o NAME:PATH``)."""
    return ModelStorageSpec(storage_source=StorageSourceType.IPFS, name=_text("name", name),
                            path=_absolute_path("path", path))


def new_job(engine: str, *, docker: Optional[ModelJobSpecDocker] = None,
            language: Optional[ModelJobSpecLanguage] = None, wasm: Optional[ModelJobSpecWasm] = None,
            inputs: Iterable[ModelStorageSpec] = (), outputs: Optional[Iterable[ModelStorageSpec]] = None,
            contexts: Iterable[ModelStorageSpec] = (), cpu: Resource = None, memory: Resource = None,
            disk: Resource = None, gpu: Resource = None, timeout: float = 1800, concurrency: int = 1,
            confidence: int = 0, min_bids: int = 0, annotations: Iterable[str] = (), verifier: str = "Noop",
            publisher: str = "Estuary", glob_pattern: Optional[str] = None, batch_size: Optional[int] = 1,
            glob_pattern_base_path: Optional[str] = "/inputs", do_not_track: bool = False) -> ModelJob:
    """A job for any engine; the engine builders pass their options on to this one.

    ``outputs`` defaults to one IPFS volume ``outputs`` at ``/outputs``, as the
    CLI does (pass ``[]`` for none). ``cpu``, ``memory``, ``disk`` and ``gpu``
    are the CLI's strings (``"500m"``, ``"1Gb"``, ``"1"``). ``timeout`` is in
    seconds. ``concurrency`` nodes run the job; ``confidence`` of them must
    agree. Sharding splits ``inputs`` by ``glob_pattern`` into batches of
    ``batch_size`` below ``glob_pattern_base_path``; with all three ``None``
    the job has no sharding settings (as ``bacalhau wasm run`` sends it).
    """
    concurrency = _integer("concurrency", concurrency, minimum=1)
    confidence = _integer("confidence", confidence, minimum=0)
    if confidence > concurrency:
        raise ValueError("confidence: must be <= concurrency (%d), got %d" % (concurrency, confidence))
    resources = {name: _resource(name, value) for name, value in
                 (("cpu", cpu), ("memory", memory), ("disk", disk), ("gpu", gpu)) if value is not None}
    if outputs is None:
        outputs = [output_volume("outputs", "/outputs")]
    spec = ModelSpec(
        engine=_enum_name("engine", engine, Engine),
        verifier=_enum_name("verifier", verifier, Verifier),
        publisher=_enum_name("publisher", publisher, Publisher),
        docker=docker, language=language, wasm=wasm,
        resources=ModelResourceUsageConfig(**resources) if resources else None,
        timeout=_timeout(timeout),
        inputs=_volumes("inputs", inputs) or None,
        contexts=_volumes("contexts", contexts) or None,
        outputs=_volumes("outputs", outputs) or None,
        annotations=_strings("annotations", annotations) or None,
        sharding=_sharding(glob_pattern, batch_size, glob_pattern_base_path),
        do_not_track=_flag("do_not_track", do_not_track) or None,
    )
    deal = ModelDeal(concurrency=concurrency, confidence=confidence or None,
                     min_bids=_integer("min_bids", min_bids, minimum=0) or None)
    return ModelJob(api_version=APIVersion.LATEST, spec=spec, deal=deal)


def docker_job(image: str, entrypoint: Optional[Sequence[str]] = None, *, env: Environment = None,
               working_dir: Optional[str] = None, engine: str = Engine.DOCKER, **options: Any) -> ModelJob:
    """A Docker job, like ``bacalhau docker run IMAGE [ENTRYPOINT...]``.

    ``env`` is a dict or a list of ``"NAME=value"`` strings. Other keywords are
    those of :func:`new_job` (volumes, resources, deal, verifier, publisher...);
    ``engine`` is sent as given, as ``bacalhau docker run --engine`` does.

    >>> docker_job("python:3.11", ["python", "-c", "print(1)"], env={"A": "1"}, cpu="500m")
    """
    docker = ModelJobSpecDocker(
        image=_text("image", image),
        entrypoint=_strings("entrypoint", entrypoint or ()) or None,
        environment_variables=_environment_list(env) or None,
        working_directory=None if working_dir is None else _absolute_path("working_dir", working_dir))
    return new_job(engine, docker=docker, **options)


def wasm_job(module: Union[str, "os.PathLike[str]", ModelStorageSpec], entry_point: str = "_start",
             parameters: Sequence[str] = (), *, env: Optional[Mapping[str, str]] = None,
             import_modules: Iterable[ModelStorageSpec] = (), verifier: str = "Deterministic",
             **options: Any) -> Union[ModelJob, ModelJobCreatePayload]:
    """A WebAssembly job, like ``bacalhau wasm run MODULE [PARAMETERS...]``: run ``entry_point`` of ``module``.

    ``module`` is the CID of the ``.wasm`` file, a volume, or the path of a local
    ``.wasm`` file (a string that is neither a CID nor a path is sent as a CID,
    for the node to judge). A CID travels as the job's first context, mounted at
    ``/job``. A local file is packed into the payload's ``Context`` (the node
    stores it and mounts it at ``/job``), so the result is then a
    :class:`ModelJobCreatePayload`; :meth:`Client.submit` takes either.
    ``env`` is a dict. As the CLI does, the output volume has no storage source,
    there are no sharding settings, and the ``Deterministic`` verifier becomes
    ``Noop`` for a single node (one result cannot be compared with another).
    Other keywords are those of :func:`new_job`.
    """
    context = None
    contexts = list(options.pop("contexts", ()))
    if isinstance(module, ModelStorageSpec):
        contexts.insert(0, module)
    elif isinstance(module, (str, os.PathLike)):
        path = os.fspath(module)
        if not path.strip():
            raise ValueError("module: expected a CID or the path of a .wasm file, got %r" % path)
        cid = parse_cid(path) if isinstance(module, str) else None
        if cid is None and not os.path.exists(path) and isinstance(module, str) \
                and not path.endswith(".wasm") and "/" not in path and os.sep not in path:
            cid = path  # not a CID go-cid knows, nor a file: sent as given, for the node to judge
        if cid is not None:
            contexts.insert(0, ModelStorageSpec(storage_source=StorageSourceType.IPFS, cid=cid, path="/job"))
        else:
            if not os.path.exists(path):
                raise ValueError("module: %r is not a valid CID or local file: no such file" % path)
            if not os.path.isfile(path):
                raise ValueError("module: %s should point to a single file" % path)
            context = pack_context(path)
    else:
        raise ValueError("module: expected a CID, a .wasm path or a ModelStorageSpec, got %s" % type(module).__name__)
    wasm = ModelJobSpecWasm(
        entry_point=_text("entry_point", entry_point),
        parameters=_strings("parameters", parameters) or None,
        environment_variables=_environment_map(env) or None,
        import_modules=_volumes("import_modules", import_modules) or None)
    concurrency = _integer("concurrency", options.get("concurrency", 1), minimum=1)
    if _enum_name("verifier", verifier, Verifier) == Verifier.DETERMINISTIC and concurrency == 1:
        verifier = Verifier.NOOP
    options.setdefault("outputs", [ModelStorageSpec(name="outputs", path="/outputs")])
    for name in ("glob_pattern", "batch_size", "glob_pattern_base_path"):
        options.setdefault(name, None)
    job = new_job(Engine.WASM, wasm=wasm, contexts=contexts, verifier=verifier, **options)
    return job if context is None else ModelJobCreatePayload(job=job, context=context)


def python_job(program: Optional[str] = None, *, command: Optional[str] = None,
               requirements: Optional[str] = None, context_path: Optional[str] = ".",
               deterministic: bool = True, inputs: Iterable[ModelStorageSpec] = (),
               outputs: Iterable[ModelStorageSpec] = (), **options: Any) -> Union[ModelJob, ModelJobCreatePayload]:
    """A Python job on the Language engine, like ``bacalhau run python [-c CODE] [program.py]``.

    Give ``command`` (inline code), ``program`` (a file inside the context) or
    both. The folder (or file) ``context_path`` is packed into the payload's
    ``Context`` and mounted at ``/job``, where ``program`` and ``requirements``
    are looked up; it is not packed when only ``command`` is given and
    ``context_path`` is the default ``"."``, nor when it is ``None`` or ``""``.
    The result is a :class:`ModelJobCreatePayload` when a context was packed,
    else a :class:`ModelJob`. Without ``inputs`` the job gets the CLI's
    placeholder input ``/inputs``; ``outputs`` get ``outputs:/outputs`` added.
    Other keywords are those of :func:`new_job`.

    >>> python_job(command="print(1 + 1)")
    """
    if deterministic is not True:
        raise ValueError("deterministic: only True is supported (languages run on the wasm backend with forced "
                         "determinism)")
    if not command and not program:
        raise ValueError("python_job: give an inline command or a path to a python file")
    inputs = _volumes("inputs", inputs) or [ModelStorageSpec(storage_source=StorageSourceType.IPFS,
                                                              cid="/inputs", path="/inputs")]
    language = ModelJobSpecLanguage(
        language="python", language_version="3.10", deterministic_execution=True,
        command=_optional_text("command", command), program_path=_optional_text("program", program),
        requirements_path=_optional_text("requirements", requirements))
    job = new_job(Engine.LANGUAGE, language=language, inputs=inputs, outputs=with_default_output(outputs),
                  **options)
    if not context_path or (context_path == "." and not requirements and not program):
        return job
    return ModelJobCreatePayload(job=job, context=pack_context(context_path))


def with_default_output(outputs: Iterable[ModelStorageSpec]) -> List[ModelStorageSpec]:
    """``outputs`` keyed by path, as the CLI keys them, with ``outputs:/outputs`` last.

    A later volume at the same path replaces an earlier one, so a volume at
    ``/outputs`` is replaced by the default. The order is the order of first
    appearance (the Go CLI sends them in random order).
    """
    by_path: Dict[str, ModelStorageSpec] = {}
    for volume in _volumes("outputs", outputs) + [output_volume("outputs", "/outputs")]:
        by_path[volume.path] = volume
    return list(by_path.values())


def parse_input_volume(text: str) -> ModelStorageSpec:
    """``CID:PATH`` as the CLI's ``-v`` reads it: an IPFS input."""
    parts = text.split(":")
    if len(parts) != 2:
        raise ValueError("invalid input volume: %s (expected CID:PATH)" % text)
    return input_cid(parts[0], parts[1])


def parse_input_url(text: str) -> ModelStorageSpec:
    """An ``-u URL`` input as the CLI reads it: quotes trimmed, http(s) only, a file name, mounted at ``/inputs``."""
    from urllib.parse import urlsplit

    url = text.strip(" '\"")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise ValueError("invalid URL: %s: %s" % (url, error)) from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("URLs must begin with 'http' or 'https'. The submitted one began with %s" % parts.scheme)
    if not parts.path:
        raise ValueError("URL must end with a file name: %s" % url)
    return input_url(url, "/inputs")


def parse_output_volume(text: str) -> ModelStorageSpec:
    """``NAME:PATH`` as the CLI's ``-o`` reads it."""
    parts = text.split(":")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise ValueError("invalid output volume: %s (expected NAME:PATH)" % text)
    return output_volume(parts[0], parts[1])


_LABEL_PUNCTUATION = frozenset("._~!:@,;+-|^#*")
# Code points of emoji sequences: pictographs, dingbats, arrows and symbols, regional
# indicators, tags, joiners and variation selectors, skin tones, (c) and (r).
_EMOJI_RANGES = ((0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x200D, 0x200D), (0x203C, 0x2049), (0x20E3, 0x20E3),
                 (0x2122, 0x2139), (0x2194, 0x21AA), (0x231A, 0x23FF), (0x24C2, 0x24C2), (0x25AA, 0x27BF),
                 (0x2934, 0x2935), (0x2B05, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3299),
                 (0xFE0E, 0xFE0F), (0x1F000, 0x1FAFF), (0xE0020, 0xE007F))


def is_safe_label(label: str) -> bool:
    """Whether the CLI keeps a label: ASCII letters, digits, ``._~!:@,;+-|^`` and emoji only."""
    return bool(label) and all(_is_label_char(char) for char in label)


def _is_label_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char in _LABEL_PUNCTUATION
    code = ord(char)
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


# ---------------------------------------------------------------------------
# Contexts: local files packed into the payload, as the CLI packs them.
# ---------------------------------------------------------------------------

MAX_CONTEXT_FILE_BYTES = 10 * 1024 * 1024


def pack_context(path: Union[str, "os.PathLike[str]"]) -> str:
    """Base64 of a gzip-compressed tar of ``path`` (a file or a folder), the payload's ``Context``.

    A file becomes one entry named by its base name. A folder is walked in
    lexical order; its entries (the folder itself, sub-folders and regular
    files) are named by the path as given joined with their relative path.
    Each file must be at most 10 MiB; links and other special files are
    refused. The node unpacks it and mounts it at ``/job``.
    """
    import gzip
    import io
    import tarfile

    root = os.fspath(path)
    if not os.path.lexists(root):
        raise ValueError("context %s: no such file or directory" % root)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed:
        with tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
            if os.path.isfile(root) and not os.path.islink(root):
                _add_entry(archive, root, os.path.basename(root))
            elif os.path.isdir(root) and not os.path.islink(root):
                for entry_path, entry_name in _walk(root):
                    _add_entry(archive, entry_path, entry_name)
            else:
                raise ValueError("context %s: file type not supported (expected a file or a folder)" % root)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _walk(root: str) -> Iterator[Tuple[str, str]]:
    """``(path, entry name)`` of the folder and everything in it, in Go's ``filepath.Walk`` order."""
    yield root, root
    yield from _walk_below(root, root.replace(os.sep, "/"))


def _walk_below(folder: str, folder_name: str) -> Iterator[Tuple[str, str]]:
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        entry_name = posixpath.normpath(posixpath.join(folder_name, name))
        yield path, entry_name
        if os.path.isdir(path) and not os.path.islink(path):
            yield from _walk_below(path, entry_name)


def _add_entry(archive: Any, path: str, name: str) -> None:
    info = archive.gettarinfo(path, arcname=name)
    info.name = name.rstrip("/") or name
    info.mtime = int(round(os.lstat(path).st_mtime))
    if info.isfile():
        if info.size > MAX_CONTEXT_FILE_BYTES:
            raise ValueError("context: file %s bigger than max size 10.0 MB" % path)
        with open(path, "rb") as source:
            archive.addfile(info, source)
    elif info.isdir():
        archive.addfile(info)
    else:
        raise ValueError("context: %s is not a regular file or folder (links and special files are not "
                         "supported)" % path)


# ---------------------------------------------------------------------------
# CIDs: which module arguments name IPFS content rather than a local file.
# ---------------------------------------------------------------------------

def parse_cid(text: str) -> Optional[str]:
    """The canonical form of an IPFS CID (v0 ``Qm...`` or v1 ``b...``, optionally after ``/ipfs/``), else None.

    A v1 CID given in another multibase (base58btc ``z``, base16 ``f``) is
    rewritten in base32, as go-cid does. Any codec and hash are accepted, as
    go-cid accepts them: the node judges the content.
    """
    from bacalhau_client.ipfs.multiformats import base32_encode, base58_decode, decode_varint

    if not isinstance(text, str):
        return None
    if text.startswith("/ipfs/"):
        text = text[len("/ipfs/"):]
    try:
        if len(text) == 46 and text.startswith("Qm"):
            raw, offset, canonical = base58_decode(text), 0, text  # a v0 CID is a bare multihash
        else:
            raw = _multibase_decode(text)
            version, offset = decode_varint(raw, 0)
            if version != 1:
                return None
            _, offset = decode_varint(raw, offset)  # the content codec
            canonical = None
        _, offset = decode_varint(raw, offset)  # the multihash: hash code, digest length, digest
        length, offset = decode_varint(raw, offset)
    except ValueError:
        return None
    if offset + length != len(raw):
        return None
    return canonical or "b" + base32_encode(raw)


def _multibase_decode(text: str) -> bytes:
    """The bytes of multibase ``text``: base32 (``b``/``B``), base16 (``f``/``F``) or base58btc (``z``)."""
    from bacalhau_client.ipfs.multiformats import base32_decode, base58_decode

    prefix, body = text[:1], text[1:]
    if prefix in ("b", "B"):
        return base32_decode(body.lower())
    if prefix in ("f", "F"):
        return bytes.fromhex(body)
    if prefix == "z":
        return base58_decode(body)
    raise ValueError("not a multibase prefix: %r" % prefix)


def language_job(language: str, version: str, command: Optional[str] = None, program_path: Optional[str] = None,
                 *, requirements_path: Optional[str] = None, deterministic: bool = True,
                 context: Optional[ModelStorageSpec] = None, **options: Any) -> ModelJob:
    """A job for the Language engine, like ``bacalhau run python -c CODE``: give ``command`` or ``program_path``.

    ``context`` is the volume holding the program's files (``program_path`` and
    ``requirements_path`` are relative to it). Other keywords are those of :func:`new_job`.

    >>> language_job("python", "3.10", command="print(1 + 1)")
    """
    if (command is None) == (program_path is None):
        raise ValueError("language_job: give exactly one of command or program_path")
    if context is not None and not isinstance(context, ModelStorageSpec):
        raise ValueError("context: expected a ModelStorageSpec, got %s" % type(context).__name__)
    spec = ModelJobSpecLanguage(
        language=_text("language", language),
        language_version=_text("version", version),
        deterministic_execution=_flag("deterministic", deterministic) or None,
        job_context=context,
        command=_optional_text("command", command),
        program_path=_optional_text("program_path", program_path),
        requirements_path=_optional_text("requirements_path", requirements_path))
    return new_job(Engine.LANGUAGE, language=spec, **options)


def _sharding(glob_pattern: Optional[str], batch_size: Optional[int],
              base_path: Optional[str]) -> Optional[ModelJobShardingConfig]:
    if glob_pattern is None and batch_size is None and base_path is None:
        return None
    return ModelJobShardingConfig(
        glob_pattern=_optional_text("glob_pattern", glob_pattern),
        batch_size=None if batch_size is None else _integer("batch_size", batch_size, minimum=1),
        glob_pattern_base_path=_optional_text("glob_pattern_base_path", base_path))


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("%s: expected a non-empty str, got %r" % (name, value))
    return value


def _optional_text(name: str, value: Any) -> Optional[str]:
    return None if value is None or value == "" else _text(name, value)


def _absolute_path(name: str, value: Any) -> str:
    if not _text(name, value).startswith("/"):
        raise ValueError("%s: expected an absolute path (starting with /), got %r" % (name, value))
    return value


def _integer(name: str, value: Any, *, minimum: int) -> int:
    if type(value) is not int:
        raise ValueError("%s: expected an int, got %s %r" % (name, type(value).__name__, value))
    if value < minimum:
        raise ValueError("%s: must be >= %d, got %d" % (name, minimum, value))
    return value


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("%s: expected True or False, got %r" % (name, value))
    return value


def _timeout(value: Any) -> Union[int, float]:
    if not is_seconds(value):
        raise ValueError("timeout: expected a positive number of seconds, got %r" % (value,))
    return value


def _resource(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
        raise ValueError("%s: expected a str such as '1' or '500m', got %r" % (name, value))
    return str(value)


def _enum_name(name: str, value: Any, enum: Type[EnumNames]) -> str:
    canonical = enum.canonical(value)
    if canonical is None:
        raise ValueError("%s: unknown %s %r; known: %s" % (name, name, value, ", ".join(enum.names)))
    return canonical


def _strings(name: str, values: Any) -> List[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, abc.Iterable):
        raise ValueError("%s: expected a list of str, got %s %r" % (name, type(values).__name__, values))
    values = list(values)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ValueError("%s[%d]: expected a str, got %s %r" % (name, index, type(value).__name__, value))
    return values


def _volumes(name: str, volumes: Any) -> List[ModelStorageSpec]:
    if isinstance(volumes, (str, bytes, ModelStorageSpec)) or not isinstance(volumes, abc.Iterable):
        raise ValueError("%s: expected a list of volumes (input_cid(), input_url(), output_volume()), got %s"
                         % (name, type(volumes).__name__))
    volumes = list(volumes)
    for index, volume in enumerate(volumes):
        if not isinstance(volume, ModelStorageSpec):
            raise ValueError("%s[%d]: expected a ModelStorageSpec (from input_cid(), input_url() or "
                             "output_volume()), got %s" % (name, index, type(volume).__name__))
        # Outputs may leave the storage source to the publisher, as wasm jobs do.
        if not (name == "outputs" and volume.storage_source is None) \
                and not StorageSourceType.is_valid(volume.storage_source):
            raise ValueError("%s[%d]: unknown storage source %r; known: %s" % (
                name, index, volume.storage_source, ", ".join(StorageSourceType.names)))
    return volumes


def _environment_map(env: Any) -> Dict[str, str]:
    if env is None:
        return {}
    if not isinstance(env, abc.Mapping):
        raise ValueError("env: expected a dict of str to str, got %s" % type(env).__name__)
    for key, value in env.items():
        if not isinstance(key, str) or not key or "=" in key:
            raise ValueError("env: names must be non-empty str without '=', got %r" % (key,))
        if not isinstance(value, str):
            raise ValueError("env[%r]: expected a str, got %s %r" % (key, type(value).__name__, value))
    return dict(env)


def _environment_list(env: Environment) -> List[str]:
    if env is None or isinstance(env, abc.Mapping):
        return ["%s=%s" % item for item in _environment_map(env).items()]
    entries = _strings("env", env)
    for index, entry in enumerate(entries):
        if entry.partition("=")[0] == "" or "=" not in entry:
            raise ValueError("env[%d]: expected 'NAME=value', got %r" % (index, entry))
    return entries


def from_file(path_or_text: Union[str, bytes, "os.PathLike[str]"]) -> ModelJob:
    """The job in a JSON or YAML job file (or document text), read as ``bacalhau create`` reads it.

    See :mod:`bacalhau_client.jobfiles` for the rules.
    """
    from bacalhau_client.jobfiles import from_file as read

    return read(path_or_text)


def load_job(text: Union[str, bytes], source: str = "job") -> ModelJob:
    """The job in a JSON or YAML document, read as ``bacalhau create`` reads it."""
    from bacalhau_client.jobfiles import load_job as read

    return read(text, source)
