"""Render bulletins and station announcements: spoken form -> speech -> assembly -> MP3.

Render once, air everywhere (README, "Render once, air everywhere"). What a station
airs is made of two kinds of file:

- the **bulletin**: intro chime, the title, the body ``repeat`` times, outro chime. It
  names no station, so it is made once per (spoken text, voice, audio settings, engine
  version, repeat/pause/chimes) under ``OUT/bulletins/shared/`` and every station that
  shares those settings plays the same file;
- the station's **announcement** ("<station> xin thông báo."), its own running-order
  item before each bulletin, made once per station under ``OUT/announcements/`` and
  reused every day until the station's name, voice or audio settings change.

A script with ``recording:`` (issue 20) airs its recording instead: intro chime, the
trimmed and high-passed recording once, outro chime (as :func:`assemble_recorded` lays out), mastered
to the same loudness and tagged ``engine=recording``. Its key covers the text and the
audio's bytes, so a new recording under the same name is made again.

``render`` (one bulletin for ``broadcast render`` and ``emergency``, played on its own)
still makes the standalone form with the station in its header, under
``OUT/bulletins/<station>/``, exactly as before.

Every file is content-addressed: the key covers everything that changes the sound,
and a file whose MP3 and metadata exist under its key is reused as it is. Except one
spoken by a fallback engine (gTTS had no network, eSpeak spoke): it is reused only
while the preferred engine is still down in this run; otherwise the preferred engine is
tried again and the file is rewritten under the same path if it now speaks. Speech
comes from the shared speech cache (OUT/cache/speech).

Work is split in two so a build can spread it over processes: :meth:`Renderer.plan`
(cheap, in the calling process: keys, paths, what exists) returns a finished
:class:`Bulletin` or a picklable :class:`Job`; :meth:`Renderer.make` does a job
(speech, mastering, MP3) wherever it runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from pydub import AudioSegment

from ..audio import recording as rec
from ..audio.bulletin import RECORDING_GAP_S, BulletinParts, join, pieces
from ..audio.ffmpeg import read_audio
from ..audio.jingles import chime
from ..audio.master import master_many, master_pieces
from ..audio.streamed import master_streamed
from ..errors import EngineError, ScriptError
from ..files import atomic, digest
from ..project.loader import Project
from ..project.schedule import Station
from ..project.scripts import Script
from ..speech.cache import SpeechCache
from ..speech.speaker import Speaker, Spoken
from ..text.spoken import spoken

#: standalone bulletins (station in the header): unchanged, so their files are reused
RENDER_VERSION = "1"
#: shared bulletins and announcements (the layout since "render once, air everywhere")
SHARED_VERSION = "2"
AGAIN = "Xin nhắc lại."
SHARED = "shared"
ANNOUNCEMENTS = "announcements"
#: silence after the announcement, before the bulletin's intro chime (as the 0.5 s
#: between chime and header inside a bulletin)
ANNOUNCEMENT_TAIL_S = 0.5
KIND_BULLETIN = "bulletin"
KIND_ANNOUNCEMENT = "announcement"
#: the engine and voice of a bulletin that airs a recording (running order, ID3, report)
RECORDING = "recording"


@dataclass(frozen=True)
class Bulletin:
    """A rendered file on disk (a bulletin or a station announcement) and what it is."""

    path: Path
    key: str
    script_id: str
    station_id: str  # "" for a shared bulletin: it belongs to no station
    title: str
    duration_s: float
    engine: str
    voice: str
    lufs: float
    spoken_text: str
    fallbacks: tuple[str, ...] = ()
    cached: bool = False
    kind: str = KIND_BULLETIN
    #: speech cache files it was made from, relative to the cache root: a reuse marks
    #: them used, so ``cache prune --older-than`` counts from the last build that aired it
    speech: tuple[str, ...] = ()
    #: the recording it airs (file name in scripts/), "" for a synthesized bulletin
    source_audio: str = ""

    @property
    def is_recording(self) -> bool:
        return bool(self.source_audio)

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")


@dataclass(frozen=True)
class Job:
    """One file to make; picklable, so it can go to another process."""

    kind: str  # KIND_BULLETIN or KIND_ANNOUNCEMENT
    station: Station  # whose voice and audio settings (any station sharing them)
    script: Script | None  # None for an announcement
    key: str
    path: Path
    standalone: bool = False
    #: the fallback-spoken file on disk under this key, kept if the preferred engine
    #: still fails
    previous: Bulletin | None = None

    @property
    def station_id(self) -> str:
        return self.station.id

    @property
    def script_id(self) -> str:
        return self.script.id if self.script is not None else ""


@functools.cache
def text_rules_version() -> str:
    """A digest of the spoken-form rules and their data (``broadcast/text/``): it changes
    whenever they could read a text differently."""
    folder = Path(__file__).parent / "text"
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".json", ".txt") and path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def header_text(station: Station, script: Script) -> str:
    """A standalone bulletin's header: the station and the title."""
    return f"{station.name} xin thông báo: {script.meta.title}."


