"""``broadcast normalize``: show how a text will be read aloud, exactly as ``render`` reads it.

The officer checks a reading here before a bulletin goes on air, so this command must
hand ``spoken()`` what render hands it: the body of a script (never its YAML header)
and the project lexicon (ROOT/schedules/lexicon.yaml, loaded by the same function).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from ..errors import InputError, thousands
from ..files.confined import check_within
from ..files.sources import read_text
from ..project.loader import LEXICON_FILE, script_limit
from ..project.scripts import body_too_long, too_big_file
from ..text.lexicon import load_lexicon
from ..text.spoken import spoken
from ..vocabulary import MAX_HEADER_CHARS
from .options import root_option

# The same shape scripts.parse_script accepts: "---", the header, "---", the body.
_FRONT = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n(.*)\Z", re.S)


def script_body(text: str) -> str | None:
    """The text below a script's YAML header, or None when there is no header."""
    m = _FRONT.match(text if text.endswith("\n") else text + "\n")
    return m.group(1).strip() if m else None


def project_lexicon(root: Path, lexicon: Path | None, use: bool) -> dict[str, str]:
    """The lexicon render would use for ROOT (or the file given), or none at all."""
    if not use:
        return {}
    if lexicon is not None:
        return load_lexicon(lexicon)
    path = Path(root) / "schedules" / LEXICON_FILE
    return load_lexicon(check_within(root, path)) if path.is_file() else {}


@click.command("normalize")
@click.argument("text")
@click.option(
    "--dialect",
    type=click.Choice(["north", "central", "south"]),
    default="north",
    show_default=True,
    help="Cách đọc số theo vùng (nghìn/ngàn, linh/lẻ).",
)
@root_option
@click.option(
    "--lexicon",
    "lexicon_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Từ điển phát âm khác (mặc định: ROOT/schedules/lexicon.yaml). Other lexicon file.",
)
@click.option(
    "--no-lexicon",
    is_flag=True,
    default=False,
    help="Không dùng từ điển phát âm (chỉ quy tắc có sẵn). Built-in rules only.",
)
def normalize(
    text: str, dialect: str, root: Path, lexicon_path: Path | None, no_lexicon: bool
) -> None:
    """In dạng đọc của TEXT. Print the spoken form of TEXT.

    TEXT là một câu, một tệp kịch bản (.md, .txt) hoặc '-' để đọc từ đầu vào chuẩn.
    Với kịch bản, chỉ phần nội dung (dưới dòng '---' thứ hai) được đọc, như khi phát.
    Từ điển phát âm của dự án (schedules/lexicon.yaml) được áp dụng như lệnh render.
    Đầu vào chuẩn không có phần đầu: mỗi dòng vào cho đúng một dòng ra.

    TEXT is a sentence, a script file or '-' for standard input; a script's YAML
    header is never read, and the project lexicon applies as in render.

    \b
    Ví dụ:  broadcast normalize "Gọi 156 trước 17h ngày 25/11"
            broadcast normalize scripts/mao-danh-co-quan.md
            broadcast normalize - < scripts/mao-danh-co-quan.md
    """
    lexicon = project_lexicon(root, lexicon_path, not no_lexicon)
    # the bound check and build apply (issue 23): what cannot air is not read out either
    limit = script_limit(Path(root) / "schedules")
    most = limit + MAX_HEADER_CHARS
    if text == "-":
        stream = click.get_text_stream("stdin", encoding="utf-8", errors="replace")
        whole = stream.read(most + 1)
        body = script_body(whole)
        if len(whole) > most or len(body if body is not None else whole) > limit:
            raise _too_long("Đầu vào chuẩn", "đầu vào chuẩn (-)", limit)
        if body is not None:
            click.echo(spoken(body, dialect, lexicon))
        else:
            for line in whole.splitlines():
                click.echo(spoken(line, dialect, lexicon) if line.strip() else "")
        sys.stdout.flush()
        return
    if _looks_like_file(text):
        path = Path(text)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # read_text says what is wrong
        if size > most * 4:
            raise too_big_file(path, size, limit)
        content = read_text(path)
        body = script_body(content)
        said = content if body is None else body
        if len(said) > limit:
            at = 1 if body is None else content.count("\n", 0, content.find(body)) + 1
            raise body_too_long(path, len(said), at, limit)
        click.echo(spoken(said, dialect, lexicon))
        return
    if len(text) > limit:
        raise _too_long("Câu cần đọc", "TEXT", limit)
    click.echo(spoken(text, dialect, lexicon))


def _too_long(what: str, where: str, limit: int) -> InputError:
    words = thousands(limit)
    return InputError(
        f"{what} dài hơn giới hạn {words} ký tự của một kịch bản",
        where=where,
        fix=f"chia thành nhiều đoạn ngắn hơn, mỗi đoạn dưới {words} ký tự",
    )


def _looks_like_file(text: str) -> bool:
    """An existing file, or a one-word name ending in .md/.txt (a missing file is an error)."""
    if "\n" in text or len(text) > 1024:
        return False
    path = Path(text)
    try:
        if path.is_file():
            return True
    except OSError:
        return False
    return re.fullmatch(r"[^\s]+\.(?:md|txt)", text) is not None
