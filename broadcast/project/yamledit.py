"""Change the schedule's YAML from the console the way an officer would by hand.

ruamel.yaml round-trips the file: comments, key order and quoting stay as the officer
wrote them; only the values changed move. A new text is checked by the schedule loader
(``check``'s own rules) on a copy of the schedules folder before it replaces the file,
atomically; a file changed meanwhile (its hash differs from the one the form was made
from) is refused.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
from pathlib import Path

from ruamel.yaml import YAML

from ..errors import BroadcastError, InputError
from ..files import atomic
from .loader import load_schedule

STATIONS = "stations.yaml"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _yaml() -> YAML:
    y = YAML()  # round-trip
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    return y


def edit_station(text: str, station_id: str, changes: dict[str, str]) -> str:
    """``stations.yaml`` text with one station's fields changed (empty value: removed)."""
    y = _yaml()
    doc = y.load(text)
    for st in doc.get("stations") or []:
        if str(st.get("id")) == station_id:
            for key, value in changes.items():
                if value:
                    st[key] = value
                elif key in st:
                    del st[key]
            break
    else:
        raise InputError(
            f"Không có đài '{station_id}'", where="danh sách đài", fix="chọn đài trong danh sách"
        )
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def check_schedules(folder: Path, name: str, text: str) -> None:
    """Load the schedules folder as it would be with ``name`` holding ``text``; raise the
    first problem (worded by the loader for an officer)."""
    with tempfile.TemporaryDirectory(prefix="broadcast-check-") as tmp:
        copy = Path(tmp) / "schedules"
        shutil.copytree(folder, copy)
        (copy / name).write_text(text, encoding="utf-8")
        errors: list[BroadcastError] = []
        load_schedule(copy, errors)
    if errors:
        first = errors[0]
        raise InputError(
            first.what.replace(str(copy) + "/", ""),
            where=name,
            fix=first.fix or "sửa lại ô vừa nhập",
        )


def save(folder: Path, name: str, text: str, based_on: str) -> None:
    """Replace ``folder/name`` with ``text`` if nobody changed it since ``based_on``."""
    path = folder / name
    now = path.read_text(encoding="utf-8")
    if text_hash(now) != based_on:
        raise InputError(
            "Tệp lịch đã được người khác sửa trong lúc bạn đang sửa",
            where=name,
            fix="tải lại trang để xem bản mới, rồi sửa lại",
        )
    check_schedules(folder, name, text)
    atomic.write_text(path, text)
