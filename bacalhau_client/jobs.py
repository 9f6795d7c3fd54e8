"""Job builders with the defaults of the ``bacalhau`` CLI.

>>> job = docker_job("ubuntu", ["date"])                 # like `bacalhau docker run ubuntu date`
>>> request = sign_submit_request(job, UserKey.default())
>>> JobApi().submit(request).job.id

Every builder returns a :class:`ModelJob` and checks its arguments at once, so
a mistake is reported here, with the argument's name, rather than by the node.
"""

import math
from collections import abc
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Type, Union

from bacalhau_client.models import (
    ModelDeal, ModelJob, ModelJobShardingConfig, ModelJobSpecDocker, ModelJobSpecLanguage, ModelJobSpecWasm,
    ModelResourceUsageConfig, ModelSpec, ModelStorageSpec,
)
from bacalhau_client.models.enums import APIVersion, Engine, EnumNames, Publisher, StorageSourceType, Verifier

__all__ = ["docker_job", "input_cid", "input_url", "language_job", "new_job", "output_volume", "wasm_job"]

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
            publisher: str = "Estuary", glob_pattern: Optional[str] = None, batch_size: int = 1,
            glob_pattern_base_path: str = "/inputs", do_not_track: bool = False) -> ModelJob:
    """A job for any engine; the engine builders pass their options on to this one.

    ``outputs`` defaults to one IPFS volume ``outputs`` at ``/outputs``, as the
    CLI does (pass ``[]`` for none). ``cpu``, ``memory``, ``disk`` and ``gpu``
    are the CLI's strings (``"500m"``, ``"1Gb"``, ``"1"``). ``timeout`` is in
    seconds. ``concurrency`` nodes run the job; ``confidence`` of them must
    agree. Sharding splits ``inputs`` by ``glob_pattern`` into batches of
    ``batch_size`` below ``glob_pattern_base_path``.
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
        sharding=ModelJobShardingConfig(
            glob_pattern=_optional_text("glob_pattern", glob_pattern),
            batch_size=_integer("batch_size", batch_size, minimum=1),
            glob_pattern_base_path=_optional_text("glob_pattern_base_path", glob_pattern_base_path)),
        do_not_track=_flag("do_not_track", do_not_track) or None,
    )
    deal = ModelDeal(concurrency=concurrency, confidence=confidence or None,
                     min_bids=_integer("min_bids", min_bids, minimum=0) or None)
    return ModelJob(api_version=APIVersion.LATEST, spec=spec, deal=deal)


def docker_job(image: str, entrypoint: Optional[Sequence[str]] = None, *, env: Environment = None,
               working_dir: Optional[str] = None, **options: Any) -> ModelJob:
    """A Docker job, like ``bacalhau docker run IMAGE [ENTRYPOINT...]``.

    ``env`` is a dict or a list of ``"NAME=value"`` strings. Other keywords are
    those of :func:`new_job` (volumes, resources, deal, verifier, publisher...).

    >>> docker_job("python:3.11", ["python", "-c", "print(1)"], env={"A": "1"}, cpu="500m")
    """
    docker = ModelJobSpecDocker(
        image=_text("image", image),
        entrypoint=_strings("entrypoint", entrypoint or ()) or None,
        environment_variables=_environment_list(env) or None,
        working_directory=None if working_dir is None else _absolute_path("working_dir", working_dir))
    return new_job(Engine.DOCKER, docker=docker, **options)


def wasm_job(module: Union[str, ModelStorageSpec], entry_point: str = "_start", parameters: Sequence[str] = (), *,
             env: Optional[Mapping[str, str]] = None, import_modules: Iterable[ModelStorageSpec] = (),
             **options: Any) -> ModelJob:
    """A WebAssembly job: run ``entry_point`` of ``module`` with ``parameters`` as its arguments.

    ``module`` is the CID of the ``.wasm`` file (or a volume); it travels as the
    job's first context, mounted at ``/job``, where the node's Wasm engine looks
    for it. ``env`` is a dict. Other keywords are those of :func:`new_job`.
    """
    if isinstance(module, str):
        module = input_cid(module, "/job")
    elif not isinstance(module, ModelStorageSpec):
        raise ValueError("module: expected a CID str or a ModelStorageSpec, got %s" % type(module).__name__)
    wasm = ModelJobSpecWasm(
        entry_point=_text("entry_point", entry_point),
        parameters=_strings("parameters", parameters) or None,
        environment_variables=_environment_map(env) or None,
        import_modules=_volumes("import_modules", import_modules) or None)
    contexts = [module] + list(options.pop("contexts", ()))
    return new_job(Engine.WASM, wasm=wasm, contexts=contexts, **options)


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
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
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
        if not StorageSourceType.is_valid(volume.storage_source):
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
