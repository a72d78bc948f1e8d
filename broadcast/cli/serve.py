"""``broadcast serve``: the officer's console in a browser (broadcast/web)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from ..project.accounts import Store
from ..project.approval import console_db
from .options import out_option, resolve_out, root_option

APP_FACTORY = "broadcast.web.app:app_from_env"


def _address(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ nghe. Address.")
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--behind-https",
    is_flag=True,
    help="Bàn làm việc đứng sau một máy chủ HTTPS (nginx, Caddy): cookie đăng nhập chỉ gửi "
    "qua HTTPS (Secure). Behind an HTTPS reverse proxy.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ĐỊA-CHỈ",
    help="Địa chỉ (hoặc mạng, ví dụ 10.0.0.0/24) của máy chủ trung gian được tin: chỉ từ "
    "đó mới tin X-Forwarded-For và X-Forwarded-Proto. Lặp lại được. Trusted proxy address.",
)
@root_option
@out_option
def serve(
    host: str,
    port: int,
    behind_https: bool,
    trusted_proxies: tuple[str, ...],
    root: Path,
    out: Path | None,
) -> None:
    """Mở bàn làm việc trên trình duyệt: soạn, nghe, duyệt, lập lịch. Web console.

    Mặc định chỉ máy này mở được (http://127.0.0.1:8080). Người dùng đầu tiên tạo bằng
    'broadcast user add TÊN --role operator'. Lệnh chạy liên tục đến khi bấm Ctrl+C.

    \b
    Ví dụ:  broadcast serve
            broadcast serve --host 0.0.0.0 --port 8080   # cho cả mạng nội bộ của xã
            broadcast serve --behind-https --trusted-proxy 127.0.0.1   # sau nginx/Caddy

    Không có --trusted-proxy thì X-Forwarded-For bị bỏ qua: không ai tự xưng là máy khác
    để tránh bị khóa khi đoán mật khẩu.
    """
    import uvicorn

    # Read the accounts here, so a console database that cannot be opened is an error
    # message, not a server that fails to start.
    users = Store(console_db(root.resolve())).users()
    bad = [p for p in trusted_proxies if not _address(p)]
    if bad:
        raise click.BadParameter(
            f"'{bad[0]}' không phải địa chỉ IP hay mạng (ví dụ 127.0.0.1 hoặc 10.0.0.0/24)",
            param_hint="--trusted-proxy",
        )
    if not is_loopback(host) and not behind_https:
        click.echo(
            f"Cảnh báo: bàn làm việc mở cho mọi máy thấy được địa chỉ {host}. Chỉ dùng trong "
            "mạng nội bộ của xã, đặt mật khẩu mạnh; không mở ra Internet (không có HTTPS).",
            err=True,
        )
    if not users:
        click.echo(
            "Cảnh báo: chưa có người dùng nào; tạo bằng "
            "'broadcast user add TÊN --role operator' rồi đăng nhập.",
            err=True,
        )
    click.echo(f"Bàn làm việc: http://{host}:{port}/  (Ctrl+C để dừng)")
    # uvicorn loads the app by name (its factory form): the command line imports no web code.
    os.environ["BROADCAST_ROOT"] = str(root.resolve())
    os.environ["BROADCAST_OUT"] = str(resolve_out(root, out))
    os.environ["BROADCAST_BEHIND_HTTPS"] = "1" if behind_https else ""
    os.environ["BROADCAST_TRUSTED_PROXIES"] = ",".join(trusted_proxies)
    # uvicorn's own proxy handling would believe X-Forwarded-For from 127.0.0.1: off; the
    # console's TrustedProxy layer believes it only from --trusted-proxy addresses.
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=False,
    )
