"""A station's voice: its engines in fallback order, each built once and reused.

For each text, engines are tried in order; for each engine the speech cache is asked
first, so speech an online engine made while there was internet is reused offline.
The first engine that speaks wins; a failure of an earlier one is logged as a warning
and recorded in the result, so the bulletin's tags say who really spoke it. An engine
that is unavailable for the run (EngineUnavailable: no network, no model) is not
asked again until the next run: one warning, not one timeout per bulletin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from pydub import AudioSegment

from ..errors import EngineError
from ..vocabulary import Dialect, VoiceSettings
from .base import Engine, EngineUnavailable
from .cache import SpeechCache, speech_key
from .registry import ENGINES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Spoken:
    audio: AudioSegment
    engine: str
    voice: str
    fallbacks: tuple[str, ...] = ()  # "engine: reason" for each engine that failed first
    cached: bool = False


@dataclass
class Speaker:
    settings: VoiceSettings
    dialect: Dialect
    cache: SpeechCache | None = None
    base_dir: Path | None = None  # project root: relative model paths start here
    _engines: dict[str, Engine] = field(default_factory=dict)
    #: engines that cannot work in this run, with the reason; the renderer hands every
    #: station's speaker the same dict, since "no network" is not a station's business
    down: dict[str, str] = field(default_factory=dict)

    def engine(self, name: str) -> Engine:
        if name not in self._engines:
            cls = ENGINES.get(name)
            if cls is None:
                raise EngineError(
                    f"Không có bộ đọc '{name}'", fix=f"chọn một trong: {', '.join(ENGINES)}"
                )
            try:
                self._engines[name] = cls(self.settings.options.get(name), self.base_dir)
            except EngineError as exc:
                raise EngineUnavailable(exc.what, exc.where, exc.fix) from None
        return self._engines[name]

    def identity(self) -> list[str]:
        """What decides how the speech sounds, for cache keys: engine chain and versions."""
        ids = []
        for name in self.settings.engines:
            try:
                eng = self.engine(name)
            except EngineError:
                ids.append(f"{name}/unavailable")
                continue
            extra = f"/{sorted(eng.settings().items())}" if eng.settings() else ""
            ids.append(f"{name}/{eng.version}/{eng.voice_for(self.dialect)}{extra}")
        return ids + [f"rate={self.settings.rate}"]

    def preferred_down(self, used: str) -> bool:
        """True when every engine ahead of ``used`` in the chain is down in this run."""
        ahead = (
            self.settings.engines[: self.settings.engines.index(used)]
            if used in self.settings.engines
            else list(self.settings.engines)
        )
        return all(name in self.down for name in ahead)

    def speak(self, text: str) -> Spoken:
        failures: list[str] = []
        for name in self.settings.engines:
            try:
                eng = self.engine(name)
                voice = eng.voice_for(self.dialect)
                audio, cached = self._speak_with(eng, text, voice)
            except EngineError as exc:
                failures.append(f"{name}: {exc.what}")
                if isinstance(exc, EngineUnavailable):
                    if name not in self.down:
                        self.down[name] = exc.what
                        log.warning(
                            "Bộ đọc %s không dùng được trong lần chạy này (%s); "
                            "dùng bộ đọc tiếp theo",
                            name,
                            exc.what,
                        )
                else:
                    log.warning(
                        "Bộ đọc %s không đọc được (%s); chuyển sang bộ đọc tiếp theo",
                        name,
                        exc.what,
                    )
                continue
            return Spoken(
                audio=audio, engine=name, voice=voice, fallbacks=tuple(failures), cached=cached
            )
        raise EngineError(
            "Không bộ đọc nào đọc được: " + "; ".join(failures),
            fix="thêm 'espeak' (ngoại tuyến, luôn dùng được) vào cuối danh sách voice.engines",
        )

    def prepare(self, text: str) -> None:
        """Make sure the speech of ``text`` is in the cache, without decoding a hit."""
        if self.cache is None:
            return
        for name in self.settings.engines:
            if name in self.down:
                continue
            if self.cache_path(text, name) is not None:
                return  # the first engine that is not down already spoke it
            break
        try:
            self.speak(text)
        except EngineError:
            pass  # the process that makes the file meets it again and reports it

    def cache_path(self, text: str, engine: str) -> Path | None:
        """The cache file holding ``text`` as ``engine`` spoke it, if there is one."""
        if self.cache is None:
            return None
        try:
            eng = self.engine(engine)
        except EngineError:
            return None
        key = speech_key(
            text,
            eng.NAME,
            eng.version,
            eng.voice_for(self.dialect),
            self.settings.rate,
            eng.settings(),
        )
        return self.cache.existing(eng.NAME, key)

    def _speak_with(self, eng: Engine, text: str, voice: str) -> tuple[AudioSegment, bool]:
        """Cached speech if any (even from an engine that is down), else synthesize."""
        rate = self.settings.rate
        key = speech_key(text, eng.NAME, eng.version, voice, rate, eng.settings())
        hit = self.cache.get(eng.NAME, key) if self.cache is not None else None
        if hit is not None:
            return hit, True
        if eng.NAME in self.down:
            raise EngineUnavailable(self.down[eng.NAME])
        if self.cache is None:
            return eng.synthesize(text, voice, rate), False
        with self.cache.lock(key):
            hit = self.cache.get(eng.NAME, key)  # another build may have made it meanwhile
            if hit is not None:
                return hit, True
            audio = eng.synthesize(text, voice, rate)
            self.cache.put(eng.NAME, key, audio)
        return audio, False
