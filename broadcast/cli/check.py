"""``broadcast check``: validate every script, schedule and the lexicon."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING

import click

from ..errors import BroadcastError, InputError, ValidationErrors
from .options import root_option

if TYPE_CHECKING:
    from ..project.loader import Project


def check_jingles(project: Project) -> None:
    """Every custom jingle file decodes as audio (``build`` would stop on it otherwise).

    Only ``check`` does this: it runs ffmpeg once per distinct file, which is too slow to
    do on every project load.
    """
    from ..audio.ffmpeg import read_audio  # pydub and ffmpeg: only when a jingle is checked

    errors: list[BroadcastError] = []
    seen: set[str] = set()
    for sid, station in project.schedule.stations.items():
        for kind, rel in station.jingles.model_dump().items():
            if not rel or rel in seen or not (project.root / rel).is_file():
                continue  # missing files are reported by load_project already
            seen.add(rel)
            try:
                read_audio(project.root / rel)
            except BroadcastError as exc:
                errors.append(
                    InputError(
                        f"Đài '{sid}': tệp nhạc hiệu '{kind}' không phải âm thanh đọc được",
                        where=rel,
                        fix="dùng tệp WAV hoặc MP3 còn nguyên vẹn, hoặc xóa dòng này để dùng "
                        f"nhạc hiệu có sẵn ({exc.what})",
                    )
                )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(list(errors))


def approval_warnings(project: Project) -> list[str]:
    """With ``approval: required``: which scripts are drafts, which air an older approved
    version, and how to approve (the words build and plan use: the same rule)."""
    from ..project.approval import only_approved

    return only_approved(project.root, project.schedule.approval, dict(project.scripts))


def run_check(root: Path, out: Path | None = None) -> Project:
    """Load the project (raises with every problem listed) and print a summary.

    ``out`` is the output folder the command will build into (``demo --out``): its speech
    cache and bulletins measure the durations, so a warm run measures nothing again.
    """
    from ..project.loader import load_project

    project = load_project(root)
    if project.lexicon_path is not None:
        from ..text.lexicon import load_lexicon

        load_lexicon(project.lexicon_path)
    check_jingles(project)
    s = project.schedule
    click.echo(
        f"Đã kiểm tra: {len(project.scripts)} kịch bản, {len(s.stations)} đài, "
        f"{len(s.campaigns)} chiến dịch, {len(s.oneoffs)} bản tin riêng. Không có lỗi."
    )
    from ..render.recordings import recording_warnings
    from ..schedule.estimate import Estimator
    from ..schedule.limits import schedule_warnings
    from .options import resolve_out

    with ExitStack() as stack:
        # Measure bulletins from their spoken text; reuse the output folder's speech cache
        # when there is one, and create nothing when there is not.
        target = resolve_out(root, out)
        if out is not None:
            # the caller builds there next (demo): its speech cache keeps what we measure
            target.mkdir(parents=True, exist_ok=True)
        folder = target if target.is_dir() else Path(stack.enter_context(TemporaryDirectory()))
        estimator = Estimator(project, folder)
        project.warnings.extend(schedule_warnings(project, estimator))
        project.warnings.extend(recording_warnings(project))
        estimator.save()
    project.warnings.extend(approval_warnings(project))
    for warning in project.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    return project


@click.command("check")
@root_option
def check(root: Path) -> None:
    """Kiểm tra kịch bản và lịch phát. Validate scripts and schedules.

    Báo mọi lỗi cùng lúc, mỗi lỗi ghi rõ tệp, dòng, mục và cách sửa; thoát mã 2 nếu có lỗi.
    Bản ghi âm (dòng 'recording:' của kịch bản) được nghe thử: bị rè, quá nhỏ, dài hơn mọi
    buổi phát, hay dài/ngắn không khớp với nội dung thì có cảnh báo.
    Reports every problem with file, line, field and fix; exits 2 when any is found.
    Recordings named by 'recording:' are checked too (clipped, too quiet, too long).
    """
    run_check(root)
