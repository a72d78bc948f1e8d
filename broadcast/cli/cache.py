"""``broadcast cache``: how big the speech cache is, and pruning it by size and age."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from ..build.prune import prune_bulletins
from ..speech.cache import SpeechCache
from .options import out_option, resolve_out, root_option, today

_SIZE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_AGE = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?)\s*(s|m|h|d|w|giây|phút|giờ|ngày|tuần)?\s*$", re.IGNORECASE
)
_AGE_UNITS = {
    "s": 1,
    "giây": 1,
    "m": 60,
    "phút": 60,
    "h": 3600,
    "giờ": 3600,
    "d": 86400,
    "ngày": 86400,
    "w": 7 * 86400,
    "tuần": 7 * 86400,
}


def to_bytes(text: str) -> int:
    """'500MB', '1.5G', '800k', '1024' -> bytes (binary units)."""
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"dung lượng '{text}' không đúng dạng; viết ví dụ 500MB, 2GB")
    unit = (m.group(2) or "").lower()[:1]
    return int(float(m.group(1).replace(",", ".")) * _UNITS[unit])


def to_age_seconds(text: str) -> float:
    """'30d', '12h', '2w', '30 ngày' -> seconds (a bare number means days)."""
    m = _AGE.match(str(text))
    if not m:
        raise ValueError(f"thời gian '{text}' không đúng dạng; viết ví dụ 30d, 12h, 2w")
    return float(m.group(1).replace(",", ".")) * _AGE_UNITS[(m.group(2) or "d").lower()]


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


class _Converted(click.ParamType):
    def __init__(self, name: str, fn):  # type: ignore[no-untyped-def]
        self.name = name
        self.fn = fn

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        try:
            return self.fn(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _cache(root: Path, out: Path | None) -> SpeechCache:
    return SpeechCache(resolve_out(root, out) / "cache" / "speech")


def _when(ts: float | None) -> str:
    return "-" if ts is None else dt.datetime.fromtimestamp(ts).strftime("%d/%m/%Y %H:%M")


@click.group("cache")
def cache() -> None:
    """Bộ nhớ tiếng đã đọc (OUT/cache/speech). Speech cache.

    Tiếng của mọi bộ đọc được lưu lại theo nội dung: lần sau đọc lại câu đó thì dùng
    bản đã lưu, kể cả khi mất mạng. Every engine's speech is stored and reused.
    """


@cache.command("stats")
@root_option
@out_option
def stats(root: Path, out: Path | None) -> None:
    """Xem dung lượng bộ nhớ tiếng. Show cache size.

    \b
    Ví dụ:  broadcast cache stats
    """
    store = _cache(root, out)
    st = store.stats()
    click.echo(f"Bộ nhớ tiếng: {store.root}")
    click.echo(f"  {st.files} đoạn tiếng, {human_size(st.bytes)}")
    for engine, (n, size) in sorted(st.by_engine.items()):
        click.echo(f"  - {engine}: {n} đoạn, {human_size(size)}")
    if st.files:
        click.echo(f"  Dùng lâu nhất: {_when(st.oldest)}; gần nhất: {_when(st.newest)}")
    if st.damaged:
        click.echo(
            f"  {len(st.damaged)} đoạn hỏng (bị cắt cụt hoặc không đọc được): lần làm sau "
            "sẽ đọc lại, không ảnh hưởng bản tin. Damaged entries are made again."
        )
        for path in st.damaged[:10]:
            click.echo(f"  - {path}")
        if len(st.damaged) > 10:
            click.echo(f"  - … và {len(st.damaged) - 10} đoạn khác")
    else:
        click.echo("  Không có đoạn nào hỏng. No damaged entries.")


@cache.command("prune")
@click.option(
    "--max-size",
    type=_Converted("DUNG_LƯỢNG", to_bytes),
    default=None,
    help="Giữ tổng dung lượng dưới mức này (ví dụ 500MB). Keep under this size.",
)
@click.option(
    "--older-than",
    type=_Converted("THỜI_GIAN", to_age_seconds),
    default=None,
    help="Xóa đoạn không dùng đến trong khoảng này (ví dụ 30d). Unused for this long.",
)
@click.option(
    "--bulletins",
    is_flag=True,
    help="Dọn cả bản tin MP3 cũ không còn trong danh sách phát nào gần đây (mặc định 30 ngày, "
    "hoặc theo --older-than). Also old bulletins no recent playlist uses.",
)
@click.option("--dry-run", is_flag=True, help="Chỉ báo, không xóa. Only report.")
@root_option
@out_option
def prune(
    max_size: int | None,
    older_than: float | None,
    bulletins: bool,
    dry_run: bool,
    root: Path,
    out: Path | None,
) -> None:
    """Dọn bộ nhớ tiếng theo dung lượng và tuổi; với --bulletins, dọn cả bản tin cũ.

    Xóa đoạn tiếng lâu không dùng trước. Bản tin MP3 đã làm không bị ảnh hưởng; đoạn bị
    xóa sẽ được đọc lại khi cần (bộ đọc trực tuyến thì cần có mạng).

    --bulletins: mỗi lần sửa kịch bản, bản tin được làm mới dưới tên mới và bản cũ ở lại
    trong OUT/bulletins/. Bản tin (và nhạc hiệu trong OUT/jingles/) bị xóa khi không có
    danh sách phát nào từ N ngày trước trở đi (kể cả hôm nay, ngày mai) và hàng đợi khẩn
    cấp nhắc đến, và tệp đã cũ hơn N ngày (N = --older-than, mặc định 30 ngày). Danh sách
    phát cũ hơn vẫn còn nhưng không nghe lại được; nhật ký và báo cáo không cần âm thanh.

    Prune the speech cache by size and age; with --bulletins, also remove bulletin and
    jingle MP3s no playlist of the last N days (or a later one) and no queued emergency
    names, once older than N days.

    \b
    Ví dụ:  broadcast cache prune --max-size 500MB --older-than 30d
            broadcast cache prune --bulletins --older-than 60d --dry-run
    """
    if max_size is None and older_than is None and not bulletins:
        raise click.UsageError("cần --max-size, --older-than hoặc --bulletins")
    verb = "Sẽ xóa" if dry_run else "Đã xóa"
    if max_size is not None or older_than is not None:
        result = _cache(root, out).prune(
            max_bytes=max_size, older_than_s=older_than, dry_run=dry_run
        )
        click.echo(
            f"{verb} {result.removed} đoạn tiếng ({human_size(result.freed)}); còn "
            f"{result.kept} đoạn ({human_size(result.kept_bytes)})."
        )
    if bulletins:
        keep_days = max(1, round((older_than if older_than is not None else 30 * 86400) / 86400))
        res = prune_bulletins(resolve_out(root, out), keep_days, today(), dry_run=dry_run)
        click.echo(
            f"{verb} {res.removed} bản tin và nhạc hiệu cũ ({human_size(res.freed)}); còn "
            f"{res.kept} tệp ({human_size(res.kept_bytes)}), giữ những gì danh sách phát từ "
            f"{keep_days} ngày trước trở đi cần."
        )
