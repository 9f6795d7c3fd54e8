"""When a failed call is tried again: urllib3's ``Retry``, configured for this API.

Every endpoint is a POST, so urllib3's default (never retry POST after it was
sent) is right for ``/submit`` and too strict for the read-only calls:

- Read-only calls (list, states, events, local_events, results, version and
  the health endpoints) change nothing on the node, so they are retried on
  connection errors, read timeouts and the answers 429, 502, 503 and 504.
- ``/submit`` is retried only when the request certainly never reached the
  node (connection refused, DNS failure, connect timeout). After the body may
  have been sent, a retry could create the job twice, so it is never retried.

Waits grow as 0.5 s x 2^n with jitter (so many clients do not retry in step),
at most 8 s; a ``Retry-After`` header is honoured up to 60 s. A call's deadline
bounds the whole sequence, so retries cannot multiply the timeout.
"""

import random
import time
from typing import Optional, Union

from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({429, 502, 503, 504})
BACKOFF_FACTOR = 0.5
BACKOFF_CAP = 8.0
RETRY_AFTER_CAP = 60.0


class RetryPolicy(Retry):
    """urllib3 ``Retry`` with jittered, capped backoff, a capped ``Retry-After`` and a deadline.

    ``deadline`` is a ``time.monotonic()`` value: no retry is started, and no
    wait is begun, that would end after it. Instances are immutable like
    ``Retry``'s; :meth:`with_deadline` returns a copy for one call.
    """

    def __init__(self, *args, deadline: Optional[float] = None, jitter: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.jitter = jitter

    def new(self, **kwargs) -> "RetryPolicy":
        retry = super().new(**kwargs)
        retry.deadline = self.deadline
        retry.jitter = self.jitter
        return retry

    def with_deadline(self, deadline: Optional[float]) -> "RetryPolicy":
        """A copy whose retries stop at ``deadline`` (a ``time.monotonic()`` value)."""
        retry = self.new()
        retry.deadline = deadline
        return retry

    def get_backoff_time(self) -> float:
        errors = 0
        for attempt in reversed(self.history):
            if attempt.redirect_location:
                break
            errors += 1
        if errors == 0:
            return 0.0
        delay = min(BACKOFF_CAP, BACKOFF_FACTOR * (2 ** (errors - 1)))
        if self.jitter:
            delay = delay / 2 + random.uniform(0, delay / 2)
        return self._within_deadline(delay)

    def get_retry_after(self, response) -> Optional[float]:
        seconds = super().get_retry_after(response)
        if seconds is None:
            return None
        return self._within_deadline(min(seconds, RETRY_AFTER_CAP))

    def _within_deadline(self, delay: float) -> float:
        if self.deadline is None:
            return delay
        return max(0.0, min(delay, self.deadline - time.monotonic()))

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise MaxRetryError(_pool, url, error or ResponseError("deadline reached"))
        return retry


def read_only_policy(total: int) -> RetryPolicy:
    """Retries for calls that change nothing on the node."""
    return RetryPolicy(total=total, connect=total, read=total, status=total, other=0,
                       redirect=3, allowed_methods=None, status_forcelist=RETRY_STATUSES,
                       respect_retry_after_header=True, raise_on_status=False,
                       raise_on_redirect=False)


def submit_policy(total: int) -> RetryPolicy:
    """Retries for ``/submit``: only failures that prove the request was never sent."""
    return RetryPolicy(total=total, connect=total, read=0, status=0, other=0, redirect=0,
                       allowed_methods=None, raise_on_status=False, raise_on_redirect=False)


def make_policies(retries: Union[int, bool, Retry, None]):
    """The (read-only, submit) policies for a ``Configuration.retries`` value."""
    if isinstance(retries, Retry):
        return retries, retries
    if retries is None or retries is True:
        retries = 3
    if retries is False:
        retries = 0
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError("Configuration.retries: expected a number >= 0, False or a urllib3 Retry, got %r"
                         % (retries,))
    return read_only_policy(retries), submit_policy(retries)
