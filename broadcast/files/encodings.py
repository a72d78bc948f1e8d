"""Recognise how a text file that is not UTF-8 was saved, and convert it to UTF-8.

An officer who gets "not UTF-8" needs to know what the file is and how to make it right.
Notepad may save UTF-16 (with or without a byte order mark); old Word documents and
typing tools use TCVN3 (ABC) or VNI fonts, or Windows-1258. Each candidate decoding is
scored by how many of its words look like Vietnamese syllables; the best one names the
encoding and ``broadcast convert-encoding FILE`` converts it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .legacy_charsets import VIETNAMESE_LETTERS, tcvn3_table, vni_table

#: names shown to the officer
LABELS = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "tcvn3": "TCVN3 (ABC, phông .Vn)",
    "vni": "VNI (phông VNI-Times)",
    "cp1258": "Windows-1258",
}

_TCVN3 = str.maketrans(tcvn3_table())
_VNI = vni_table()
_VNI_RX = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))

# A Vietnamese syllable: onset, vowel cluster, ending (checked without tone marks).
_ONSET = "(?:ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEUS = (
    "(?:uyê|uya|uyu|iêu|yêu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|"
    "ươ|yê|[aăâeêioôơuưy])"
)
_CODA = "(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_CODA}$")
_WORD = re.compile(r"[^\W\d_]+")
_TONES = str.maketrans("", "", "\u0300\u0301\u0303\u0309\u0323")


def _untoned(word: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word).translate(_TONES))


def score(text: str) -> int:
    """Words with a Vietnamese letter that are real syllables, minus words that are not."""
    good = bad = 0
    for word in _WORD.findall(text):
        if not any(c in VIETNAMESE_LETTERS or ord(c) > 0x7F for c in word):
            continue
        tones = sum(
            1 for c in unicodedata.normalize("NFD", word) if c in "\u0300\u0301\u0303\u0309\u0323"
        )
        if tones <= 1 and _SYLLABLE.match(_untoned(word.lower())):
            good += 1
        else:
            bad += 1
    return good - bad


def from_tcvn3(text: str) -> str:
    return text.translate(_TCVN3)


def from_vni(text: str) -> str:
    return _VNI_RX.sub(lambda m: _VNI[m.group(0)], text)


def decode(raw: bytes, encoding: str) -> str:
    """The text of ``raw`` read as ``encoding`` (one of LABELS), NFC, newlines kept."""
    if encoding in ("tcvn3", "vni"):
        text = raw.decode("cp1252", errors="replace")
        text = from_tcvn3(text) if encoding == "tcvn3" else from_vni(text)
    elif encoding.startswith("utf-16"):
        text = raw.decode(encoding if raw[:2] not in (b"\xff\xfe", b"\xfe\xff") else "utf-16")
        text = text.lstrip("\ufeff")
    else:
        text = raw.decode(encoding if encoding != "utf-8" else "utf-8-sig")
    return unicodedata.normalize("NFC", text)


def utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte is mostly NUL (Vietnamese and
    ASCII text saved as UTF-16 by Notepad with the byte order mark lost)."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    even, odd = raw[0::2], raw[1::2]
    half = len(raw) // 2
    if odd.count(0) > half * 0.3 and even.count(0) < half * 0.05:
        return "utf-16-le"
    if even.count(0) > half * 0.3 and odd.count(0) < half * 0.05:
        return "utf-16-be"
    return None


@dataclass(frozen=True)
class Guess:
    encoding: str
    text: str

    @property
    def label(self) -> str:
        return LABELS[self.encoding]


def guess(raw: bytes) -> Guess | None:
    """How ``raw`` (a file that is not plain UTF-8) was most likely saved; None if unknown."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Guess("utf-16-le" if raw[:2] == b"\xff\xfe" else "utf-16-be", decode(raw, "utf-16"))
    wide = utf16_without_bom(raw)
    if wide:
        try:
            return Guess(wide, decode(raw, wide))
        except UnicodeDecodeError:
            pass
    try:
        return Guess("utf-8", decode(raw, "utf-8"))
    except UnicodeDecodeError:
        pass
    best: Guess | None = None
    best_score = 0
    for encoding in ("tcvn3", "vni", "cp1258"):
        try:
            text = decode(raw, encoding)
        except UnicodeDecodeError:
            continue
        s = score(text)
        if s > best_score:
            best, best_score = Guess(encoding, text), s
    return best
