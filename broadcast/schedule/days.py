"""Plans for a run of days, with each item's length measured from synthesized speech
(:mod:`broadcast.schedule.estimate`) and the emergency bulletins queued (``queued``). Used by
``broadcast plan`` and the web console's plan page."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

from ..project.loader import Project
from .estimate import Estimator
from .planner import DayPlan, Planner, QueuedBulletin


def plan_days(
    project: Project,
    out: Path,
    date: dt.date,
    days: int,
    stations: list[str],
    queued: list[QueuedBulletin] | None = None,
) -> list[tuple[DayPlan, set[tuple[str, str]], set[tuple[str, str]]]]:
    """Plan ``days`` days in order. With each plan: the (station, script) pairs whose
    length is that of an existing render, and those no engine could speak (guessed from
    the word count); all others are measured from synthesized speech."""
    with ExitStack() as stack:
        # Before any build, measure in a scratch folder: ``plan`` creates no output folder.
        folder = out if out.is_dir() else Path(stack.enter_context(TemporaryDirectory()))
        estimator = Estimator(project, folder)
        planner = Planner(
            project.schedule,
            project.scripts,
            durations=estimator,
            queued=queued or [],
            withheld=project.withheld,
        )
        plans = [planner.plan(date + dt.timedelta(days=i), stations) for i in range(days)]
        estimator.save()
        guessed = set(estimator.guessed)
        rendered = set(estimator.rendered)
    return [(plan, rendered, guessed) for plan in plans]
