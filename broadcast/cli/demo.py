"""``broadcast demo``: check, then build the first day of the first campaign."""

from __future__ import annotations

from pathlib import Path

import click

from .build import run_build
from .check import run_check
from .options import out_option, resolve_out, root_option, today


@click.command("demo")
@root_option
@out_option
def demo(root: Path, out: Path | None) -> None:
    """Chạy thử: kiểm tra rồi làm bản tin ngày đầu chiến dịch. Try it out.

    Kết quả trong audio_out/ (hoặc --out): bulletins/ (MP3) và playlists/ (M3U8, JSON).
    """
    project = run_check(root)
    campaigns = sorted(project.schedule.campaigns, key=lambda c: (c.start, c.id))
    day = campaigns[0].start if campaigns else today()
    target = resolve_out(root, out)
    click.echo(f"Làm bản tin cho ngày {day:%d/%m/%Y} ...")
    result = run_build(project, target, day, 1, None)
    for path in result.playlists:
        click.echo(f"  {path.relative_to(target)}")
