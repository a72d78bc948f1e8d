"""``broadcast voices``: which engines and voices exist, and which can speak now;
``broadcast voices install FILE.onnx``: install a Piper voice from a file (issue 20)."""

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


@click.group("voices", invoke_without_command=True)
@click.option("--offline", is_flag=True, help="Không thử kết nối mạng. Skip the network probe.")
@root_option
@click.pass_context
def voices(ctx: click.Context, offline: bool, root: Path) -> None:
    """Liệt kê bộ đọc, giọng và bộ nào dùng được lúc này. List engines and voices.

    Kiểm tra: đã cài chưa, có tệp giọng chưa (Piper), có mạng không (gTTS, edge;
    thử nhanh trong 2 giây, bỏ qua bằng --offline). Với giọng đã đo, in tỉ lệ
    nghe sai của máy nghe Whisper base (thấp hơn là rõ hơn). Tùy chọn của bộ đọc lấy từ
    schedules/stations.yaml (voice.options).

    \b
    Ví dụ:  broadcast voices
            broadcast voices --offline
            broadcast voices install E:/vi_VN-vais1000-medium.onnx
    """
    if ctx.invoked_subcommand is not None:
        return
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


@voices.command("install")
@click.argument("model", type=click.Path(path_type=Path), metavar="FILE.onnx")
@click.option("--name", default=None, help="Tên giọng (mặc định: tên tệp). Voice name.")
@click.option("--force", is_flag=True, help="Thay giọng cùng tên đã có. Replace a voice.")
@root_option
def install(model: Path, name: str | None, force: bool, root: Path) -> None:
    """Cài giọng Piper từ tệp (USB): FILE.onnx và FILE.onnx.json cạnh nó.

    Kiểm tra hai tệp (không cần cài piper-tts), chép vào ROOT/voices/ rồi in các dòng
    cần ghi vào schedules/stations.yaml và giọng này nghe rõ đến đâu so với eSpeak.
    Install a Piper voice file and its .onnx.json into ROOT/voices/.

    \b
    Ví dụ:  broadcast voices install E:/vi_VN-vais1000-medium.onnx
            broadcast voices install E:/giong.onnx --name vi_VN-vais1000-medium --force
    """
    from ..speech.piper_install import install_voice

    done = install_voice(model, root, name=name, force=force)
    verb = "Đã thay" if done.replaced else "Đã cài"
    click.echo(f"{verb} giọng Piper '{done.name}': {done.model} và {done.config.name}")
    click.echo(f"  {done.sample_rate} mẫu/giây, ngôn ngữ đọc {done.espeak_voice}")
    click.echo("Cách dùng: ghi vào schedules/stations.yaml, ở đài cần giọng này:")
    click.echo("  voice:")
    click.echo("    engines: [piper, espeak]     # eSpeak đọc thay nếu Piper không đọc được")
    click.echo(f"    options: {{piper: {{model: {done.relative}}}}}")
    click.echo(
        "  rồi cài bộ đọc nếu chưa có: pip install 'broadcast[piper]'; "
        "kiểm tra: broadcast voices --offline"
    )
    click.echo("Nghe rõ đến đâu so với eSpeak (tỉ lệ nghe sai, thấp hơn là rõ hơn):")
    figures = measured()
    for key in (("piper", done.name), ("espeak", "vi")):
        if key in figures:
            click.echo(f"  {key[0]} {describe(*key)}")
        elif key[0] == "piper":
            click.echo(
                f"  piper {done.name}: chưa đo. Máy đo bench/bench_intelligibility.py hiện "
                "chỉ đo eSpeak (chưa có --engine piper); nghe thử: broadcast render "
                "scripts/TEN.md --engine piper"
            )
