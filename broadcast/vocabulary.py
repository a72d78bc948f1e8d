"""Words every stage shares: dialects, the time zone, voice and audio settings.

speech/ (which voice, how fast), schedule/ (what a station is) and report/ (which day a
time falls on) all use these, so they live below all three rather than in one of them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

TIMEZONE: Final = "Asia/Ho_Chi_Minh"

#: The longest script body (characters) a project takes by default: about 25 minutes of
#: speech, longer than any session a commune airs. A bound keeps every command within its
#: memory and time on any input (issue 23); ``max_script_chars`` in stations.yaml changes it,
#: up to ``MAX_SCRIPT_CHARS_CEILING``.
MAX_SCRIPT_CHARS: Final = 20_000
MAX_SCRIPT_CHARS_CEILING: Final = 40_000
#: The longest script header (the YAML between the two '---' lines), in characters: the
#: fields a script has fit in a few hundred.
MAX_HEADER_CHARS: Final = 10_000


def today() -> dt.date:
    """Today in the stations' time zone (Vietnam), whatever the machine's clock zone."""
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


class Dialect(StrEnum):
    north = "north"
    central = "central"
    south = "south"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AudioSettings(_Strict):
    """Loudness and format of every bulletin a station airs."""

    lufs: float = Field(-16.0, ge=-40, le=-5)
    true_peak: float = Field(-1.0, ge=-12, le=0)
    sample_rate: Literal[16000, 22050, 32000, 44100, 48000] = 44100
    bitrate: Literal[32, 48, 64, 96, 128, 160, 192, 256, 320] = 128


class VoiceSettings(_Strict):
    """Which engines speak, in fallback order, and how."""

    engines: list[str] = Field(default_factory=lambda: ["espeak"], min_length=1)
    rate: int = Field(135, ge=80, le=300, description="words per minute (eSpeak)")
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("engines", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        return [p.strip() for p in v.split(",")] if isinstance(v, str) else v
