"""Pronunciation fixes for eSpeak NG's Vietnamese, applied to a private copy of its data.

espeakng-loader ships eSpeak NG's data compiled, without the ``vi_rules`` source the
library's own dictionary compiler needs, so a fix cannot be recompiled from source. A fix
is one of two kinds, both exact, same-length changes of the compiled data:

- a spelling rule's phonemes (initial "đ" said as eSpeak's implosive ``d_`` becomes a plain
  ``d``): the compiled rule keeps the same bytes but for the phoneme codes, so the fix is a
  substitution inside that rule group of ``vi_dict``;
- a phoneme's definition (Vietnamese's own ``N``, the "ng" sound, said as the base table's
  velar nasal): the language's entry in ``phontab`` takes the base entry's flags, lengths
  and program, keeping its own code, so every rule that says ``N`` says the base sound;
  or a tone's pitch span (the lowest and highest pitch its contour reaches, 0-63 of the
  voice's range), which eSpeak keeps in the tone phoneme's entry.

Phoneme codes are looked up by name in the shipped ``phontab``, never written here as
numbers, and a fix whose rule or phoneme is not found stops the build instead of being
skipped.

The fixes are data (``espeak_fixes.yaml``); each was measured with the machine listener of
``bench/bench_intelligibility.py`` (issue 20). The patched copy is made at first use in a
cache folder named after the stock data and the fixes, so a new eSpeak NG or a new fix makes
a new copy and changes the engine's version (and so the speech cache keys).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from ..errors import EngineError

_GROUP_START = 0x06
_GROUP_END = 0x07
_RULE_PHONEMES = 0x03
_TABLE_NAME_BYTES = 32
_PHONEME_BYTES = 16
_CODE_BYTE = 10
_TYPE_BYTE = 11
_TONE_TYPE = 1  # phSTRESS: tones are stress-type phonemes
_PITCH_BYTES = slice(12, 14)  # a tone's start_type/end_type: its low and high pitch
_PHONTAB = "phontab"
_DICT = "vi_dict"


@dataclass(frozen=True)
class Fix:
    """In the spelling-rule group ``group``, the rules saying ``old`` say ``new`` instead;
    or (``phoneme`` set) the vi table's own ``phoneme`` is defined as table ``like``'s,
    and/or (a tone) spans the pitches ``pitch`` (low, high)."""

    name: str
    group: str
    old: tuple[str, ...]  # phoneme mnemonics, as in eSpeak NG's phoneme tables
    new: tuple[str, ...]
    why: str
    phoneme: str = ""
    like: str = ""
    pitch: tuple[int, ...] = ()


@cache
def _table() -> dict[str, list[Fix]]:
    raw = yaml.safe_load(
        resources.files("broadcast.speech").joinpath("espeak_fixes.yaml").read_text("utf-8")
    )
    return {
        part: [
            Fix(
                name=str(item["name"]),
                group=str(item.get("group", "")),
                old=tuple(str(item.get("from", "")).split()),
                new=tuple(str(item.get("to", "")).split()),
                why=str(item.get("why", "")),
                phoneme=str(item.get("phoneme", "")),
                like=str(item.get("like", "")),
                pitch=tuple(int(v) for v in item.get("pitch") or ()),
            )
            for item in raw.get(part) or []
        ]
        for part in ("fixes", "candidates")
    }


def fixes() -> tuple[Fix, ...]:
    """The shipped fixes, in order (what the engine applies by default)."""
    return tuple(_table()["fixes"])


def by_names(names: list[str]) -> tuple[Fix, ...]:
    """Shipped fixes and candidates by name, in the order given.

    Raises KeyError naming the first unknown one."""
    known = {f.name: f for part in _table().values() for f in part}
    return tuple(known[n] for n in names)


def all_names() -> list[str]:
    return [f.name for part in _table().values() for f in part]


def _tables(phontab: bytes) -> list[tuple[str, int, dict[str, int]]]:
    """Per phoneme table: its name, the 1-based index of the table it includes (0: none),
    and mnemonic -> offset of its 16-byte entry in ``phontab``.

    ``phontab``: a count byte (then 3 pad bytes), then per table its phoneme count, the
    included table, 2 pad bytes, a 32-byte name and 16 bytes per phoneme (mnemonic as 4
    little-endian chars first, the code at byte 10).
    """
    count, pos = phontab[0], 4
    tables: list[tuple[str, int, dict[str, int]]] = []
    for _ in range(count):
        n, includes = phontab[pos], phontab[pos + 1]
        name = phontab[pos + 4 : pos + 4 + _TABLE_NAME_BYTES].split(b"\0")[0].decode("ascii")
        pos += 4 + _TABLE_NAME_BYTES
        entries: dict[str, int] = {}
        for _ in range(n):
            (mnemonic,) = struct.unpack_from("<I", phontab, pos)
            text = mnemonic.to_bytes(4, "little").rstrip(b"\0").decode("latin-1")
            entries.setdefault(text, pos)
            pos += _PHONEME_BYTES
        tables.append((name, includes, entries))
    return tables


def phoneme_codes(phontab: bytes, table: str = "vi") -> dict[str, int]:
    """Phoneme mnemonic -> code in ``table``, with what it inherits from its base tables."""
    tables = _tables(phontab)
    by_name = {t[0]: i for i, t in enumerate(tables)}
    if table not in by_name:
        raise ValueError(f"no phoneme table {table!r}")
    chain, i = [], by_name[table]
    while True:
        chain.append(i)
        if tables[i][1] == 0 or len(chain) > len(tables):
            break
        i = tables[i][1] - 1
    merged: dict[str, int] = {}
    for i in reversed(chain):  # the language's own phonemes win over the base tables'
        merged.update({m: phontab[at + _CODE_BYTE] for m, at in tables[i][2].items()})
    return merged


def patch_phonemes(phontab: bytes, to_apply: tuple[Fix, ...], table: str = "vi") -> bytes:
    """``phontab`` with each phoneme fix applied (pure): defined as in its ``like`` table,
    and/or (a tone) spanning its ``pitch``.

    A redefined entry keeps its mnemonic and code (so the dictionary's rules still name it)
    and takes the other entry's flags, type, lengths and program. Raises ValueError when
    the table or a phoneme is not there, or a pitch is not a tone's (the data changed).
    """
    out = bytearray(phontab)
    tables = {t[0]: t[2] for t in _tables(phontab)}
    for fix in (f for f in to_apply if f.phoneme):
        for name in (table, fix.like) if fix.like else (table,):
            if name not in tables:
                raise ValueError(f"no phoneme table {name!r}")
            if fix.phoneme not in tables[name]:
                raise ValueError(f"no phoneme {fix.phoneme!r} of its own in table {name!r}")
        at = tables[table][fix.phoneme]
        if fix.like:
            src = tables[fix.like][fix.phoneme]
            code = out[at + _CODE_BYTE]
            out[at + 4 : at + _PHONEME_BYTES] = phontab[src + 4 : src + _PHONEME_BYTES]
            out[at + _CODE_BYTE] = code
        if fix.pitch:
            if out[at + _TYPE_BYTE] != _TONE_TYPE:
                raise ValueError(f"phoneme {fix.phoneme!r} is not a tone")
            if len(fix.pitch) != 2 or not 0 <= fix.pitch[0] < fix.pitch[1] <= 63:
                raise ValueError(f"tone {fix.phoneme!r}: pitch must be [low, high] in 0-63")
            out[at + _PITCH_BYTES.start : at + _PITCH_BYTES.stop] = bytes(fix.pitch)
    return bytes(out)


def _group_span(data: bytes, group: str) -> tuple[int, int]:
    marker = bytes([_GROUP_START]) + group.encode("utf-8") + b"\0"
    start = data.find(marker)
    if start < 0:
        raise ValueError(f"no rule group {group!r}")
    body = start + len(marker)
    end = data.find(bytes([_GROUP_END]), body)  # rule bytes are never 0x07 but at the end
    return body, (len(data) if end < 0 else end)


def patch_rules(vi_dict: bytes, to_apply: tuple[Fix, ...], codes: dict[str, int]) -> bytes:
    """``vi_dict`` with each fix's rules saying the new phonemes (same length, pure).

    A rule ends "RULE_PHONEMES, its phoneme codes, 0"; the fix replaces that tail in every
    rule of its group that says exactly the old phonemes. Raises ValueError when a phoneme or the rule is not there (the data changed).
    """
    out = bytearray(vi_dict)
    for fix in (f for f in to_apply if not f.phoneme):
        if len(fix.old) != len(fix.new):
            raise ValueError(f"fix in group {fix.group!r}: old and new differ in length")
        try:
            old = bytes([_RULE_PHONEMES, *(codes[p] for p in fix.old), 0])
            new = bytes([_RULE_PHONEMES, *(codes[p] for p in fix.new), 0])
        except KeyError as exc:
            raise ValueError(f"no phoneme {exc.args[0]!r} in the vi table") from None
        body, end = _group_span(bytes(out), fix.group)
        at = bytes(out).find(old, body, end)
        if at < 0:
            raise ValueError(f"no rule saying {' '.join(fix.old)!r} in group {fix.group!r}")
        while at >= 0:  # every rule of the group that says exactly ``old``
            out[at : at + len(new)] = new
            at = bytes(out).find(old, at + len(new), end)
    return bytes(out)


def fixes_id(to_apply: tuple[Fix, ...]) -> str:
    """A short name of this list of fixes, for the folder and the engine version."""
    text = "\n".join(
        (f"{f.phoneme}<{f.like}" + (f"={f.pitch}" if f.pitch else ""))
        if f.phoneme
        else f"{f.group}:{' '.join(f.old)}>{' '.join(f.new)}"
        for f in to_apply
    )
    if not to_apply:
        return "stock"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _cache_root() -> Path:
    override = os.environ.get("BROADCAST_ESPEAK_DATA_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "broadcast"


def private_data(stock: Path, to_apply: tuple[Fix, ...], root: Path | None = None) -> Path:
    """A copy of the stock eSpeak NG data folder with the fixes in ``vi_dict`` and
    ``phontab``.

    Made once (first use) in ``root`` (default: the user's cache folder), in a temporary
    folder renamed into place, so two processes starting together both end with a whole
    copy. Every other file (and ``phontab`` when no fix changes it) is a symbolic link to
    the stock file (copied where links cannot be made). Raises EngineError when the stock
    data does not take the fixes.
    """
    stock_dict, stock_phontab = (stock / _DICT).read_bytes(), (stock / _PHONTAB).read_bytes()
    stamp = hashlib.sha256(stock_dict + stock_phontab).hexdigest()[:10]
    root = root or _cache_root()
    target = root / f"espeak-ng-data-{stamp}-{fixes_id(to_apply)}"
    if (target / _DICT).is_file():
        return target
    patched: dict[str, bytes] = {}
    for name in (_DICT, _PHONTAB):
        try:
            if name == _DICT:
                patched[name] = patch_rules(stock_dict, to_apply, phoneme_codes(stock_phontab))
            elif any(f.phoneme for f in to_apply):
                patched[name] = patch_phonemes(stock_phontab, to_apply)
        except ValueError as exc:
            raise EngineError(
                f"Không sửa được cách đọc của eSpeak NG ({exc})",
                where=str(stock / name),
                fix="đặt voice.options.espeak.fixes: false trong schedules/stations.yaml, "
                "hoặc cài espeakng-loader 0.2.4",
            ) from None
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".espeak-", dir=root))
    try:
        for entry in stock.iterdir():
            if entry.name in patched:
                continue
            try:
                (tmp / entry.name).symlink_to(entry.resolve())
            except OSError:
                if entry.is_dir():
                    shutil.copytree(entry, tmp / entry.name)
                else:
                    shutil.copy2(entry, tmp / entry.name)
        for name in sorted(patched, key=lambda n: n == _DICT):  # vi_dict last: "complete"
            (tmp / name).write_bytes(patched[name])
        try:
            tmp.rename(target)
        except OSError:
            if not (target / _DICT).is_file():  # not another process's whole copy: real error
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
