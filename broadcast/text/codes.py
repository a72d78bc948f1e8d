"""Digit strings that are codes, not quantities: phones, hotlines, accounts, ID numbers.

A listener must be able to dial or type what they hear, so these are read digit by
digit, in the writer's groups (or an announcer's: 0912 345 678, 024 3826 1234, 1900
1006) with a short pause between groups, and never as amounts or with "chấm". They
are found on their shape (phone numbers, dotted account numbers, known short codes,
long runs) or after a context word (data/numbers.yaml ``digit_contexts``), and run
before any rule that would read the digits as a date, a time or a quantity. Each is a
pure ``str -> str`` rule of the pipeline in rules.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import tables
from .numbers import digit_by_digit

# Shapes of Vietnamese telephone numbers, in any grouping the writer chose (dots,
# spaces, dashes or none): mobile 0[35789]x + 7 digits, landline 02xx + 8 digits,
# 1800/1900 service numbers of 8 or 10 digits, and the same after +84, (+84) or a
# glued 84. Each digit may be preceded by one separator, so every grouping matches.
_ANY = r"(?:[ .-]?\d)"
_PHONE = re.compile(
    r"(?=[(+018])(?<![\w.,+/-])(?<!\d[ .-])(?:"  # the lookahead first: fails fast
    r"(?P<intl>(?:\([ \t]?\+?[ \t]?84[ \t]?\)|\+[ \t]?84)[ .-]?(?:\(0\)[ .-]?)?)"
    r"(?P<inum>[35789]" + _ANY + r"{8}|2" + _ANY + r"{9})"
    r"|(?P<glued>84)(?P<gnum>[35789]\d{8}|2\d{9})"
    r"|(?P<num>0[ .-]?[35789]" + _ANY + r"{8}|0[ .-]?2" + _ANY + r"{9}"
    r"|\(02\d\)[ .-]?\d" + _ANY + r"{7}|\(02\d\d\)[ .-]?\d" + _ANY + r"{6}"
    r"|1[89]00" + _ANY + r"{4}(?:" + _ANY + r"{2})?)"
    r")(?![\w]|[ .,-]\d)"  # more digits after: not this shape, another rule reads them
)


def phone_groups(digits: str) -> list[str]:
    """How an announcer groups a bare number: 0912 345 678, 024 3826 1234, 1900 1006."""
    if digits.startswith(("024", "028")) and len(digits) == 11:
        return [digits[:3], digits[3:7], digits[7:]]
    if digits.startswith(("24", "28")) and len(digits) == 10:  # after +84
        return [digits[:2], digits[2:6], digits[6:]]
    if digits.startswith("1") and len(digits) == 8:  # 1900 1006
        return [digits[:4], digits[4:]]
    if len(digits) == 9:  # a mobile after +84: 912 345 678
        return [digits[:3], digits[3:6], digits[6:]]
    if len(digits) == 10 and digits.startswith("2"):  # a landline after +84: 208 385 5123
        return [digits[:3], digits[3:6], digits[6:]]
    if len(digits) == 11:  # 0208 385 5123
        return [digits[:4], digits[4:7], digits[7:]]
    return [digits[:4], digits[4:7], digits[7:]] if len(digits) == 10 else [digits]


def _say_phone(written: str) -> str:
    """The writer's groups if there are any, else the announcer's grouping."""
    groups = re.findall(r"\d+", written)
    if len(groups) == 1:
        groups = phone_groups(groups[0])
    # A long group the writer left whole, (024)38261234: cut it as in 3826 1234.
    groups = [p for g in groups for p in ([g[:4], g[4:]] if len(g) == 8 else [g])]
    return ", ".join(digit_by_digit(g, group=False) for g in groups)


def read_phone_numbers(text: str) -> str:
    """0912.345.678 / 024 3826 1234 / (+84) 912 345 678 / 1900 1006: digit by digit.

    Recognised on the number's shape alone, anywhere in a sentence: a listener must
    be able to dial what they hear, so no context word is needed.
    """

    def repl(m: re.Match[str]) -> str:
        if m.group("num"):
            return _say_phone(m.group("num"))
        if m.group("glued"):
            return "tám bốn, " + _say_phone(m.group("gnum"))
        return "cộng tám bốn, " + _say_phone(m.group("inum").lstrip(" .-"))

    text = _PHONE.sub(repl, text)
    # The prefix on its own ("số có đầu +84"): still a code, not "cộng tám mươi bốn".
    return _BARE_PREFIX.sub("cộng tám bốn", text)


_BARE_PREFIX = re.compile(r"(?<![\w+])(?:\([ \t]?\+[ \t]?84[ \t]?\)|\+[ \t]?84)(?![\w]|[ .-]?\d)")

# +840, +8412: a prefix written with a digit or two more ("đầu số +840"), too short
# to be a phone number: still read one digit at a time after "cộng".
_SHORT_PREFIX = re.compile(
    r"(?<![\w+])\+[ \t]?(84\d{0,2}|\d{1,3}(?=[ \t]+(?:gọi|nhắn|là|của|từ|đến|hoặc)(?!\w)|[,;).]|$))"
    r"(?![\w]|[ .,-]?\d)"
)


def read_country_prefixes(text: str) -> str:
    """+840 -> "cộng tám bốn không", +84 -> "cộng tám bốn": a code, never an amount.

    Another country's code (+855, +1) is one too when a word of calling or a pause
    follows it ("số lạ +855 gọi đến"); "5+2" and "+20%" are left to the other rules.
    """
    if "+" not in text:
        return text
    return _SHORT_PREFIX.sub(lambda m: "cộng " + digit_by_digit(m.group(1), group=False), text)


# *101#, #0#, *9090*1#, *#06#: star and USSD codes end with "#"; each key is said as
# it is pressed, * as "sao" and # as "thăng", so the listener can dial it.
_USSD = re.compile(r"(?<![\w*#])[*#][0-9*#]*[0-9][0-9*#]*#(?!\w)")


def read_star_codes(text: str) -> str:
    """bấm *101# -> "bấm sao một không một thăng". Runs before Markdown, which drops "*"."""
    if "#" not in text:
        return text
    names = {**tables.digits(), "*": "sao", "#": "thăng"}
    return _USSD.sub(lambda m: " ".join(names[c] for c in m.group(0)), text)


