"""Long work started from a page (building a day) runs on a thread; the page polls it.

A job keeps its progress lines, its result text and its error, so the officer sees
what is being made and how it ended without keeping a request open for a minute.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import BroadcastError


@dataclass
class Job:
    id: str
    title: str
    by: str
    progress: list[str] = field(default_factory=list)
    result: list[str] = field(default_factory=list)
    error: BroadcastError | None = None
    done: bool = False
    total: int = 0  # steps expected, when the work knows (0: unknown)

    @property
    def percent(self) -> int:
        if self.done and self.error is None:
            return 100  # e.g. a build that found every file made already
        steps = len(self.progress) - 1  # the first line says the work has started
        return min(100, int(100 * max(0, steps) / self.total)) if self.total else 0


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, title: str, by: str, work: Callable[[Job], list[str]]) -> Job:
        """Run ``work(job)`` on a thread: it appends its progress lines to ``job.progress``
        (and may set ``job.total``); its returned lines are the result."""
        job = Job(secrets.token_urlsafe(8), title, by)
        with self._lock:
            self._jobs[job.id] = job

        def run() -> None:
            try:
                job.result = work(job)
            except BroadcastError as exc:
                job.error = exc
            except Exception as exc:  # noqa: BLE001 - shown on the page, never lost
                job.error = BroadcastError(
                    f"Lỗi không mong đợi: {exc.__class__.__name__}: {exc}",
                    fix="đây là lỗi của chương trình; gửi thông báo này cho người phụ trách",
                )
            finally:
                job.done = True

        threading.Thread(target=run, name=f"job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)
