"""Downloading a CID from a trustless IPFS gateway (``GET /ipfs/{cid}?format=car``), verified, into a folder.

>>> import os, tempfile
>>> from bacalhau_client.ipfs import fetch
>>> result_cid = client.results(job_id)[0].data.cid
>>> with tempfile.TemporaryDirectory() as folder:       # here the local node's gateway
...     sorted(os.listdir(fetch(result_cid, os.path.join(folder, "result"), gateway=node.gateway_url)))
['exitCode', 'outputs', 'stderr', 'stdout']

Which gateway: the ``gateway`` argument, else ``Configuration.ipfs_gateway``,
else the environment variable ``BACALHAU_IPFS_GATEWAY``, else
:data:`DEFAULT_GATEWAY`. The request goes through the SDK's transport
(:class:`~bacalhau_client.rest.RESTClientObject`): TLS verified with certifi,
the configuration's timeouts, and its retry policy for read-only calls (404 is
final; 429, 502, 503, 504 and connection failures are retried). A download
that breaks off mid-stream (reset, truncated, read timeout) is started again
under the same policy. ``timeout`` bounds the whole download, retries included.
"""

import http.client
import io
import os
import queue
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional, Union
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError, ProtocolError, ReadTimeoutError

from bacalhau_client._numbers import is_seconds
from bacalhau_client.configuration import IPFS_GATEWAY_ENV as GATEWAY_ENV, Configuration
from bacalhau_client.exceptions import ApiConnectionError, ApiDecodeError, ApiTimeoutError
from bacalhau_client.ipfs.car import (  # noqa: F401 (CAR_ACCEPT is public here too)
    CAR_ACCEPT, CAR_MEDIA_TYPE, CarError, CarTruncatedError, read_header, read_unverified_sections, verify_block,
)
from bacalhau_client.ipfs.multiformats import CID
from bacalhau_client.ipfs.unpack import unpack_car

DEFAULT_GATEWAY = "https://trustless-gateway.link"
# The Go CLI's --download-timeout-secs default: the most one CID's download may take.
DEFAULT_TIMEOUT = 300.0
_READ_BUFFER = 1024 * 1024
# Blocks received and verified ahead of the one being written (about 2 MiB with kubo's chunks).
PREFETCH_BLOCKS = 8
# The receiving thread hashes a block itself when this many wait for the caller (the caller is the slower).
VERIFY_AHEAD_WAITING = 2
PREFETCH_STOP_SECONDS = 5.0

Progress = Callable[[int, Optional[int]], None]


def configured_gateway(gateway: Optional[str] = None, configuration: Optional[Configuration] = None) -> Optional[str]:
    """The gateway asked for, as given: the argument, else the configuration, else the environment; else ``None``."""
    return gateway or getattr(configuration, "ipfs_gateway", None) or os.environ.get(GATEWAY_ENV)


def resolve_gateway(gateway: Optional[str] = None, configuration: Optional[Configuration] = None) -> str:
    """The gateway's base URL (no ``/ipfs`` suffix): the argument, the configuration, the environment, the default."""
    chosen = configured_gateway(gateway, configuration) or DEFAULT_GATEWAY
    if not isinstance(chosen, str):
        raise ValueError("gateway: expected an http(s) URL, got %r" % (chosen,))
    base = chosen.strip().rstrip("/")
    if base.endswith("/ipfs"):
        base = base[:-len("/ipfs")]
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("gateway: expected an http(s) URL such as %s, got %r" % (DEFAULT_GATEWAY, chosen))
    return base


