"""``broadcast render``: make one bulletin from one script."""

from __future__ import annotations

from pathlib import Path

import click

from ..project.loader import script_path_error
from ..project.scripts import load_script
from ..render.renderer import Renderer
from .options import (
    apply_engines,
    check_stations,
    engine_option,
    load_for_work,
    out_option,
    report_skipped,
    resolve_out,
    root_option,
)


@click.command("render")
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--station", "-s", help="Mã đài (mặc định: đài đầu tiên). Station id.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp MP3 kết quả (mặc định: OUT/bulletins/ĐÀI/...). Output MP3.",
)
@engine_option
@root_option
@out_option
def render(
    script: Path,
    station: str | None,
    output: Path | None,
    engines: str | None,
    root: Path,
    out: Path | None,
) -> None:
    """Làm một bản tin MP3 từ tệp kịch bản SCRIPT. Render one bulletin.

    \b
    Ví dụ:  broadcast render scripts/khong-cung-cap-otp.md --station xom-dong -o otp.mp3
    """
    bad_name = script_path_error(script)
    if bad_name is not None:
        raise bad_name
    project = apply_engines(load_for_work(root), engines)
    parsed = load_script(script, project.schedule.max_script_chars)
    stations = project.schedule.stations
    sid = station or next(iter(stations))
    check_stations(project, [sid])
    renderer = Renderer(project, resolve_out(root, out))
    b = renderer.render(parsed, stations[sid], target=output)
    spoke = (
        f"phát bản ghi âm {b.source_audio}"
        if b.is_recording
        else f"đọc bằng {b.engine} ({b.voice})"
    )
    state = "dùng lại bản đã có" if b.cached else spoke
    click.echo(f"{b.path}  {b.duration_s:.1f} giây, {state}")
    if b.fallbacks:
        click.echo(
            f"Cảnh báo: bản tin đọc bằng bộ đọc dự phòng {b.engine}: " + "; ".join(b.fallbacks),
            err=True,
        )
    report_skipped(project)
