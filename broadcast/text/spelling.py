"""Letter names, and the marks that tell the console where a listener hears letters.

An acronym, a licence plate or an address part that no word fits is read as letter
names (data/letters.yaml). ``spell(word, marks=True)`` wraps such a run in two private-use
characters, SPELLED_OPEN and SPELLED_CLOSE, that no notice contains; the pipeline
built with ``marks=True`` keeps them for the console's live preview, which shows
the runs highlighted so the officer sees where the listener will hear letters.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from . import tables

SPELLED_OPEN, SPELLED_CLOSE = "\ue000", "\ue001"


def spell(word: str, marks: bool = False) -> str:
    """Letter names from data/letters.yaml: OTP -> "ô tê pê" (between the marks if
    ``marks``)."""
    names = tables.letters()
    digits = tables.digits()
    out = []
    for c in word.lower():
        plain = unicodedata.normalize("NFD", c)[0] if c not in names else c
        out.append(names.get(c) or digits.get(c) or names.get(plain) or c)
    said = " ".join(out)
    return SPELLED_OPEN + said + SPELLED_CLOSE if marks and said else said


@cache
def _letter_name_words() -> frozenset[str]:
    return frozenset(w for name in tables.letters().values() for w in name.split())


def mark_letter_names(reading: str, marks: bool = False) -> str:
    """A listed reading made only of letter names ("e vê en" for evn, "vê en" for vn)
    is marked as spelled too: the listener hears letters all the same."""
    if not marks or not reading or any(w not in _letter_name_words() for w in reading.split()):
        return reading
    return SPELLED_OPEN + reading + SPELLED_CLOSE