# 0451.0003.21987, 0451-0003-21987: groups that are not thousands (a group of four
# or more digits, or a leading zero) are an account number wherever they stand.
_GROUPED_CODE = re.compile(
    r"(?<![\w.,/+-])(\d{3,}(?:\.\d{3,})+|\d{3,}(?:-\d{3,}){2,})(?![\w/%]|[.,-]\d)"
)


def read_grouped_codes(text: str) -> str:
    """An account number grouped with dots or dashes: digit by digit, never "chấm"."""

    def repl(m: re.Match[str]) -> str:
        run = m.group(1)
        groups = re.split(r"[.-]", run)
        digits = "".join(groups)
        thousands = (
            "." in run
            and not run.startswith("0")
            and len(groups[0]) <= 3
            and all(len(g) == 3 for g in groups[1:])
        )
        if thousands or not 6 <= len(digits) <= 19:
            return run
        return digit_by_digit(run)

    return _GROUPED_CODE.sub(repl, text)


_DIGIT_RUN = re.compile(r"\+?\d(?:\d|[ .-](?=\d))*")


@lru_cache(maxsize=1)
def _context_before() -> re.Pattern[str]:
    """A context word ending right before a digit run (searched in a short window)."""
    contexts = sorted(tables.numbers()["digit_contexts"], key=len, reverse=True)
    alts = "|".join(re.escape(c) for c in contexts)
    return re.compile(r"(?i)(?<!\w)(?:" + alts + r")(?:[ \t]+số)?[ \t]*:?[ \t]*\Z")


