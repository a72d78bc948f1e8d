"""``broadcast check``: validate every script, schedule and the lexicon."""

from __future__ import annotations

from pathlib import Path

import click

from ..project import Project, load_project
from .options import root_option


def run_check(root: Path) -> Project:
    """Load the project (raises with every problem listed) and print a summary."""
    project = load_project(root)
    if project.lexicon_path is not None:
        from ..text.lexicon import load_lexicon

        load_lexicon(project.lexicon_path)
    s = project.schedule
    click.echo(
        f"Đã kiểm tra: {len(project.scripts)} kịch bản, {len(s.stations)} đài, "
        f"{len(s.campaigns)} chiến dịch, {len(s.oneoffs)} bản tin riêng. Không có lỗi."
    )
    from ..project import schedule_warnings

    project.warnings.extend(schedule_warnings(project))
    for warning in project.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    return project


@click.command("check")
@root_option
def check(root: Path) -> None:
    """Kiểm tra kịch bản và lịch phát. Validate scripts and schedules.

    Báo mọi lỗi cùng lúc, mỗi lỗi ghi rõ tệp, dòng, mục và cách sửa; thoát mã 2 nếu có lỗi.
    Reports every problem with file, line, field and fix; exits 2 when any is found.
    """
    run_check(root)
