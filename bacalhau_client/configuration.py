"""Where the node is and how to talk to it."""

import logging
import os
import sys
import threading
from typing import Any, Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

import certifi

from bacalhau_client._numbers import is_seconds, is_whole_number

DEFAULT_HOST = "http://bootstrap.production.bacalhau.org:1234"
DEFAULT_API_HOST = "bootstrap.production.bacalhau.org"
DEFAULT_API_PORT = 1234

LOGGER_NAME = "bacalhau_client"
LOG_ENV = "BACALHAU_CLIENT_LOG"
IPFS_GATEWAY_ENV = "BACALHAU_IPFS_GATEWAY"
# The longest timeout or deadline accepted: about 11.5 days. Longer ones overflow
# the socket layer, and no call to a node is meant to wait that long.
MAX_SECONDS = 1_000_000.0
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}

logger = logging.getLogger(LOGGER_NAME)

Timeout = Union[float, Tuple[float, float]]


class Configuration:
    """Settings shared by every call an :class:`~bacalhau_client.ApiClient` makes.

    Every setting is a plain attribute and a keyword of the constructor:

    - ``host``: the node's base URL (no trailing slash).
    - ``verify_ssl`` (on by default), ``ssl_ca_cert`` (a CA bundle; certifi's
      when ``None``), ``cert_file``/``key_file`` (a client certificate),
      ``assert_hostname``.
    - ``proxy`` (URL) and ``proxy_headers``.
    - ``connection_pool_maxsize``: connections kept open per host; threads
      beyond it wait for a free one rather than open throwaway connections.
    - ``timeout``: seconds, a number or a ``(connect, read)`` pair; the default
      ``(10, 300)`` gives slow nodes time to answer ``/list``.
    - ``retries``: how many times a failed call is retried (see
      :mod:`bacalhau_client.retries`; ``/submit`` only when it never left);
      ``0`` or ``False`` disables; a :class:`~bacalhau_client.retries.RetrySettings`
      or a ``urllib3.util.Retry`` sets the details.
    - ``deadline``: the most seconds one call may take, retries, backoff, the
      wait for a pooled connection and a node that drips its answer included;
      ``None`` means the timeout (connect + read for a pair).
    - ``max_response_bytes``: the longest answer body read (default 64 MiB);
      a longer one raises :class:`~bacalhau_client.exceptions.ApiDecodeError`.
    - ``ipfs_gateway``: the HTTP(S) gateway results are downloaded from;
      ``None`` means ``$BACALHAU_IPFS_GATEWAY`` if set, else the library's default.
    - ``debug``: log this client's requests and answers (see :class:`LoggingPolicy`);
      nothing process-wide changes.

    Seconds must be finite, above 0 and at most :data:`MAX_SECONDS`; a bad
    value raises ``ValueError`` when it is set.

    >>> config = Configuration(host="http://127.0.0.1:1234", timeout=(2, 30))
    """

    def __init__(self, host: Optional[str] = None, *, verify_ssl: bool = True,
                 ssl_ca_cert: Optional[str] = None, cert_file: Optional[str] = None,
                 key_file: Optional[str] = None, assert_hostname: Optional[Union[str, bool]] = None,
                 proxy: Optional[str] = None, proxy_headers: Optional[Mapping[str, str]] = None,
                 connection_pool_maxsize: int = 10, timeout: Timeout = (10.0, 300.0),
                 retries=3, deadline: Optional[float] = None, debug: bool = False,
                 user_agent: Optional[str] = None, max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
                 ipfs_gateway: Optional[str] = None):
        self.host = (host or DEFAULT_HOST).rstrip("/")
        self.verify_ssl = verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.assert_hostname = assert_hostname
        self.proxy = proxy
        self.proxy_headers = proxy_headers
        self.connection_pool_maxsize = connection_pool_maxsize
        self.timeout = timeout
        self.retries = retries
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        self.ipfs_gateway = ipfs_gateway
        self.user_agent = user_agent
        self.debug = debug

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **kwargs) -> "Configuration":
        """Point at the node the ``bacalhau`` CLI would use.

        ``BACALHAU_API_HOST`` (default the production bootstrap node) and
        ``BACALHAU_API_PORT`` (default 1234) give ``http://HOST:PORT``; a host
        written with a scheme (``https://...``) keeps it.
        ``BACALHAU_IPFS_GATEWAY``, when set, is the ``ipfs_gateway``. Other
        settings are keywords, as for the constructor.
        """
        environ = os.environ if environ is None else environ
        host = (environ.get("BACALHAU_API_HOST") or DEFAULT_API_HOST).strip().rstrip("/")
        port_text = (environ.get("BACALHAU_API_PORT") or str(DEFAULT_API_PORT)).strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError("BACALHAU_API_PORT: must be a port number from 1 to 65535, got %r" % port_text)
        gateway = (environ.get(IPFS_GATEWAY_ENV) or "").strip()
        if gateway and "ipfs_gateway" not in kwargs:
            kwargs["ipfs_gateway"] = check_ipfs_gateway(gateway, IPFS_GATEWAY_ENV)
        if "://" not in host:
            host = "http://" + host
        scheme, _, rest = host.partition("://")
        if ":" in rest.rsplit("]", 1)[-1]:
            return cls(host=host, **kwargs)  # the host already names its port
        return cls(host="%s://%s:%d" % (scheme, rest, int(port_text)), **kwargs)

    @property
    def timeout(self) -> Any:
        """Seconds per attempt: a number, a ``(connect, read)`` pair or a ``urllib3.Timeout``."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: Any) -> None:
        check_timeout(value)
        self._timeout = value

    @property
    def deadline(self) -> Optional[float]:
        """The most seconds one call may take in all; ``None``: the timeout's."""
        return self._deadline

    @deadline.setter
    def deadline(self, value: Optional[float]) -> None:
        self._deadline = None if value is None else check_seconds("deadline", value)

    @property
    def retries(self) -> Any:
        """How failed calls are retried: a number, ``False``, a ``RetrySettings`` or a ``urllib3`` ``Retry``."""
        return self._retries

    @retries.setter
    def retries(self, value: Any) -> None:
        from bacalhau_client.retries import RetrySettings

        RetrySettings.of(value)  # raises ValueError for a bad value
        self._retries = value

    @property
    def max_response_bytes(self) -> int:
        """The longest answer body read, in bytes."""
        return self._max_response_bytes

    @max_response_bytes.setter
    def max_response_bytes(self, value: int) -> None:
        if not is_whole_number(value, 1):
            raise ValueError("max_response_bytes: expected a whole number of bytes >= 1, got %r" % (value,))
        self._max_response_bytes = value

    @property
    def connection_pool_maxsize(self) -> int:
        """Connections kept open per host."""
        return self._connection_pool_maxsize

    @connection_pool_maxsize.setter
    def connection_pool_maxsize(self, value: int) -> None:
        if not is_whole_number(value, 1, 10000):
            raise ValueError("connection_pool_maxsize: expected a whole number from 1 to 10000, got %r" % (value,))
        self._connection_pool_maxsize = value

    @property
    def ipfs_gateway(self) -> Optional[str]:
        """The IPFS gateway URL results are fetched from; ``None``: ``$BACALHAU_IPFS_GATEWAY`` or the default."""
        return self._ipfs_gateway

    @ipfs_gateway.setter
    def ipfs_gateway(self, value: Optional[str]) -> None:
        self._ipfs_gateway = None if value is None else check_ipfs_gateway(value, "ipfs_gateway")

    @property
    def debug(self) -> bool:
        """Log this client's requests and answers (never keys or signatures); nothing process-wide changes."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = bool(value)

    @property
    def logging_policy(self) -> "LoggingPolicy":
        """Where the log of clients made with this configuration goes."""
        return LoggingPolicy(request_log=self._debug)

    @property
    def ca_certs(self) -> str:
        """The CA bundle that verifies servers: ``ssl_ca_cert``, else certifi's."""
        return self.ssl_ca_cert or certifi.where()

    def __repr__(self) -> str:
        return "Configuration(host=%r)" % self.host


