"""What a machine listener measured for each voice, shown by ``broadcast voices``.

The figures are data (``measured.yaml``), written by ``bench/bench_intelligibility.py
--write``: word error rate of OpenAI Whisper "base" (multilingual, CTranslate2, via
faster-whisper) against the spoken form each voice was given, per dialect's wording, over the
shipped scripts, with the held-out half no setting was tuned on (issue 20). Whisper base is
weak on Vietnamese even for natural speech: these compare voices, they do not score
intelligibility. Lower is better.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

DIALECT_WORDS = {"north": "Bắc", "central": "Trung", "south": "Nam"}


@dataclass(frozen=True)
class Measured:
    dialect: str
    word_error_rate: float
    source: str
    date: str
    held_out: float | None = None
    stock: float | None = None  # the same voice without the pronunciation fixes


@cache
def measured() -> dict[tuple[str, str], list[Measured]]:
    """(engine, voice) -> one figure per dialect it was measured reading; voices not listed
    have not been measured."""
    text = resources.files("broadcast.speech").joinpath("measured.yaml").read_text("utf-8")
    doc = yaml.safe_load(text) or {}
    out: dict[tuple[str, str], list[Measured]] = {}
    for key, per_dialect in (doc.get("voices") or {}).items():
        engine, _, voice = str(key).partition("/")
        out[(engine, voice)] = [
            Measured(
                dialect=str(dialect),
                word_error_rate=float(row["word_error_rate"]),
                source=str(doc.get("source", "")),
                date=str(doc.get("date", "")),
                held_out=row.get("held_out"),
                stock=row.get("stock_espeak"),
            )
            for dialect, row in per_dialect.items()
            if dialect in DIALECT_WORDS
        ]
    return out


def describe(engine: str, voice: str) -> str:
    """One line for the voices listing, in the officer's words."""
    rows = measured().get((engine, voice))
    if not rows:
        return f"{voice}: chưa đo / not measured"
    parts = []
    for m in sorted(rows, key=lambda m: list(DIALECT_WORDS).index(m.dialect)):
        extra = [f"nửa kiểm tra {m.held_out:.2f}"] if m.held_out is not None else []
        extra += [f"chưa sửa cách đọc {m.stock:.2f}"] if m.stock is not None else []
        more = f" ({', '.join(extra)})" if extra else ""
        parts.append(f"lời miền {DIALECT_WORDS[m.dialect]} {m.word_error_rate:.2f}{more}")
    return (
        f"{voice}: tỉ lệ nghe sai " + "; ".join(parts) + " (word error rate, thấp hơn là rõ hơn; "
        f"{rows[0].source}, đo {rows[0].date})"
    )
