"""Bulletin durations before a build, measured from the real spoken text.

Why this exists: word counts lie exactly when it matters. A script full of phone
numbers, dates, amounts and addresses is short on the page and long on air (a 0:32
estimate rendered 89 s), and a plan built on that drops bulletins it promised. eSpeak NG
speaks about 1,000x real time, so measuring is cheap: the header and body go through the
same spoken form, the station's own speaker and the shared speech cache as a render
(:meth:`broadcast.render.Renderer.speak`), and the parts are assembled as a render
assembles them (jingles, pauses, repeats). Nothing is encoded and nothing is written
but the speech cache, which the build then reuses, so plan and build agree.

A bulletin already rendered under the same content key is read from its metadata
instead. The key covers the spoken text, so an edited script is measured again: its
length is its new length, never that of an older MP3 of the same script id.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .audio.bulletin import assemble
from .errors import BroadcastError
from .project import Project
from .render import Bulletin, Renderer
from .schedule.model import Station
from .schedule.planner import estimate_duration
from .scripts import Script

log = logging.getLogger(__name__)


class Estimator:
    """``durations`` for the planner: seconds of a bulletin, measured, cached by content.

    Hold one per run (it keeps what it measured in memory; the speech itself goes to
    the on-disk speech cache). ``rendered`` holds the (station, script) pairs whose
    length came from an existing render, ``guessed`` those no engine could speak
    (then the length is the word-count estimate, and ``plan`` says so).
    """

    def __init__(self, project: Project, out_dir: Path, renderer: Renderer | None = None) -> None:
        self.renderer = renderer or Renderer(project, Path(out_dir))
        self._seconds: dict[str, float] = {}  # content key -> seconds
        self.rendered: set[tuple[str, str]] = set()
        self.guessed: set[tuple[str, str]] = set()

    def __call__(self, station: Station, script: Script) -> float:
        pair = (station.id, script.id)
        try:
            key = self.renderer.key(station, script)
            if key in self._seconds:
                return self._seconds[key]
            job = self.renderer.speak(script, station)
        except BroadcastError as exc:
            log.warning("không đo được %s/%s (%s): ước tính theo số chữ", *pair, exc.what)
            self.guessed.add(pair)
            return estimate_duration(station, script)
        if isinstance(job, Bulletin):
            self.rendered.add(pair)
            seconds = job.duration_s
        else:
            mixed = assemble(job.parts)
            seconds = round(mixed.frame_count() / mixed.frame_rate, 3)
        self._seconds[key] = seconds
        return seconds
