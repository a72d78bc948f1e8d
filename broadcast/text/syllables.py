"""Run-together unaccented Vietnamese (phananh, baocao-lua-dao) cut back into words.

Web and e-mail addresses drop the diacritics and the spaces, so "phananh" is
"phản ánh" to a reader but letters to an engine, and a listener cannot write down
what the engine makes of it. ``read_run_together()`` finds the cheapest cut of a
part into known words (data/words.yaml, read as those words), other syllables
(data/syllables.yaml, spelled) and stray letters (spelled), so that a listener hears
either the words they know or the letters to type. Separators the writer put in
(-, _, .) must fall between pieces; they are said by name where they stand.
"""

from __future__ import annotations

from functools import cache, lru_cache
from itertools import product

from . import tables

# A known word is cheap, a syllable no one listed dearer, a stray letter dearest: the
# cut with the most known words wins, then the one that is most Vietnamese-shaped.
_WORD, _SYLLABLE, _LETTER = 1, 4, 7

Piece = tuple[int, int, str | None]  # start, end, reading (None: spell it)


@cache
def inventory() -> frozenset[str]:
    """Every syllable spelling without diacritics that the Quốc ngữ rules allow."""
    data = tables.table("syllables")
    out = set()
    for onset, rhyme in product(data["onsets"], data["rhymes"]):
        front = rhyme[0] in "iey"
        if onset == "k" and not front or onset == "c" and front:
            continue
        if onset in ("gh", "ngh") and not front or onset in ("g", "ng") and rhyme[0] in "ie":
            continue
        if onset == "qu" and rhyme.startswith("u"):
            continue
        out.add(onset + rhyme)
    return frozenset(out)


@cache
def known_words() -> dict[str, tuple[tuple[int, ...], tuple[str, ...]]]:
    """ "phananh" -> ((3, 7), ("phản", "ánh")): where each syllable ends, and its reading."""
    out = {}
    for key, said in tables.table("words")["words"].items():
        syllables, words = key.split(), said.split()
        if len(syllables) != len(words):
            raise ValueError(f"words.yaml: '{key}' and '{said}' differ in syllable count")
        ends, pos = [], 0
        for s in syllables:
            pos += len(s)
            ends.append(pos)
        out["".join(syllables)] = (tuple(ends), tuple(words))
    # Whole labels of web.yaml (ubnd, evn, csgt, gmail) are pieces too, read as listed:
    # "ubndxaphuchoa" starts with the letters of ubnd, then the place name.
    for key, said in tables.web()["words"].items():
        if key not in out and len(key) >= 3:
            out[key] = ((len(key),), (said,))
    return out


@lru_cache(maxsize=1024)
def segment(text: str, breaks: frozenset[int] = frozenset()) -> tuple[Piece, ...]:
    """The cheapest cut of ``text`` (lower-case a-z) that cuts at every position in
    ``breaks``; each piece carries its reading, or None when it is to be spelled."""
    words, syllables = known_words(), inventory()
    longest = max(map(len, words), default=1)
    n = len(text)
    best: list[tuple[int, tuple[Piece, ...]] | None] = [None] * (n + 1)
    best[0] = (0, ())
    for i in range(n):
        if best[i] is None:
            continue
        cost, pieces = best[i]  # type: ignore[misc]
        options: list[tuple[int, tuple[Piece, ...]]] = []
        for j in range(i + 1, min(n, i + longest) + 1):
            inside = {b for b in breaks if i < b < j}
            entry = words.get(text[i:j])
            if entry is not None:
                ends = {i + e for e in entry[0]}
                if inside <= ends:
                    starts = [i] + [i + e for e in entry[0][:-1]]
                    said = tuple(
                        (s, i + e, w) for s, e, w in zip(starts, entry[0], entry[1], strict=True)
                    )
                    options.append((_WORD, said))
            if not inside and j - i <= 7 and text[i:j] in syllables:
                options.append((_SYLLABLE, ((i, j, None),)))
        options.append((_LETTER, ((i, i + 1, None),)))
        for extra, add in options:
            end = add[-1][1]
            candidate = (cost + extra, pieces + add)
            if best[end] is None or candidate[0] < best[end][0]:  # type: ignore[index]
                best[end] = candidate
    return best[n][1]  # type: ignore[index]
