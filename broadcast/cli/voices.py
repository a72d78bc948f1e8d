"""``broadcast voices``: which engines and voices exist, and which can speak now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import BroadcastError
from ..speech.measured import DIALECT_WORDS, describe, measured
from ..speech.registry import ENGINES
from ..vocabulary import Dialect
from .options import root_option


def _station_options(root: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Engine options from the project's stations (the first station that sets them)."""
    try:
        from ..project.loader import load_project

        project = load_project(root)
    except BroadcastError:
        return {}, f"không đọc được dự án ở {root}; kiểm tra với cấu hình mặc định"
    found: dict[str, dict[str, Any]] = {}
    for st in project.schedule.stations.values():
        for name, opts in st.voice.options.items():
            found.setdefault(name, opts)
    return found, None


@click.command("voices")
@click.option("--offline", is_flag=True, help="Không thử kết nối mạng. Skip the network probe.")
@root_option
def voices(offline: bool, root: Path) -> None:
    """Liệt kê bộ đọc, giọng và bộ nào dùng được lúc này. List engines and voices.

    Kiểm tra: đã cài chưa, có tệp giọng chưa (Piper), có mạng không (gTTS, edge;
    thử nhanh trong 2 giây, bỏ qua bằng --offline). Với giọng đã đo, in tỉ lệ
    nghe sai của máy nghe Whisper base (thấp hơn là rõ hơn). Tùy chọn của bộ đọc lấy từ
    schedules/stations.yaml (voice.options).

    \b
    Ví dụ:  broadcast voices
            broadcast voices --offline
    """
    options, note = _station_options(root)
    if note and (root / "schedules").is_dir():
        click.echo(f"Cảnh báo: {note}", err=True)
    for name, cls in ENGINES.items():
        avail = cls.availability(options.get(name), probe=not offline, base_dir=root.resolve())
        kind = "trực tuyến" if cls.ONLINE else "ngoại tuyến"
        if avail.usable:
            state = "dùng được" + (
                "" if avail.probed or not cls.ONLINE else " (chưa thử mạng / network not probed)"
            )
        else:
            state = f"KHÔNG dùng được: {avail.reason}"
        click.echo(f"{name:7} {kind:11} {state}")
        click.echo(f"        {cls.SUMMARY}")
        click.echo(f"        giọng / voices: {', '.join(cls.voices())}")
        defaults = ", ".join(
            f"miền {DIALECT_WORDS[d.value]} {cls.default_voice(d)}" for d in Dialect
        )
        click.echo(f"        mặc định / default: {defaults}")
        for voice in cls.voices():
            if (name, voice) in measured():
                click.echo(f"          {describe(name, voice)}")
        if not avail.usable and avail.fix:
            click.echo(f"        Cách sửa: {avail.fix}")
