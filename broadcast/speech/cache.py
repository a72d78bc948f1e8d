"""One content-addressed store of synthesized speech, shared by every engine.

The key covers what decides the sound: the spoken text, the engine, its version, the
voice, the rate and the engine's other settings (gTTS host, Piper model digest). An
online engine's speech is fetched once and then reused offline, so an office can
pre-render while it has internet.

Layout: ``ROOT/<engine>/<k[:2]>/<k>.wav`` (16-bit mono WAV: lossless, read without
ffmpeg). Files are published atomically; a striped file lock per key makes two
concurrent builds synthesize a text once. A hit touches the file's mtime, so age
means "last used" and ``prune`` removes what nobody used for a while.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock
from pydub import AudioSegment

from .. import atomic

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
    with wave.open(io.BytesIO(data), "rb") as w:
        frames = w.readframes(w.getnframes())
        return AudioSegment(
            data=frames,
            sample_width=w.getsampwidth(),
            frame_rate=w.getframerate(),
            channels=w.getnchannels(),
        )


@dataclass
class CacheStats:
    files: int = 0
    bytes: int = 0
    oldest: float | None = None  # mtime (last use)
    newest: float | None = None
    by_engine: dict[str, tuple[int, int]] = field(default_factory=dict)  # files, bytes


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

    def path(self, engine: str, key: str) -> Path:
        return self.root / engine / key[:2] / f"{key}.wav"

    @contextmanager
    def lock(self, key: str, timeout: float = 600) -> Iterator[None]:
        """Held while one process synthesizes ``key``; others wait, then find it."""
        folder = self.root / LOCKS
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder / f"{key[:2]}.lock"), timeout=timeout):
            yield

    def get(self, engine: str, key: str) -> AudioSegment | None:
        path = self.path(engine, key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            seg = from_wav(data)
        except (wave.Error, EOFError):
            return None  # a damaged entry is a miss; it will be rewritten
        try:
            os.utime(path)
        except OSError:
            pass
        return seg

    def put(self, engine: str, key: str, audio: AudioSegment) -> Path:
        path = self.path(engine, key)
        atomic.write_bytes(path, to_wav(audio))
        return path

    # -- maintenance -------------------------------------------------------------------
    def entries(self) -> list[tuple[Path, os.stat_result]]:
        if not self.root.is_dir():
            return []
        out = []
        for path in self.root.glob("*/*/*.wav"):
            if path.parts[-3] == LOCKS:
                continue
            try:
                out.append((path, path.stat()))
            except OSError:
                continue  # pruned by someone else meanwhile
        return out

    def stats(self) -> CacheStats:
        st = CacheStats()
        for path, info in self.entries():
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
