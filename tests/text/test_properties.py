"""Properties of the spoken form that must hold for any input, checked with hypothesis."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from vn_numberwords import SouthDictionary, words_to_number

from broadcast.text.spoken import split_breath_groups, spoken

DIGIT_WORDS = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
}
ALLOWED = set(" \n.,;:!?")


def back_to_number(text: str, dialect: str = "north") -> int:
    """The inverse of spoken() for one number: a quantity or a code read digit by digit.

    A code (nine digits or more) is all digit words; a quantity of two digits or more
    always holds a place word (mười, mươi, trăm, nghìn, ...), so the two never clash.
    """
    words = text.rstrip(".").replace(",", " ").split()
    if len(words) > 1 and all(w in DIGIT_WORDS for w in words):
        return int("".join(str(DIGIT_WORDS[w]) for w in words))
    phrase = " ".join(words)
    if dialect == "south":
        return int(words_to_number(phrase, SouthDictionary()))
    return int(words_to_number(phrase))


def clean(out: str) -> bool:
    return not re.search(r"[0-9]", out) and all(c.isalpha() or c in ALLOWED for c in out)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["north", "central", "south"]))
def test_any_integer_reads_back(n: int, dialect: str) -> None:
    out = spoken(str(n), dialect)
    assert clean(out)
    assert back_to_number(out, dialect) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=10**12 - 1), st.sampled_from(["north", "south"]))
def test_thousands_dots_read_as_quantity(n: int, dialect: str) -> None:
    written = f"{n:,}".replace(",", ".")
    out = spoken(written, dialect)
    words = out.rstrip(".").split()
    assert not all(w in DIGIT_WORDS for w in words)  # a quantity, never a code
    assert back_to_number(out, dialect) == n


def test_inverse_is_checked_on_known_readings() -> None:
    assert back_to_number("hai nghìn không trăm hai mươi bốn.") == 2024
    assert back_to_number("một trăm lẻ năm.", "south") == 105
    assert back_to_number("một hai ba, bốn năm sáu, bảy tám chín.") == 123456789


# Characters of real notices: Vietnamese letters, digits, the punctuation and symbols
# officers type, Markdown marks, and a few things from pasted web pages.
ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "fjwzFJWZ0123456789"
    + "0123456789" * 3
    + " \n\t.,;:!?-–—/()[]{}<>@#%&*_+=\"'“”…$€°~|^\\"
    + "\u0301\u0309\u00a0٣²"
)
TOKENS = st.sampled_from(
    [
        "UBND",
        "V/v",
        "Đ/c",
        "v.v.",
        "TP.",
        "OTP",
        "CCCD",
        "gọi",
        "tổng đài",
        "ngày",
        "tháng",
        "thứ",
        "số",
        "mùng",
        "khonggianmang.vn",
        "http://",
        "https://",
        "www.",
        ".gov.vn",
        "@",
        "đ",
        "VNĐ",
        "%",
        "h",
        ":",
        "/",
        "-",
        "**",
        "- ",
        "1. ",
        "\n\n",
        "0912.345.678",
        "+84",
        "1.500.000",
        "2,5",
        "23-25/11",
        "6h30",
        "06:00",
        "818/STTTT-TTBCVT",
        "./.",
        "...",
        # second round: phone shapes, accounts, Roman numerals, places, brands, addresses
        "(+84)",
        "+84 ",
        "1900 1006",
        "(024) 3826 1234",
        "0451.0003.21987",
        "STK",
        "số tài khoản",
        "quý IV",
        "thế kỷ ",
        "XIV",
        "H. Cần Giuộc",
        "Q.1",
        "Văn H.",
        "ZaloPay",
        "30W",
        "3G",
        "phananh@congan.gov.vn",
        "baocao-lua-dao.vn",
        "_",
        "24/2018/QH14",
    ]
)
TEXT = st.lists(st.one_of(st.text(ALPHABET, max_size=12), TOKENS), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.sampled_from(["north", "central", "south"]))
def test_output_has_only_letters_spaces_and_pauses(text: str, dialect: str) -> None:
    assert clean(spoken(text, dialect))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_spoken_form_is_stable(text: str) -> None:
    once = spoken(text)
    assert clean(spoken(once))


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=400), st.integers(min_value=1, max_value=120))
def test_breath_groups(text: str, max_chars: int) -> None:
    groups = split_breath_groups(text, max_chars)
    assert all(g.strip() == g and g for g in groups)
    assert all(len(g) <= max_chars or " " not in g for g in groups)
    assert " ".join(groups).split() == text.split()
