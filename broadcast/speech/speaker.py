"""A station's voice: its engines in fallback order, each built once and reused.

The first engine that speaks wins; a failure of an earlier one is logged as a warning
and recorded in the result, so the bulletin's tags say who really spoke it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pydub import AudioSegment

from ..errors import EngineError
from ..schedule.model import Dialect, VoiceSettings
from .base import Engine
from .registry import ENGINES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Spoken:
    audio: AudioSegment
    engine: str
    voice: str
    fallbacks: tuple[str, ...] = ()  # "engine: reason" for each engine that failed first


@dataclass
class Speaker:
    settings: VoiceSettings
    dialect: Dialect
    _engines: dict[str, Engine] = field(default_factory=dict)

    def engine(self, name: str) -> Engine:
        if name not in self._engines:
            cls = ENGINES.get(name)
            if cls is None:
                raise EngineError(f"Không có bộ đọc '{name}'",
                                  fix=f"chọn một trong: {', '.join(ENGINES)}")
            self._engines[name] = cls(self.settings.options.get(name))
        return self._engines[name]

    def identity(self) -> list[str]:
        """What decides how the speech sounds, for cache keys: engine chain and versions."""
        ids = []
        for name in self.settings.engines:
            try:
                eng = self.engine(name)
                ids.append(f"{name}/{eng.version}/{eng.voice_for(self.dialect)}")
            except EngineError:
                ids.append(f"{name}/unavailable")
        return ids + [f"rate={self.settings.rate}"]

    def speak(self, text: str) -> Spoken:
        failures: list[str] = []
        for name in self.settings.engines:
            try:
                eng = self.engine(name)
                voice = eng.voice_for(self.dialect)
                audio = eng.synthesize(text, voice, self.settings.rate)
            except EngineError as exc:
                failures.append(f"{name}: {exc.what}")
                log.warning("Bộ đọc %s không đọc được (%s); chuyển sang bộ đọc tiếp theo",
                            name, exc.what)
                continue
            return Spoken(audio=audio, engine=name, voice=voice, fallbacks=tuple(failures))
        raise EngineError(
            "Không bộ đọc nào đọc được: " + "; ".join(failures),
            fix="thêm 'espeak' (ngoại tuyến, luôn dùng được) vào cuối danh sách voice.engines",
        )