def check_seconds(name: str, value: Any) -> float:
    """``value`` as seconds: a finite number above 0 and at most :data:`MAX_SECONDS`, else ``ValueError``."""
    if is_seconds(value, most=MAX_SECONDS):
        return float(value)
    raise ValueError("%s: expected seconds above 0 and at most %g, got %r" % (name, MAX_SECONDS, value))


def check_timeout(value: Any, name: str = "timeout") -> Any:
    """``value`` if it is a valid timeout (seconds, a ``(connect, read)`` pair or a ``urllib3.Timeout``)."""
    import urllib3

    if isinstance(value, urllib3.Timeout):
        for part, seconds in (("total", value.total), ("connect", value._connect), ("read", value._read)):
            if seconds is not None and seconds is not urllib3.Timeout.DEFAULT_TIMEOUT:
                check_seconds("%s.%s" % (name, part), seconds)
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        check_seconds("%s (connect)" % name, value[0])
        check_seconds("%s (read)" % name, value[1])
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return check_seconds(name, value) and value
    raise ValueError("%s: expected seconds or a (connect, read) pair of them, got %r" % (name, value))


def check_ipfs_gateway(value: Any, name: str) -> str:
    """``value`` without a trailing slash, if it is an ``http(s)://host[/path]`` URL without query or fragment."""
    if not isinstance(value, str):
        raise ValueError("%s: expected an http(s) URL, got %r" % (name, value))
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError as error:
        raise ValueError("%s: not a valid URL (%s): %r" % (name, error, value)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("%s: expected an http:// or https:// URL with a host, got %r" % (name, value))
    if parts.query or parts.fragment or value.strip().endswith(("?", "#")):
        raise ValueError("%s: the URL must have no query or fragment, got %r" % (name, value))
    return value.strip().rstrip("/")


class LoggingPolicy:
    """Where one client's log goes.

    Records go to the ``bacalhau_client`` logger, so an application's own
    logging setup decides what is shown; request lines are DEBUG, retries
    INFO. With ``request_log`` (``Configuration.debug``) the client logs
    through a logger of its own set to DEBUG whose records still pass to the
    application's handlers; when the process has no handler at all, that
    logger alone writes to stderr. No logger of the process is changed.
    """

    __slots__ = ("request_log",)

    def __init__(self, request_log: bool = False):
        object.__setattr__(self, "request_log", bool(request_log))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("LoggingPolicy is immutable")

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, LoggingPolicy) and other.request_log == self.request_log

    def __hash__(self) -> int:
        return hash(self.request_log)

    def __repr__(self) -> str:
        return "LoggingPolicy(request_log=%r)" % self.request_log

    def logger(self) -> logging.Logger:
        """The logger a client made under this policy writes to."""
        if not self.request_log:
            return logger
        own = logging.Logger(LOGGER_NAME, logging.DEBUG)
        own.parent = logger
        if not logger.hasHandlers():
            own.addHandler(_stderr_handler())
        return own