def title_text(script: Script) -> str:
    """A shared bulletin's header: the title alone (the station speaks just before it)."""
    return f"{script.meta.title}."


def announcement_text(station: Station) -> str:
    return f"{station.name} xin thông báo."


@dataclass(frozen=True)
class Sources:
    """What making a file needs of the project besides its job: where relative paths
    (jingles, models) start and the lexicon. A worker process gets only this."""

    root: Path
    lexicon_path: Path | None = None


class Renderer:
    """Renders bulletins for one project into ``out_dir``; reuses engines and keys."""

    def __init__(self, project: Project | Sources, out_dir: Path) -> None:
        self.project = project
        self.out_dir = Path(out_dir)
        self._speakers: dict[tuple[str, str], Speaker] = {}
        self._jingles: dict[tuple[str, int], AudioSegment] = {}
        self._jingle_id_memo: dict[tuple[str | None, str | None], list[str]] = {}
        self._spoken_memo: dict[tuple[str, str], str] = {}
        self._key_memo: dict[tuple[str, str, bool], str] = {}
        self._lexicon: dict[str, str] | None = None
        self._lexicon_id: str | None = None
        self._sound_memo: dict[tuple[object, ...], str] = {}
        self.speech_cache = SpeechCache(self.out_dir / "cache" / "speech")
        self._engines_down: dict[str, str] = {}  # shared by every station's speaker
        #: recording file -> ((mtime, size), version, prepared audio or None)
        self._recordings: dict[Path, tuple[tuple[int, int], str, rec.Prepared | None]] = {}

    # -- inputs -------------------------------------------------------------------
    @property
    def lexicon(self) -> dict[str, str]:
        if self._lexicon is None:
            self._lexicon = {}
            if self.project.lexicon_path is not None:
                from ..text.lexicon import load_lexicon

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
        memo = (station.jingles.intro, station.jingles.outro)
        if memo not in self._jingle_id_memo:
            ids = []
            for kind in ("intro", "outro"):
                rel = getattr(station.jingles, kind)
                if rel:
                    digest = hashlib.sha256((self.project.root / rel).read_bytes()).hexdigest()
                    ids.append(f"{kind}:{digest[:16]}")
                else:
                    ids.append(f"{kind}:builtin")
            self._jingle_id_memo[memo] = ids
        return self._jingle_id_memo[memo]

    def _lexicon_digest(self) -> str:
        if self._lexicon_id is None:
            blob = json.dumps(self.lexicon, ensure_ascii=False, sort_keys=True).encode()
            self._lexicon_id = hashlib.sha256(blob).hexdigest()[:16]
        return self._lexicon_id

    def _spoken(self, text: str, dialect: str) -> str:
        """Spoken form, memoized: a province's stations read the same few texts."""
        memo = (text, dialect)
        out = self._spoken_memo.get(memo)
        if out is None:
            if len(self._spoken_memo) > 50_000:
                self._spoken_memo.clear()
            out = self._spoken_memo[memo] = spoken(text, dialect, self.lexicon)
        return out

    # -- keys and places -------------------------------------------------------------
    def spoken_parts(
        self, station: Station, script: Script, standalone: bool = False
    ) -> tuple[str, str]:
        """(header, body) in spoken form. The header of a shared bulletin (what a build
        airs) is the title; the station's name is in :meth:`spoken_announcement`."""
        dialect = station.dialect.value
        head = header_text(station, script) if standalone else title_text(script)
        return self._spoken(head, dialect), self._spoken(script.text, dialect)

    def spoken_announcement(self, station: Station) -> str:
        return self._spoken(announcement_text(station), station.dialect.value)

    def sound_key(self, station: Station) -> str:
        """What, besides the text, decides how a bulletin sounds on ``station`` (stations
        with the same sound key share their bulletin files)."""
        memo = (
            station.voice.model_dump_json(),
            station.dialect.value,
            station.audio.model_dump_json(),
            station.repeat,
            station.pause,
            station.jingles.intro,
            station.jingles.outro,
        )
        found = self._sound_memo.get(memo)
        if found is None:
            material = {
                "voice": self.speaker(station).identity(),
                "dialect": station.dialect.value,
                "audio": station.audio.model_dump(),
                "repeat": station.repeat,
                "pause": station.pause,
                "jingles": self._jingle_ids(station),
            }
            found = self._sound_memo[memo] = json.dumps(
                material, ensure_ascii=False, sort_keys=True
            )
        return found

    def key(self, station: Station, script: Script, standalone: bool = False) -> str:
        if script.recording is not None:
            return self._recorded_key(station, script, standalone)
        sound = self.sound_key(station)
        memo = (sound, script.id + "\0" + script.text + "\0" + script.meta.title, standalone)
        if not standalone and memo in self._key_memo:
            return self._key_memo[memo]
        header, body = self.spoken_parts(station, script, standalone)
        material = {
            "version": RENDER_VERSION if standalone else SHARED_VERSION,
            "header": header,
            "body": body,
            **json.loads(sound),
        }
        if not standalone:
            material["layout"] = SHARED
        blob = json.dumps(material, ensure_ascii=False, sort_keys=True).encode()
        key = hashlib.sha256(blob).hexdigest()
        if not standalone:
            self._key_memo[memo] = key
        return key

    def _recorded_key(self, station: Station, script: Script, standalone: bool) -> str:
        """A recorded bulletin's key: its text and audio (:func:`recording_version`),
        the title, the station's header for a standalone one, and the sound settings."""
        material = {
            "version": RENDER_VERSION if standalone else SHARED_VERSION,
            "kind": RECORDING,
            "recording": self.recording_version(script),
            "title": script.meta.title,
            "header": self._recorded_header_text(station, standalone),
            **json.loads(self.sound_key(station)),
        }
        blob = json.dumps(material, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def _recorded_header_text(self, station: Station, standalone: bool) -> str:
        """What the engine says in a recorded bulletin: the station's name, standalone only."""
        return self.spoken_announcement(station) if standalone else ""

    def _recording(self, script: Script, audio: bool) -> tuple[str, rec.Prepared | None]:
        """(version, prepared audio) of ``script``'s recording, read once per change."""
        path = script.recording
        assert path is not None
        try:
            st = path.stat()
        except OSError:
            raise rec.missing(script.path, script.recording_line, path.name) from None
        stamp = (st.st_mtime_ns, st.st_size)
        known = self._recordings.get(path)
        if known is None or known[0] != stamp:
            try:
                data = path.read_bytes()
            except OSError:
                raise rec.missing(script.path, script.recording_line, path.name) from None
            known = (stamp, rec.version(script.text, data), None)
        if audio and known[2] is None:
            prepared = rec.prepare_file(path, script.path, script.recording_line)
            if len(prepared) == 0:
                prepared.close()
                raise _silent(script)
            known = (stamp, known[1], prepared)
        if len(self._recordings) > 64:
            self._recordings.clear()
        self._recordings[path] = known
        return known[1], known[2]

    def recording_audio(self, script: Script) -> rec.Prepared:
        """The recording as it airs (trimmed, high-passed); ScriptError naming the header
        line when it is missing, undecodable or silent."""
        audio = self._recording(script, audio=True)[1]
        assert audio is not None
        return audio

    def recording_version(self, script: Script) -> str:
        """The version of a recorded script's text and audio (issue 20)."""
        return self._recording(script, audio=False)[0]

    def announcement_key(self, station: Station) -> str:
        """Key of a station's announcement. Keyed on the written text plus the version of
        the spoken-form rules and the lexicon (not on the spoken text itself): a
        province's warm build then checks 10,000 announcements without running the text
        rules 10,000 times, and any change to those rules still makes them again."""
        material = {
            "version": SHARED_VERSION,
            "kind": KIND_ANNOUNCEMENT,
            "text": announcement_text(station),
            "rules": text_rules_version(),
            "lexicon": self._lexicon_digest(),
            "voice": self.speaker(station).identity(),
            "dialect": station.dialect.value,
            "audio": station.audio.model_dump(),
            "tail": ANNOUNCEMENT_TAIL_S,
        }
        blob = json.dumps(material, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def path_for(self, station: Station, script: Script, key: str, standalone: bool = True) -> Path:
        folder = station.id if standalone else SHARED
        return self.out_dir / "bulletins" / folder / f"{script.id}-{key[:10]}.mp3"

    def announcement_path(self, station: Station, key: str) -> Path:
        return self.out_dir / ANNOUNCEMENTS / f"{station.id}-{key[:10]}.mp3"

    # -- plan: what exists, what to make ------------------------------------------------
    def _reuse(self, cached: Bulletin | None, station: Station) -> bool:
        return cached is not None and (
            not cached.fallbacks or self.speaker(station).preferred_down(cached.engine)
        )

    def plan(
        self,
        script: Script,
        station: Station,
        target: Path | None = None,
        standalone: bool = True,
    ) -> Bulletin | Job:
        """The bulletin already on disk under its key, or the job that makes it."""
        key = self.key(station, script, standalone)
        path = Path(target) if target else self.path_for(station, script, key, standalone)
        cached = _load_meta(path, key)
        if cached is not None and self._reuse(cached, station):
            self._touch_speech(cached)
            return cached
        return Job(KIND_BULLETIN, station, script, key, path, standalone, cached)

    def plan_announcement(self, station: Station) -> Bulletin | Job:
        key = self.announcement_key(station)
        path = self.announcement_path(station, key)
        cached = _load_meta(path, key)
        if cached is not None and self._reuse(cached, station):
            self._touch_speech(cached)
            return cached
        return Job(KIND_ANNOUNCEMENT, station, None, key, path, False, cached)

    def _touch_speech(self, b: Bulletin) -> None:
        for rel in b.speech:
            SpeechCache.touch(self.speech_cache.root / rel)

    # -- make: speech, mastering, MP3 -------------------------------------------------
    def render(self, script: Script, station: Station, target: Path | None = None) -> Bulletin:
        """Render one standalone bulletin (or return the one already on disk)."""
        job = self.plan(script, station, target, standalone=True)
        return job if isinstance(job, Bulletin) else self.make(job)

    def prepare(self, job: Job) -> None:
        """Speak the texts of ``job`` into the speech cache, here and now.

        A build calls this in job order in one process, so that eSpeak NG (whose output
        depends on the calls before it) gives the same audio every run, then lets
        another process :meth:`make` the file from the cached speech.
        """
        station = job.station
        speaker = self.speaker(station)
        if job.kind == KIND_ANNOUNCEMENT:
            texts = [self.spoken_announcement(station)]
        elif job.script is not None and job.script.recording is not None:
            texts = [self.spoken_announcement(station)] if job.standalone else []
        else:
            assert job.script is not None
            header, body = self.spoken_parts(station, job.script, job.standalone)
            texts = [body, header, self._spoken(AGAIN, station.dialect.value)]
        for text in texts:
            speaker.prepare(text)

    def make(self, job: Job) -> Bulletin:
        """Make the file of ``job`` here (speech, assembly, loudness, MP3, metadata)."""
        station = job.station
        if job.kind == KIND_ANNOUNCEMENT:
            return self._make_announcement(job, station)
        assert job.script is not None
        return self._make_bulletin(job, station, job.script)

    def _speech_refs(self, station: Station, *parts: tuple[str, Spoken]) -> tuple[str, ...]:
        refs = []
        for text, part in parts:
            path = self.speaker(station).cache_path(text, part.engine)
            if path is not None:
                refs.append(path.relative_to(self.speech_cache.root).as_posix())
        return tuple(dict.fromkeys(refs))

    def _recorded_frame(
        self, station: Station, standalone: bool, rate: int
    ) -> tuple[list[AudioSegment], list[AudioSegment], Spoken | None]:
        """What goes before and after a recording on air: the chimes, the gaps, and the
        station's spoken name when the bulletin is standalone."""
        header = (
            self.speaker(station).speak(self.spoken_announcement(station)) if standalone else None
        )
        gap = AudioSegment.silent(duration=int(RECORDING_GAP_S * 1000), frame_rate=rate)
        before = [self.jingle(station, "intro", rate), gap]
        if header is not None:
            before += [header.audio, gap]
        return before, [gap, self.jingle(station, "outro", rate)], header

    def mix_recorded(
        self, station: Station, script: Script, standalone: bool
    ) -> tuple[list[AudioSegment | rec.Prepared], Spoken | None]:
        """A recorded bulletin's pieces before mastering (the recording itself streamed
        from its temporary file, issue 23), and the station's spoken name when it is
        standalone (what :meth:`mix_bulletin` is for a synthesized one)."""
        _, body = self._recording(script, audio=True)
        assert body is not None
        before, after, header = self._recorded_frame(station, standalone, body.rate)
        return [*before, body, *after], header

    def recorded_seconds(self, station: Station, script: Script, standalone: bool) -> float:
        """A recorded bulletin's length (for ``plan``), from the recording's measured
        length: its samples are not kept, so a 60-minute file costs one pass."""
        assert script.recording is not None
        measured = rec.measure_file(script.recording, script.path, script.recording_line)
        if measured.samples == 0:
            raise _silent(script)
        rate = measured.rate
        before, after, _ = self._recorded_frame(station, standalone, rate)
        n = measured.samples + sum(
            round(p.frame_count() * rate / p.frame_rate) for p in before + after
        )
        return round(n / rate, 3)

    def mix_audio(self, station: Station, script: Script, standalone: bool) -> AudioSegment:
        """The bulletin's audio before mastering, recorded or synthesized (for ``plan``)."""
        if script.recording is not None:
            parts, _ = self.mix_recorded(station, script, standalone)
            return join([p.segment() if isinstance(p, rec.Prepared) else p for p in parts])
        return join(self.mix_bulletin(station, script, standalone)[0])

    def _make_recorded(self, job: Job, station: Station, script: Script) -> Bulletin:
        mixed, header = self.mix_recorded(station, script, job.standalone)
        assert script.recording is not None
        name = script.recording.name
        fallbacks = header.fallbacks if header is not None else ()
        tags = {
            "title": script.meta.title,
            **({"artist": station.name} if job.standalone else {}),
            "album": script.meta.directive.label(),
            "date": dt.date.today().isoformat(),
            "genre": "Speech",
            "comment": f"engine={RECORDING} voice={RECORDING} source_audio={name}",
            "engine": RECORDING,  # TXXX frames, as a synthesized bulletin's
            "voice": RECORDING,
            "source_audio": name,
        }
        done = master_streamed(mixed, rec.DECODE_RATE, job.path, station.audio, tags)
        header_text = self._recorded_header_text(station, job.standalone)
        bulletin = Bulletin(
            path=job.path,
            key=job.key,
            script_id=script.id,
            station_id=station.id if job.standalone else "",
            title=script.meta.title,
            duration_s=done.duration_s,
            engine=RECORDING,
            voice=RECORDING,
            lufs=done.lufs,
            spoken_text=script.text,
            fallbacks=fallbacks,
            speech=self._speech_refs(station, (header_text, header)) if header else (),
            source_audio=name,
        )
        _write_meta(bulletin)
        return bulletin

    def _make_bulletin(self, job: Job, station: Station, script: Script) -> Bulletin:
        if script.recording is not None:
            return self._make_recorded(job, station, script)
        header_spoken, body_spoken = self.spoken_parts(station, script, job.standalone)
        body = self.speaker(station).speak(body_spoken)
        if job.previous is not None and body.engine == job.previous.engine:
            return job.previous  # the preferred engine failed again: keep the file as it is
        mixed, (header, body, again) = self.mix_bulletin(station, script, job.standalone, body)
        again_spoken = self._spoken(AGAIN, station.dialect.value)
        fallbacks = _fallbacks(body, header, again)
        directive = script.meta.directive
        tags = {
            "title": script.meta.title,
            **({"artist": station.name} if job.standalone else {}),
            "album": directive.label(),
            "date": dt.date.today().isoformat(),
            "genre": "Speech",
            "comment": f"engine={body.engine} voice={body.voice}"
            + (f" fallback=({'; '.join(fallbacks)})" if fallbacks else ""),
            "engine": body.engine,  # TXXX frames: which engine and voice spoke it
            "voice": body.voice,
        }
        done = master_pieces(mixed, job.path, station.audio, tags)
        bulletin = Bulletin(
            path=job.path,
            key=job.key,
            script_id=script.id,
            station_id=station.id if job.standalone else "",
            title=script.meta.title,
            duration_s=done.duration_s,
            engine=body.engine,
            voice=body.voice,
            lufs=done.lufs,
            spoken_text=body_spoken,
            fallbacks=fallbacks,
            speech=self._speech_refs(
                station, (body_spoken, body), (header_spoken, header), (again_spoken, again)
            ),
        )
        _write_meta(bulletin)
        return bulletin

    def mix_bulletin(
        self, station: Station, script: Script, standalone: bool, body: Spoken | None = None
    ) -> tuple[list[AudioSegment], tuple[Spoken, Spoken, Spoken]]:
        """The bulletin's audio before mastering, as its pieces in order (jingles, header,
        readings, pauses; the body once, named at each reading), and its spoken (header,
        body, again) parts: what a build masters piece by piece, and what ``plan``
        measures without encoding (broadcast.schedule.estimate)."""
        speaker = self.speaker(station)
        header_spoken, body_spoken = self.spoken_parts(station, script, standalone)
        body = body or speaker.speak(body_spoken)
        header = speaker.speak(header_spoken)
        again = speaker.speak(self._spoken(AGAIN, station.dialect.value))
        rate = body.audio.frame_rate
        mixed = pieces(
            BulletinParts(
                intro=self.jingle(station, "intro", rate),
                header=header.audio,
                body=body.audio,
                outro=self.jingle(station, "outro", rate),
                repeat=station.repeat,
                pause_s=station.pause,
                again=again.audio,
            )
        )
        return mixed, (header, body, again)

    def mix_announcement(self, station: Station) -> tuple[AudioSegment, Spoken]:
        """A station's announcement before mastering: its speech and a short tail."""
        said = self.speaker(station).speak(self.spoken_announcement(station))
        return _announcement_audio(said), said

    def _make_announcement(self, job: Job, station: Station) -> Bulletin:
        return self.make_announcements([job])[0]

    def make_announcements(self, jobs: list[Job]) -> list[Bulletin]:
        """Make station announcements here, mastered together (one ffmpeg per group of
        like-encoded ones), their metadata published in one batch."""
        from ..playlists.m3u8 import Batch

        out: list[Bulletin | None] = []
        todo: list[tuple[int, Job, Spoken, str]] = []
        for job in jobs:
            text = self.spoken_announcement(job.station)
            said = self.speaker(job.station).speak(text)
            if job.previous is not None and said.engine == job.previous.engine:
                out.append(job.previous)  # the preferred engine failed again
                continue
            todo.append((len(out), job, said, text))
            out.append(None)
        items = []
        for _, job, said, _ in todo:
            audio = _announcement_audio(said)
            tags = {
                "title": announcement_text(job.station),
                "artist": job.station.name,
                "genre": "Speech",
                "comment": f"engine={said.engine} voice={said.voice}",
                "engine": said.engine,
                "voice": said.voice,
            }
            items.append((audio, job.path, job.station.audio, tags))
        batch = Batch()
        for (n, job, said, text), done in zip(todo, master_many(items), strict=True):
            refs = self._speech_refs(job.station, (text, said))
            b = Bulletin(
                path=job.path,
                key=job.key,
                script_id="",
                station_id=job.station.id,
                title=announcement_text(job.station),
                duration_s=done.duration_s,
                engine=said.engine,
                voice=said.voice,
                lufs=done.lufs,
                spoken_text=text,
                fallbacks=said.fallbacks,
                kind=KIND_ANNOUNCEMENT,
                speech=() if self._offline(job.station, said) else refs,
            )
            batch.add(b.meta_path, _meta_text(b))
            out[n] = b
        batch.commit()
        for (_, job, said, text), _done in zip(todo, items, strict=True):
            if self._offline(job.station, said):
                self._drop_speech(job.station, text, said)
        return [b for b in out if b is not None]

    def _offline(self, station: Station, said: Spoken) -> bool:
        """Spoken by an offline engine: remade in milliseconds, not worth keeping."""
        try:
            return not self.speaker(station).engine(said.engine).ONLINE
        except EngineError:
            return False

    def _drop_speech(self, station: Station, text: str, said: Spoken) -> None:
        """An announcement's speech leaves the cache once its MP3 exists, when an offline
        engine spoke it: a province has one per station (about 90 kB of FLAC each), and
        the MP3 is what every later build reuses. Online engines' speech stays: it is
        what lets an office render offline what it fetched while it had internet."""
        path = self.speaker(station).cache_path(text, said.engine)
        if path is not None:
            try:
                path.unlink()
            except OSError:
                pass

    def make_many(self, jobs: list[Job]) -> list[Bulletin]:
        """Make several jobs here, in order; their announcements together."""
        made: dict[int, Bulletin] = {}
        anns = [(n, job) for n, job in enumerate(jobs) if job.kind == KIND_ANNOUNCEMENT]
        for n, job in enumerate(jobs):
            if job.kind != KIND_ANNOUNCEMENT:
                made[n] = self.make(job)
        for (n, _), b in zip(anns, self.make_announcements([j for _, j in anns]), strict=True):
            made[n] = b
        return [made[n] for n in range(len(jobs))]


def _announcement_audio(said: Spoken) -> AudioSegment:
    """An announcement's speech and the short silence before the bulletin it opens."""
    rate = said.audio.frame_rate
    tail = AudioSegment.silent(duration=int(ANNOUNCEMENT_TAIL_S * 1000), frame_rate=rate)
    return said.audio.set_channels(1).set_sample_width(2) + tail


def _fallbacks(*parts: Spoken) -> tuple[str, ...]:
    """Every "engine: reason" of any part, once each, in order."""
    return tuple(dict.fromkeys(fb for part in parts for fb in part.fallbacks))


def _meta_text(b: Bulletin) -> str:
    meta = asdict(b)
    meta["path"] = b.path.name  # relative: the output folder may be moved or copied
    meta.pop("cached")
    meta.update(digest.stamp(b.path))  # the next build reuses the file only if it still matches
    return json.dumps(meta, ensure_ascii=False, indent=1)


def _write_meta(b: Bulletin) -> None:
    atomic.write_text(b.meta_path, _meta_text(b))


_FIELDS = set(Bulletin.__dataclass_fields__)


def _load_meta(path: Path, key: str) -> Bulletin | None:
    meta_path = path.with_suffix(".json")
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("key") != key or not path.is_file():
        return None
    size, sha = meta.get("size"), meta.get("sha256")
    if digest.unsound(
        path, size if isinstance(size, int) else None, sha if isinstance(sha, str) else None
    ):
        return None  # truncated, emptied or overwritten since: made again (issue 23)
    meta = {k: v for k, v in meta.items() if k in _FIELDS and k != "cached"}
    meta["path"] = path
    meta["fallbacks"] = tuple(meta.get("fallbacks", ()))
    meta["speech"] = tuple(meta.get("speech", ()))
    try:
        return Bulletin(**meta, cached=True)
    except TypeError:
        return None


def _silent(script: Script) -> ScriptError:
    """The refusal of a recording that holds only silence (nothing would air)."""
    name = script.recording.name if script.recording else ""
    return ScriptError(
        f"Bản ghi «{name}» chỉ có im lặng",
        where=f"{script.path}, dòng {script.recording_line}: recording: {name}",
        fix="thu lại (kiểm tra micrô), hoặc chép đúng tệp vào thư mục scripts/",
    )