@lru_cache(maxsize=1)
def _short_code_before() -> re.Pattern[str]:
    """gửi, nhắn, soạn, đến số: a short code or SMS number follows (three digits or more)."""
    contexts = sorted(tables.numbers()["short_code_contexts"], key=len, reverse=True)
    alts = "|".join(re.escape(c) for c in contexts)
    return re.compile(
        r"(?i)(?<!\w)(?:" + alts + r")(?:[ \t]+(?:đến|tới))?(?:[ \t]+số)?[ \t]*:?[ \t]*\Z"
    )


_CONTEXT_WINDOW = 48  # longer than the longest context word and its gap


@lru_cache(maxsize=1)
def _quantity_after() -> re.Pattern[str]:
    units = "|".join(re.escape(w) for w in tables.numbers()["quantity_words"])
    return re.compile(r"(?i)[ \t]*(?:" + units + r")(?!\w)")


def _looks_like_amount(run: str) -> bool:
    """20, 500.000: a count or a sum; 113, 0912, 123456 stay codes."""
    if run.startswith("0") or run in tables.numbers()["hotlines"]:
        return False
    return re.fullmatch(r"\d{1,3}(?:\.\d{3})*", run) is not None


def read_digit_contexts(text: str) -> str:
    """After "gọi", "tổng đài", "số tài khoản", "CCCD", ...: digits one by one.

    Unless a counting word follows: "gọi 20 cuộc", "tài khoản 500.000 đồng" are amounts.
    Each digit run looks back at the few characters before it for a context word,
    which is much faster than trying every context word at every position.
    """
    before, after, short = _context_before(), _quantity_after(), _short_code_before()
    out, last = [], 0
    for m in _DIGIT_RUN.finditer(text):
        run, start, end = m.group(), m.start(), m.end()
        if end < len(text) and (text[end].isalnum() or text[end] in "_/%"):
            continue
        window = max(0, start - _CONTEXT_WINDOW)
        if not before.search(text, window, start):
            if len(re.sub(r"\D", "", run)) < 3 or not short.search(text, window, start):
                continue
        if after.match(text, end) and _looks_like_amount(run):
            continue
        out += [text[last:start], ("cộng " if run[0] == "+" else "") + digit_by_digit(run)]
        last = end
    out.append(text[last:])
    return "".join(out)


_BARE_SO = re.compile(r"(?i)(?<!\w)(số[ \t]*:?[ \t]*)(\d+)(?![\w/%]|[.,]\d)")


def read_numbers_after_so(text: str) -> str:
    """ "số 0123456" or "số 1234567" is a code; "số 12" stays a quantity."""
    minimum = int(tables.numbers()["bare_so_min_digits"])

    def repl(m: re.Match[str]) -> str:
        run = m.group(2)
        if run.startswith("0") and len(run) > 1 or len(run) >= minimum:
            return m.group(1) + digit_by_digit(run)
        return m.group(0)

    return _BARE_SO.sub(repl, text)


@lru_cache(maxsize=1)
def _hotline_pattern() -> re.Pattern[str]:
    data = tables.numbers()
    lines = "|".join(sorted(data["hotlines"], key=len, reverse=True))
    units = "|".join(re.escape(w) for w in data["quantity_words"])
    return re.compile(
        r"(?<![\w.,/+-])(" + lines + r")(?![\w/%]|[.,]\d|[ \t]*(?:" + units + r")(?!\w))"
    )


def read_hotlines(text: str) -> str:
    """156, 113, 114, 115, 111 ... are codes: "một năm sáu", not "một trăm năm mươi sáu"."""
    return _hotline_pattern().sub(lambda m: digit_by_digit(m.group(1)), text)


def read_long_codes(text: str) -> str:
    """A run of nine or more digits (account, ID card) is read digit by digit."""
    n = int(tables.numbers()["code_min_digits"])
    return re.sub(
        r"(?<![\w.,])(\d{" + str(n) + r",})(?![\w]|[.,]\d)",
        lambda m: digit_by_digit(m.group(1)),
        text,
    )
