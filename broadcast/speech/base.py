"""The engine interface: spoken-form text in, mono PCM audio out.

Each engine is one file and one line in :mod:`broadcast.speech.registry`. An engine
checks its own needs in ``__init__`` and raises EngineError naming the fix.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pydub import AudioSegment

from ..schedule.model import Dialect


class Engine(ABC):
    """A text-to-speech backend."""

    NAME: ClassVar[str]
    ONLINE: ClassVar[bool] = False
    #: voice id per dialect; engines with one voice map all three to it
    VOICES: ClassVar[dict[Dialect, str]]

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = dict(options or {})

    @property
    @abstractmethod
    def version(self) -> str:
        """Changes whenever the same text would sound different (goes into cache keys)."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        """Speak ``text`` (already in spoken form) and return mono audio.

        Raises EngineError when the engine cannot speak at all.
        """

    def voice_for(self, dialect: Dialect) -> str:
        return self.options.get("voice") or self.VOICES[dialect]
