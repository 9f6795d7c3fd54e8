"""Objects that must drop what they hold when the process forks.

A forked child inherits the parent's sockets and thread pools but none of its
threads, so clients register here and are told, in the child, to start afresh.
"""

import os
import weakref

_registered: "weakref.WeakSet" = weakref.WeakSet()


def reset_after_fork(instance) -> None:
    """Call ``instance._after_fork_in_child()`` in every child process forked from now on (while it lives)."""
    _registered.add(instance)


def _after_fork_in_child() -> None:
    for instance in list(_registered):
        instance._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
