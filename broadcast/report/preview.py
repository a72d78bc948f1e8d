"""A preview page officers open before a day airs: listen, and read what will be said.

One self-contained HTML file per day (``OUT/preview/YYYY-MM-DD.html``): no server, no
external assets, CSS inline, each bulletin's MP3 referenced by a relative path, so the
folder can be copied to a USB stick or opened from a shared drive. For each station it
shows the running order with times, the original text (the script's body) beside the
spoken text the engine actually read (from the bulletin's sidecar JSON), an audio player,
and highlights items the running order marks as overrunning.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from ..errors import InputError
from ..files import atomic
from ..playlists.running_order import kind_label, read_running_order
from ..project.scripts import load_script

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
KINDS = {"fm": "đài FM", "loudspeaker": "cụm loa"}


@dataclass(frozen=True)
class PreviewResult:
    path: Path
    stations: int
    items: int
    overruns: int


def preview_path(out_dir: Path, day: dt.date) -> Path:
    return Path(out_dir) / "preview" / f"{day.isoformat()}.html"


def _template() -> Template:
    text = resources.files(__package__).joinpath("templates/preview.html").read_text("utf-8")
    return Template(text)


def _hhmm(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).strftime("%H:%M:%S")
    except ValueError:
        return iso


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _minutes(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


class _Texts:
    """Original texts by script id, read once per page; a broken script shows a note."""

    def __init__(self, scripts_dir: Path | None) -> None:
        self.scripts_dir = scripts_dir
        self.cache: dict[str, str] = {}

    def original(self, script_id: str) -> tuple[str, bool]:
        if script_id not in self.cache:
            if self.scripts_dir is None:
                self.cache[script_id] = ""
            else:
                try:
                    self.cache[script_id] = load_script(self.scripts_dir / f"{script_id}.md").text
                except Exception as exc:  # noqa: BLE001 - shown on the page, not fatal
                    msg = getattr(exc, "what", None) or str(exc)
                    self.cache[script_id] = f"\0Không đọc được kịch bản {script_id}.md: {msg}"
        text = self.cache[script_id]
        return (text[1:], False) if text.startswith("\0") else (text, bool(text))


def _sidecar(mp3: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(mp3.with_suffix(".json").read_text("utf-8")))
    except (OSError, ValueError):
        return {}


def _item_html(
    item: dict,
    index: int,
    order_path: Path,
    page_dir: Path,  # type: ignore[type-arg]
    texts: _Texts,
) -> tuple[str, bool]:
    e = html.escape
    mp3 = (order_path.parent / str(item.get("file", ""))).resolve()
    rel = os.path.relpath(mp3, page_dir).replace(os.sep, "/")
    meta = _sidecar(mp3)
    duration = float(meta.get("duration_s") or item.get("duration_s") or 0)
    overrun = bool(item.get("overrun"))
    badge = '<span class="badge">Quá giờ</span>' if overrun else ""
    kind = str(item.get("kind") or "bulletin")
    if kind != "bulletin":
        label = _capital(kind_label(kind))
        title = str(item.get("title") or "")
        named = f"{e(label)}: {e(title)}" if title else e(label)
        missing = "" if mp3.is_file() else f' <span class="missing">(không thấy {e(rel)})</span>'
        return (
            f'<div class="jingle{" overrun" if overrun else ""}" data-kind="{e(kind)}">'
            f'<span class="time">'
            f"{_hhmm(str(item.get('start', '')))}</span>{named} · {_minutes(duration)}"
            f"{badge}"
            f'<audio controls preload="metadata" src="{e(rel)}"></audio>{missing}</div>'
        ), overrun
    spoken = str(meta.get("spoken_text") or "")
    original, ok = texts.original(str(item.get("script", "")))
    engine = meta.get("engine") or item.get("engine", "")
    recorded = str(item.get("source_audio") or meta.get("source_audio") or "")
    voice = f"bản ghi âm {recorded}" if recorded else f"giọng đọc {engine}"
    heard = "Lời trong bản ghi (theo kịch bản)" if recorded else "Văn bản máy đọc"
    spoken_html = (
        e(spoken)
        if spoken
        else '<span class="missing">Chưa có văn bản đọc (không thấy tệp JSON bên cạnh MP3).</span>'
    )
    original_html = e(original) if ok else f'<span class="missing">{e(original)}</span>'
    missing_audio = (
        "" if mp3.is_file() else f'<p class="missing">Không thấy tệp âm thanh: {e(rel)}</p>'
    )
    return (
        f'<article class="item{" overrun" if overrun else ""}" id="i{index}" '
        f'data-script="{e(str(item.get("script", "")))}">'
        f'<h3><span class="time">{_hhmm(str(item.get("start", "")))}</span>'
        f"{e(str(item.get('title', '')))}{badge}</h3>"
        f'<p class="meta">{e(_capital(kind_label(kind)))} · Khung giờ '
        f"{e(str(item.get('slot', '')))} · kết thúc "
        f"{_hhmm(str(item.get('end', '')))} · dài {_minutes(duration)} · "
        f"{e(str(item.get('directive', '')))} · chiến dịch {e(str(item.get('source', '')))}"
        f" · {e(voice)}</p>"
        f'<audio controls preload="metadata" src="{e(rel)}"></audio>{missing_audio}'
        f'<div class="texts"><div class="original"><h4>Văn bản gốc (kịch bản)</h4>'
        f'{original_html}</div><div class="spoken"><h4>{e(heard)}</h4>{spoken_html}'
        f"</div></div></article>"
    ), overrun


def _overrunning(doc: dict) -> set[str]:  # type: ignore[type-arg]
    """Start times of items that end past their session's capacity, for sessions the
    running order marks with ``overrun_s > 0`` (items may also carry ``overrun``)."""
    out: set[str] = set()
    for session in doc.get("sessions") or []:
        try:
            if not float(session.get("overrun_s") or 0) > 0:
                continue
            start = dt.datetime.fromisoformat(session["start"])
            limit = start + dt.timedelta(seconds=float(session["capacity_s"]))
            end = dt.datetime.fromisoformat(session["end"])
        except (KeyError, TypeError, ValueError):
            continue
        for item in doc.get("items", []):
            try:
                i_start = dt.datetime.fromisoformat(item["start"])
                i_end = dt.datetime.fromisoformat(item["end"])
            except (KeyError, TypeError, ValueError):
                continue
            if start <= i_start < end and i_end > limit:
                out.add(item["start"])
    return out


def render_preview(
    out_dir: Path, day: dt.date, scripts_dir: Path | None, commune: str = ""
) -> PreviewResult:
    """Write the preview page of ``day`` from its running orders; return what it holds."""
    e = html.escape
    out_dir = Path(out_dir)
    folder = out_dir / "playlists" / day.isoformat()
    orders = sorted(folder.glob("*.json"))
    if not orders:
        raise InputError(
            f"Chưa có danh sách phát ngày {day:%d/%m/%Y}",
            where=str(folder),
            fix=f"chạy 'broadcast build --date {day.isoformat()}' trước, rồi xem trước",
        )
    target = preview_path(out_dir, day)
    texts = _Texts(scripts_dir)
    sections, nav = [], []
    n_items = n_over = 0
    for order_path in orders:
        doc = read_running_order(order_path).as_dict()  # RunningOrderError names file, field
        station = doc["station"]
        items = doc["items"]
        sid = str(station.get("id", order_path.stem))
        parts = []
        over_starts = _overrunning(doc)
        bulletins = 0
        for item in items:
            if item.get("start") in over_starts:
                item = {**item, "overrun": True}
            is_bulletin = item.get("kind", "bulletin") == "bulletin"
            n_items += is_bulletin
            bulletins += is_bulletin
            body, over = _item_html(item, n_items, order_path, target.parent, texts)
            n_over += over and is_bulletin
            parts.append(body)
        total = sum(float(i.get("duration_s") or 0) for i in items)
        nav.append(f'<a href="#st-{e(sid)}">{e(str(station.get("name", sid)))}</a>')
        sections.append(
            f'<section class="station" id="st-{e(sid)}" data-items="{bulletins}">'
            f'<h2>{e(str(station.get("name", sid)))}</h2><p class="meta">Mã đài {e(sid)} · '
            f"{e(KINDS.get(str(station.get('kind')), str(station.get('kind', ''))))} · "
            f"{bulletins} bản tin · tổng {_minutes(total)}</p>"
            + ("".join(parts) or "<p>Không có bản tin nào trong ngày.</p>")
            + "</section>"
        )
    heading = f"Xem trước chương trình phát thanh {WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"
    sub = f"{e(commune) + ' · ' if commune else ''}{len(orders)} đài · {n_items} bản tin" + (
        f" · <strong>{n_over} bản tin quá giờ</strong>" if n_over else ""
    )
    page = _template().substitute(
        title=e(heading),
        heading=e(heading),
        subheading=sub,
        nav=" ".join(nav),
        body=f'<div id="summary" data-stations="{len(orders)}" data-items="{n_items}" '
        f'data-overruns="{n_over}"></div>' + "\n".join(sections),
    )
    atomic.write_text(target, page)
    return PreviewResult(path=target, stations=len(orders), items=n_items, overruns=n_over)
