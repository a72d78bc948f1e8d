"""Every engine by name: adding an engine is one file and one line here."""

from __future__ import annotations

from ..errors import InputError
from .base import Engine
from .edge import EdgeEngine
from .espeak import EspeakEngine
from .gtts import GttsEngine
from .piper import PiperEngine

ENGINE_CLASSES: list[type[Engine]] = [GttsEngine, EdgeEngine, PiperEngine, EspeakEngine]
ENGINES: dict[str, type[Engine]] = {cls.NAME: cls for cls in ENGINE_CLASSES}


def parse_engines(value: str | list[str], where: str = "--engine") -> list[str]:
    """'gtts,espeak' -> ['gtts', 'espeak'], every name checked against the registry."""
    names = [p.strip() for p in value.split(",")] if isinstance(value, str) else list(value)
    names = [n for n in names if n]
    if not names:
        raise InputError(
            "Chưa chọn bộ đọc nào",
            where=where,
            fix=f"ví dụ: gtts,espeak (có: {', '.join(ENGINES)})",
        )
    for name in names:
        if name not in ENGINES:
            raise InputError(
                f"Không có bộ đọc '{name}'", where=where, fix=f"chọn trong: {', '.join(ENGINES)}"
            )
    return names
