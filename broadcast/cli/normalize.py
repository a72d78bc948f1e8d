"""``broadcast normalize``: show how a text will be read aloud."""

from __future__ import annotations

import sys

import click

from ..text.spoken import spoken


@click.command("normalize")
@click.argument("text")
@click.option(
    "--dialect",
    type=click.Choice(["north", "central", "south"]),
    default="north",
    show_default=True,
    help="Cách đọc số theo vùng (nghìn/ngàn, linh/lẻ).",
)
def normalize(text: str, dialect: str) -> None:
    """In dạng đọc của TEXT. Print the spoken form of TEXT.

    Dùng '-' để đọc từ đầu vào chuẩn: mỗi dòng vào cho đúng một dòng ra.
    Use '-' to read standard input: one output line for each input line.

    \b
    Ví dụ:  broadcast normalize "Gọi 156 trước 17h ngày 25/11"
            broadcast normalize - < scripts/mao-danh-co-quan.md
    """
    if text != "-":
        click.echo(spoken(text, dialect))
        return
    stream = click.get_text_stream("stdin", encoding="utf-8", errors="replace")
    for line in stream:
        click.echo(spoken(line.rstrip("\n"), dialect) if line.strip() else "")
    sys.stdout.flush()
