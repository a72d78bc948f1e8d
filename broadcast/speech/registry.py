"""Every engine by name: adding an engine is one file and one line here."""

from __future__ import annotations

from .base import Engine
from .espeak import EspeakEngine

ENGINE_CLASSES: list[type[Engine]] = [EspeakEngine]
ENGINES: dict[str, type[Engine]] = {cls.NAME: cls for cls in ENGINE_CLASSES}
