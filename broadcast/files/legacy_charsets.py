"""Data only: the two legacy Vietnamese font encodings still found in commune offices.

Before Unicode, Vietnamese text was typed with the ABC keyboard and the ".Vn" fonts
(TCVN3, TCVN 5712:1993 "ABC") or with VNI fonts (VNI-Windows). The bytes are plain
Windows-1252 bytes; only the font made them look Vietnamese. Here each encoding is a
table from the Windows-1252 characters to the real letters. :mod:`broadcast.files.encodings`
uses them to recognise such a file and to convert it.
"""

from __future__ import annotations

#: Vietnamese vowels by (base, tone) -> the precomposed letter. Tones: "" none, "f" huyền,
#: "s" sắc, "r" hỏi, "x" ngã, "j" nặng (the Telex letters).
TONES = ("", "f", "s", "r", "x", "j")
VOWELS = {
    "a": "aàáảãạ",
    "ă": "ăằắẳẵặ",
    "â": "âầấẩẫậ",
    "e": "eèéẻẽẹ",
    "ê": "êềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọ",
    "ô": "ôồốổỗộ",
    "ơ": "ơờớởỡợ",
    "u": "uùúủũụ",
    "ư": "ưừứửữự",
    "y": "yỳýỷỹỵ",
}

# --- TCVN3 (ABC): one byte per letter; capitals with a tone use the same bytes in a
# capital font (.VnTimeH), so only the toneless capitals have their own byte.
TCVN3_LOWER = {
    "a": "aµ¸¶·¹",
    "ă": "¨»¾¼½Æ",
    "â": "©ÇÊÈÉË",
    "e": "eÌÐÎÏÑ",
    "ê": "ªÒÕÓÔÖ",
    "i": "i×ÝØÜÞ",
    "o": "oßãáâä",
    "ô": "«åèæçé",
    "ơ": "¬êíëìî",
    "u": "uïóñòô",
    "ư": "\xadõøö÷ù",
    "y": "yúýûüþ",
}
TCVN3_OTHER = {"®": "đ", "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}


def tcvn3_table() -> dict[str, str]:
    """Windows-1252 character -> Vietnamese letter (only the characters that change)."""
    table = dict(TCVN3_OTHER)
    for base, codes in TCVN3_LOWER.items():
        for code, letter in zip(codes, VOWELS[base], strict=True):
            if code != letter:
                table[code] = letter
    return table


# --- VNI-Windows: a base letter followed by a mark byte (some letters are one byte).
#: tone marks after a, e, i, o, u, y, ơ, ư
VNI_TONE = ("", "ø", "ù", "û", "õ", "ï")
#: after a / e / o for â / ê / ô (the circumflex and the tone in one byte)
VNI_CIRCUMFLEX = ("â", "à", "á", "å", "ã", "ä")
#: after a for ă (the breve and the tone in one byte)
VNI_BREVE = ("ê", "è", "é", "ú", "ü", "ë")
#: letters that are one byte of their own
VNI_SINGLE = {
    "i": ("i", "ì", "í", "æ", "ó", "ò"),
    "ơ": ("ô",),
    "ư": ("ö",),
    "đ": ("ñ",),
    "ỵ": ("î",),
}


def vni_table() -> dict[str, str]:
    """VNI sequence (one or two Windows-1252 characters) -> Vietnamese letter."""
    table: dict[str, str] = {}

    def add(seq: str, letter: str) -> None:
        if seq != letter:
            table[seq] = letter
            table[seq.upper()] = letter.upper()

    for base, marks in (("a", VNI_TONE), ("e", VNI_TONE), ("o", VNI_TONE), ("u", VNI_TONE)):
        for mark, letter in zip(marks, VOWELS[base], strict=True):
            add(base + mark, letter)
    for mark, letter in zip(VNI_TONE[:5], VOWELS["y"][:5], strict=True):
        add("y" + mark, letter)
    add("î", "ỵ")
    for base in ("â", "ê", "ô"):
        for mark, letter in zip(VNI_CIRCUMFLEX, VOWELS[base], strict=True):
            add({"â": "a", "ê": "e", "ô": "o"}[base] + mark, letter)
    for mark, letter in zip(VNI_BREVE, VOWELS["ă"], strict=True):
        add("a" + mark, letter)
    for code, letter in zip(VNI_SINGLE["i"], VOWELS["i"], strict=True):
        add(code, letter)
    for base, code in (("ơ", "ô"), ("ư", "ö")):
        for mark, letter in zip(VNI_TONE, VOWELS[base], strict=True):
            add(code + mark, letter)
    add("ñ", "đ")
    return table


#: every precomposed Vietnamese letter, lower and upper case
VIETNAMESE_LETTERS = frozenset(
    "".join(VOWELS.values()) + "đ" + "".join(VOWELS.values()).upper() + "Đ"
)
