"""The text rules, in the order they run: written notice in, words for the engine out.

As in gTTS's tokenizer, every rule is a small pure ``str -> str`` function and the
pipeline is one visible list (``pipeline()``); the data they use (abbreviations,
letter names, web words, hotlines) lives in ``data/*.yaml``. Order matters and is
deliberate: hygiene first, then the user's lexicon (so it can override anything),
then the forms that contain digits or dots and must be recognised whole (web
addresses, document numbers, phone and account numbers (codes.py), dates, times)
before the generic number reading, then abbreviations and acronyms, then symbols and punctuation.

Rules that read numbers take a ``dialect`` keyword; ``pipeline()`` binds it so that
every entry of the list is a plain ``str -> str``.

Choices worth knowing (an announcer's reading, checked against the seed notices):

* A numbered list item "1. ..." at the start of a line becomes "Thứ nhất, ...".
* A document number "139/CĐ-TTg" is read as the number then each code part from the
  abbreviation table: "một trăm ba mươi chín công điện Thủ tướng"; an unknown part is
  spelled with letter names.
* Days 1 to 10 in a date take "mùng": "ngày 06/4/2025" -> "ngày mùng sáu tháng tư năm
  hai nghìn không trăm hai mươi lăm". No "ngày" is added where the writer put none.
* Paragraphs stay on separate lines of the output; inside a paragraph the lines are
  joined, with a full stop where a line ended without punctuation (headings, list items)
  unless the next line continues in lower case.
* Roman numerals are numbers only after the words that take them (quý IV, thế kỷ XX,
  lần thứ XIII); elsewhere a capital I, V or X is a letter (a name, an initial).
* H., Q., P., TT., KP. are places only before a place name or a number; after a name
  or a title word (ông, Văn) they are a person's initial and stay.
* Address parts are cut into known words (syllables.py) and the rest spelled, with
  every separator said, so a listener can write the address down.
* The output holds only letters, spaces, newlines and . , ; : ! ?
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache, partial

from ..files.controls import unix_newlines
from . import numbers, tables
from .codes import (
    read_country_prefixes,
    read_digit_contexts,
    read_grouped_codes,
    read_hotlines,
    read_long_codes,
    read_numbers_after_so,
    read_phone_numbers,
    read_star_codes,
)
from .numbers import digit_by_digit, quantity, quantity_text
from .spelling import SPELLED_CLOSE, SPELLED_OPEN, mark_letter_names, spell
from .syllables import inventory, segment
from .tokens import (
    read_glued_amounts,
    read_hour_g,
    read_multipliers,
    read_plates,
    read_quarters_and_districts,
    read_weekdays,
)

Rule = Callable[[str], str]

_MARKS = SPELLED_OPEN + SPELLED_CLOSE

# -- hygiene -----------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng


def normalize_unicode(text: str) -> str:
    """NFC, Unicode digits to ASCII, typographic spaces to plain spaces."""
    text = unicodedata.normalize("NFC", unix_newlines(text))
    text = text.replace(SPELLED_OPEN, "").replace(SPELLED_CLOSE, "")
    text = re.sub(r"[^\S\n]", " ", text)
    # Only digits of other scripts (٣, ３) need a call; ASCII ones are left alone.
    return re.sub(r"(?![0-9])\d", lambda m: str(unicodedata.digit(m.group(), 0)), text)


def _move_tone(m: re.Match[str]) -> str:
    first, second = m.group(1), m.group(2)
    decomposed = unicodedata.normalize("NFD", second)
    base, marks = decomposed[0], decomposed[1:]
    tone = [c for c in marks if c in _TONES]
    if not tone:
        return m.group(0)
    rest = "".join(c for c in marks if c not in _TONES)
    return unicodedata.normalize("NFC", first + tone[0]) + unicodedata.normalize("NFC", base + rest)


# oa, oe, uy with no final consonant: the tone sits on the first vowel (hòa, khỏe, Ủy),
# the form most of our notices use; "quý" keeps its tone (u belongs to qu).
_OLD_TONE = re.compile(r"(?<![qQ])([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?!\w)")


def normalize_tone_marks(text: str) -> str:
    """Uỷ -> Ủy, hoà -> hòa, khoẻ -> khỏe: one spelling for one syllable."""

    def fix(m: re.Match[str]) -> str:
        pair = (m.group(1).lower(), unicodedata.normalize("NFD", m.group(2))[0].lower())
        return _move_tone(m) if pair in {("o", "a"), ("o", "e"), ("u", "y")} else m.group(0)

    return _OLD_TONE.sub(fix, text)


def strip_markdown(text: str) -> str:
    """Bold, italics, headings, bullets, links and tables of Markdown, and numbered items."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]*)\)", r"\1", text)  # [text](url) -> text
    text = re.sub(r"`+", "", text)
    text = re.sub(r"\*+|(?<!\w)_+|_+(?!\w)", "", text)
    text = re.sub(r"(?m)^[ \t]*#+[ \t]*", "", text)
    text = re.sub(r"(?m)^[ \t]*>+[ \t]?", "", text)
    text = re.sub(r"(?m)^[ \t]*(?:[-+•–—▪●◦]|\*)[ \t]+", "", text)
    text = re.sub(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|?)+[ \t]*$", "", text)  # table rule
    text = re.sub(r"(?m)^[ \t]*(\d{1,2})[.)][ \t]+(?=\D)", r"Thứ \1, ", text)
    text = re.sub(r"(?m)^[ \t]*([IVX]{1,6})[.)][ \t]+(?=\S)", _roman_heading, text)
    return text


