"""Bulletin durations before a build, measured from the real spoken text.

Why this exists: word counts lie exactly when it matters. A script full of phone
numbers, dates, amounts and addresses is short on the page and long on air (a 0:32
estimate rendered 89 s), and a plan built on that drops bulletins it promised. eSpeak NG
speaks about 1,000x real time, so measuring is cheap: the header and body go through the
same spoken form, the station's own speaker and the shared speech cache as a render
(:meth:`broadcast.render.renderer.Renderer.speak`), and the parts are assembled as a render
assembles them (jingles, pauses, repeats). Nothing is encoded and nothing is written
but the speech cache, which the build then reuses, so plan and build agree.

A bulletin already rendered under the same content key is read from its metadata
instead. The key covers the spoken text, so an edited script is measured again: its
length is its new length, never that of an older MP3 of the same script id.

A bulletin measured but not rendered (``check`` plans the whole campaign, ``demo`` builds
one day) keeps its length in ``OUT/cache/durations.json`` under its content key
(:meth:`Estimator.save`), so the next ``check`` or ``plan`` does not assemble it again. The
key covers everything the length depends on; an unreadable file is a miss, never an error.

A body longer than ``MEASURE_MAX_CHARS`` is not synthesized (issue 23): half an hour of
audio is hundreds of megabytes and tens of seconds for one estimate. Its length comes from
its spoken form's word count (numbers, dates and codes already read out as words, so the
count does not lie the way the page's does), and ``plan`` marks it as an estimate.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydub import AudioSegment

from ..errors import BroadcastError
from ..files import atomic
from ..project.loader import Project
from ..project.schedule import Station
from ..project.scripts import Script
from ..render.renderer import Bulletin, Renderer
from .planner import estimate_duration

#: Longest body (characters, about five minutes of speech) measured by synthesis; a longer
#: one is estimated from its spoken text, so check and plan stay within memory and time.
MEASURE_MAX_CHARS = 4_000

log = logging.getLogger(__name__)

#: bulletins measured (not rendered): content key -> seconds, beside the speech cache
DURATIONS_FILE = Path("cache") / "durations.json"
DURATIONS_VERSION = 1


class Estimator:
    """``durations`` for the planner: seconds of a bulletin as it airs on a station
    (the station's announcement, then the shared bulletin), measured, cached by content.

    Hold one per run (it keeps what it measured in memory; the speech itself goes to
    the on-disk speech cache). ``rendered`` holds the (station, script) pairs whose
    length came from existing files, ``guessed`` those no engine could speak (then the
    length is the word-count estimate, and ``plan`` says so).
    """

    def __init__(self, project: Project, out_dir: Path, renderer: Renderer | None = None) -> None:
        self.renderer = renderer or Renderer(project, Path(out_dir))
        self._seconds: dict[str, float] = {}  # content key -> seconds
        self._measured: dict[str, float] | None = None  # durations.json, read when needed
        self._new: dict[str, float] = {}  # measured in this run, for save()
        self.rendered: set[tuple[str, str]] = set()
        self.guessed: set[tuple[str, str]] = set()

    def __call__(self, station: Station, script: Script) -> float:
        pair = (station.id, script.id)
        if script.recording is None and len(script.text) > MEASURE_MAX_CHARS:
            self.guessed.add(pair)
            return self._from_text(station, script)
        try:
            body = self._bulletin(station, script)
            announcement = self._announcement(station)
        except BroadcastError as exc:
            log.warning("không đo được %s/%s (%s): ước tính theo số chữ", *pair, exc.what)
            self.guessed.add(pair)
            return estimate_duration(station, script)
        if body[1] and announcement[1]:
            self.rendered.add(pair)
        return round(body[0] + announcement[0], 3)

    def _from_text(self, station: Station, script: Script) -> float:
        """The length of a long bulletin from its spoken form's words, never its audio."""
        try:
            _header, body = self.renderer.spoken_parts(station, script)
        except BroadcastError:
            return estimate_duration(station, script)
        return estimate_duration(station, script, body_words=len(body.split()))

    def _bulletin(self, station: Station, script: Script) -> tuple[float, bool]:
        """(seconds, from a file on disk) of the bulletin a build would air."""
        r = self.renderer
        key = r.key(station, script, standalone=False)
        if key in self._seconds:
            return self._seconds[key], False
        job = r.plan(script, station, standalone=False)
        if isinstance(job, Bulletin):
            self._seconds[key] = job.duration_s
            return job.duration_s, True
        measured = self._read_measured().get(key)
        if measured is not None:
            self._seconds[key] = measured
            return measured, False
        if script.recording is not None:  # streamed, never whole (issue 23)
            seconds = r.recorded_seconds(station, script, standalone=False)
        else:
            seconds = _seconds(r.mix_audio(station, script, standalone=False))
        self._seconds[key] = seconds
        self._new[key] = seconds
        return seconds, False

    @property
    def _durations_path(self) -> Path:
        return self.renderer.out_dir / DURATIONS_FILE

    def _read_measured(self) -> dict[str, float]:
        if self._measured is None:
            self._measured = {}
            try:
                data = json.loads(self._durations_path.read_text(encoding="utf-8"))
                if data.get("version") == DURATIONS_VERSION:
                    self._measured = {
                        str(k): float(v) for k, v in dict(data.get("seconds", {})).items()
                    }
            except (OSError, ValueError, TypeError, AttributeError):
                pass  # missing or unreadable: measure again
        return self._measured

    def save(self) -> None:
        """Keep the lengths measured in this run for the next one (one atomic write)."""
        if not self._new or not self.renderer.out_dir.is_dir():
            return
        seconds = {**self._read_measured(), **self._new}
        text = json.dumps({"version": DURATIONS_VERSION, "seconds": seconds}, sort_keys=True)
        try:
            atomic.write_text(self._durations_path, text + "\n")
        except (OSError, BroadcastError) as exc:
            # only a speed-up: a read-only or full disk must not fail check or plan
            log.info("không ghi được %s: %s", self._durations_path, exc)
            return
        self._measured = seconds
        self._new = {}

    def announcement_s(self, station: Station) -> float:
        """Seconds of the station's announcement, the running order's own item before each
        bulletin (a planned item's length is the two together)."""
        return self._announcement(station)[0]

    def _announcement(self, station: Station) -> tuple[float, bool]:
        r = self.renderer
        key = r.announcement_key(station)
        if key in self._seconds:
            return self._seconds[key], False
        job = r.plan_announcement(station)
        if isinstance(job, Bulletin):
            self._seconds[key] = job.duration_s
            return job.duration_s, True
        seconds = _seconds(r.mix_announcement(station)[0])
        self._seconds[key] = seconds
        return seconds, False


def _seconds(audio: AudioSegment) -> float:
    return round(audio.frame_count() / audio.frame_rate, 3)
