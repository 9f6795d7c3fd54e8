"""When a failed call is tried again, and how long a call may take in all.

Retries are urllib3's own ``Retry``, configured for this API. Every JSON
endpoint is a POST, so urllib3's default (never retry a POST once it was sent)
is right for ``/submit`` and too strict for the read-only calls:

- Read-only calls (list, states, events, local_events, results, version and
  the health endpoints) change nothing on the node, so they are retried on
  connection errors, read timeouts and the answers 429, 502, 503 and 504.
- ``/submit`` is retried only when the request certainly never reached the
  node (connection refused, DNS failure, connect timeout). Once the body may
  have been sent, a retry could create the job twice, so it is never retried.

Waits grow as 0.5 s x 2^n with jitter (so many clients do not retry in step),
at most 8 s. A ``Retry-After`` header of up to 60 s is waited for; a longer one
ends the retries, so the caller sees the 429 or 503 at once. Each call has a
deadline: no wait or retry is begun that would end after it, and
:class:`DeadlineTimeout` cuts every attempt's timeouts to the time left, so
retries cannot multiply the timeout.

All of this is one immutable :class:`RetrySettings`; ``Configuration.retries``
may be a number, a ``RetrySettings`` or a ``urllib3.util.Retry``, and in every
case the ``/submit`` policy is derived from it with the unsafe retries removed.
Each retry is logged at INFO to the ``bacalhau_client`` logger (attempt,
reason, wait).
"""

import logging
import random
import time
from typing import Any, Callable, FrozenSet, Optional, Tuple, Union

from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from bacalhau_client._http import too_large_in
from bacalhau_client._numbers import is_seconds, is_whole_number

RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_RETRIES = 3
MAX_REDIRECTS = 3
BACKOFF_FACTOR = 0.5
BACKOFF_CAP = 8.0
RETRY_AFTER_CAP = 60.0
# urllib3 refuses a timeout of 0; an attempt begun at the deadline gets this instead.
_SHORTEST_TIMEOUT = 0.001

logger = logging.getLogger("bacalhau_client")


class RetrySettings:
    """How failed calls are retried: one immutable object, from which both policies are made.

    ``total`` is how many times a read-only call may be retried. A
    ``urllib3.util.Retry`` given as ``base`` supplies the counts, statuses and
    backoff instead. The ``/submit`` policy is always derived from the same
    settings by :meth:`submit_policy`, which removes every retry that could
    send the request twice, whatever the settings say. ``sleep`` is the
    function that waits between attempts (tests pass one that does not sleep).
    Copy with changes with :meth:`replace`::

        settings = RetrySettings(total=5).replace(backoff_factor=0.1)
    """

    __slots__ = ("total", "backoff_factor", "backoff_max", "retry_after_max", "statuses", "max_redirects",
                 "jitter", "sleep", "base")

    def __init__(self, total: int = DEFAULT_RETRIES, backoff_factor: float = BACKOFF_FACTOR,
                 backoff_max: float = BACKOFF_CAP, retry_after_max: float = RETRY_AFTER_CAP,
                 statuses: FrozenSet[int] = RETRY_STATUSES, max_redirects: int = MAX_REDIRECTS,
                 jitter: bool = True, sleep: Callable[[float], Any] = time.sleep, base: Optional[Retry] = None):
        if not is_whole_number(total, 0):
            raise ValueError("retries: expected a whole number >= 0, got %r" % (total,))
        for name, value in (("backoff_factor", backoff_factor), ("backoff_max", backoff_max),
                            ("retry_after_max", retry_after_max)):
            if not is_seconds(value, zero=True, most=86400):
                raise ValueError("retries: %s must be seconds from 0 to 86400, got %r" % (name, value))
        if not is_whole_number(max_redirects, 0, 30):
            raise ValueError("retries: max_redirects must be a whole number from 0 to 30, got %r" % (max_redirects,))
        if not callable(sleep):
            raise ValueError("retries: sleep must be a function of seconds, got %r" % (sleep,))
        if base is not None and not isinstance(base, Retry):
            raise ValueError("retries: base must be a urllib3 Retry, got %r" % (base,))
        values = (total, backoff_factor, backoff_max, retry_after_max, frozenset(statuses), max_redirects,
                  bool(jitter), sleep, base)
        for name, value in zip(self.__slots__, values):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("RetrySettings is immutable: use replace(%s=...)" % name)

    def replace(self, **changes) -> "RetrySettings":
        """A copy with ``changes`` applied (the object itself never changes)."""
        unknown = set(changes) - set(self.__slots__)
        if unknown:
            raise TypeError("RetrySettings has no setting %s" % ", ".join(sorted(unknown)))
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return RetrySettings(**values)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, RetrySettings):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in self.__slots__))

    def __repr__(self) -> str:
        return "RetrySettings(%s)" % ", ".join("%s=%r" % (name, getattr(self, name)) for name in self.__slots__)

    @classmethod
    def of(cls, value: Union[int, bool, Retry, "RetrySettings", None]) -> "RetrySettings":
        """The settings a ``Configuration.retries`` or ``_retries=`` value stands for.

        A number is how many times a call may be retried (``None`` or ``True``:
        3; ``0`` or ``False``: never); a ``urllib3.util.Retry`` is used as the
        base of both policies.
        """
        if isinstance(value, RetrySettings):
            return value
        if isinstance(value, Retry):
            return cls(base=value)
        if value is None or value is True:
            return cls()
        if value is False:
            return cls(total=0)
        if isinstance(value, int) and value >= 0:
            return cls(total=value)
        raise ValueError("retries: expected a whole number >= 0, False, a RetrySettings or a urllib3 Retry, "
                         "got %r" % (value,))

    def read_only_policy(self) -> "RetryPolicy":
        """Retries for calls that change nothing on the node: any failure that may pass."""
        if self.base is not None:
            params = _retry_params(self.base)
            params.update(raise_on_status=False, raise_on_redirect=False, redirect=0)
            cap = getattr(self.base, "backoff_max", None) or getattr(Retry, "DEFAULT_BACKOFF_MAX", 120)
            return RetryPolicy(settings=self, backoff_cap=cap, **params)
        return RetryPolicy(
            total=self.total, connect=self.total, read=self.total, status=self.total, other=0, redirect=0,
            allowed_methods=None, status_forcelist=self.statuses, backoff_factor=self.backoff_factor,
            respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False, settings=self,
            backoff_cap=self.backoff_max)

    def submit_policy(self) -> "RetryPolicy":
        """Retries for ``/submit``: only failures that prove the request was never sent."""
        return self.read_only_policy().new(
            read=0, status=0, other=0, redirect=0, status_forcelist=frozenset(),
            respect_retry_after_header=False)


