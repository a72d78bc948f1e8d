"""What ``check`` (and the console) say about the recordings scripts air (issue 20).

A recording is checked before it airs, not when it fails on air: clipped, too quiet to
lift cleanly (below −35 LUFS before gain), longer than every session of every station
(it could never air), or a length that does not fit its text (under 80 or over 220
words a minute: "bản ghi có thể không khớp với nội dung"). Each warning names the script
file, the header line and the recording, as every message does. Decoding runs ffmpeg
once per recording, so only ``check`` and the console's script page do this, never a
build.
"""

from __future__ import annotations

import datetime as dt

from ..audio import recording as rec
from ..errors import BroadcastError
from ..project.loader import Project
from ..project.schedule import Station
from ..project.scripts import Script


def _clock_s(t: dt.time) -> float:
    return float(t.hour * 3600 + t.minute * 60 + t.second)


def longest_session_s(station: Station) -> float | None:
    """The longest session ``station`` can hold, in seconds (None: no limit)."""
    cap = station.limits.max_session
    if not station.windows:
        return None if cap is None else float(cap)
    room = max(_clock_s(end) - _clock_s(start) for start, end in station.windows)
    return room if cap is None else min(room, float(cap))


def longest_anywhere_s(project: Project) -> float | None:
    """The longest session of any station (None when one of them has no limit)."""
    longest: list[float] = []
    for station in project.schedule.stations.values():
        s = longest_session_s(station)
        if s is None:
            return None
        longest.append(s)
    return max(longest) if longest else None


def script_findings(script: Script, longest_s: float | None = None) -> list[rec.Finding]:
    """The findings about ``script``'s recording (none for a synthesized script)."""
    if script.recording is None:
        return []
    # streamed, kept by no one: a 60-minute recording is never whole (issue 23)
    measured = rec.measure_file(script.recording, script.path, script.recording_line)
    return rec.file_findings(measured, len(script.text.split()), longest_s)


def recording_warnings(project: Project) -> list[str]:
    """One line a finding, naming the script file, its line and the recording."""
    longest = longest_anywhere_s(project)
    out = []
    for script in project.scripts.values():
        if script.recording is None:
            continue
        where = f"{script.path}, dòng {script.recording_line}: recording: {script.recording.name}"
        try:
            found = script_findings(script, longest)
        except BroadcastError as exc:
            out.append(f"Kịch bản {script.path.name}: {exc.what} ({where})")
            continue
        for f in found:
            out.append(f"Kịch bản {script.path.name}: {f.message} ({where})")
    return out
