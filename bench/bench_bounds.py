"""Every command and console page at the input bounds: wall time and peak memory (issue 23).

    python bench/bench_bounds.py                 # every case
    python bench/bench_bounds.py --case check    # the cases whose name contains 'check'

The bounds (``broadcast/vocabulary.py``, ``broadcast/emergency/cap.py``): a script body of
20,000 characters, a header of 10,000, a CAP file of 1 MB, a request body of 1 MB. The
project is a copy of the shipped one plus 50 scripts at the body bound (the shipped
bodies, paragraph after paragraph, with the hardest inputs the normaliser has: phone
numbers, amounts, dates, web and e-mail addresses, account numbers), one of them written
as 2,200 short lines, one a single 20,000-character line, and a draft of one of them
that differs from its approved version on every other line (the console shows the diff).
A recording of 59 minutes (tone and noise, MP3; the bound is 60) is named by one script.

Each case runs in a fresh process, so its peak RSS is its own
(``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the Python process: ffmpeg's children
are not counted). The target is 300 MB and 10 s for each. Rendering a 25-minute bulletin
takes longer than 10 s by nature: ``bench/bench_long_render.py`` measures it, and
``bench/bench_report.py`` the report over a year of as-run rows. Prints
figures and the verdict, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

LIMIT_MB = 300
LIMIT_S = 10.0
N_SCRIPTS = 50
PASSWORD = "mat-khau-do-thu-ban"
RECORDING_MIN = 59  # the bound is 60 (recording.MAX_RECORDING_S)
HARD = (
    " Gọi 0912.345.678 hoặc 024-3826-1234, chuyển 1.250.000 đồng (1,5 triệu) vào tài khoản "
    "0123456789012 trước 23h59 ngày 31/12/2026; vào https://vi-du.gov.vn/xac-minh?id=42 hay "
    "gửi thư tới canh-bao@congan.gov.vn, mã OTP 483920, công văn số 3316/UBND-VHTT."
)


def body_at_bound(chars: int) -> str:
    from bench_long_render import long_body

    return long_body(chars - 2 * len(HARD)).replace("\n\n", HARD + "\n\n", 2)[:chars]


def make_project(work: Path) -> Path:
    """The shipped project plus the scripts and the recording at the bounds (see above)."""
    from broadcast.audio.ffmpeg import ffmpeg_exe
    from broadcast.project.accounts import Store
    from broadcast.project.approval import approve_existing, console_db
    from broadcast.vocabulary import MAX_SCRIPT_CHARS

    root = work / "project"
    shutil.copytree(REPO / "scripts", root / "scripts")
    shutil.copytree(REPO / "schedules", root / "schedules")
    st = root / "schedules" / "stations.yaml"
    st.write_text("approval: required\n" + st.read_text("utf-8"), "utf-8")
    first = (REPO / "scripts" / "khong-cung-cap-otp.md").read_text(encoding="utf-8")
    head = first.split("---\n", 2)[1]
    body = body_at_bound(MAX_SCRIPT_CHARS)
    bodies = {f"dai-{i:02d}": body for i in range(N_SCRIPTS - 2)}
    bodies["nhieu-dong"] = "\n".join("Gọi 156." for _ in range(2_200))
    bodies["mot-dong"] = body.replace("\n", " ")
    for sid, text in bodies.items():
        own = head.replace("id: khong-cung-cap-otp", f"id: {sid}")
        (root / "scripts" / f"{sid}.md").write_text(f"---\n{own}---\n{text}\n", "utf-8")
    own = head.replace("id: khong-cung-cap-otp", "id: ban-ghi")
    (root / "scripts" / "ban-ghi.md").write_text(
        f"---\n{own}recording: ban-ghi.mp3\n---\n{body[:3000]}\n", "utf-8"
    )
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
         f"sine=f=220:d={RECORDING_MIN * 60}", "-f", "lavfi", "-i",
         f"anoisesrc=a=0.05:d={RECORDING_MIN * 60}", "-filter_complex", "amix=inputs=2",
         "-ac", "1", "-ar", "22050", "-b:a", "48k", str(root / "scripts" / "ban-ghi.mp3")],
        check=True,
    )  # fmt: skip
    Store(console_db(root)).add_user("ky-thuat", "operator", PASSWORD)
    Store(console_db(root)).add_user("can-bo", "officer", PASSWORD)
    approve_existing(root, "ky-thuat")
    draft = root / "scripts" / "dai-00.md"
    lines = draft.read_text("utf-8").split("\n")
    lines = [line.upper() if i % 2 and i > 12 else line for i, line in enumerate(lines)]
    draft.write_text("\n".join(lines), "utf-8")
    return root


def cap_at_bound(work: Path) -> Path:
    """A valid CAP 1.2 alert of just under 1 MB: its fields at their bounds, then areas."""
    import datetime as dt

    from broadcast.emergency import cap
    from broadcast.project.scripts import Priority

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    alert = cap.bulletin_alert(
        identifier="bench-bounds-1", sender="ubnd-kha-son@vi-du.vn", sent=now,
        title="Cảnh báo lừa đảo", topic="lừa đảo trực tuyến", text=body_at_bound(20_000),
        priority=Priority.emergency, area="Xã Kha Sơn", resources=(),
    )  # fmt: skip
    text = cap.to_xml(alert).decode("utf-8")
    area = "<area><areaDesc>Thôn Đông, xã Kha Sơn</areaDesc></area>"
    room = cap.MAX_CAP_BYTES - len(text.encode("utf-8")) - 100
    text = text.replace("</info>", area * (room // len(area.encode("utf-8"))) + "</info>", 1)
    path = work / "canh-bao.cap.xml"
    path.write_text(text, "utf-8")
    return path


def cli(root: Path, *args: str) -> Callable[[], None]:
    def run() -> None:
        from broadcast.cli.main import main

        try:
            main([*args, "--root", str(root)])
        except SystemExit as stop:
            if stop.code not in (0, None, 2):
                raise RuntimeError(f"exit {stop.code}") from None

    return run


def cold(root: Path, *args: str) -> Callable[[], None]:
    """``cli``, with the recording's kept figures removed first (it is decoded again)."""
    from broadcast.audio.recording import MEASURED_DIR

    def run() -> None:
        shutil.rmtree(root / MEASURED_DIR, ignore_errors=True)
        cli(root, *args)()

    return run


