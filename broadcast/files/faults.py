"""Named points where a test makes the process crash, deterministically.

Why: a crash test that kills a build after a fixed delay passes by timing luck (on a fast
machine the build is done, on a slow one it has not started). A named point says *where*
the crash happens instead: ``BROADCAST_FAULT=publish:3`` kills the process (SIGKILL, like
``kill -9`` or a power cut) the 3rd time it reaches :func:`point` ``("publish")``, which
:func:`broadcast.files.atomic.atomic_path` calls with the new file whole on disk and not yet
renamed into place. Without the variable (always, outside tests) a point does nothing.
"""

from __future__ import annotations

import os
import signal

#: the environment variable: ``NAME`` or ``NAME:N`` (crash at the N-th time, default 1)
ENV = "BROADCAST_FAULT"

_reached: dict[str, int] = {}


def point(name: str) -> None:
    """Crash here if the environment asks for it (see the module docstring)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
