"""What a test leaves behind: threads it started and file descriptors it opened, still alive.

    before = snapshot()
    ...  # the test, with its clients closed and servers stopped
    assert left_behind(before) == ([], [])

Threads and descriptors that earlier tests left to wind down are not counted,
and each descriptor is named by what it points to (``socket:[inode]``), so a
number reused for a new socket still counts as new.
"""

import os
import threading
import time
from typing import List, NamedTuple, Set, Tuple


class Snapshot(NamedTuple):
    threads: Set[threading.Thread]
    descriptors: Set[str]


def snapshot() -> Snapshot:
    """The live threads and open file descriptors of this process."""
    return Snapshot(set(threading.enumerate()), _descriptors())


def left_behind(before: Snapshot, grace: float = 5.0) -> Tuple[List[str], List[str]]:
    """(thread names, descriptor targets) alive now and not in ``before``, after ``grace`` seconds to end."""
    end = time.monotonic() + grace
    while True:
        threads = [thread.name for thread in threading.enumerate() if thread not in before.threads]
        descriptors = sorted(_descriptors() - before.descriptors)
        if (not threads and not descriptors) or time.monotonic() > end:
            return threads, descriptors
        time.sleep(0.01)


def _descriptors() -> Set[str]:
    targets = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            targets.add("%s -> %s" % (name, os.readlink("/proc/self/fd/" + name)))
        except OSError:
            pass  # the descriptor listing the directory itself, closed by now
    return targets
