"""Jingles as playlist entries: rendered once per station's audio settings under OUT/jingles/.

A station-ID jingle opens every session and a chime separates two bulletins (the
bulletin's own intro/outro chimes are inside its MP3). The built-in chimes come from
:func:`broadcast.audio.jingles.chime` ("station_id", "between"); a station
may name its own files in ``jingles.station_id`` / ``jingles.between``. Each file is
loudness-normalized to the station's target and encoded like a bulletin; its name holds
a hash of its source and settings, so a change makes a new file and nothing is redone
otherwise.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic
from ..files.digest import stamp, unsound
from ..project.schedule import Station

TITLES = {"station_id": "Nhạc hiệu đài", "between": "Chuông chuyển bản tin"}
BUILTIN_KIND = {"station_id": "station_id", "between": "between"}
RATE = 44100


@dataclass(frozen=True)
class JingleFile:
    path: Path
    duration_s: float
    title: str


def _source(root: Path, station: Station, kind: str) -> tuple[str, Path | None]:
    rel = getattr(station.jingles, kind)
    if rel:
        path = Path(root) / rel
        return "file:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16], path
    return f"builtin:{BUILTIN_KIND[kind]}", None


def jingle_file(root: Path, station: Station, kind: str, out_dir: Path) -> JingleFile:
    """The MP3 of jingle ``kind`` ('station_id' or 'between') for ``station``."""
    from ..audio.ffmpeg import read_audio
    from ..audio.jingles import chime
    from ..audio.master import master

    source, path = _source(root, station, kind)
    material = json.dumps(
        {"source": source, "audio": station.audio.model_dump(), "v": 1}, sort_keys=True
    )
    digest = hashlib.sha256(material.encode()).hexdigest()[:10]
    target = Path(out_dir) / "jingles" / f"{kind.replace('_', '-')}-{digest}.mp3"
    meta = target.with_suffix(".json")
    if target.is_file() and meta.is_file():
        try:
            known = json.loads(meta.read_text("utf-8"))
            size, sha = known.get("size"), known.get("sha256")
            if not unsound(
                target,
                size if isinstance(size, int) else None,
                sha if isinstance(sha, str) else None,
            ):
                return JingleFile(target, float(known["duration_s"]), TITLES[kind])
        except (ValueError, KeyError, TypeError, AttributeError, OSError):
            pass  # a damaged sidecar or jingle: made again
    seg = read_audio(path) if path else chime(BUILTIN_KIND[kind], RATE)
    done = master(seg, target, station.audio, {"title": TITLES[kind], "genre": "Jingle"})
    duration = done.duration_s
    atomic.write_text(meta, json.dumps({"duration_s": duration, "source": source, **stamp(target)}))
    return JingleFile(target, duration, TITLES[kind])


def jingle_files(root: Path, station: Station, out_dir: Path) -> tuple[JingleFile, JingleFile]:
    """(station ID, between) jingles of ``station``; ``root`` is the project folder."""
    return (
        jingle_file(root, station, "station_id", out_dir),
        jingle_file(root, station, "between", out_dir),
    )
