"""Render one bulletin: spoken form -> speech -> assembly -> loudness -> MP3.

Bulletins are content-addressed: the key covers the spoken text, the voice (engine
chain, versions, rate, dialect), the audio settings, the jingles and this module's
version. A bulletin whose MP3 and metadata already exist under its key is reused as
it is: building the same day twice synthesizes nothing and rewrites no MP3.

Except a bulletin spoken by a fallback engine (gTTS had no network, eSpeak spoke):
it is reused only while the preferred engine is still down in this run; otherwise the
preferred engine is tried again, and the bulletin is rewritten under the same path if
it now speaks. Speech itself comes from the shared speech cache (OUT/cache/speech).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from . import atomic
from .audio.bulletin import BulletinParts, assemble
from .audio.export import encode_mp3
from .audio.ffmpeg import read_audio
from .audio.jingles import chime
from .audio.loudness import normalize
from .project import Project
from .schedule.model import Station
from .scripts import Script
from .speech.cache import SpeechCache
from .speech.speaker import Speaker, Spoken
from .text.spoken import spoken

RENDER_VERSION = "1"
AGAIN = "Xin nhắc lại."


@dataclass(frozen=True)
class Bulletin:
    """A rendered bulletin on disk and what it is."""

    path: Path
    key: str
    script_id: str
    station_id: str
    title: str
    duration_s: float
    engine: str
    voice: str
    lufs: float
    spoken_text: str
    fallbacks: tuple[str, ...] = ()
    cached: bool = False

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")


@dataclass(frozen=True)
class SpokenBulletin:
    """A bulletin whose speech is made but whose audio file is not yet written."""

    script: Script
    station: Station
    key: str
    path: Path
    body_spoken: str
    body: Spoken
    parts: BulletinParts
    fallbacks: tuple[str, ...]


def header_text(station: Station, script: Script) -> str:
    return f"{station.name} xin thông báo: {script.meta.title}."


class Renderer:
    """Renders bulletins for one project into ``out_dir/bulletins``; reuses engines."""

    def __init__(self, project: Project, out_dir: Path) -> None:
        self.project = project
        self.out_dir = Path(out_dir)
        self._speakers: dict[tuple[str, str], Speaker] = {}
        self._jingles: dict[tuple[str, int], AudioSegment] = {}
        self._lexicon: dict[str, str] | None = None
        self.speech_cache = SpeechCache(self.out_dir / "cache" / "speech")
        self._engines_down: dict[str, str] = {}  # shared by every station's speaker

    # -- inputs -------------------------------------------------------------------
    @property
    def lexicon(self) -> dict[str, str]:
        if self._lexicon is None:
            self._lexicon = {}
            if self.project.lexicon_path is not None:
                from .text.lexicon import load_lexicon

                self._lexicon = load_lexicon(self.project.lexicon_path)
        return self._lexicon

    def speaker(self, station: Station) -> Speaker:
        key = (station.voice.model_dump_json(), station.dialect.value)
        if key not in self._speakers:
            self._speakers[key] = Speaker(
                station.voice,
                station.dialect,
                cache=self.speech_cache,
                base_dir=self.project.root,
                down=self._engines_down,
            )
        return self._speakers[key]

    def jingle(self, station: Station, kind: str, rate: int) -> AudioSegment:
        rel = getattr(station.jingles, kind)
        cache_key = (rel or f"builtin:{kind}", rate)
        if cache_key not in self._jingles:
            seg = read_audio(self.project.root / rel) if rel else chime(kind, rate)
            self._jingles[cache_key] = seg.set_channels(1).set_sample_width(2).set_frame_rate(rate)
        return self._jingles[cache_key]

    def _jingle_ids(self, station: Station) -> list[str]:
        ids = []
        for kind in ("intro", "outro"):
            rel = getattr(station.jingles, kind)
            if rel:
                digest = hashlib.sha256((self.project.root / rel).read_bytes()).hexdigest()[:16]
                ids.append(f"{kind}:{digest}")
            else:
                ids.append(f"{kind}:builtin")
        return ids

    # -- rendering ------------------------------------------------------------------
    def spoken_parts(self, station: Station, script: Script) -> tuple[str, str]:
        dialect = station.dialect.value
        return (
            spoken(header_text(station, script), dialect, self.lexicon),
            spoken(script.text, dialect, self.lexicon),
        )

    def key(self, station: Station, script: Script) -> str:
        header, body = self.spoken_parts(station, script)
        material = {
            "version": RENDER_VERSION,
            "header": header,
            "body": body,
            "voice": self.speaker(station).identity(),
            "dialect": station.dialect.value,
            "audio": station.audio.model_dump(),
            "repeat": station.repeat,
            "pause": station.pause,
            "jingles": self._jingle_ids(station),
        }
        blob = json.dumps(material, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def path_for(self, station: Station, script: Script, key: str) -> Path:
        return self.out_dir / "bulletins" / station.id / f"{script.id}-{key[:10]}.mp3"

    def render(self, script: Script, station: Station, target: Path | None = None) -> Bulletin:
        """Render one bulletin (or return the one already on disk under its key)."""
        job = self.speak(script, station, target)
        return job if isinstance(job, Bulletin) else self.produce(job)

    def speak(
        self, script: Script, station: Station, target: Path | None = None
    ) -> Bulletin | SpokenBulletin:
        """First half of a render: the cache check and the speech.

        Speech is made in the calling thread and in call order: eSpeak NG's output
        depends on the calls before it, so a fixed order gives the same audio every run.
        Returns the cached Bulletin when there is nothing to do.
        """
        key = self.key(station, script)
        path = Path(target) if target else self.path_for(station, script, key)
        cached = _load_meta(path, key)
        speaker = self.speaker(station)
        if cached is not None and (not cached.fallbacks or speaker.preferred_down(cached.engine)):
            return cached
        header_spoken, body_spoken = self.spoken_parts(station, script)
        body = speaker.speak(body_spoken)
        if cached is not None and body.engine == cached.engine:
            return cached  # the preferred engine failed again: keep the file as it is
        header = speaker.speak(header_spoken)
        again = speaker.speak(spoken(AGAIN, station.dialect.value))
        rate = body.audio.frame_rate
        return SpokenBulletin(
            script=script,
            station=station,
            key=key,
            path=path,
            body_spoken=body_spoken,
            body=body,
            parts=BulletinParts(
                intro=self.jingle(station, "intro", rate),
                header=header.audio,
                body=body.audio,
                outro=self.jingle(station, "outro", rate),
                repeat=station.repeat,
                pause_s=station.pause,
                again=again.audio,
            ),
            fallbacks=_fallbacks(body, header, again),
        )

    @staticmethod
    def produce(job: SpokenBulletin) -> Bulletin:
        """Second half: assembly, loudness, MP3 and metadata. Thread-safe: no shared state."""
        script, station, body, fallbacks = job.script, job.station, job.body, job.fallbacks
        rate = body.audio.frame_rate
        mixed = assemble(job.parts)
        samples = np.frombuffer(mixed.raw_data, dtype="<i2").astype(np.float64) / 32768.0
        audio = station.audio
        samples, lufs = normalize(samples, rate, audio.lufs, audio.true_peak, audio.bitrate)
        directive = script.meta.directive
        tags = {
            "title": script.meta.title,
            "artist": station.name,
            "album": directive.label(),
            "date": dt.date.today().isoformat(),
            "genre": "Speech",
            "comment": f"engine={body.engine} voice={body.voice}"
            + (f" fallback=({'; '.join(fallbacks)})" if fallbacks else ""),
            "engine": body.engine,  # TXXX frames: which engine and voice spoke it
            "voice": body.voice,
        }
        encode_mp3(
            samples, rate, job.path, sample_rate=audio.sample_rate, bitrate=audio.bitrate, tags=tags
        )
        bulletin = Bulletin(
            path=job.path,
            key=job.key,
            script_id=script.id,
            station_id=station.id,
            title=script.meta.title,
            duration_s=round(len(samples) / rate, 3),
            engine=body.engine,
            voice=body.voice,
            lufs=round(lufs, 2),
            spoken_text=job.body_spoken,
            fallbacks=fallbacks,
        )
        meta = asdict(bulletin)
        meta["path"] = job.path.name  # relative: the output folder may be moved or copied
        meta.pop("cached")
        atomic.write_text(bulletin.meta_path, json.dumps(meta, ensure_ascii=False, indent=1))
        return bulletin


def _fallbacks(*parts: Spoken) -> tuple[str, ...]:
    """Every "engine: reason" of any part, once each, in order."""
    return tuple(dict.fromkeys(fb for part in parts for fb in part.fallbacks))


def _load_meta(path: Path, key: str) -> Bulletin | None:
    meta_path = path.with_suffix(".json")
    if not (path.is_file() and meta_path.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("key") != key:
        return None
    meta["path"] = path
    meta["fallbacks"] = tuple(meta.get("fallbacks", ()))
    return Bulletin(**meta, cached=True)
