"""``broadcast demo``: check, then build the first day of the first campaign."""

from __future__ import annotations

from pathlib import Path

import click

from ..report.preview import render_preview
from .build import run_build
from .check import run_check
from .options import out_option, resolve_out, root_option, today


@click.command("demo")
@root_option
@out_option
def demo(root: Path, out: Path | None) -> None:
    """Chạy thử: kiểm tra rồi làm bản tin ngày đầu chiến dịch. Try it out.

    Kết quả trong audio_out/ (hoặc --out): bulletins/ (MP3), playlists/ (M3U8, JSON)
    và preview/NGÀY.html, trang nghe thử mở bằng trình duyệt.
    """
    target = resolve_out(root, out)
    project = run_check(root, target)
    campaigns = sorted(project.schedule.campaigns, key=lambda c: (c.start, c.id))
    day = campaigns[0].start if campaigns else today()
    click.echo(f"Làm bản tin cho ngày {day:%d/%m/%Y} ...")
    result = run_build(project, target, day, 1, None)
    for path in result.playlists:
        click.echo(f"  {path.relative_to(target)}")
    page = render_preview(target, day, project.scripts_dir, project.schedule.commune)
    click.echo(f"  {page.path.relative_to(target)}  (trang nghe thử, mở bằng trình duyệt)")
    first = result.playlists[0] if result.playlists else None
    if first is not None:
        click.echo(f"Nghe thử: mở {first} bằng VLC hoặc phần mềm phát sóng.")
