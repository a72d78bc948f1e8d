"""Recover the rows of a damaged as-run log: every row SQLite can still read, none invented.

A power cut on a cheap SD card, a disk error or a copy that stopped half way can leave
``asrun.sqlite`` damaged; months of evidence for the directive report live in it.
``broadcast build`` moves such a file aside and starts a new log (``asrun.open_for_build``);
``broadcast asrun repair`` then copies every readable row from the damaged file into the
new log.

Two readers, whose results are joined (keyed by table and row id):

- SQLite's own ``.recover`` (the ``sqlite3`` command-line program, when installed): it
  walks every page of the file, and rows whose table it cannot name land in its
  ``lost_and_found`` table, which we assign by their number of fields;
- a page scanner written here from the SQLite file format: every table-leaf page of the
  file (and the newest committed copy of each page in the ``-wal`` file) is decoded cell by
  cell, skipping pages on the freelist; a page or a cell that does not decode is skipped,
  never guessed. It needs no program and reads past a broken schema page or a broken
  interior page, which a plain ``SELECT`` cannot.

A recovered row is kept only if it looks like a row of ``planned`` or ``plays`` (field
count, a date in ``day``, a known ``result``), so garbage never reaches the report.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import Any

#: Columns of the tables we recover, in table order (migration 1 of asrun.py); rows with
#: more fields (columns added by later migrations) keep these first ones.
COLUMNS = {
    "planned": (
        "id day station_id seq slot start end duration_s script_id source directive priority "
        "title file engine kind recorded_at"
    ).split(),
    "plays": (
        "id day station_id slot script_id source directive file title start end duration_s "
        "result note recorded_at"
    ).split(),
}
#: Columns added by later migrations, in the order they were added, with their defaults: a
#: row written before a migration has none of them in its record, a newer row has them all.
ADDED = {
    "planned": (("version", ""),),
    "plays": (("version", ""), ("file_sha1", "")),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RESULTS = ("played", "failed", "skipped", "confirmed", "imported", "interrupted")

Row = dict[str, Any]


def plausible(table: str, row: Row) -> bool:
    """Does ``row`` look like a row of ``table``? (Guards against decoding noise.)"""
    day, start = row.get("day"), row.get("start")
    if not (isinstance(day, str) and _DAY.match(day) and isinstance(start, str)):
        return False
    if not isinstance(row.get("station_id"), str) or not isinstance(row.get("script_id"), str):
        return False
    if table == "plays":
        return isinstance(row.get("result"), str) and row["result"] in RESULTS
    return isinstance(row.get("seq"), int) and isinstance(row.get("duration_s"), int | float)


def classify(values: list[Any]) -> tuple[str, Row] | None:
    """(table, row) for a record whose table is unknown, by its fields."""
    for table in ("planned", "plays"):
        names = COLUMNS[table]
        if len(values) < len(names):
            continue
        row = dict(zip(names, values, strict=False))
        if plausible(table, row):
            for i, (name, default) in enumerate(ADDED[table]):
                at = len(names) + i
                row[name] = values[at] if at < len(values) else default
            return table, row
    return None


# -- the SQLite file format ---------------------------------------------------------------


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        if pos + i >= len(buf):
            raise ValueError("varint past the end")
        byte = buf[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    raise AssertionError("unreachable")


def _record(payload: bytes) -> list[Any]:
    header_len, pos = _varint(payload, 0)
    if header_len > len(payload) or header_len < 1:
        raise ValueError("bad record header")
    types = []
    while pos < header_len:
        t, pos = _varint(payload, pos)
        types.append(t)
    values: list[Any] = []
    body = header_len
    for t in types:
        if t == 0:
            values.append(None)
            continue
        if t in (8, 9):
            values.append(t - 8)
            continue
        if 1 <= t <= 6:
            n = (1, 2, 3, 4, 6, 8)[t - 1]
            chunk = payload[body : body + n]
            if len(chunk) < n:
                raise ValueError("short integer")
            values.append(int.from_bytes(chunk, "big", signed=True))
        elif t == 7:
            chunk = payload[body : body + 8]
            if len(chunk) < 8:
                raise ValueError("short float")
            values.append(struct.unpack(">d", chunk)[0])
            n = 8
        elif t >= 12:
            n = (t - 12) // 2 if t % 2 == 0 else (t - 13) // 2
            chunk = payload[body : body + n]
            if len(chunk) < n:
                raise ValueError("short text")
            values.append(bytes(chunk) if t % 2 == 0 else chunk.decode("utf-8"))
        else:
            raise ValueError(f"serial type {t}")
        body += n
    return values


def _pages(db: bytes, wal: bytes | None) -> tuple[int, int, dict[int, bytes]]:
    """(page size, usable size, {page number: bytes}) with committed WAL frames applied."""
    page_size = 4096
    reserved = 0
    if db[:16] == b"SQLite format 3\x00":
        raw = struct.unpack(">H", db[16:18])[0]
        page_size = 65536 if raw == 1 else raw
        reserved = db[20]
        if page_size < 512 or page_size & (page_size - 1):
            page_size, reserved = 4096, 0
    pages = {n + 1: db[n * page_size : (n + 1) * page_size] for n in range(len(db) // page_size)}
    if wal and len(wal) >= 32 and struct.unpack(">I", wal[:4])[0] in (0x377F0682, 0x377F0683):
        wal_size = struct.unpack(">I", wal[8:12])[0]
        if wal_size == page_size:
            salts = wal[16:24]
            frame, pending = 32, {}
            while frame + 24 + page_size <= len(wal):
                number, commit = struct.unpack(">II", wal[frame : frame + 8])
                if wal[frame + 8 : frame + 16] != salts:
                    break
                pending[number] = wal[frame + 24 : frame + 24 + page_size]
                if commit:  # a committed transaction: its pages are the newest
                    pages.update(pending)
                    pending = {}
                frame += 24 + page_size
    return page_size, page_size - reserved, pages


def _freelist(pages: dict[int, bytes]) -> set[int]:
    """Pages on the freelist (their old content is not live data); empty if unreadable."""
    first = pages.get(1, b"")
    if first[:16] != b"SQLite format 3\x00":
        return set()
    out: set[int] = set()
    trunk = struct.unpack(">I", first[32:36])[0]
    while trunk and trunk in pages and trunk not in out and len(out) < len(pages):
        page = pages[trunk]
        out.add(trunk)
        count = struct.unpack(">I", page[4:8])[0]
        for i in range(min(count, (len(page) - 8) // 4)):
            out.add(struct.unpack(">I", page[8 + 4 * i : 12 + 4 * i])[0])
        trunk = struct.unpack(">I", page[0:4])[0]
    return out


def _payload(
    pages: dict[int, bytes], page: bytes, pos: int, size: int, usable: int
) -> bytes | None:
    """A cell's payload, following overflow pages; None if a link is broken."""
    x = usable - 35
    if size <= x:
        return page[pos : pos + size]
    m = ((usable - 12) * 32 // 255) - 23
    k = m + (size - m) % (usable - 4)
    local = k if k <= x else m
    out = bytearray(page[pos : pos + local])
    nxt = struct.unpack(">I", page[pos + local : pos + local + 4])[0]
    seen: set[int] = set()
    while len(out) < size:
        if nxt in seen or nxt not in pages:
            return None
        seen.add(nxt)
        over = pages[nxt]
        out += over[4 : 4 + min(usable - 4, size - len(out))]
        nxt = struct.unpack(">I", over[:4])[0]
    return bytes(out)


def scan_pages(path: Path) -> dict[str, dict[int, Row]]:
    """Rows of ``planned`` and ``plays`` found by decoding every table-leaf page."""
    db = Path(path).read_bytes()
    wal_path = Path(f"{path}-wal")
    wal = wal_path.read_bytes() if wal_path.is_file() else None
    _, usable, pages = _pages(db, wal)
    free = _freelist(pages)
    found: dict[str, dict[int, Row]] = {"planned": {}, "plays": {}}
    for number, page in pages.items():
        if number in free:
            continue
        start = 100 if number == 1 else 0
        if len(page) < start + 8 or page[start] != 0x0D:
            continue
        count = struct.unpack(">H", page[start + 3 : start + 5])[0]
        for i in range(count):
            at = start + 8 + 2 * i
            try:
                cell = struct.unpack(">H", page[at : at + 2])[0]
                size, pos = _varint(page, cell)
                rowid, pos = _varint(page, pos)
                payload = _payload(pages, page, pos, size, usable)
                if payload is None:
                    continue
                values = _record(payload)
            except (ValueError, struct.error, UnicodeDecodeError, IndexError):
                continue
            hit = classify(values)
            if hit is not None:
                table, row = hit
                row["id"] = rowid  # INTEGER PRIMARY KEY: NULL in the record, the rowid is the id
                found[table][rowid] = row
    return found


# -- SQLite's own .recover ----------------------------------------------------------------


def sqlite_recover(path: Path, program: str | None = None) -> dict[str, dict[int, Row]] | None:
    """Rows found by ``sqlite3 FILE .recover``; None when the program is missing or fails."""
    program = program or shutil.which("sqlite3")
    if not program:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        # .recover reads the -wal beside the file; work on a copy, never on the evidence
        copy = Path(tmp) / "damaged.sqlite"
        shutil.copyfile(path, copy)
        if Path(f"{path}-wal").is_file():
            shutil.copyfile(f"{path}-wal", f"{copy}-wal")
        try:
            proc = subprocess.run(
                [program, str(copy), ".recover"],
                capture_output=True,
                timeout=300,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode != 0 or not proc.stdout:
            return None
        target = Path(tmp) / "recovered.sqlite"
        con = sqlite3.connect(target)
        try:
            con.executescript(proc.stdout.decode("utf-8", "replace"))
            return _rows_of(con)
        except sqlite3.Error:
            return None
        finally:
            con.close()


def _rows_of(con: sqlite3.Connection) -> dict[str, dict[int, Row]]:
    con.row_factory = sqlite3.Row
    found: dict[str, dict[int, Row]] = {"planned": {}, "plays": {}}
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in ("planned", "plays"):
        if table in tables:
            for r in con.execute(f"SELECT * FROM {table}"):  # noqa: S608 - our names
                row = dict(r)
                if plausible(table, row):
                    found[table][row["id"]] = row
    if "lost_and_found" in tables:
        for r in con.execute("SELECT * FROM lost_and_found"):
            d = dict(r)
            values = [
                d[k]
                for k in sorted(
                    (k for k in d if re.fullmatch(r"c\d+", k)), key=lambda k: int(k[1:])
                )
            ]
            hit = classify(values)
            if hit is not None and d.get("id") is not None:
                table, row = hit
                row["id"] = d["id"]
                found[table].setdefault(d["id"], row)
    return found


def recover(path: Path, program: str | None = None) -> tuple[dict[str, dict[int, Row]], str]:
    """Every readable row of ``planned`` and ``plays`` in the damaged file ``path``, and
    which readers found them."""
    found = scan_pages(path)
    how = ["đọc từng trang"]
    by_sqlite = sqlite_recover(path, program)
    if by_sqlite is not None:
        how.insert(0, "sqlite3 .recover")
        for table, rows in by_sqlite.items():
            for rowid, row in rows.items():
                found[table].setdefault(rowid, row)
    return found, " + ".join(how)
