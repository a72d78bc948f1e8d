"""Named points where a test makes a failure happen, deterministically, without timed sleeps.

Why: a crash test that kills a build after a fixed delay passes by timing luck (on a fast
machine the build is done, on a slow one it has not started). A named point says *where*
the failure happens instead. Two ways to arm one:

- across processes, ``BROADCAST_FAULT=publish:3`` kills the process (SIGKILL, like ``kill -9``
  or a power cut) the 3rd time it reaches :func:`point` ``("publish")``, which
  :func:`broadcast.files.atomic.atomic_path` calls with the new file whole on disk and not yet
  renamed into place;
- in-process, :func:`inject` arms a name with a function that :func:`hit` runs there (usually
  one that raises the error a full or dying disk gives): ``"asrun.write"`` before the as-run
  log's write transaction, ``"ledger.write"`` before the daemon's ledger write.

Unarmed (always, outside tests) a point does nothing.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: the environment variable: ``NAME`` or ``NAME:N`` (crash at the N-th time, default 1)
ENV = "BROADCAST_FAULT"

_reached: dict[str, int] = {}
_POINTS: dict[str, Callable[[], None]] = {}
_LOCK = threading.Lock()


def point(name: str) -> None:
    """Crash here if the environment asks for it, or run what a test armed (see above)."""
    hit(name)
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


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
