"""Moved to :mod:`broadcast.playout.daemon` (playout is its own package now).

Kept so older imports, and job stores that name ``broadcast.schedule.daemon:_job_session``,
keep working.
"""

from ..playout.daemon import *  # noqa: F403
from ..playout.daemon import (  # noqa: F401
    BUNDLED_PLAYER,
    DEFAULT_GRACE_S,
    DEFAULT_PLAYER,
    EMERGENCY_MAX_AGE,
    PLAYERS,
    Daemon,
    Ledger,
    _job_build,
    _job_poll,
    _job_session,
    default_player,
    now,
)
