"""One content-addressed store of synthesized speech, shared by every engine.

The key covers what decides the sound: the spoken text, the engine, its version, the
voice, the rate and the engine's other settings (gTTS host, Piper model digest). An
online engine's speech is fetched once and then reused offline, so an office can
pre-render while it has internet.

Layout: ``ROOT/<engine>/<k[:2]>/<k>.flac`` (16-bit mono FLAC through soundfile:
lossless and about a third of a WAV's size; caches made before hold ``<k>.wav``, still
read). An entry can't lie: it is used only when it decodes whole to the frame count its
header stored, so a truncated (even or odd length) or garbage file is a miss and is
made again, never an error and never a half-length bulletin. Files are published
atomically; a striped file lock per key makes two concurrent builds synthesize a text
once. A hit touches the file's mtime, so age means "last used" and ``prune`` removes
what nobody used for a while.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from filelock import FileLock
from pydub import AudioSegment

from ..files import atomic

CACHE_VERSION = "1"
LOCKS = ".locks"


def speech_key(
    text: str,
    engine: str,
    version: str,
    voice: str,
    rate: int,
    settings: dict[str, Any] | None = None,
) -> str:
    material = {
        "v": CACHE_VERSION,
        "text": text,
        "engine": engine,
        "version": version,
        "voice": voice,
        "rate": rate,
        "settings": settings or {},
    }
    blob = json.dumps(material, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


#: suffixes of entries, newest format first (``.wav`` is the layout before FLAC)
SUFFIXES = (".flac", ".wav")


class DamagedEntry(Exception):
    """A cache file that does not decode whole to the frame count it announces."""


def to_flac(seg: AudioSegment) -> bytes:
    """16-bit mono FLAC; its STREAMINFO holds the frame count :func:`from_flac` checks."""
    seg = seg.set_channels(1).set_sample_width(2)
    buf = io.BytesIO()
    pcm = np.frombuffer(seg.raw_data, dtype="<i2")
    sf.write(buf, pcm, seg.frame_rate, format="FLAC", subtype="PCM_16")
    return buf.getvalue()


#: The most frames an entry's header is believed to hold (three hours at 48 kHz): one bit
#: flipped in a header's frame count announces billions (issue 23: a MemoryError).
MAX_ENTRY_FRAMES = 48_000 * 3 * 3600
#: Rates a voice speaks at; a header naming another one was changed by damage (the
#: MD5 covers the samples, not the rate).
VOICE_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
#: Frames decoded at a time: memory follows the audio really there, not the header's claim.
_BLOCK = 1 << 18


def _streaminfo_md5(data: bytes) -> bytes | None:
    """The MD5 of the samples STREAMINFO records (None when absent or unset)."""
    # "fLaC", then the first metadata block, which is STREAMINFO (type 0, 34 bytes): its
    # MD5 is the last 16 of them
    if len(data) < 42 or data[:4] != b"fLaC" or data[4] & 0x7F != 0:
        return None
    md5 = data[26:42]
    return None if md5 == bytes(16) else md5


def from_flac(data: bytes) -> AudioSegment:
    """Decode a FLAC entry; DamagedEntry unless every announced frame is there and the
    samples match the MD5 the header records (a frame count made smaller by a flipped
    bit would otherwise pass as a shorter, whole-looking entry)."""
    parts: list[np.ndarray] = []
    got = 0
    try:
        with sf.SoundFile(io.BytesIO(data)) as f:
            expected, rate, channels = f.frames, f.samplerate, f.channels
            if channels != 1 or not 0 < expected <= MAX_ENTRY_FRAMES or rate not in VOICE_RATES:
                raise DamagedEntry(f"header: {channels} channels, {expected} frames, {rate} Hz")
            while got < expected:
                block = f.read(min(_BLOCK, expected - got), dtype="int16")
                if not len(block):
                    break
                parts.append(block)
                got += len(block)
    except (sf.SoundFileError, RuntimeError, ValueError, TypeError, MemoryError) as exc:
        raise DamagedEntry(str(exc)) from None
    if got != expected:
        raise DamagedEntry(f"{got} frames of {expected}")
    pcm = np.concatenate(parts).astype("<i2")
    md5 = _streaminfo_md5(data)
    if md5 is not None and hashlib.md5(pcm.tobytes()).digest() != md5:
        raise DamagedEntry("samples do not match the header's MD5")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=rate, channels=1)


def to_wav(seg: AudioSegment) -> bytes:
    seg = seg.set_channels(1).set_sample_width(2)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(seg.frame_rate)
        w.writeframes(seg.raw_data)
    return buf.getvalue()


def from_wav(data: bytes) -> AudioSegment:
    """Decode a WAV entry (the cache before FLAC); DamagedEntry when it is cut short."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            expected, width, channels = w.getnframes(), w.getsampwidth(), w.getnchannels()
            frames = w.readframes(expected)
            rate = w.getframerate()
    except (wave.Error, EOFError, ValueError) as exc:
        raise DamagedEntry(str(exc)) from None
    # A WAV cut short keeps the header's frame count: fewer bytes than it says is damage
    # (an even cut would otherwise give a short bulletin, an odd one a ValueError later).
    if expected <= 0 or width == 0 or channels == 0 or len(frames) != expected * width * channels:
        raise DamagedEntry(f"{len(frames)} bytes for {expected} frames")
    return AudioSegment(data=frames, sample_width=width, frame_rate=rate, channels=channels)


