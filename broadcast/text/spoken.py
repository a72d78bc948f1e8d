"""Vietnamese spoken form: what the engines are handed instead of the written text.

eSpeak NG reads "15" as "mười năm", "156" as a quantity and "UBND" letter by
letter; an announcer does none of that. ``spoken()`` runs the ordered rules of
rules.py (the list is ``rules.pipeline()``) and returns only words and the
punctuation that makes pauses. ``split_breath_groups()`` cuts that text into pieces
short enough for one breath, which is also what the engines synthesize one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .rules import pipeline


def spoken(
    text: str,
    dialect: str = "north",
    lexicon: Mapping[str, str] | None = None,
    mark_spelled: bool = False,
) -> str:
    """The text as an announcer reads it, in the wording of ``dialect``.

    ``dialect`` is "north", "central" (north number wording) or "south" (ngàn, lẻ,
    tư). ``lexicon`` maps written tokens to how they are said and wins over every
    built-in rule. Paragraphs stay on separate lines; the result contains no digits
    and no symbols other than . , ; : ! ?  With ``mark_spelled`` every run read as
    letter names is kept between SPELLED_OPEN and SPELLED_CLOSE (see spelling.py).

    Raises InputError for an unknown dialect.
    """
    for _name, rule in pipeline(dialect, lexicon, marks=mark_spelled):
        text = rule(text)
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


def split_breath_groups(text: str, max_chars: int = 100) -> list[str]:
    """Cut spoken text at sentence ends, then commas and semicolons, then spaces.

    Every group is at most ``max_chars`` long unless one word alone is longer; no
    group is empty; joining the groups with spaces gives back the words in order.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    groups: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        if len(sentence) <= max_chars:
            groups.append(sentence)
            continue
        pieces: list[str] = []
        for clause in _CLAUSE_END.split(sentence):
            pieces += [clause] if len(clause) <= max_chars else clause.split(" ")
        groups += _pack(pieces, max_chars)
    return groups


def _pack(pieces: list[str], max_chars: int) -> list[str]:
    """Greedily join consecutive pieces with spaces while they fit."""
    out: list[str] = []
    current = ""
    for piece in pieces:
        if not piece:
            continue
        candidate = f"{current} {piece}" if current else piece
        if len(candidate) <= max_chars or not current:
            current = candidate
        else:
            out.append(current)
            current = piece
    if current:
        out.append(current)
    return out