_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman_heading(m: re.Match[str]) -> str:
    """ "II. Các thủ đoạn" -> "Phần 2, Các thủ đoạn" (the number is read later)."""
    letters = m.group(1)
    value = 0
    for i, c in enumerate(letters):
        v = _ROMAN[c]
        value += -v if i + 1 < len(letters) and _ROMAN[letters[i + 1]] > v else v
    canonical = "".join(
        sym * n
        for sym, n in (
            ("X", value // 10),
            ("IX", value % 10 == 9),
            ("V", 5 <= value % 10 < 9),
            ("IV", value % 10 == 4),
            ("I", value % 5 if value % 10 not in (4, 9) else 0),
        )
    )
    return f"Phần {value}, " if canonical == letters else m.group(0)


def strip_link_marks(text: str) -> str:
    """<https://x.vn/a> -> x.vn/a: no brackets, no http://, no mailto:."""
    text = re.sub(r"<((?:https?://|mailto:|www\.)[^<>\s]*|[^<>\s]+@[^<>\s]+)>", r"\1", text)
    text = re.sub(r"(?i)(?<![\w/])(?:https?|ftp)://", "", text)
    text = re.sub(r"(?i)(?<!\w)mailto:", "", text)
    return re.sub(r"</?[A-Za-z][^<>]*>", " ", text)  # stray HTML tags


_END = ".,;:!?"


def join_lines(text: str) -> str:
    """One line per paragraph, every paragraph ending in punctuation.

    A line without final punctuation gets a full stop (headings, list items, the
    signature block), unless the next line starts in lower case: then it was wrapped
    mid-sentence. A paragraph starting in lower case continues the one before it (a
    page break in a pasted PDF).
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        out = lines[0]
        for line in lines[1:]:
            if out[-1] not in _END and not _starts_lower(line):
                out += "."
            out += " " + line
        if paragraphs and _starts_lower(out) and paragraphs[-1][-1] not in ".!?":
            paragraphs[-1] += " " + out
        else:
            paragraphs.append(out)
    return "\n".join(paragraphs)


def _starts_lower(s: str) -> bool:
    first = next((c for c in s if c.isalnum()), "")
    return first.isalpha() and first.islower()


_PATH = r"/[\w\-./?=&%#~+]*[\w/]"

_COMPARISON = re.compile(r"(>=|<=|≥|≤|>|<)[ \t]*(?=\d)")
_COMPARISON_WORDS = {
    ">": "trên ",
    "<": "dưới ",
    ">=": "từ ",
    "≥": "từ ",
    "<=": "tối đa ",
    "≤": "tối đa ",
}


def read_comparisons(text: str) -> str:
    """ ">10 triệu" -> "trên 10 triệu", "<5" -> "dưới 5", "≥ 18 tuổi" -> "từ 18 tuổi",
    "≤ 3 lần" -> "tối đa 3 lần": the sign before a number carries the meaning.

    Runs before Markdown, which would take a ">" at the start of a line for a quote.
    """
    if not any(c in text for c in "<>≥≤"):
        return text

    def repl(m: re.Match[str]) -> str:
        word = _COMPARISON_WORDS[m.group(1)]
        before = text[max(0, m.start() - 8) : m.start()].rstrip().lower()
        return " " if before.endswith(word.strip()) else " " + word  # "tối đa ≤ 3"

    text = re.sub(r"[ \t]*(?:=>|->|→|⇒)[ \t]*", ", ", text)  # an arrow: "so", a pause
    return _COMPARISON.sub(repl, text)


_PLUS_BULLET = re.compile(r"(?:(?<=[;:])|(?m:^))[ \t]*\+[ \t]*(?=[^\W\d_])")


def strip_plus_bullets(text: str) -> str:
    """ "Gồm: + mở tài khoản; + nhận tiền" -> "Gồm: mở tài khoản; nhận tiền".

    A "+" that opens an item (at a line start or after ";" or ":") is a bullet, not
    "cộng"; a "+" between numbers or before a country code is left to the other rules.
    """
    if "+" not in text:
        return text
    return _PLUS_BULLET.sub(" ", text)


# -- user lexicon --------------------------------------------------------------------


@lru_cache(maxsize=32)
def _lexicon_pattern(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keys:
        return None
    alts = []
    for key in sorted(keys, key=len, reverse=True):
        body = re.escape(key)
        # A lower-case entry matches any case ("Zalo", "ZALO"); one written with
        # capitals (an acronym such as "CAT") only matches as written.
        alts.append(f"(?i:{body})" if key == key.lower() else body)
    # A web address in the lexicon may be followed by a path the built-in rules read.
    return re.compile(
        r"(?<![\w@.])(?P<key>" + "|".join(alts) + r")(?![\w@]|\.\w)(?P<path>" + _PATH + ")?"
    )


def apply_lexicon(text: str, lexicon: Mapping[str, str], marks: bool = False) -> str:
    """Whole-token replacement with the user's pronunciations, before any built-in rule."""
    if not lexicon:
        return text
    norm = {
        normalize_tone_marks(unicodedata.normalize("NFC", k.strip())): v
        for k, v in lexicon.items()
        if k.strip()
    }
    lower = {k.lower(): v for k, v in norm.items() if k == k.lower()}
    pattern = _lexicon_pattern(tuple(norm))
    if pattern is None:
        return text

    def repl(m: re.Match[str]) -> str:
        word, path = m.group("key"), m.group("path")
        said = norm.get(word, lower.get(word.lower(), word))
        if path and "." in word and " " not in word:
            return f" {said} {tables.web()['slash']} {_read_path(path, marks)} "
        return f" {said} {path or ''}"

    return _tidy_spaces(pattern.sub(repl, text))


# -- Roman numerals ---------------------------------------------------------------


def roman_value(letters: str) -> int | None:
    """XIV -> 14; None unless written the canonical way (so "VX", "IIII" are not numbers)."""
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, c in enumerate(letters):
        v = values[c]
        total += -v if i + 1 < len(letters) and values[letters[i + 1]] > v else v
    return total if 0 < total < 40 and _to_roman(total) == letters else None


def _to_roman(n: int) -> str:
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        out += sym * (n // value)
        n %= value
    return out


@lru_cache(maxsize=1)
def _roman_pattern() -> re.Pattern[str]:
    words = sorted(tables.numbers()["roman_contexts"], key=len, reverse=True)
    alts = "|".join(re.escape(w).replace(r"\ ", r"[ \t]+") for w in words)
    return re.compile(r"(?i:(?<!\w)(" + alts + r"))([ \t]+)([IVX]+)(?![\w.]\w|\w)")


def read_roman_numerals(text: str) -> str:
    """quý IV -> quý 4, thế kỷ XX -> thế kỷ 20 (the number is read later), after the
    words of data/numbers.yaml ``roman_contexts`` only."""

    def repl(m: re.Match[str]) -> str:
        value = roman_value(m.group(3))
        return m.group(0) if value is None else f"{m.group(1)}{m.group(2)}{value}"

    if not _ANY_ROMAN.search(text):  # most notices have none: skip the long pattern
        return text
    return _roman_pattern().sub(repl, text)


_ANY_ROMAN = re.compile(r"(?<!\w)[IVX]+(?!\w)")


# -- web addresses and e-mail -------------------------------------------------------


def _read_label(label: str, marks: bool = False) -> str:
    """One part of an address without separators: a known label, digits, or words."""
    return _read_compound(label, marks)


def _fixed_label(part: str) -> str | None:
    web = tables.web()
    return web["words"].get(part) or web["labels"].get(part) or _loanwords_lower().get(part)


@lru_cache(maxsize=1)
def _loanwords_lower() -> dict[str, str]:
    return {k.lower(): v for k, v in tables.loanwords().items() if re.fullmatch(r"\w+", k)}


def _read_compound(part: str, marks: bool = False) -> str:
    """baocao-lua-dao -> "báo cáo gạch ngang lừa gạch ngang đảo"; phananh -> "phản ánh".

    Letters that run across "-" or "_" are cut into words together (syllables.py), so
    a word the writer split with a hyphen is still found; digits are read one by one;
    separators are said by name where they stand. A part listed whole in web.yaml
    (gov, vn, zalo, thongbaorac) is read as listed there.
    """
    web = tables.web()
    names = {
        ".": web["dot"],
        "-": web["hyphen"],
        "_": web["underscore"],
        "/": web["slash"],
        "+": "cộng",
    }
    low = part.lower()
    whole = _fixed_label(low)
    if whole is not None:
        return mark_letter_names(whole, marks)
    out: list[str] = []
    run: list[str] = []  # letters and the separators between them, not yet read

    def flush() -> None:
        if run:
            out.append(_read_letters(run, names, marks))
            run.clear()

    for token in re.findall(r"[^\W\d_]+|\d+|[^\w]|_", low):
        if token.isdigit():
            flush()
            out.append(digit_by_digit(token, group=False))
        elif token.isalpha():
            if run and run[-1].isalpha():
                run.append("")  # two letter runs with nothing between: cannot happen
            run.append(token)
        elif run and run[-1].isalpha():
            run.append(token)
        else:
            flush()
            out.append(names.get(token, ""))
    if run and not run[-1].isalpha():
        tail = run.pop()
        flush()
        out.append(names.get(tail, ""))
    flush()
    return " ".join(w for w in out if w)


def _read_letters(run: list[str], names: Mapping[str, str], marks: bool = False) -> str:
    """Letter parts joined by separators: listed parts as listed, the rest cut into words."""
    words: list[str] = []
    pending: list[str] = []  # parts not listed in web.yaml, read together

    def cut() -> None:
        if not pending:
            return
        text, breaks, seps, pos = "", set(), {}, 0
        for i, item in enumerate(pending):
            if i % 2:
                breaks.add(pos)
                seps[pos] = names.get(item, "")
            else:
                text += item
                pos += len(item)
        said: list[str] = []
        bare = _ascii(text)
        pieces = segment(bare, frozenset(breaks))
        # Every piece a word or a Vietnamese syllable (vayvon, xuanthuy): read the
        # unknown syllables as written, which a listener types back letter for
        # letter; a part with stray letters (xyz, abc) is spelled where no word fits.
        # A short part (me, ly, bit) is an abbreviation more often than a word: spelled.
        sayable = len(bare) > 3 and all(
            r is not None or bare[a:b] in inventory() for a, b, r in pieces
        )
        for start, end, reading in pieces:
            if start in seps:
                said.append(seps.pop(start))
            if reading is None:
                reading = (
                    bare[start:end]
                    if sayable and end - start > 1
                    else spell(text[start:end], marks)
                )
            said.append(mark_letter_names(reading, marks))
        words.extend(w for w in said if w)
        pending.clear()

    for i, item in enumerate(run):
        if i % 2:  # a separator
            if pending and not pending[-1].isalpha():
                pending.append(item)
            elif pending:
                pending.append(item)
            else:
                words.append(names.get(item, ""))
            continue
        fixed = _fixed_label(item)
        if fixed is None:
            pending.append(item)
            continue
        sep = pending.pop() if pending and not pending[-1].isalpha() else None
        cut()
        if sep is not None:
            words.append(names.get(sep, ""))
        words.append(mark_letter_names(fixed, marks))
    if pending and not pending[-1].isalpha():
        sep = pending.pop()
        cut()
        words.append(names.get(sep, ""))
    cut()
    return " ".join(w for w in words if w)


def _ascii(text: str) -> str:
    """đ -> d and marks dropped: the spelling the syllable inventory is written in."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return "".join(c for c in bare if not unicodedata.combining(c))


def _read_host(host: str, marks: bool = False) -> str:
    web = tables.web()
    return f" {web['dot']} ".join(_read_compound(label, marks) for label in host.split("."))


def _read_path(path: str, marks: bool = False) -> str:
    web = tables.web()
    words = []
    for seg in path.split("/"):
        if seg:
            words.append(_read_compound(seg, marks))
    return f" {web['slash']} ".join(words)


_EMAIL = re.compile(r"(?<![\w.@])([A-Za-z0-9][A-Za-z0-9._+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def read_emails(text: str, marks: bool = False) -> str:
    """ubnd.xa@thainguyen.gov.vn -> "u bê en đê chấm ích a a còng thái nguyên chấm ..."."""
    web = tables.web()

    def repl(m: re.Match[str]) -> str:
        user, host = _read_compound(m.group(1), marks), _read_host(m.group(2), marks)
        return f" {user} {web['at_sign']} {host} "

    return _tidy_spaces(_EMAIL.sub(repl, text))


# Any dotted run of letters and digits ending in letters; whether the last part is a
# top-level domain is checked in code (a set of ~1,300 names is faster than a regex).
_URL = re.compile(r"(?i)(?<![\w@.])((?:[a-z0-9][a-z0-9-]*\.)+[a-z]{2,24})(?![\w-])(" + _PATH + ")?")


def _address_end(host: str) -> int:
    """How many labels of ``host`` make the address (0: it is no address).

    The short list of web.yaml (vn, com, gov ...) counts as written; any other current
    top-level domain (.vip, .xyz, .top, data/tlds-alpha-by-domain.txt) only in a host
    written all in small or all in capital letters, so a missing space after a full
    stop ("xong.Ba người") is not taken for an address. A host whose last part is no
    domain ("canhbao.vn.Sau") ends at its last part that is one.
    """
    labels = host.split(".")
    common = set(tables.web()["tlds"])
    every = tables.top_level_domains()
    for n in range(len(labels), 1, -1):
        last = labels[n - 1]
        if last.lower() in common:
            return n
        part = ".".join(labels[:n])
        if last.lower() in every and (part == part.lower() or part == part.upper()):
            return n
    return 0


def read_web_addresses(text: str, marks: bool = False) -> str:
    """khonggianmang.vn -> "không gian mạng chấm vê en"; the path is read after "gạch chéo"."""

    def repl(m: re.Match[str]) -> str:
        host = m.group(1)
        n = _address_end(host)
        if n == 0:
            return m.group(0)
        labels = host.split(".")
        out = _read_host(".".join(labels[:n]), marks)
        if n < len(labels):  # the rest was the next sentence
            return f" {out}.{'.'.join(labels[n:])}{m.group(2) or ''}"
        path = (m.group(2) or "").strip("/")
        if path:
            out += f" {tables.web()['slash']} {_read_path(path, marks)}"
        return f" {out} "

    if "." not in text:
        return text
    return _tidy_spaces(_URL.sub(repl, text))


def read_loanwords(text: str) -> str:
    """email -> "i meo", Zalo -> "da lô": foreign words as Vietnamese listeners say them."""
    return _replace_words(text, tables.loanwords(), ignore_case=True)


# -- document numbers ----------------------------------------------------------------

_CODE = r"[A-ZĐ][A-ZĐa-z&]*\d{0,3}"  # QH14: the 14th National Assembly
_DOCNUM = re.compile(
    r"(?<![\w/])(?:(\d+)(?:/(\d{4}))?)?/(" + _CODE + r"(?:-" + _CODE + r")*)(?![\w/])"
)


def _read_code(part: str, dialect: str = "north", marks: bool = False) -> str:
    letters, digits = re.fullmatch(r"(.*?)(\d*)", part).groups()  # type: ignore[union-attr]
    if digits:
        return f"{_read_code(letters, dialect, marks)} {quantity_text(digits, dialect)}"
    for table in (tables.document_codes(), tables.abbreviations()):
        if part in table:
            return table[part]
    return spell(part, marks)


def read_document_numbers(text: str, dialect: str = "north", marks: bool = False) -> str:
    """818/STTTT-TTBCVT -> "tám trăm mười tám Sở Thông tin và Truyền thông thông tin ..."."""

    def repl(m: re.Match[str]) -> str:
        number, year, code = m.groups()
        if number is None and "-" not in code:
            return m.group(0)  # a lone "/ABC" is a slash, not a document number
        parts = [quantity_text(number, dialect)] if number else []
        if year:
            parts.append("năm " + quantity_text(year, dialect))
        parts += [_read_code(p, dialect, marks) for p in code.split("-")]
        return " ".join(parts)

    return _DOCNUM.sub(repl, text)


# -- dates and times -----------------------------------------------------------------

_NOT_AFTER = r"(?![\w/]|[.,:]\d)"


def _valid_date(d: int, m: int) -> bool:
    return 1 <= d <= 31 and 1 <= m <= 12


_DATE_TOKEN = r"\d{1,2}/\d{1,2}(?:/\d{4})?"
_DATE_TO_DATE = re.compile(
    r"(?<![\w/.,])(" + _DATE_TOKEN + r")[ \t]*[-–—][ \t]*(" + _DATE_TOKEN + r")" + _NOT_AFTER
)
_ANY_DASH_AFTER_DIGIT = re.compile(r"\d[ \t]*[-–—]")
_MONTH_TO_MONTH = re.compile(
    r"(?i)(?<!\w)(tháng[ \t]+\d{1,2}(?:/\d{4})?)[ \t]*[-–—][ \t]*(tháng[ \t]+\d{1,2})(?!\w)"
)
_DAY_DASH_MONTH = re.compile(r"(?i)(?<!\w)(ngày|hôm)([ \t]+)(\d{1,2})-(\d{1,2})(?![\w/-]|[.,]\d)")


def read_dash_dates(text: str, dialect: str = "north") -> str:
    """ "từ 10/3 - 10/4/2026" -> "từ 10/3 đến 10/4/2026" (each date read later);
    "ngày 1-12" -> "ngày một tháng mười hai": after "ngày", day-dash-month is a date."""
    if not _ANY_DASH_AFTER_DIGIT.search(text):
        return text
    if "/" in text:
        text = _DATE_TO_DATE.sub(r"\1 đến \2", text)
    low = text.lower()
    if "tháng" in low:
        text = _MONTH_TO_MONTH.sub(r"\1 đến \2", text)
    if "ngày" not in low and "hôm" not in low:
        return text

    def repl(m: re.Match[str]) -> str:
        d, mo = int(m.group(3)), int(m.group(4))
        if not _valid_date(d, mo):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{quantity(d, dialect)} tháng {numbers.month(mo, dialect)}"

    return _DAY_DASH_MONTH.sub(repl, text)


def read_date_ranges(text: str, dialect: str = "north") -> str:
    """23-25/11 -> "hai mươi ba đến hai mươi lăm tháng mười một"."""
    pattern = re.compile(
        r"(?<![\w/.,])(\d{1,2})[ \t]*[-–][ \t]*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?" + _NOT_AFTER
    )

    def repl(m: re.Match[str]) -> str:
        d1, d2, mo = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not (_valid_date(d1, mo) and _valid_date(d2, mo)):
            return m.group(0)
        out = (
            f"{numbers.day(d1, dialect)} đến {numbers.day(d2, dialect)} "
            f"tháng {numbers.month(mo, dialect)}"
        )
        if m.group(4):
            out += " năm " + quantity_text(m.group(4), dialect)
        return out

    return pattern.sub(repl, text)


# Words after which "24/7" is the 24th of July, not "round the clock".
_DATE_BEFORE = re.compile(r"(?i)(?<!\w)(?:ngày|hôm|từ|đến|tới|sáng|trưa|chiều|tối|đêm|hạn)[ \t]*$")


# Words around "1/2" that make it a share ("tăng 1/2", "1/2 số tiền"), not 1 February.
_FRACTION_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:tăng|giảm|chiếm|khoảng|gần|hơn|bằng|còn|mất|được|lên|xuống|trên)[ \t]*$"
)
_FRACTION_AFTER = re.compile(r"(?i)[ \t]+(?:số|tổng|dân số|diện tích|trường hợp|phần)(?!\w)")


def fraction(numerator: int, denominator: int, dialect: str = "north") -> str:
    """3/4 -> "ba phần tư" (a quarter is "tư" in every dialect), 1/2 -> "một phần hai"."""
    below = "tư" if denominator == 4 else quantity(denominator, dialect)
    return f"{quantity(numerator, dialect)} phần {below}"


def read_dates(text: str, dialect: str = "north") -> str:
    """11/4/2024, 06.4.2025, 25/11 -> "mười một tháng tư năm ...", "mùng sáu tháng tư ..."."""
    full = re.compile(
        r"(?<![\w/.,])(?:(mùng|mồng)[ \t]+)?(\d{1,2})([/.-])(\d{1,2})\3(\d{4}|\d{2})" + _NOT_AFTER
    )
    short = re.compile(r"(?<![\w/.,])(?:(mùng|mồng)[ \t]+)?(\d{1,2})/(\d{1,2})" + _NOT_AFTER)

    def read(d: int, mo: int, had_mung: str | None) -> str:
        prefix = f"{had_mung} " if had_mung else ""
        day = numbers.day(d, dialect, mung=not had_mung)
        return f"{prefix}{day} tháng {numbers.month(mo, dialect)}"

    def full_repl(m: re.Match[str]) -> str:
        d, mo = int(m.group(2)), int(m.group(4))
        if not _valid_date(d, mo):
            return m.group(0)
        year = m.group(5) if len(m.group(5)) == 4 else "20" + m.group(5)  # 30/11/26
        return f"{read(d, mo, m.group(1))} năm {quantity_text(year, dialect)}"

    def short_repl(m: re.Match[str]) -> str:
        d, mo = int(m.group(2)), int(m.group(3))
        dated = bool(m.group(1)) or bool(
            _DATE_BEFORE.search(m.string, max(0, m.start() - 24), m.start())
        )
        if (d, mo) == (24, 7) and not dated:
            return f"{quantity(24, dialect)} trên bảy"  # "trực 24/7": round the clock
        if (
            not dated
            and 0 < d < mo
            and (
                _FRACTION_BEFORE.search(m.string, max(0, m.start() - 24), m.start())
                or _FRACTION_AFTER.match(m.string, m.end())
            )
        ):
            return fraction(d, mo, dialect)  # "giảm 1/2 số vụ": a share
        return read(d, mo, m.group(1)) if _valid_date(d, mo) else m.group(0)

    return short.sub(short_repl, full.sub(full_repl, text))


def read_month_year(text: str, dialect: str = "north") -> str:
    """tháng 4/2024 -> "tháng tư năm ..."; a bare 4/2024 gets its "tháng"."""
    pattern = re.compile(r"(?i)(?<![\w/.,])((?:tháng|quý)[ \t]+)?(\d{1,2})/(\d{4})" + _NOT_AFTER)

    def repl(m: re.Match[str]) -> str:
        mo, head = int(m.group(2)), m.group(1) or "tháng "
        year = quantity_text(m.group(3), dialect)
        if head.lower().startswith("quý"):  # quý 3/2024: a quarter, not a month
            return f"{head}{quantity(mo, dialect)} năm {year}" if 1 <= mo <= 4 else m.group(0)
        if not 1 <= mo <= 12:
            return m.group(0)
        return f"{head}{numbers.month(mo, dialect)} năm {year}"

    return pattern.sub(repl, text)


def read_day_month_words(text: str, dialect: str = "north") -> str:
    """ "ngày 06 tháng 4" -> "ngày mùng sáu tháng tư"; "tháng 01" -> "tháng một"."""

    def day_repl(m: re.Match[str]) -> str:
        d = int(m.group(2))
        if not 1 <= d <= 31:
            return m.group(0)
        mung = m.group(1).lower() == "ngày"
        return f"{m.group(1)} {numbers.day(d, dialect, mung=mung)}"

    text = re.sub(
        r"(?i)(?<!\w)(ngày|mùng|mồng)[ \t]+(\d{1,2})(?=[ \t]+tháng(?!\w))", day_repl, text
    )

    def month_repl(m: re.Match[str]) -> str:
        mo = int(m.group(2))
        return f"{m.group(1)} {numbers.month(mo, dialect)}" if 1 <= mo <= 12 else m.group(0)

    return re.sub(r"(?i)(?<!\w)(tháng)[ \t]+(\d{1,2})(?![\w%/:]|[.,]\d)", month_repl, text)


# 7h, 7h30, 7g30 (g only with minutes: "7g" is seven grams), 07:30.
_CLOCK = r"\d{1,2}(?:[ \t]?h(?:[ \t]?\d{2})?|[ \t]?g[ \t]?\d{2}|:\d{2})"


def read_times(text: str, dialect: str = "north") -> str:
    """6h30 -> "sáu giờ ba mươi phút", 17h -> "mười bảy giờ", 06:00 -> "sáu giờ".

    A range "7h-9h", "13h30 – 17h", "8:00-11:30" is read "... đến ...": the dash
    would otherwise become a pause or vanish.
    """

    def say(h: int, mi: int) -> str:
        out = f"{quantity(h, dialect)} giờ"
        return out + (f" {quantity(mi, dialect)} phút" if mi else "")

    def h_repl(m: re.Match[str]) -> str:
        h, mi = int(m.group(1)), int(m.group(2) or 0)
        return say(h, mi) if h <= 24 and mi < 60 else m.group(0)

    text = re.sub(
        r"(?<![\w.,:])(" + _CLOCK + r")[ \t]*[-–—][ \t]*(" + _CLOCK + r")(?![\w:]|[.,]\d)",
        r"\1 đến \2",
        text,
    )
    text = re.sub(
        r"(?<![\w.,:])(\d{1,2})[ \t]?(?:h|g(?=[ \t]?\d{2}))"
        r"(?:[ \t]?(\d{2})(?:[ \t]?(?:phút|ph|p|'))?)?(?!\w)",
        h_repl,
        text,
    )

    def colon_repl(m: re.Match[str]) -> str:
        h, mi = int(m.group(1)), int(m.group(2))
        return say(h, mi) if h <= 24 and mi < 60 else m.group(0)

    return re.sub(
        r"(?<![\w.,:])(\d{1,2}):(\d{2})(?:[ \t]?(?:phút))?(?![\w:]|[.,]\d)", colon_repl, text
    )


def read_ordinals(text: str, dialect: str = "north") -> str:
    """ "thứ 2" -> "thứ hai", "thứ 4" -> "thứ tư", "Thứ 1," -> "Thứ nhất,"."""

    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1)} {numbers.ordinal(int(m.group(2)), dialect)}"

    # "thứ 2 – thứ 6", "thứ 2-6": a run of weekdays, not a pause.
    text = re.sub(
        r"(?i)(?<!\w)(thứ)([ \t]+[2-7])[ \t]*[-–—][ \t]*(?:thứ[ \t]+)?([2-7])(?![\w%/:]|[.,]\d)",
        r"\1\2 đến \1 \3",
        text,
    )
    # "Thứ Hai - Thứ Sáu", "thứ hai – chủ nhật": the same run written in words.
    day = r"(?:thứ[ \t]+(?:hai|ba|tư|năm|sáu|bảy)|chủ[ \t]+nhật)"
    text = re.sub(
        r"(?i)(?<!\w)(" + day + r")[ \t]*[-–—][ \t]*(" + day + r")(?!\w)", r"\1 đến \2", text
    )
    return re.sub(r"(?i)(?<!\w)(thứ)[ \t]+(\d{1,3})(?![\w%/:]|[.,]\d)", repl, text)


# -- quantities ----------------------------------------------------------------------

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def read_number_ranges(text: str) -> str:
    """10-15 -> "10 đến 15" (the numbers are read later), 2023 - 2024 likewise."""
    return re.sub(
        r"(?<![\w.,/-])(" + _NUM + r")[ \t]*[-–—][ \t]*(" + _NUM + r")(?![\w/]|[.,]\d)",
        r"\1 đến \2",
        text,
    )


def read_percent(text: str, dialect: str = "north") -> str:
    """50% -> "năm mươi phần trăm", 2,5 % -> "hai phẩy năm phần trăm"."""
    return re.sub(
        r"(?<![\w.,])(" + _NUM + r")[ \t]?%",
        lambda m: f"{read_number(m.group(1), dialect)} phần trăm",
        text,
    )


@lru_cache(maxsize=1)
def _money_pattern() -> re.Pattern[str]:
    units = sorted(tables.numbers()["money_suffixes"], key=len, reverse=True)
    alts = "|".join(re.escape(u) for u in units)
    return re.compile(r"(?<![\w.,])(" + _NUM + r")[ \t]?(" + alts + r")(?!\w)")


def read_money(text: str, dialect: str = "north") -> str:
    """50.000đ -> "năm mươi nghìn đồng", 100 USD -> "một trăm đô la Mỹ", 50k -> "năm mươi nghìn"."""
    suffixes = tables.numbers()["money_suffixes"]

    def repl(m: re.Match[str]) -> str:
        word = suffixes[m.group(2)]
        if word == "nghìn" and dialect == "south":
            word = "ngàn"
        return f"{read_number(m.group(1), dialect)} {word}"

    text = re.sub(  # $100: the sign is written first but said after the number
        r"\$[ \t]?(" + _NUM + r")(?!\w|[.,]\d)",
        lambda m: f"{read_number(m.group(1), dialect)} đô la",
        text,
    )
    return _money_pattern().sub(repl, text)


@lru_cache(maxsize=1)
def _unit_pattern() -> re.Pattern[str]:
    units = sorted(tables.numbers()["units"], key=len, reverse=True)
    alts = "|".join(re.escape(u) for u in units)
    spaced = "|".join(re.escape(u) for u in units if len(u) > 1)
    return re.compile(r"(?<![\w.,])(" + _NUM + r")(?:(" + alts + r")|[ \t](" + spaced + r"))(?!\w)")


def read_units(text: str, dialect: str = "north") -> str:
    """3km -> "ba ki lô mét", 1,5m -> "một phẩy năm mét", 100m2 -> "một trăm mét vuông"."""
    units = tables.numbers()["units"]

    def repl(m: re.Match[str]) -> str:
        return f"{read_number(m.group(1), dialect)} {units[m.group(2) or m.group(3)]}"

    return _unit_pattern().sub(repl, text)


def read_letter_codes(text: str, marks: bool = False) -> str:
    """Cục A05 -> "Cục a không năm", nhà A2 -> "nhà a hai": a code, not a glued number."""
    return re.sub(
        r"(?<![\w.,/-])([A-ZĐ]{1,3})(\d{1,4})(?![\w]|[.,]\d)",
        lambda m: f"{spell(m.group(1), marks)} {digit_by_digit(m.group(2), group=False)}",
        text,
    )


def read_number(token: str, dialect: str = "north") -> str:
    """One number token as written: 1.500.000, 2,5, 06, 0208, 1.2 (a section number)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token) and not token.startswith("0"):
        integer, _, fraction = token.partition(",")
        return (
            numbers.decimal(integer, fraction, dialect)
            if fraction
            else quantity_text(integer, dialect)
        )
    if re.fullmatch(r"\d+,\d+", token):
        integer, fraction = token.split(",")
        return numbers.decimal(integer, fraction, dialect)
    if "." in token or "," in token:  # 1.2.3, 0.5: read the parts, "chấm"/"phẩy" between
        parts = re.split(r"([.,])", token)
        return " ".join(
            {".": "chấm", ",": "phẩy"}.get(p) or read_number(p, dialect) for p in parts if p
        )
    if len(token) > 2 and token.startswith("0"):
        return digit_by_digit(token)
    if len(token) >= int(tables.numbers()["code_min_digits"]):
        return digit_by_digit(token)
    return quantity_text(token, dialect)


def read_numbers(text: str, dialect: str = "north") -> str:
    """Every digit left: quantities with '.' thousands and ',' decimals; 06 -> "sáu"."""
    return re.sub(r"\d+(?:[.,]\d+)*", lambda m: read_number(m.group(0), dialect), text)


# -- abbreviations and acronyms ------------------------------------------------------


def _replace_words(text: str, table: Mapping[str, str], ignore_case: bool = False) -> str:
    pattern = _words_pattern(tuple(table), ignore_case)
    lookup = {k.lower(): v for k, v in table.items()} if ignore_case else dict(table)

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        return lookup[word.lower() if ignore_case else word]

    return pattern.sub(repl, text)


@lru_cache(maxsize=8)
def _words_pattern(keys: tuple[str, ...], ignore_case: bool) -> re.Pattern[str]:
    alts = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    flags = re.IGNORECASE if ignore_case else 0
    # Keys ending in "." (TP., TM.) bring their own right edge.
    return re.compile(r"(?<![\w&/.@])(?:" + alts + r")(?:(?<=\.)|(?![\w&/@]))", flags)


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    keys = sorted(tables.places(), key=len, reverse=True)
    alts = "|".join(re.escape(k) for k in keys)
    # Followed by a number (Q.1, KP. 3) or a capitalised word with a small letter next.
    return re.compile(r"(?<![\w.&/])(" + alts + r")[ \t]*(?=\d|([^\W\d_])[^\W\d_]*)")


_NAME_BEFORE = re.compile(r"([^\W\d_]+)[ \t]+$")


def _is_initial(text: str, start: int) -> bool:
    """Is the word before ``start`` a title or a name inside a sentence (Văn, ông)?"""
    before = text[max(0, start - 40) : start]
    m = _NAME_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1)
    data = tables.table("abbreviations")
    if word.lower() in data["person_words"] or word in data["person_words"]:
        return True
    if not (word[0].isupper() and word[1:].islower()):
        return False  # UBND, xã: not a name
    head = before[: m.start(1)].rstrip(" \t")
    return bool(head) and head[-1] not in ".!?:;(\n"  # a capital word mid-sentence