def fetch(cid: str, dest: Union[str, "os.PathLike[str]"], *, gateway: Optional[str] = None,
          timeout: Optional[float] = None, progress: Optional[Progress] = None,
          configuration: Optional[Configuration] = None) -> Path:
    """Download ``cid`` (a folder or a file) into ``dest``, verifying every block before writing it.

    ``dest`` must not exist: the tree is written to a temporary folder beside
    it and renamed to ``dest`` only once the whole DAG verified, so a failed or
    refused download leaves ``dest`` as it was (absent). ``timeout`` (seconds,
    default 300) bounds the whole download, retries included; ``progress``,
    when given, is called as ``progress(bytes received, total or None)``
    (from the thread that receives the CAR, not the caller's).
    ``configuration`` gives TLS, proxy, timeouts and retries (default: a
    plain :class:`Configuration`).

    Raises ``ValueError`` (:class:`~bacalhau_client.ipfs.CarError` for a CAR
    that does not verify, naming the CID), and :class:`ApiException`
    subclasses for HTTP failures: the gateway's answer (e.g. 404 when it does
    not have the CID), ``ApiDecodeError`` when it does not answer with a CAR,
    ``ApiTimeoutError`` when ``timeout`` runs out.
    """
    from bacalhau_client.rest import RESTClientObject

    root = CID.parse(cid)
    dest = Path(dest)
    if os.path.lexists(dest):
        raise ValueError("dest: %s already exists: fetch never overwrites; remove it or choose a new path" % dest)
    seconds = DEFAULT_TIMEOUT if timeout is None else timeout
    if not is_seconds(seconds):
        raise ValueError("timeout: expected seconds > 0, got %r" % (timeout,))
    if progress is not None and not callable(progress):
        raise ValueError("progress: expected a callable progress(received, total), got %r" % (progress,))
    base = resolve_gateway(gateway, configuration)
    url = "%s/ipfs/%s?format=car" % (base, cid)
    deadline = time.monotonic() + seconds
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError("dest: cannot create the folder %s: %s" % (dest.parent, error.strerror or error)) from None
    rest = RESTClientObject(configuration or Configuration())
    retry = rest.read_only_retries
    if hasattr(retry, "with_deadline"):
        retry = retry.with_deadline(deadline)
    try:
        while True:
            try:
                _download_once(rest, url, root, dest, deadline, progress)
                return dest
            except (HTTPError, CarTruncatedError) as error:
                broken = error if isinstance(error, HTTPError) else ProtocolError(str(error), error)
                try:
                    retry = retry.increment(method="GET", url=url, error=broken)
                except MaxRetryError:
                    raise _transport_error(error, base, root) from None
                retry.sleep()
    finally:
        rest.close()


