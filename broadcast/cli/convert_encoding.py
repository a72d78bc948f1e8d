"""``broadcast convert-encoding``: turn a UTF-16, TCVN3, VNI or Windows-1258 file into UTF-8.

Scripts typed years ago with ABC/VNI fonts, or saved by Notepad as "Unicode" (UTF-16),
are refused by every command with a pointer here. The officer sees the converted text
before anything is written; the old file is kept beside it as FILE.bak.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..files import atomic
from ..files.encodings import LABELS, decode, guess
from ..files.sources import MAX_YAML_BYTES, read_user_bytes, refuse_if_bigger

CHOICES = ("auto", "utf-16", "tcvn3", "vni", "cp1258")
PREVIEW_LINES = 12


def _preview(text: str) -> list[str]:
    """The first lines worth seeing: the ones with Vietnamese letters first."""
    lines = [line for line in text.splitlines() if line.strip()]
    accented = [line for line in lines if any(ord(c) > 0x7F for c in line)]
    return (accented or lines)[:PREVIEW_LINES]


def backup_path(path: Path) -> Path:
    """FILE.bak, or FILE.bak2, FILE.bak3 ... if an older backup is there."""
    candidate = path.with_name(path.name + ".bak")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak{n}")
        n += 1
    return candidate


@click.command("convert-encoding")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "source",
    type=click.Choice(CHOICES),
    default="auto",
    show_default=True,
    help="Bảng mã của tệp (auto: tự nhận ra). Encoding of the file.",
)
@click.option("--yes", "-y", is_flag=True, help="Ghi luôn, không hỏi lại. Do not ask.")
def convert_encoding(file: Path, source: str, yes: bool) -> None:
    """Chuyển tệp gõ bằng bảng mã cũ (TCVN3, VNI, Windows-1258) hoặc UTF-16 sang UTF-8.

    Cho xem trước chữ đã chuyển, hỏi lại rồi mới ghi; bản cũ giữ lại thành FILE.bak.
    Shows the converted text, asks, then writes FILE as UTF-8 (old file kept as FILE.bak).

    Bảng mã được tự nhận ra; nếu nhận sai, ghi rõ bằng --from tcvn3, vni, cp1258 hoặc utf-16.

    \b
    Ví dụ:  broadcast convert-encoding scripts/noi-trinh-bao.md
    """
    refuse_if_bigger(
        file,
        MAX_YAML_BYTES,
        fix="lệnh này chuyển một kịch bản (.md) hay một tệp lịch (.yaml); kiểm tra tên tệp",
    )
    raw = read_user_bytes(file)
    if source == "auto":
        found = guess(raw)
        if found is None:
            raise InputError(
                "Không nhận ra bảng mã của tệp",
                where=str(file),
                fix="ghi rõ bảng mã: --from tcvn3 (phông .VnTime), --from vni (phông "
                "VNI-Times), --from cp1258 hoặc --from utf-16",
            )
        encoding, text, label = found.encoding, found.text, found.label
    else:
        try:
            if any(b > 0x7F for b in raw) and raw.decode("utf-8"):
                raise InputError(
                    f"Tệp đã là UTF-8 có dấu, chuyển từ {source} sẽ làm hỏng chữ",
                    where=str(file),
                    fix="không cần chuyển; bỏ --from nếu muốn chương trình tự nhận ra bảng mã",
                )
        except UnicodeDecodeError:
            pass
        encoding = "utf-16-le" if source == "utf-16" else source
        if source == "utf-16" and raw.startswith(b"\xfe\xff"):
            encoding = "utf-16-be"
        try:
            text = decode(raw, encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"Tệp không đọc được bằng bảng mã {LABELS[encoding]}",
                where=f"{file}, byte {exc.start}",
                fix="bỏ --from để chương trình tự nhận ra bảng mã",
            ) from None
        label = LABELS[encoding]
    if encoding == "utf-8":
        click.echo(f"{file} đã là UTF-8, không cần chuyển.")
        return
    click.echo(f"Bảng mã nhận ra: {label}. Chữ sau khi chuyển sang UTF-8:")
    for line in _preview(text):
        click.echo(f"  | {line}")
    backup = backup_path(file)
    if not yes and not click.confirm(
        f"Ghi lại {file} thành UTF-8 (bản cũ giữ ở {backup.name})?", default=False
    ):
        click.echo("Chưa ghi gì.")
        return
    atomic.write_bytes(backup, raw)
    atomic.write_text(file, text)
    click.echo(f"Đã ghi {file} (UTF-8); bản cũ: {backup}")
