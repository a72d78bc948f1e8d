"""Response times of the officer's console on the shipped project (in-process requests).

Copies scripts/ and schedules/ to a temp folder with ``approval: required``, makes one
user, logs in, and times the pages an officer and an operator use most: the scripts
list, one script (with its spoken form), the live "how it will be read" panel, the
7-day plan of one station, and the login itself (one Argon2id verify). Median of N.

    python bench/bench_console.py [--repeat N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="Using `httpx`")

from starlette.testclient import TestClient  # noqa: E402

from broadcast.project.accounts import Store  # noqa: E402
from broadcast.project.approval import approve_existing, console_db  # noqa: E402
from broadcast.web.app import create_app  # noqa: E402

PASSWORD = "mat-khau-do-thu"


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("scripts", "schedules"):
            shutil.copytree(ROOT / name, root / name)
        st = root / "schedules" / "stations.yaml"
        st.write_text("approval: required\n" + st.read_text("utf-8"), "utf-8")
        Store(console_db(root)).add_user("ky-thuat", "operator", PASSWORD)
        approve_existing(root, "ky-thuat")  # approval on approves nothing by itself (issue 18)
        client = TestClient(create_app(root, root / "audio_out"), base_url="http://127.0.0.1")

        def login() -> None:
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
            res = client.post(
                "/login",
                data={"csrf": token.group(1), "name": "ky-thuat", "password": PASSWORD},
                follow_redirects=False,
            )
            assert res.status_code == 303

        rows = [("login (GET form + POST, one Argon2id verify)", timed(login, args.repeat))]
        page = client.get("/scripts/noi-trinh-bao").text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        body = (root / "scripts" / "noi-trinh-bao.md").read_text("utf-8").split("---")[-1]
        n = len(list((root / "scripts").glob("*.md")))
        for label, fn in [
            (f"scripts list ({n} scripts, status of each)", lambda: client.get("/scripts")),
            ("one script with its spoken form", lambda: client.get("/scripts/noi-trinh-bao")),
            (
                f"live panel, {len(body)} characters",
                lambda: client.post(
                    "/spoken", data={"csrf": token, "body": body, "station": "fm-kha-son"}
                ),
            ),
            (
                "plan, 7 days of one station",
                lambda: client.get("/plan?date=2026-11-25&station=fm-kha-son"),
            ),
        ]:
            rows.append((label, timed(lambda f=fn: f().raise_for_status(), args.repeat)))
    print(f"median of {args.repeat}, milliseconds:")
    for label, ms in rows:
        print(f"  {label:<48} {ms:7.1f}")


if __name__ == "__main__":
    main()
