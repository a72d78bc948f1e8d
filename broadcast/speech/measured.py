"""What a machine listener measured for each voice: data only, shown by ``broadcast voices``.

Word error rate of OpenAI Whisper "base" (multilingual, CTranslate2, via faster-whisper)
against the spoken form each voice was given, over the 9 shipped scripts (issue 20,
FIELD-NOTES "A machine listener"). Whisper base is weak on Vietnamese even for natural
speech: these compare voices, they do not score intelligibility. Lower is better.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    word_error_rate: float
    source: str
    date: str


_WHISPER_BASE = "Whisper base, 9 kịch bản mẫu"

#: (engine, voice) -> figure; voices not listed have not been measured
MEASURED: dict[tuple[str, str], Measured] = {
    ("espeak", "vi"): Measured(0.69, _WHISPER_BASE, "2026-12-02"),
    ("espeak", "vi-VN-x-central"): Measured(0.94, _WHISPER_BASE, "2026-12-02"),
    ("espeak", "vi-VN-x-south"): Measured(0.90, _WHISPER_BASE, "2026-12-02"),
}


def describe(engine: str, voice: str) -> str:
    """One line for the voices listing, in the officer's words."""
    m = MEASURED.get((engine, voice))
    if m is None:
        return f"{voice}: chưa đo / not measured"
    return (
        f"{voice}: tỉ lệ nghe sai {m.word_error_rate:.2f} "
        f"(word error rate, thấp hơn là rõ hơn; {m.source}, đo {m.date})"
    )
