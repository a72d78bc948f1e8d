"""The engine interface: spoken-form text in, mono PCM audio out.

Each engine is one file and one line in :mod:`broadcast.speech.registry`. An engine
checks its own needs in ``__init__`` and raises EngineError naming the fix; its
``availability()`` answers the same question cheaply, without building it, for
``broadcast voices``.

Two failure levels, as in beets: :class:`EngineError` means "this text could not be
spoken" (try the next engine for this text), :class:`EngineUnavailable` means "this
engine will not work in this run" (no network, no model): the speaker stops asking it
until the next run, so a day's build without internet does not wait on every bulletin.
"""

from __future__ import annotations

import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydub import AudioSegment

from ..errors import EngineError
from ..vocabulary import Dialect


class EngineUnavailable(EngineError):
    """The engine cannot work at all in this run (no network, package or model)."""


@dataclass(frozen=True)
class Availability:
    """Whether an engine can speak now, and if not, why and what to do."""

    usable: bool
    reason: str = ""
    fix: str = ""
    probed: bool = False  # True when the network was actually tried


def reachable(host: str, port: int = 443, timeout: float = 2.0) -> bool:
    """A cheap network probe: can we open a TCP connection to ``host``?"""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def network_availability(host: str) -> Availability:
    """Usable when ``host`` answers on 443 within two seconds (online engines' probe)."""
    if reachable(host, timeout=2.0):
        return Availability(True, probed=True)
    return Availability(
        False,
        f"không kết nối được {host} (không có Internet?)",
        "kiểm tra mạng; khi mất mạng bản tin dùng bộ đọc dự phòng",
        probed=True,
    )


class Engine(ABC):
    """A text-to-speech backend."""

    NAME: ClassVar[str]
    ONLINE: ClassVar[bool] = False
    #: one line for ``broadcast voices``: quality, internet, speed
    SUMMARY: ClassVar[str] = ""
    #: voice id per dialect; engines with one voice map all three to it
    VOICES: ClassVar[dict[Dialect, str]]

    def __init__(self, options: dict[str, Any] | None = None, base_dir: Path | None = None) -> None:
        self.options = dict(options or {})
        #: relative paths in options (a Piper model) are relative to the project root
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()

    @property
    @abstractmethod
    def version(self) -> str:
        """Changes whenever the same text would sound different (goes into cache keys)."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        """Speak ``text`` (already in spoken form) and return mono audio.

        Raises EngineError when this text cannot be spoken, EngineUnavailable when
        the engine cannot speak anything in this run.
        """

    def settings(self) -> dict[str, Any]:
        """Options besides voice and rate that change the sound (for cache keys)."""
        return {}

    def voice_for(self, dialect: Dialect) -> str:
        return self.options.get("voice") or self.default_voice(dialect)

    @classmethod
    def default_voice(cls, dialect: Dialect) -> str:
        """The voice a station of ``dialect`` speaks with unless options.voice says another."""
        return cls.VOICES[dialect]

    @classmethod
    def voices(cls) -> list[str]:
        return list(dict.fromkeys(cls.VOICES.values()))

    @classmethod
    def availability(
        cls, options: dict[str, Any] | None = None, probe: bool = True, base_dir: Path | None = None
    ) -> Availability:
        """Can this engine speak now? Cheap: never synthesizes; probes the network
        (short timeout) only when ``probe`` and the engine is online."""
        try:
            cls(options, base_dir)
        except EngineError as exc:
            return Availability(False, exc.what, exc.fix or "")
        return Availability(True)