def decode_entry(path: Path, data: bytes) -> AudioSegment:
    return from_wav(data) if path.suffix == ".wav" else from_flac(data)


@dataclass
class CacheStats:
    files: int = 0
    bytes: int = 0
    oldest: float | None = None  # mtime (last use)
    newest: float | None = None
    by_engine: dict[str, tuple[int, int]] = field(default_factory=dict)  # files, bytes
    damaged: list[Path] = field(default_factory=list)  # will be made again when needed


@dataclass
class PruneResult:
    removed: int = 0
    freed: int = 0
    kept: int = 0
    kept_bytes: int = 0


class SpeechCache:
    """The speech store under ``root`` (normally OUT/cache/speech)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, engine: str, key: str, suffix: str = SUFFIXES[0]) -> Path:
        return self.root / engine / key[:2] / f"{key}{suffix}"

    @contextmanager
    def lock(self, key: str, timeout: float = 600) -> Iterator[None]:
        """Held while one process synthesizes ``key``; others wait, then find it."""
        folder = self.root / LOCKS
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder / f"{key[:2]}.lock"), timeout=timeout):
            yield

    def get(self, engine: str, key: str) -> AudioSegment | None:
        """The entry's audio, or None when it is missing or damaged (a damaged one is
        removed; the caller makes it again)."""
        for suffix in SUFFIXES:
            path = self.path(engine, key, suffix)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            try:
                seg = decode_entry(path, data)
            except DamagedEntry:
                try:
                    path.unlink()  # never read again; put() writes a whole one
                except OSError:
                    pass
                continue
            self.touch(path)
            return seg
        return None

    @staticmethod
    def touch(path: Path) -> None:
        """Mark an entry as used now: ``prune --older-than`` counts from the last use."""
        try:
            os.utime(path)
        except OSError:
            pass

    def put(self, engine: str, key: str, audio: AudioSegment) -> Path:
        """Publish an entry atomically (temp file, rename). Not fsynced: after a crash
        an entry is whole or fails its frame-count check and is made again, so the disk
        flush a playlist needs would only slow a province's 10,000 announcements."""
        path = self.path(engine, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.pid{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            # atomic's own write point: a full disk is reported as DiskFullError (what
            # frees space), and tests inject faults there
            atomic._write_data(tmp, to_flac(audio))
            os.chmod(tmp, atomic.FILE_MODE)
            os.replace(tmp, path)
        except OSError as exc:
            atomic._disk_full(exc, path)
            raise
        finally:
            if tmp.exists():
                tmp.unlink()
        return path

    def existing(self, engine: str, key: str) -> Path | None:
        """The entry's file if there is one (not decoded)."""
        for suffix in SUFFIXES:
            path = self.path(engine, key, suffix)
            if path.is_file():
                return path
        return None

    # -- maintenance -------------------------------------------------------------------
    def entries(self) -> list[tuple[Path, os.stat_result]]:
        if not self.root.is_dir():
            return []
        out = []
        for suffix in SUFFIXES:
            for path in self.root.glob(f"*/*/*{suffix}"):
                if path.parts[-3] == LOCKS or path.name.startswith("."):
                    continue
                try:
                    out.append((path, path.stat()))
                except OSError:
                    continue  # pruned by someone else meanwhile
        return out

    def stats(self, verify: bool = True) -> CacheStats:
        """Size, age and engines; with ``verify``, every entry is decoded and the
        damaged ones listed (they are misses: the next build makes them again)."""
        st = CacheStats()
        for path, info in self.entries():
            if verify:
                try:
                    decode_entry(path, path.read_bytes())
                except (DamagedEntry, OSError):
                    st.damaged.append(path)
            st.files += 1
            st.bytes += info.st_size
            st.oldest = info.st_mtime if st.oldest is None else min(st.oldest, info.st_mtime)
            st.newest = info.st_mtime if st.newest is None else max(st.newest, info.st_mtime)
            engine = path.parts[-3]
            n, b = st.by_engine.get(engine, (0, 0))
            st.by_engine[engine] = (n + 1, b + info.st_size)
        return st

    def prune(
        self,
        max_bytes: int | None = None,
        older_than_s: float | None = None,
        now: float | None = None,
        dry_run: bool = False,
    ) -> PruneResult:
        """Remove entries unused for ``older_than_s``, then least recently used ones
        until the store fits in ``max_bytes``."""
        now = time.time() if now is None else now
        result = PruneResult()
        entries = sorted(self.entries(), key=lambda e: e[1].st_mtime)  # oldest first
        keep: list[tuple[Path, os.stat_result]] = []
        for path, info in entries:
            if older_than_s is not None and now - info.st_mtime > older_than_s:
                self._remove(path, info, result, dry_run)
            else:
                keep.append((path, info))
        total = sum(info.st_size for _, info in keep)
        for path, info in keep:
            if max_bytes is not None and total > max_bytes:
                self._remove(path, info, result, dry_run)
                total -= info.st_size
            else:
                result.kept += 1
                result.kept_bytes += info.st_size
        return result

    @staticmethod
    def _remove(path: Path, info: os.stat_result, result: PruneResult, dry_run: bool) -> None:
        if not dry_run:
            try:
                path.unlink()
            except FileNotFoundError:
                return
        result.removed += 1
        result.freed += info.st_size
