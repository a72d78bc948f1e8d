"""Named fault points: tests make a failure happen at one place, without timed sleeps.

Production code calls :func:`hit` at a few named places (``"asrun.write"`` before the
as-run log's write transaction, ``"ledger.write"`` before the daemon's ledger write);
nothing happens unless a test armed the point with :func:`inject`, which runs its
function there (usually one that raises the error a full disk or a dying disk gives).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_POINTS: dict[str, Callable[[], None]] = {}
_LOCK = threading.Lock()


def hit(name: str) -> None:
    """Run what a test armed at ``name`` (nothing in production)."""
    fn = _POINTS.get(name)
    if fn is not None:
        fn()


@contextmanager
def inject(name: str, fn: Callable[[], None]) -> Iterator[None]:
    """Arm ``name`` with ``fn`` for the ``with`` block."""
    with _LOCK:
        _POINTS[name] = fn
    try:
        yield
    finally:
        with _LOCK:
            _POINTS.pop(name, None)