def page(
    root: Path, method: str, url: str, role: str = "officer", **form: str
) -> Callable[[], None]:
    def run() -> None:
        warnings.filterwarnings("ignore", message="Using `httpx`")
        from starlette.testclient import TestClient

        from broadcast.web.app import create_app

        client = TestClient(create_app(root, root / "audio_out"), base_url="http://127.0.0.1")
        name = "ky-thuat" if role == "operator" else "can-bo"
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"csrf": token, "name": name, "password": PASSWORD})
        got = client.get("/scripts").text
        token = re.search(r'name="csrf" value="([^"]+)"', got).group(1) if "csrf" in got else ""
        started = time.perf_counter()
        if method == "GET":
            res = client.get(url)
        else:
            res = client.post(url, data={"csrf": token, **form})
        took = time.perf_counter() - started
        print(json.dumps({"status": res.status_code, "request_s": round(took, 2)}))

    return run


def cases(root: Path, cap_file: Path) -> dict[str, Callable[[], None]]:
    from broadcast.vocabulary import MAX_SCRIPT_CHARS

    body = body_at_bound(MAX_SCRIPT_CHARS)
    plan = ("plan", "--date", "2026-11-25", "--days", "7")
    return {
        "check (59 scripts, 50 at 20,000 chars, a 59-min recording)": cold(root, "check"),
        "normalize 20,000 chars": cli(root, "normalize", body),
        "plan 7 days, the recording never measured": cold(root, *plan),
        "plan 7 days, the recording's figures kept": cli(root, *plan),
        "emergency --from-cap 1 MB (parse, check)": lambda: _cap(cap_file),
        "page /scripts": page(root, "GET", "/scripts"),
        "page /scripts/dai-01 (spoken form)": page(root, "GET", "/scripts/dai-01"),
        "page /scripts/dai-00 (draft: diff of two 20k texts)": page(root, "GET", "/scripts/dai-00"),
        "page /scripts/nhieu-dong/edit": page(root, "GET", "/scripts/nhieu-dong/edit"),
        "page POST /spoken 20,000 chars": page(root, "POST", "/spoken", body=body),
        "page /plan": page(root, "GET", "/plan", role="operator"),
        "page POST 1 MB body (refused)": page(root, "POST", "/spoken", body="x" * 1_100_000),
    }


def _cap(path: Path) -> None:
    from broadcast.emergency.cap import parse_alert
    from broadcast.errors import BroadcastError

    try:
        parse_alert(path.read_bytes(), str(path))
    except BroadcastError as err:  # expired sample, etc.: the parse and checks still ran
        print(json.dumps({"refused": err.what[:80]}))


def one(name: str, root: Path, cap_file: Path) -> None:
    """Run one case in this process and print its figures as JSON (the last line)."""
    fn = cases(root, cap_file)[name]
    started = time.perf_counter()
    fn()
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(took, 2), "peak_mb": round(peak)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="", help="only the cases whose name contains this")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cap", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.root, args.cap)
        return
    work = Path(tempfile.mkdtemp(prefix="bench-bounds-"))
    try:
        print("Preparing the project at the bounds…", flush=True)
        root, cap_file = make_project(work), cap_at_bound(work)
        print(f"{'case':<58} {'s':>6} {'MB':>5}  verdict")
        for name in cases(root, cap_file):
            if args.case not in name:
                continue
            proc = subprocess.run(
                [sys.executable, __file__, "--one", name, "--root", str(root), "--cap", str(cap_file)],
                capture_output=True, text=True,
            )  # fmt: skip
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if proc.returncode or not lines:
                print(f"{name:<58} failed: {(proc.stderr or proc.stdout)[-300:]}")
                continue
            fig = json.loads(lines[-1])
            extra = "; ".join(ln for ln in lines[:-1])
            ok = fig["seconds"] <= LIMIT_S and fig["peak_mb"] <= LIMIT_MB
            verdict = "ok" if ok else f"OVER ({LIMIT_S:g} s, {LIMIT_MB} MB)"
            print(f"{name:<58} {fig['seconds']:>6.1f} {fig['peak_mb']:>5}  {verdict} {extra}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