def _download_once(rest, url: str, root: CID, dest: Path, deadline: float, progress: Optional[Progress]) -> None:
    """One attempt: request, check the answer is a CAR, unpack into a temporary folder, move into place."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise ReadTimeoutError(None, url, "the download's deadline was reached")
    configured = rest.default_timeout
    timeout = urllib3.Timeout(total=left, connect=_capped(configured.connect_timeout, left),
                              read=_capped(configured.read_timeout, left))
    response = rest.request("GET", url, headers={"Accept": CAR_ACCEPT}, _preload_content=False,
                            _request_timeout=timeout)
    finished = False
    try:
        work = Path(tempfile.mkdtemp(prefix=".%s.partial-" % dest.name, dir=dest.parent))
    except OSError as error:
        response.close()
        response.release_conn()
        raise ValueError("dest: cannot write in %s: %s" % (dest.parent, error.strerror or error)) from None
    try:
        _check_content_type(response, url)
        stream = _body_stream(response, deadline, progress)
        try:
            read_header(stream)
        except CarTruncatedError:
            if response.headers.get("Content-Type") is not None:
                raise  # a CAR that broke off: downloaded again
            raise ApiDecodeError(message="the answer from %s is not a CARv1 stream (no Content-Type, and too "
                                 "short for a CAR header): the gateway must support ?format=car"
                                 % urlsplit(url).netloc, method="GET", path=urlsplit(url).path) from None
        except CarError as error:
            raise ApiDecodeError(message="the answer from %s is not a CARv1 stream (%s): the gateway must support "
                                 "?format=car" % (urlsplit(url).netloc, error), method="GET",
                                 path=urlsplit(url).path) from None
        tree = work / "tree"
        sections = _Prefetch(read_unverified_sections(stream), response)
        try:
            unpack_car(iter(sections), root, tree, work / "spool")
            if os.path.lexists(dest):
                raise ValueError("dest: %s appeared during the download: not overwritten" % dest)
            os.rename(tree, dest)
        except OSError as error:
            raise ValueError("writing %s to %s failed: %s" % (root, dest, error)) from None
        finally:
            sections.close()
        finished = True
    finally:
        if not finished:
            response.close()  # unread bytes must not reach the next request on this connection
        response.release_conn()
        shutil.rmtree(work, ignore_errors=True)


def _body_stream(response, deadline: float, progress: Optional[Progress]):
    """The response body as a binary stream that stops at the deadline and reports progress.

    Blocks are received straight from the ``http.client`` answer under the
    urllib3 response into their own buffers, with no copy in Python (the SDK
    never asks urllib3 to decode a body, so the two give the same bytes); a
    response of another kind is read through its ``read1``.
    """
    total = response.headers.get("Content-Length")
    total = int(total) if total and total.isdigit() else None
    answer = getattr(response, "_fp", None)
    if isinstance(answer, http.client.HTTPResponse):
        return _AnswerReader(answer, deadline, progress, total)
    return io.BufferedReader(_DeadlineReader(response, deadline, progress, total), _READ_BUFFER)


def _capped(value: Any, limit: float) -> float:
    return limit if not isinstance(value, (int, float)) else min(value, limit)


def _check_content_type(response, url: str) -> None:
    """A CARv1 answer, or ``ApiDecodeError`` saying the server is not a trustless gateway."""
    content_type = response.headers.get("Content-Type")
    if content_type is None:
        return  # read_header decides
    media_type, *parameters = [part.strip() for part in content_type.split(";")]
    params = dict(part.partition("=")[::2] for part in parameters)
    parts = urlsplit(url)
    if media_type.lower() != CAR_MEDIA_TYPE:
        raise ApiDecodeError(
            message="%s answered with %s, not a CAR (%s): it is not a trustless gateway; set another gateway "
                    "(Configuration.ipfs_gateway or $%s)" % (parts.netloc, media_type or "no type",
                                                             CAR_MEDIA_TYPE, GATEWAY_ENV),
            method="GET", path=parts.path, headers=dict(response.headers))
    if params.get("version", "1").strip('"') != "1":
        raise ApiDecodeError(message="%s answered with a CAR version %s: only CARv1 is read"
                             % (parts.netloc, params["version"]), method="GET", path=parts.path)


class _Prefetch:
    """Receives CAR sections in a background thread while the caller writes the previous ones.

    Receiving and hashing (``hashlib`` releases the GIL) and writing files
    all overlap on two cores. Each block is hashed by whichever side is free:
    the thread, when the caller is behind (blocks are waiting), else the
    caller as it takes the block; either way before anything of it is
    written. At most :data:`PREFETCH_BLOCKS` blocks wait in between, so
    memory stays bounded. The thread's errors are raised in the caller,
    unchanged; :meth:`close` stops the thread, shutting the connection down
    if it is still waiting for data.
    """

    def __init__(self, sections, response):
        self._queue: "queue.Queue" = queue.Queue(PREFETCH_BLOCKS)
        self._stopping = threading.Event()
        self._response = response
        self._thread = threading.Thread(target=self._receive, args=(sections,), name="bacalhau-car-prefetch",
                                        daemon=True)
        self._thread.start()

    def _receive(self, sections) -> None:
        try:
            for cid, block in sections:
                verified = self._queue.qsize() >= VERIFY_AHEAD_WAITING
                if verified:
                    verify_block(cid, block)
                if not self._put(((cid, block), verified, None)):
                    return
            self._put((None, True, None))
        except BaseException as error:  # handed to the caller, which raises it
            self._put((None, True, error))

    def _put(self, entry) -> bool:
        while not self._stopping.is_set():
            try:
                self._queue.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        while True:
            section, verified, error = self._queue.get()
            if error is not None:
                raise error
            if section is None:
                return
            if not verified:
                verify_block(*section)
            yield section

    def close(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            getattr(self._response, "shutdown", self._response.close)()  # wakes a read blocked on the socket
        self._thread.join(PREFETCH_STOP_SECONDS)


class _BodyReader(io.RawIOBase):
    """A response body as a raw stream that stops at the deadline and reports progress."""

    def __init__(self, response, deadline: float, progress: Optional[Progress], total: Optional[int]):
        super().__init__()
        self.response = response
        self.deadline = deadline
        self.progress = progress
        self.total = total
        self.received = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if time.monotonic() > self.deadline:
            raise ReadTimeoutError(None, None, "the download's deadline was reached")
        count = self._receive(buffer)
        self.received += count
        if self.progress is not None and count:
            self.progress(self.received, self.total)
        return count

    def _receive(self, buffer) -> int:
        """Read what the connection has (at least one byte, or none at the end) into ``buffer``."""
        raise NotImplementedError


class _DeadlineReader(_BodyReader):
    """A urllib3 response's body, for responses not built on ``http.client``."""

    def _receive(self, buffer) -> int:
        # read1 returns what one socket read gives; read() would wait for the whole buffer, so a bad
        # block could not be refused until the gateway had sent a megabyte more.
        data = self.response.read1(len(buffer)) if hasattr(self.response, "read1") else self.response.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _AnswerReader(_BodyReader):
    """The body of an ``http.client`` answer, read into the caller's buffers, with urllib3's errors.

    ``readinto`` fills the buffer it is given (the CAR reader asks for exactly
    one section, so nothing past a bad block is waited for); socket errors are
    raised as urllib3 raises them, so a broken-off download is retried.
    """

    def _receive(self, buffer) -> int:
        try:
            return self.response.readinto(buffer)
        except socket.timeout:
            raise ReadTimeoutError(None, None, "Read timed out.") from None
        except (http.client.HTTPException, OSError) as error:
            raise ProtocolError("Connection broken: %r" % error, error) from None


def _transport_error(error: BaseException, base: str, root: CID) -> ApiConnectionError:
    """The exception for a download that broke off and could not be completed."""
    host = urlsplit(base).netloc
    path = "/ipfs/%s" % root
    if isinstance(error, ReadTimeoutError) or isinstance(getattr(error, "reason", None), ReadTimeoutError):
        return ApiTimeoutError(message="timed out downloading %s from %s" % (root, host), method="GET", path=path)
    return ApiConnectionError(message="downloading %s from %s broke off: %s" % (root, host, error),
                              method="GET", path=path)