def expand_place_abbreviations(text: str) -> str:
    """H. Cần Giuộc -> huyện Cần Giuộc, Q.1 -> quận 1; "Nguyễn Văn H." keeps its initial;
    before a title "P. Giám đốc" -> "phó Giám đốc", "Q. Chủ tịch" -> "quyền Chủ tịch"."""
    data = tables.table("abbreviations")
    places, not_before = tables.places(), data["place_not_before"]

    def repl(m: re.Match[str]) -> str:
        key, first = m.group(1), m.group(2)
        nxt = m.string[m.end() : m.end() + 12]
        if first is not None:
            word = re.match(r"[^\W\d_]+", nxt)
            if not first.isupper() or word is None or len(word.group()) < 2:
                return m.group(0)
            if word.group() in data["titles"]:
                return data["title_abbreviations"].get(key, key) + " "
            if not word.group()[1].islower() or word.group() in not_before:
                return m.group(0)
        if _is_initial(m.string, m.start()):
            return m.group(0)
        return places[key] + " "

    return _place_pattern().sub(repl, text)


_ITEM_WORDS = ("điểm", "khoản", "mục", "tiết", "phụ lục", "phương án")
_ITEM_LETTER = re.compile(
    r"(?i)(?<!\w)(điểm|khoản|mục|tiết|phụ lục|phương án)([ \t]+)([a-zđ])(?!\w|\.\w)"
    r"((?:[ \t]*(?:,|và|hoặc|-|–)[ \t]*[a-zđ](?!\w|\.\w))*)"
)