class RetryPolicy(Retry):
    """urllib3 ``Retry`` with jittered, capped backoff, a capped ``Retry-After`` and a deadline.

    ``deadline`` is a ``time.monotonic()`` value: no retry is begun whose wait
    would end after it. ``jitter`` draws each wait from its upper half, so the
    clients a failure hit at once do not retry in step. :meth:`increment` fixes
    the wait before the next attempt (``next_wait``), logs it, and the deadline
    check and the sleep agree on it. Instances are immutable like ``Retry``'s,
    so one policy is shared by all threads; :meth:`with_deadline` returns a
    copy for one call. The waits, caps and sleep function come from a
    :class:`RetrySettings`.
    """

    def __init__(self, *args, deadline: Optional[float] = None, jitter: Optional[bool] = None,
                 settings: Optional[RetrySettings] = None, log: Optional[logging.Logger] = None,
                 backoff_cap: Optional[float] = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.settings = settings or _DEFAULT_SETTINGS
        self.backoff_cap = self.settings.backoff_max if backoff_cap is None else backoff_cap
        self.deadline = deadline
        self.jitter = self.settings.jitter if jitter is None else jitter
        self.log = log or logger
        self.next_wait = 0.0

    def new(self, **kwargs) -> "RetryPolicy":
        retry = super().new(**kwargs)
        retry.settings = self.settings
        retry.backoff_cap = self.backoff_cap
        retry.deadline = self.deadline
        retry.jitter = self.jitter
        retry.log = self.log
        return retry

    def with_deadline(self, deadline: Optional[float], log: Optional[logging.Logger] = None) -> "RetryPolicy":
        """A copy whose retries stop at ``deadline`` (a ``time.monotonic()`` value), logging to ``log``."""
        retry = object.__new__(type(self))  # made on every call: a plain copy of the attributes is cheapest
        retry.__dict__.update(self.__dict__)
        retry.deadline = deadline
        if log is not None:
            retry.log = log
        return retry

    def get_backoff_time(self) -> float:
        """``backoff_factor`` x 2^n after the n+1-th failure in a row (redirects do not count), at most ``backoff_cap``."""
        failures = 0
        for attempt in reversed(self.history):
            if attempt.redirect_location:
                break
            failures += 1
        if failures == 0 or not self.backoff_factor:
            return 0.0
        delay = min(self.backoff_cap, self.backoff_factor * 2 ** min(failures - 1, 64))
        return random.uniform(delay / 2, delay) if self.jitter else delay

    def get_retry_after(self, response) -> Optional[float]:
        """The answer's ``Retry-After`` in seconds; ``None`` when absent or unreadable (a 5,000-digit number too)."""
        try:
            return super().get_retry_after(response)
        except (InvalidHeader, ValueError, OverflowError):
            return None

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if error is not None and too_large_in(error) is not None:
            raise MaxRetryError(_pool, url, error)  # the same answer would come again
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        retry.next_wait = retry._wait_before_next(response)
        if retry.next_wait is None:
            raise MaxRetryError(_pool, url, error or ResponseError(
                "Retry-After over %g s" % self.settings.retry_after_max))
        if self.deadline is not None and time.monotonic() + retry.next_wait >= self.deadline:
            raise MaxRetryError(_pool, url, error or ResponseError("the call's deadline was reached"))
        if retry.log.isEnabledFor(logging.INFO):
            retry.log.info("retrying %s %s in %.2f s (retry %d): %s", method, url, retry.next_wait,
                           len(retry.history), _reason(response, error))
        return retry

    def _wait_before_next(self, response) -> Optional[float]:
        """Seconds to wait before the next attempt; ``None`` when the server asks for too long."""
        if response is not None and not response.get_redirect_location() and self.respect_retry_after_header:
            retry_after = self.get_retry_after(response)
            if retry_after is not None:
                return retry_after if retry_after <= self.settings.retry_after_max else None
        return self.get_backoff_time()

    def sleep(self, response=None) -> None:
        """Wait the time :meth:`increment` chose; urllib3 calls this between attempts."""
        if self.next_wait > 0:
            self.settings.sleep(self.next_wait)


_DEFAULT_SETTINGS = RetrySettings()


def _retry_params(retry: Retry) -> dict:
    """The constructor arguments that rebuild ``retry`` (what ``Retry.new`` copies), for this urllib3."""
    names = ("total", "connect", "read", "redirect", "status", "other", "allowed_methods", "status_forcelist",
             "backoff_factor", "backoff_max", "raise_on_redirect", "raise_on_status", "history",
             "respect_retry_after_header", "remove_headers_on_redirect", "backoff_jitter")
    return {name: getattr(retry, name) for name in names if name in _RETRY_ARGUMENTS and hasattr(retry, name)}


# The keywords Retry() takes: urllib3 1.26 has no backoff_max or backoff_jitter.
_RETRY_ARGUMENTS = frozenset(Retry.__init__.__code__.co_varnames[:Retry.__init__.__code__.co_argcount
                                                                  + Retry.__init__.__code__.co_kwonlyargcount])


def _reason(response, error) -> str:
    if error is not None:
        return "%s: %s" % (type(error).__name__, error)
    return "HTTP %s" % getattr(response, "status", "?")


class DeadlineTimeout(Timeout):
    """A urllib3 ``Timeout`` whose every attempt gets at most the time left before a deadline.

    urllib3 clones the ``Timeout`` it is given for each attempt (retries and
    redirects included); this clone caps the attempt's total at what remains,
    so a retry started late cannot run a whole timeout past the deadline.
    """

    def __init__(self, timeout: Timeout, deadline: float):
        # Made on every call from an already checked Timeout: copied as is, not validated again.
        self._connect, self._read, self.total = timeout._connect, timeout._read, timeout.total
        self._start_connect = None
        self.deadline = deadline

    def clone(self) -> Timeout:
        left = max(_SHORTEST_TIMEOUT, self.deadline - time.monotonic())
        attempt = Timeout.__new__(Timeout)
        attempt._connect, attempt._read, attempt._start_connect = self._connect, self._read, None
        attempt.total = left if self.total is None else min(self.total, left)
        return attempt


def read_only_policy(retries: int) -> RetryPolicy:
    """Retries for calls that change nothing on the node: any failure that may pass."""
    return RetrySettings(total=retries).read_only_policy()


def submit_policy(retries: int) -> RetryPolicy:
    """Retries for ``/submit``: only failures that prove the request was never sent."""
    return RetrySettings(total=retries).submit_policy()


def make_policies(retries: Union[int, bool, Retry, RetrySettings, None]) -> Tuple[RetryPolicy, RetryPolicy]:
    """The (read-only, submit) policies for a ``Configuration.retries`` or ``_retries=`` value.

    See :meth:`RetrySettings.of`. Whatever the value, the submit policy never
    retries a failure after which the request may have reached the node, and
    both policies return the last answer instead of raising
    ``MaxRetryError``, so the error raised keeps its status and body.
    """
    settings = RetrySettings.of(retries)
    return settings.read_only_policy(), settings.submit_policy()
