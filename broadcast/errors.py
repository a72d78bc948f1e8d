"""One exception hierarchy whose messages a culture officer can act on.

Every error says what went wrong, where (file, line, field) and how to fix it, in
Vietnamese. Only the CLI turns them into exit codes; library code raises, never exits.
"""

from __future__ import annotations


class BroadcastError(Exception):
    """Base of every error the user should see as a message, not a traceback."""

    exit_code = 2

    def __init__(self, what: str, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [self.what]
        if self.where:
            lines.append(f"  Ở đâu: {self.where}")
        if self.fix:
            lines.append(f"  Cách sửa: {self.fix}")
        return "\n".join(lines)


class InputError(BroadcastError):
    """A script, schedule, lexicon or command-line value is wrong."""


class ScriptError(InputError):
    """A warning script file is wrong."""


class ScheduleError(InputError):
    """A station, campaign or schedule file is wrong."""


class EngineError(BroadcastError):
    """A speech engine cannot speak (not installed, no network, broken model)."""

    exit_code = 3


class AudioError(BroadcastError):
    """Audio could not be assembled, measured or exported."""

    exit_code = 3


class LockBusyError(BroadcastError):
    """Another run holds the output lock for longer than we are willing to wait."""

    exit_code = 4


class DiskFullError(BroadcastError):
    """The disk filled up while writing a file (the message says what frees space)."""


class NotWritableError(InputError):
    """A folder the command must write to is read-only or not ours to write."""


class StoppedByUser(BroadcastError):
    """Ctrl+C while waiting (for the output lock): nothing was written."""

    exit_code = 130


class ValidationErrors(InputError):
    """Several input problems found at once (``broadcast check`` reports them all)."""

    def __init__(self, errors: list[BroadcastError], what: str | None = None) -> None:
        self.errors = errors
        super().__init__(what or f"Có {len(errors)} lỗi trong dữ liệu đầu vào:")

    @property
    def message(self) -> str:
        parts = [self.what] + [f"- {e.message}" for e in getattr(self, "errors", [])]
        return "\n".join(parts)


class SkippedScripts(ValidationErrors):
    """The work is done, but script files with errors were left out of it."""

    def __init__(self, errors: list[BroadcastError]) -> None:
        super().__init__(
            errors,
            "Đã làm xong phần còn lại, nhưng đã bỏ qua kịch bản có lỗi "
            f"({len(errors)} lỗi); sửa rồi chạy lại:",
        )


def thousands(value: int) -> str:
    """29999 -> '29.999': a number in a message, grouped as Vietnamese writes it."""
    return f"{value:,}".replace(",", ".")
