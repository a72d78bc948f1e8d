"""Properties of the second round: numbers a listener must dial come out as their digits.

Every digit string after a phone/account context word, and every Vietnamese phone
number in any grouping or prefix, reads back (digit words -> digits) as exactly the
digits written, in order; the output never holds a digit. Roman numerals after their
context words read as the number; every word of data/words.yaml is found again when
written run together in an address.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.text import tables
from broadcast.text.spoken import spoken

DIGIT = {"không": "0", "một": "1", "hai": "2", "ba": "3", "bốn": "4"}
DIGIT |= {"năm": "5", "sáu": "6", "bảy": "7", "tám": "8", "chín": "9"}
DIALECTS = st.sampled_from(["north", "central", "south"])


def digits_read(words: str) -> str:
    """ "không chín một hai, ba bốn năm" -> "0912345"; any other word is a failure."""
    out = []
    for w in words.replace(",", " ").split():
        assert w in DIGIT, f"'{w}' is not a digit word in {words!r}"
        out.append(DIGIT[w])
    return "".join(out)


def between(out: str, head: str, tail: str) -> str:
    """The part of ``out`` between the spoken ``head`` and ``tail``."""
    assert out.startswith(head), (out, head)
    assert out.endswith(tail), (out, tail)
    return out[len(head) : len(out) - len(tail)]


CONTEXTS = list(tables.numbers()["digit_contexts"])
GROUPS = st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=5)
SEPARATORS = st.sampled_from(["", " ", ".", "-"])
TAILS = st.sampled_from(["", " để được hỗ trợ", ", xin cảm ơn", " ngay"])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CONTEXTS), GROUPS, SEPARATORS, TAILS, DIALECTS)
def test_digits_after_a_context_word_are_exactly_the_digits(
    context: str, groups: list[str], sep: str, tail: str, dialect: str
) -> None:
    run = sep.join(groups)
    digits = "".join(groups)
    if len(digits) > 19:
        groups, run, digits = groups[:1], groups[0], groups[0]
    out = spoken(f"{context} {run}{tail}", dialect)
    assert not re.search(r"\d", out)
    head = spoken(context, dialect).rstrip(".") + " "
    said = between(out, head, spoken(tail, dialect) if tail.strip(" ,") else ".")
    assert digits_read(said.strip(" ,.")) == digits


def _grouped(digits: str, cuts: list[int], sep: str) -> str:
    out, last = [], 0
    for c in sorted(set(cuts)):
        if 0 < c < len(digits):
            out.append(digits[last:c])
            last = c
    out.append(digits[last:])
    return sep.join(out)


def _number(prefixes: list[str], rest: int) -> st.SearchStrategy[str]:
    """A national number: one of ``prefixes`` and ``rest`` random digits."""
    tail = st.text("0123456789", min_size=rest, max_size=rest)
    return st.tuples(st.sampled_from(prefixes), tail).map("".join)


PHONES = st.one_of(
    _number(["03", "05", "07", "08", "09"], 8),  # mobile: ten digits
    _number(["024", "028"], 8),  # Hà Nội, TP.HCM landlines: eleven digits
    _number(["0208", "0236"], 7),  # other provinces: eleven digits
    st.sampled_from(["18001567", "19001006", "1900545454", "1800599920"]),
)


@settings(max_examples=300, deadline=None)
@given(
    PHONES,
    st.lists(st.integers(1, 10), max_size=3),
    st.sampled_from(["", " ", ".", "-"]),
    st.sampled_from(["", "+84 ", "(+84) ", "+84", "84"]),
    DIALECTS,
)
def test_any_phone_number_in_any_form_reads_back(
    number: str, cuts: list[int], sep: str, prefix: str, dialect: str
) -> None:
    if prefix and number.startswith("1"):
        prefix = ""  # 1800/1900 numbers have no international form
    if number.startswith("1"):
        cuts = [c for c in cuts if c >= 4]  # "1900" is never split: 1900 1006, 1900.545.454
    national = number[1:] if prefix else number
    written = prefix + _grouped(national, cuts, sep if not prefix == "84" else "")
    out = spoken(f"Số lạ {written} là lừa đảo.", dialect)
    assert not re.search(r"\d", out)
    said = between(out, "Số lạ ", " là lừa đảo.")
    if prefix.strip().startswith(("+", "(")):
        assert said.startswith("cộng tám bốn, ")
        said = said[len("cộng tám bốn, ") :]
        assert digits_read(said) == national
    elif prefix == "84":
        assert digits_read(said) == "84" + national
    else:
        assert digits_read(said) == national


@pytest.mark.parametrize("n", range(1, 40))
def test_roman_numerals_after_their_words(n: int) -> None:
    roman = ""
    rest = n
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        roman += sym * (rest // value)
        rest %= value
    assert spoken(f"khóa {roman}") == f"khóa {spoken(str(n)).rstrip('.')}."
    assert spoken(f"thế kỷ {roman}", "south") == f"thế kỷ {spoken(str(n), 'south').rstrip('.')}."


def test_every_listed_word_is_found_run_together() -> None:
    wrong = []
    for key, said in tables.table("words")["words"].items():
        out = spoken(key.replace(" ", "") + ".gov.vn")
        if out != f"{said} chấm gốp chấm vê en.":
            wrong.append((key, out))
    assert not wrong


def test_hyphens_may_cut_a_listed_word_and_are_said() -> None:
    out = spoken("khong-gian-mang.vn")
    assert out == "không gạch ngang gian gạch ngang mạng chấm vê en."
