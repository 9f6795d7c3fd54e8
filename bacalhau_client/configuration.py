"""Where the node is and how to talk to it."""

import logging
import os
from typing import Mapping, Optional, Tuple, Union

import certifi

DEFAULT_HOST = "http://bootstrap.production.bacalhau.org:1234"
DEFAULT_API_HOST = "bootstrap.production.bacalhau.org"
DEFAULT_API_PORT = 1234

logger = logging.getLogger("bacalhau_client")

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
      ``0`` or ``False`` disables, a ``urllib3.util.Retry`` is used as given.
    - ``deadline``: the most seconds one call may take, retries, backoff and
      the wait for a pooled connection included; ``None`` means the timeout
      (connect + read for a pair).

    Timeouts, retries and the deadline are read when the ``ApiClient`` is made;
    a bad value raises ``ValueError`` there.
    - ``debug``: log requests and answers to the ``bacalhau_client`` logger.

    >>> config = Configuration(host="http://127.0.0.1:1234", timeout=(2, 30))
    """

    def __init__(self, host: Optional[str] = None, *, verify_ssl: bool = True,
                 ssl_ca_cert: Optional[str] = None, cert_file: Optional[str] = None,
                 key_file: Optional[str] = None, assert_hostname: Optional[Union[str, bool]] = None,
                 proxy: Optional[str] = None, proxy_headers: Optional[Mapping[str, str]] = None,
                 connection_pool_maxsize: int = 10, timeout: Timeout = (10.0, 300.0),
                 retries=3, deadline: Optional[float] = None, debug: bool = False,
                 user_agent: Optional[str] = None):
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
        self.user_agent = user_agent
        self._debug = False
        self.debug = debug

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **kwargs) -> "Configuration":
        """Point at the node the ``bacalhau`` CLI would use.

        ``BACALHAU_API_HOST`` (default the production bootstrap node) and
        ``BACALHAU_API_PORT`` (default 1234) give ``http://HOST:PORT``; a host
        written with a scheme (``https://...``) keeps it. Other settings are
        keywords, as for the constructor.
        """
        environ = os.environ if environ is None else environ
        host = (environ.get("BACALHAU_API_HOST") or DEFAULT_API_HOST).strip().rstrip("/")
        port_text = (environ.get("BACALHAU_API_PORT") or str(DEFAULT_API_PORT)).strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError("BACALHAU_API_PORT: must be a port number from 1 to 65535, got %r" % port_text)
        if "://" not in host:
            host = "http://" + host
        scheme, _, rest = host.partition("://")
        if ":" in rest.rsplit("]", 1)[-1]:
            return cls(host=host, **kwargs)  # the host already names its port
        return cls(host="%s://%s:%d" % (scheme, rest, int(port_text)), **kwargs)

    @property
    def debug(self) -> bool:
        """Log each request and answer (never keys or signatures) to the ``bacalhau_client`` logger."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = bool(value)
        if self._debug:
            logger.setLevel(logging.DEBUG)
            if not logger.handlers:
                logger.addHandler(logging.StreamHandler())
        else:
            logger.setLevel(logging.NOTSET)

    @property
    def ca_certs(self) -> str:
        """The CA bundle that verifies servers: ``ssl_ca_cert``, else certifi's."""
        return self.ssl_ca_cert or certifi.where()

    def __repr__(self) -> str:
        return "Configuration(host=%r)" % self.host
