"""The second-round rules one at a time, and the data they read.

Each rule is a pure ``str -> str`` function: these rows show what each one does on
its own, so a wrong reading in the corpus can be traced to one rule.
"""

from __future__ import annotations

import pytest

from broadcast.text import rules, syllables, tables


@pytest.mark.parametrize(
    ("rule", "written", "expected"),
    [
        (
            rules.read_phone_numbers,
            "gọi 0912.345.678 ngay",
            "gọi không chín một hai, ba bốn năm, sáu bảy tám ngay",
        ),
        (
            rules.read_phone_numbers,
            "(028) 3829 1234",
            "không hai tám, ba tám hai chín, một hai ba bốn",
        ),
        (
            rules.read_phone_numbers,
            "+84 (0) 912 345 678",
            "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám",
        ),
        (rules.read_phone_numbers, "đầu số +84 lạ", "đầu số cộng tám bốn lạ"),
        (rules.read_phone_numbers, "1.500.000 đồng", "1.500.000 đồng"),
        (rules.read_phone_numbers, "năm 1900", "năm 1900"),
        (rules.read_phone_numbers, "0912 345 678 9", "0912 345 678 9"),  # not a phone's shape
        (
            rules.read_grouped_codes,
            "0451.0003.21987",
            "không bốn năm một, không không không ba, hai một chín tám bảy",
        ),
        (rules.read_grouped_codes, "123.456.789", "123.456.789"),  # thousands: an amount
        (rules.read_grouped_codes, "2021-2026", "2021-2026"),  # a range
        (rules.read_roman_numerals, "quý IV và thế kỷ XX", "quý 4 và thế kỷ 20"),
        (rules.read_roman_numerals, "Nguyễn Văn V", "Nguyễn Văn V"),
        (rules.read_roman_numerals, "quý VX", "quý VX"),  # not a canonical numeral
        (rules.read_roman_numerals, "hạng C", "hạng C"),
        (rules.expand_place_abbreviations, "UBND H. Gia Lâm", "UBND huyện Gia Lâm"),
        (rules.expand_place_abbreviations, "Nguyễn Văn H. Nam", "Nguyễn Văn H. Nam"),
        (rules.expand_place_abbreviations, "ông H. Nam", "ông H. Nam"),
        (rules.expand_place_abbreviations, "TT. HĐND", "TT. HĐND"),
        (rules.expand_place_abbreviations, "Q.10", "quận 10"),
        (rules.read_digit_contexts, "STK: 1903 6688", "STK: một chín không ba, sáu sáu tám tám"),
        (rules.read_digit_contexts, "gọi 20 cuộc", "gọi 20 cuộc"),
        (rules.read_emails, "lienhe@congan.gov.vn", "liên hệ a còng công an chấm gốp chấm vê en"),
    ],
)
def test_single_rules(rule, written: str, expected: str) -> None:
    assert rule(written) == expected


def test_new_rules_sit_where_they_must_in_the_pipeline() -> None:
    names = [name for name, _ in rules.pipeline()]
    # Roman numerals and place names before the capitals are spelled or expanded.
    assert names.index("lexicon") < names.index("roman_numerals") < names.index("acronyms")
    assert names.index("places") < names.index("abbreviations")
    # Phone shapes before every rule that reads digits as dates or quantities.
    for later in ("digit_contexts", "dates", "times", "number_ranges", "numbers"):
        assert names.index("phone_numbers") < names.index(later)
    assert names.index("grouped_codes") < names.index("numbers")
    # Brand names are read only after they have served as account contexts.
    assert names.index("digit_contexts") < names.index("loanwords")


def test_roman_value_accepts_only_canonical_numerals() -> None:
    assert [rules.roman_value(r) for r in ("I", "IV", "IX", "XIV", "XXXIX")] == [1, 4, 9, 14, 39]
    assert [rules.roman_value(r) for r in ("IIII", "VX", "IIV", "XXXX")] == [None] * 4


def test_every_listed_word_is_made_of_inventory_syllables() -> None:
    inventory = syllables.inventory()
    odd = [
        (key, s)
        for key in tables.table("words")["words"]
        for s in key.split()
        if s not in inventory
    ]
    assert not odd


def test_inventory_follows_the_spelling_rules() -> None:
    inventory = syllables.inventory()
    assert {"phan", "anh", "nghieng", "khuyen", "quy", "gia", "ke", "ca"} <= inventory
    assert not {"ki" + "x", "ce", "ka", "ghe" + "o" + "x", "nge", "quu"} & inventory
    assert 1000 < len(inventory) < 3000


def test_segment_prefers_known_words_and_keeps_the_writers_cuts() -> None:
    said = [r for _, _, r in syllables.segment("baocaoluadao")]
    assert said == ["báo", "cáo", "lừa", "đảo"]
    pieces = syllables.segment("baocaolua", frozenset({3}))  # bao-caolua: a cut inside "báo cáo"
    assert all(not (s < 3 < e) for s, e, _ in pieces)
    assert all(r is None for _, _, r in syllables.segment("xyz"))  # nothing known: spelled


def test_words_file_must_align_syllables(monkeypatch: pytest.MonkeyPatch) -> None:
    syllables.known_words.cache_clear()
    real = tables.table

    def fake(name: str):
        return {"words": {"lua dao": "lừa"}} if name == "words" else real(name)

    monkeypatch.setattr(tables, "table", fake)
    try:
        with pytest.raises(ValueError, match="lua dao"):
            syllables.known_words()
    finally:
        monkeypatch.undo()
        syllables.known_words.cache_clear()
