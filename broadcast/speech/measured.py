"""What a machine listener measured for each voice, shown by ``broadcast voices``.

The figures are data (``measured.yaml``), written by ``bench/bench_intelligibility.py
--write``: word error rate of OpenAI Whisper "base" (multilingual, CTranslate2, via
faster-whisper) against the spoken form each voice was given, over the shipped scripts, with
the held-out half no setting was tuned on (issue 20). Whisper base is weak on Vietnamese even
for natural speech: these compare voices, they do not score intelligibility. Lower is better.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Measured:
    word_error_rate: float
    source: str
    date: str
    held_out: float | None = None
    stock: float | None = None  # the same voice without the pronunciation fixes


@cache
def measured() -> dict[tuple[str, str], Measured]:
    """(engine, voice) -> figure; voices not listed have not been measured."""
    text = resources.files("broadcast.speech").joinpath("measured.yaml").read_text("utf-8")
    doc = yaml.safe_load(text) or {}
    out = {}
    for key, row in (doc.get("voices") or {}).items():
        engine, _, voice = str(key).partition("/")
        out[(engine, voice)] = Measured(
            word_error_rate=float(row["word_error_rate"]),
            source=str(doc.get("source", "")),
            date=str(doc.get("date", "")),
            held_out=row.get("held_out"),
            stock=row.get("stock_espeak"),
        )
    return out


def describe(engine: str, voice: str) -> str:
    """One line for the voices listing, in the officer's words."""
    m = measured().get((engine, voice))
    if m is None:
        return f"{voice}: chưa đo / not measured"
    extra = f"; nửa kiểm tra {m.held_out:.2f}" if m.held_out is not None else ""
    extra += f"; chưa sửa cách đọc {m.stock:.2f}" if m.stock is not None else ""
    return (
        f"{voice}: tỉ lệ nghe sai {m.word_error_rate:.2f} "
        f"(word error rate, thấp hơn là rõ hơn{extra}; {m.source}, đo {m.date})"
    )