def read_item_letters(text: str, marks: bool = False) -> str:
    """ "điểm b khoản 1" -> "điểm bê khoản 1"; "điểm a, b và c" -> "điểm a, bê và xê".

    Legal texts number sub-items with letters; a single letter left raw is read by an
    engine as whatever it guesses, so it gets its letter name (data/letters.yaml).
    """
    low = text.lower()
    if not any(w in low for w in _ITEM_WORDS):
        return text

    def repl(m: re.Match[str]) -> str:
        rest = re.sub(
            r"(?i)(?<![^\W\d_])[a-zđ](?!\w)", lambda x: spell(x.group(), marks), m.group(4)
        )
        return f"{m.group(1)}{m.group(2)}{spell(m.group(3), marks)}{rest}"

    return _ITEM_LETTER.sub(repl, text)


@lru_cache(maxsize=1)
def _gloss_pattern() -> re.Pattern[str]:
    pairs = [
        (gloss, key)
        for key, glosses in tables.table("abbreviations")["glossed"].items()
        for gloss in glosses
    ]
    space = r"[ \t]+"
    alts = "|".join(
        "(?:"
        + re.escape(g).replace(r"\ ", space)
        + r")[ \t]*\(?[ \t]*"
        + re.escape(k)
        + r"[ \t]*\)?"
        for g, k in sorted(pairs, key=lambda p: -len(p[0]))
    )
    return re.compile(r"(?i)(?<!\w)(?:" + alts + r")(?!\w)")