_logging_lock = threading.Lock()
_logging_handler: Optional[logging.Handler] = None
_env_read = False


def _new_logging_lock_after_fork() -> None:
    """A thread of the parent may have held the lock at fork(); the child's copy would stay locked."""
    global _logging_lock
    _logging_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_logging_lock_after_fork)


def enable_logging(level: Union[str, int] = "debug") -> logging.Logger:
    """Show the ``bacalhau_client`` log on stderr from ``level`` up, for the whole process.

    The one switch for all clients; setting ``BACALHAU_CLIENT_LOG=debug`` (or
    ``info``, ``warning``, ``error``) does the same when the first client is
    made. Calling it again changes the level; it never adds a second handler.
    """
    number = _log_level(level, "enable_logging")
    global _logging_handler
    with _logging_lock:
        if _logging_handler is None:
            _logging_handler = _stderr_handler()
            logger.addHandler(_logging_handler)
        logger.setLevel(number)
    return logger


def logging_from_env(environ: Optional[Mapping[str, str]] = None) -> None:
    """Apply ``BACALHAU_CLIENT_LOG`` once per process (clients call this when they are made)."""
    global _env_read
    if _env_read and environ is None:
        return
    _env_read = True
    value = (os.environ if environ is None else environ).get(LOG_ENV, "").strip()
    if value:
        enable_logging(_log_level(value, LOG_ENV))


def _log_level(level: Union[str, int], name: str) -> int:
    if isinstance(level, int) and not isinstance(level, bool):
        return level
    number = _LOG_LEVELS.get(str(level).lower())
    if number is None:
        raise ValueError("%s: expected one of %s, got %r" % (name, ", ".join(_LOG_LEVELS), level))
    return number


def _stderr_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    return handler
