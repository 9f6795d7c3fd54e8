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
"""

import copy
import random
import time
from typing import Optional, Tuple, Union

from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_RETRIES = 3
MAX_REDIRECTS = 3
BACKOFF_FACTOR = 0.5
BACKOFF_CAP = 8.0
RETRY_AFTER_CAP = 60.0
# urllib3 refuses a timeout of 0; an attempt begun at the deadline gets this instead.
_SHORTEST_TIMEOUT = 0.001


class RetryPolicy(Retry):
    """urllib3 ``Retry`` with jittered, capped backoff, a capped ``Retry-After`` and a deadline.

    ``deadline`` is a ``time.monotonic()`` value: no retry is begun whose wait
    would end after it. ``jitter`` draws each wait from its upper half, so the
    clients a failure hit at once do not retry in step. :meth:`increment` fixes
    the wait before the next attempt (``next_wait``), so the deadline check and
    the sleep agree. Instances are immutable like ``Retry``'s, so one policy
    is shared by all threads; :meth:`with_deadline` returns a copy for one call.
    """

    def __init__(self, *args, deadline: Optional[float] = None, jitter: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.jitter = jitter
        self.next_wait = 0.0

    def new(self, **kwargs) -> "RetryPolicy":
        retry = super().new(**kwargs)
        retry.deadline = self.deadline
        retry.jitter = self.jitter
        return retry

    def with_deadline(self, deadline: Optional[float]) -> "RetryPolicy":
        """A copy whose retries stop at ``deadline`` (a ``time.monotonic()`` value)."""
        retry = copy.copy(self)  # made on every call: a plain copy costs half of new()
        retry.deadline = deadline
        return retry

    def get_backoff_time(self) -> float:
        """0.5 s x 2^n after the n+1-th failure in a row (redirects do not count), at most 8 s."""
        failures = 0
        for attempt in reversed(self.history):
            if attempt.redirect_location:
                break
            failures += 1
        if failures == 0:
            return 0.0
        delay = min(BACKOFF_CAP, BACKOFF_FACTOR * 2 ** (failures - 1))
        return random.uniform(delay / 2, delay) if self.jitter else delay

    def get_retry_after(self, response) -> Optional[float]:
        """The answer's ``Retry-After`` in seconds; ``None`` when absent or unreadable."""
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        retry.next_wait = retry._wait_before_next(response)
        if retry.next_wait is None:
            raise MaxRetryError(_pool, url, error or ResponseError("Retry-After over %d s" % RETRY_AFTER_CAP))
        if self.deadline is not None and time.monotonic() + retry.next_wait >= self.deadline:
            raise MaxRetryError(_pool, url, error or ResponseError("the call's deadline was reached"))
        return retry

    def _wait_before_next(self, response) -> Optional[float]:
        """Seconds to wait before the next attempt; ``None`` when the server asks for too long."""
        if response is not None and not response.get_redirect_location() and self.respect_retry_after_header:
            retry_after = self.get_retry_after(response)
            if retry_after is not None:
                return retry_after if retry_after <= RETRY_AFTER_CAP else None
        return self.get_backoff_time()

    def sleep(self, response=None) -> None:
        """Wait the time :meth:`increment` chose; urllib3 calls this between attempts."""
        if self.next_wait > 0:
            time.sleep(self.next_wait)

    # urllib3 calls this between redirects: the same fixed wait, never an unbounded Retry-After.
    sleep_for_retry = sleep


class DeadlineTimeout(Timeout):
    """A urllib3 ``Timeout`` whose every attempt gets at most the time left before a deadline.

    urllib3 clones the ``Timeout`` it is given for each attempt (retries and
    redirects included); this clone caps the attempt's total at what remains,
    so a retry started late cannot run a whole timeout past the deadline.
    """

    def __init__(self, timeout: Timeout, deadline: float):
        super().__init__(total=timeout.total, connect=timeout._connect, read=timeout._read)
        self.deadline = deadline

    def clone(self) -> Timeout:
        left = max(_SHORTEST_TIMEOUT, self.deadline - time.monotonic())
        total = left if self.total is None else min(self.total, left)
        return Timeout(total=total, connect=self._connect, read=self._read)


def read_only_policy(retries: int) -> RetryPolicy:
    """Retries for calls that change nothing on the node: any failure that may pass."""
    return RetryPolicy(total=retries, connect=retries, read=retries, status=retries, other=0,
                       redirect=MAX_REDIRECTS, allowed_methods=None, status_forcelist=RETRY_STATUSES,
                       respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False)


def submit_policy(retries: int) -> RetryPolicy:
    """Retries for ``/submit``: only failures that prove the request was never sent."""
    return RetryPolicy(total=retries, connect=retries, read=0, status=0, other=0, redirect=0,
                       allowed_methods=None, respect_retry_after_header=False,
                       raise_on_status=False, raise_on_redirect=False)


def make_policies(retries: Union[int, bool, Retry, None]) -> Tuple[Retry, Retry]:
    """The (read-only, submit) policies for a ``Configuration.retries`` or ``_retries=`` value.

    A number is how many times a call may be retried (``None`` or ``True``: 3;
    ``0`` or ``False``: never). A ``urllib3.util.Retry`` is used as given for
    both kinds of call, except that it returns the last answer instead of
    raising ``MaxRetryError``, so the error raised keeps its status and body.
    """
    if isinstance(retries, Retry):
        given = retries.new(raise_on_status=False, raise_on_redirect=False)
        return given, given
    if retries is None or retries is True:
        retries = DEFAULT_RETRIES
    if retries is False:
        retries = 0
    if not isinstance(retries, int) or retries < 0:
        raise ValueError("retries: expected a whole number >= 0, False or a urllib3 Retry, got %r"
                         % (retries,))
    return read_only_policy(retries), submit_policy(retries)