def drop_doubled_glosses(text: str) -> str:
    """ "tin nhắn SMS" -> "tin nhắn": the acronym after its own Vietnamese words is not
    read a second time (data/abbreviations.yaml ``glossed``)."""
    data = tables.table("abbreviations")["glossed"]
    keys = {k.lower(): k for k in data}
    low = text.lower()
    if not any(k in low for k in keys):
        return text

    def repl(m: re.Match[str]) -> str:
        found = m.group(0)
        for key in sorted(keys, key=len, reverse=True):
            idx = found.lower().rfind(key)
            if idx > 0:
                return found[:idx].rstrip(" \t(")
        return found

    return _gloss_pattern().sub(repl, text)


def expand_abbreviations(text: str) -> str:
    """UBND -> "ủy ban nhân dân", V/v -> "về việc", TP. -> "thành phố" (data/abbreviations.yaml)."""
    return _replace_words(text, tables.abbreviations())


_VOWELS = "aăâeêioôơuưy"
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    r"[" + _VOWELS + r"]{1,3}(?:ch|ng|nh|[cmnptk])?"
)


def is_syllable(word: str) -> bool:
    """Could this be one Vietnamese syllable (tones ignored)? Tells words from acronyms."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if c not in _TONES)
    return _SYLLABLE.fullmatch(unicodedata.normalize("NFC", bare)) is not None


def read_acronyms(text: str, marks: bool = False) -> str:
    """Capitals that cannot be a syllable are spelled (OTP, VT, FM); capital words are lowered."""

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) < 2 or not word.isupper():
            return word
        return word.lower() if is_syllable(word) else spell(word, marks)

    return re.sub(r"[^\W\d_]+", repl, text)


# -- symbols and punctuation ---------------------------------------------------------

_SYMBOL_WORDS = {
    "&": " và ",
    "+": " cộng ",
    "=": " bằng ",
    "@": " a còng ",
    "%": " phần trăm ",
    "$": " đô la ",
    "€": " ơ rô ",
    "°": " độ ",
    "~": " khoảng ",
    "≈": " khoảng ",
    "×": " nhân ",
    "≥": " lớn hơn hoặc bằng ",
    "≤": " nhỏ hơn hoặc bằng ",
    ">": " lớn hơn ",
    "<": " nhỏ hơn ",
}
_PER_UNITS = r"ngày|tháng|năm|tuần|giờ|phút|người|lần|hộ|lượt"


def read_per_units(text: str) -> str:
    """ "2 lần/ngày" -> "2 lần một ngày". Runs while numbers are still digits, so the
    "năm" of "50/50" (fifty) is never taken for "per year"."""
    return re.sub(r"/(?=[ \t]*(?:" + _PER_UNITS + r")(?!\w))", " một ", text)


def replace_symbols(text: str) -> str:
    """Pauses for brackets and ellipses, words for & % /, nothing an engine would spell."""
    text = re.sub(r"[ \t]*\./\.", ".", text)  # the "./." closing mark of official letters
    text = re.sub(r"…|\.{2,}", ",", text)
    text = re.sub(r"[()\[\]{}|]", ",", text)
    text = re.sub(r"[\"“”‘’'«»`´]", "", text)
    text = re.sub(r"[ \t]*/[ \t]*", ", ", text)
    text = re.sub(r"[ \t]*[–—―][ \t]*", ", ", text)
    text = re.sub(r"[ \t]+-[ \t]*|[ \t]*-[ \t]+", ", ", text)
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    for symbol, word in _SYMBOL_WORDS.items():
        text = text.replace(symbol, word)
    text = re.sub(r"\d+", lambda m: quantity_text(m.group(0)), text)  # safety net
    # Digits are words by now; anything else that is not a letter becomes a space.
    return _not_sayable().sub(" ", text)


@lru_cache(maxsize=1)
def _not_sayable() -> re.Pattern[str]:
    """Anything but a letter, a space, a newline, a pause mark or a spelled mark: one
    regex instead of a Python test per character. \\w also takes digits of every kind
    (², ½, ٣), so those are listed and taken out again."""
    numeric = "".join(chr(i) for i in range(0x10000) if chr(i).isalnum() and not chr(i).isalpha())
    return re.compile(r"[^\w \n.,;:!?" + _MARKS + r"]|[_" + re.escape(numeric) + "]")


_STRENGTH = {",": 1, ":": 2, ";": 3, "!": 4, "?": 4, ".": 5}


def tidy_punctuation(text: str, keep_marks: bool = False) -> str:
    """One space between words, one punctuation mark per pause, a full stop at the end.

    The marks around spelled runs are removed, or with ``keep_marks`` kept (two runs
    with only a space between them become one).
    """
    if keep_marks:
        text = re.sub(SPELLED_CLOSE + r"([ \t]*)" + SPELLED_OPEN, r"\1", text)
    else:
        text = text.replace(SPELLED_OPEN, "").replace(SPELLED_CLOSE, "")
    out = []
    for para in text.split("\n"):
        para = _tidy_spaces(para)

        def strongest(m: re.Match[str]) -> str:
            marks = [c for c in m.group(0) if c in _STRENGTH]
            best = max(marks, key=lambda c: _STRENGTH[c])
            return best + " "

        para = re.sub(r"[ \t]*[.,;:!?](?:[ \t]*[.,;:!?])*[ \t]*", strongest, para)
        para = re.sub(r"^[\s.,;:!?]+", "", para).strip()
        if not any(c.isalpha() for c in para):
            continue
        if para[-1] in ",;:":
            para = para[:-1] + "."
        elif para[-1] not in ".!?":
            para += "."
        out.append(para)
    return "\n".join(out)


def _tidy_spaces(text: str) -> str:
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))


# -- the pipeline --------------------------------------------------------------------


def pipeline(
    dialect: str = "north", lexicon: Mapping[str, str] | None = None, marks: bool = False
) -> list[tuple[str, Rule]]:
    """The rules in the order they run, each a named ``str -> str``.

    With ``marks`` the output keeps SPELLED_OPEN/SPELLED_CLOSE around every run read
    as letter names (for the console's preview)."""
    numbers.check_dialect(dialect)
    d = {"dialect": dialect}
    return [
        ("unicode", normalize_unicode),
        ("tone_marks", normalize_tone_marks),
        ("star_codes", read_star_codes),
        ("link_marks", strip_link_marks),
        ("comparisons", read_comparisons),
        ("markdown", strip_markdown),
        ("plus_bullets", strip_plus_bullets),
        ("lines", join_lines),
        ("lexicon", partial(apply_lexicon, lexicon=dict(lexicon or {}), marks=marks)),
        ("roman_numerals", read_roman_numerals),
        ("places", expand_place_abbreviations),
        ("emails", partial(read_emails, marks=marks)),
        ("web_addresses", partial(read_web_addresses, marks=marks)),
        ("document_numbers", partial(read_document_numbers, **d, marks=marks)),
        ("plates", partial(read_plates, **d, marks=marks)),
        ("quarters_districts", read_quarters_and_districts),
        ("weekdays", read_weekdays),
        ("multipliers", read_multipliers),
        ("phone_numbers", read_phone_numbers),
        ("country_prefixes", read_country_prefixes),
        ("grouped_codes", read_grouped_codes),
        ("digit_contexts", read_digit_contexts),
        ("numbers_after_so", read_numbers_after_so),
        ("hotlines", read_hotlines),
        ("long_codes", read_long_codes),
        ("glued_amounts", partial(read_glued_amounts, **d)),
        ("glosses", drop_doubled_glosses),
        ("loanwords", read_loanwords),
        ("dash_dates", partial(read_dash_dates, **d)),
        ("date_ranges", partial(read_date_ranges, **d)),
        ("dates", partial(read_dates, **d)),
        ("month_year", partial(read_month_year, **d)),
        ("day_month_words", partial(read_day_month_words, **d)),
        ("hour_g", read_hour_g),
        ("times", partial(read_times, **d)),
        ("ordinals", partial(read_ordinals, **d)),
        ("per_units", read_per_units),
        ("number_ranges", read_number_ranges),
        ("percent", partial(read_percent, **d)),
        ("money", partial(read_money, **d)),
        ("units", partial(read_units, **d)),
        ("letter_codes", partial(read_letter_codes, marks=marks)),
        ("numbers", partial(read_numbers, **d)),
        ("item_letters", partial(read_item_letters, marks=marks)),
        ("abbreviations", expand_abbreviations),
        ("acronyms", partial(read_acronyms, marks=marks)),
        ("symbols", replace_symbols),
        ("punctuation", partial(tidy_punctuation, keep_marks=marks)),
    ]
