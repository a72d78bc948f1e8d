"""The ``broadcast`` command line: one module per command, registered here.

Each command's module is imported only when that command runs or shows its own help
(``main._LazyGroup``), so ``broadcast --help`` loads no audio, speech or web stack. The
summary beside each command is the first paragraph of its help, which ``broadcast --help``
lists; ``tests/cli/test_startup.py`` checks that they match the commands' own help.
"""

from __future__ import annotations

from .main import cli, main

#: In the order an officer meets them: try, write, listen, build, air, report.
#: (command name, module in broadcast.cli, attribute, first paragraph of its help)
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("demo", "demo", "demo", "Chạy thử: kiểm tra rồi làm bản tin ngày đầu chiến dịch. Try it out."),
    ("check", "check", "check", "Kiểm tra kịch bản và lịch phát. Validate scripts and schedules."),
    ("normalize", "normalize", "normalize", "In dạng đọc của TEXT. Print the spoken form of TEXT."),
    (
        "render",
        "render",
        "render",
        "Làm một bản tin MP3 từ tệp kịch bản SCRIPT. Render one bulletin.",
    ),
    (
        "plan",
        "plan",
        "plan",
        "Xem lịch phát: bản tin nào, đài nào, giờ nào. Show the running order.",
    ),
    (
        "build",
        "build",
        "build_cmd",
        "Làm bản tin và danh sách phát cho từng đài. Build playlists.",
    ),
    (
        "preview",
        "preview",
        "preview",
        "Trang xem trước: thứ tự phát, văn bản gốc bên cạnh văn bản máy đọc, nghe thử.",
    ),
    (
        "export-usb",
        "export_usb",
        "export_usb",
        "Chép bản tin một ngày ra USB/thẻ nhớ cho loa phát theo thứ tự. Export to USB.",
    ),
    (
        "emergency",
        "emergency",
        "emergency",
        "Phát ngay bản tin khẩn cấp SCRIPT (bão, cháy, dịch bệnh). Emergency bulletin.",
    ),
    (
        "run",
        "run",
        "run",
        "Chạy tự động: làm danh sách phát và phát đúng giờ. Unattended playout daemon.",
    ),
    (
        "status",
        "status",
        "status",
        "Xem 'broadcast run' có đang chạy và mỗi đài đang phát gì. Playout status.",
    ),
    (
        "asrun",
        "asrun",
        "asrun",
        "Nhật ký phát sóng (OUT/asrun.sqlite): xác nhận, nhập, xem. As-run log.",
    ),
    (
        "report",
        "report",
        "report",
        "Báo cáo kết quả thực hiện công văn: số lượt, số phút, buổi sáng, ngày bỏ sót.",
    ),
    (
        "voices",
        "voices",
        "voices",
        "Liệt kê bộ đọc, giọng và bộ nào dùng được lúc này. List engines and voices.",
    ),
    ("cache", "cache", "cache", "Bộ nhớ tiếng đã đọc (OUT/cache/speech). Speech cache."),
    (
        "convert-encoding",
        "convert_encoding",
        "convert_encoding",
        "Chuyển tệp gõ bằng bảng mã cũ (TCVN3, VNI, Windows-1258) hoặc UTF-16 sang UTF-8.",
    ),
    (
        "serve",
        "serve",
        "serve",
        "Mở bàn làm việc trên trình duyệt: soạn, nghe, duyệt, lập lịch. Web console.",
    ),
    (
        "approve-existing",
        "approve_existing",
        "approve_existing",
        "Ghi các kịch bản hiện có là đã duyệt (khi mới bật duyệt). Approve existing scripts.",
    ),
    (
        "user",
        "user",
        "user",
        "Người dùng bàn làm việc trên trình duyệt (broadcast serve). Console users.",
    ),
)

for _name, _module, _attribute, _summary in COMMANDS:
    cli.add_lazy_command(_name, f"{__name__}.{_module}", _attribute, _summary)

__all__ = ["COMMANDS", "cli", "main"]
