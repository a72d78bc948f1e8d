"""The project on disk: ``scripts/``, ``schedules/`` and the output folder.

``load_project`` parses everything once into typed objects and checks every reference
(script ids, station and group names, jingle files, engine names). It collects every
problem before raising, so ``broadcast check`` shows them all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BroadcastError, InputError, ValidationErrors
from ..files.confined import link_error
from ..files.sources import YamlDoc, load_yaml
from ..vocabulary import MAX_SCRIPT_CHARS, MAX_SCRIPT_CHARS_CEILING
from .approval import only_approved
from .schedule import Campaign, CampaignsFile, OneOff, Schedule, Station, StationsFile
from .scripts import AUDIO_SUFFIXES, Script, load_script
from .validation import validate
from .versions import script_version

STATIONS_FILE = "stations.yaml"
LEXICON_FILE = "lexicon.yaml"
BUILTIN_GROUPS = ("all", "fm", "loudspeaker")


@dataclass
class Project:
    root: Path
    scripts: dict[str, Script]
    schedule: Schedule
    lexicon_path: Path | None = None
    warnings: list[str] = field(default_factory=list)
    #: script files left out of a lenient load, each with its error
    skipped: list[BroadcastError] = field(default_factory=list)
    #: scripts the schedule names that do not air, with why: "missing" (no file),
    #: "broken" (the file has an error) or "unapproved" (a draft when approval is on);
    #: the planner writes a note for each request of one (issue 22, nothing stranded)
    withheld: dict[str, str] = field(default_factory=dict)

    @property
    def scripts_dir(self) -> Path:
        return self.root / "scripts"

    @property
    def schedules_dir(self) -> Path:
        return self.root / "schedules"


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = (
            _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        )
    return out


#: files nobody means as input: editor backups, Word's lock files, ``convert-encoding``
#: backups (``x.md.bak``)
_IGNORED = (".bak", "~", ".orig", ".swp")
_WORD_FILES = (".docx", ".doc", ".odt", ".rtf")


def proper_name(name: str, wanted: str) -> str | None:
    """The file name an officer meant: 'hoan-tien-dien.md.txt' -> 'hoan-tien-dien.md',
    'X.MD' -> 'X.md', 'lich.yml' -> 'lich.yaml'. None for Word and other documents."""
    stem = name
    kinds = (".md", ".markdown", ".mkd", ".txt") if wanted == ".md" else (".yaml", ".yml", ".txt")
    changed = True
    while changed:
        changed = False
        for ext in kinds:
            if stem.lower().endswith(ext) and len(stem) > len(ext):
                stem, changed = stem[: -len(ext)], True
    if stem == name:
        return None
    return stem + wanted


def unread_file_error(path: Path, wanted: str) -> InputError:
    """The error for a file in scripts/ or schedules/ that is not read, with the rename."""
    folder = path.parent.name
    what_is = "kịch bản" if wanted == ".md" else "lịch phát"
    what = f"Tệp {path.name} không được đọc: trong {folder}/ chỉ tệp đuôi {wanted} là {what_is}"
    new = proper_name(path.name, wanted)
    if path.suffix.lower() in _WORD_FILES or new is None:
        fix = (
            f"mở tệp bằng Word, chép phần chữ sang Notepad và lưu thành "
            f"{path.name.split('.')[0]}{wanted} (Save as type: All files, Encoding: UTF-8); "
            f"sau đó chuyển tệp {path.name} ra khỏi thư mục {folder}/"
        )
    elif (path.parent / new).exists():
        fix = f"đã có {new}: nếu {path.name} là bản cũ thì xóa nó, nếu là bản mới thì thay {new} bằng nó"
    else:
        fix = (
            f"đổi tên thành {new} (Notepad hay tự thêm '.txt': trong File Explorer bật "
            "View > File name extensions rồi đổi tên)"
        )
    return InputError(what, where=str(path), fix=fix)


def script_path_error(path: Path) -> InputError | None:
    """``render FILE``/``emergency FILE`` on a file that is not a '.md' script."""
    path = Path(path)
    if path.suffix == ".md":
        return None
    err = unread_file_error(path, ".md")
    return InputError(
        f"Tệp {path.name} không phải kịch bản: kịch bản là tệp đuôi .md",
        where=err.where,
        fix=err.fix,
    )


def unread_files(
    folder: Path, wanted: str, also: Collection[str] = (), suffixes: Collection[str] = ()
) -> list[InputError]:
    """Files in ``folder`` that loading does not read (a '.md.txt' script would
    otherwise never air without a word). Files ending in one of ``suffixes`` are meant
    to be there (the recordings scripts name, in scripts/)."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith((".", "~$")) or name.endswith(_IGNORED) or path.is_dir():
            continue
        if path.suffix == wanted or name in also or path.suffix.lower() in suffixes:
            continue
        found.append(unread_file_error(path, wanted))
    return found


def empty_file_error(path: Path) -> InputError | None:
    """An empty or blank file (a failed save, a full disk) is an error, never 'no campaign'."""
    try:
        with path.open("rb") as f:  # in pieces: a huge file is not read whole to say so
            first = True
            while chunk := f.read(1 << 16):
                blank = chunk.strip(b" \t\r\n\x00")
                if first and blank in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
                    blank = b""
                if blank:
                    return None
                first = False
    except OSError:
        return None  # the loader reports it
    return InputError(
        f"Tệp {path.name} trống (không có nội dung)",
        where=str(path),
        fix="mở lại bản đã lưu trước (hoặc bản sao lưu) và lưu lại đủ nội dung; nếu không "
        "cần tệp này nữa thì xóa nó",
    )


def load_scripts(
    folder: Path,
    errors: list[BroadcastError],
    broken: set[str] | None = None,
    max_chars: int = MAX_SCRIPT_CHARS,
) -> dict[str, Script]:
    """Every script in ``folder``; a file that fails is reported in ``errors`` and its
    stem (the id it should have) added to ``broken``. A body longer than ``max_chars``
    is such a failure."""
    scripts: dict[str, Script] = {}
    if not folder.is_dir():
        errors.append(
            InputError(
                f"Không có thư mục kịch bản {folder}",
                fix="chạy lệnh trong thư mục dự án (có scripts/ và schedules/), hoặc thêm "
                "--root THƯ_MỤC_DỰ_ÁN; dự án mới thì tạo scripts/ và đặt các kịch bản .md vào đó",
            )
        )
        return scripts
    for problem in unread_files(folder, ".md", suffixes=AUDIO_SUFFIXES):
        errors.append(problem)
        if broken is not None and problem.where:
            new = proper_name(Path(problem.where).name, ".md")
            broken.add((new or Path(problem.where).name).split(".")[0])
    for path in sorted(folder.glob("*.md")):
        before = len(errors)
        empty = link_error(folder.parent, path) or empty_file_error(path)
        if empty is not None:
            errors.append(empty)
            if broken is not None:
                broken.add(path.stem)
            continue
        script = _collect(lambda p=path: load_script(p, max_chars), errors)
        if script is None:
            if broken is not None and len(errors) > before:
                broken.add(path.stem)
            continue
        scripts[script.id] = script
    if not scripts and not errors:
        errors.append(
            InputError(
                f"Thư mục {folder} chưa có kịch bản nào (*.md)",
                fix="chép một tệp mẫu trong scripts/ của dự án mẫu rồi sửa nội dung",
            )
        )
    return scripts


def _collect(fn, errors: list[BroadcastError]):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    except BroadcastError as exc:
        errors.append(exc)
    return None


def load_schedule(
    folder: Path, errors: list[BroadcastError], docs: dict[Path, YamlDoc] | None = None
) -> Schedule | None:
    """``docs``, when given, keeps every YAML file read (by path) for the reference checks,
    so that a 10,000-station stations.yaml is parsed once per load, not twice.

    The steps: the stations file's head, its stations, the groups, then every campaign
    file's campaigns and one-offs; each step adds what is wrong to ``errors``."""
    read = _stations_file(folder, errors, docs)
    if read is None:
        return None
    head, doc = read
    stations, broken = _stations(head, doc, errors)
    groups = _groups(head, doc, stations, broken, errors)
    campaigns: list[Campaign] = []
    oneoffs: list[OneOff] = []
    sources: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (STATIONS_FILE, LEXICON_FILE):
            continue
        link = link_error(folder.parent, path)
        if link is not None:
            errors.append(link)
            continue
        _campaign_file(path, groups, broken, errors, docs, campaigns, oneoffs, sources)
    return Schedule(
        commune=head.commune,
        stations=stations,
        groups=groups,
        campaigns=campaigns,
        oneoffs=oneoffs,
        sources=sources,
        approval=head.approval,
        max_script_chars=head.max_script_chars,
    )


def _stations_file(
    folder: Path, errors: list[BroadcastError], docs: dict[Path, YamlDoc] | None
) -> tuple[StationsFile, YamlDoc] | None:
    """schedules/stations.yaml read and checked as a whole (its stations one by one later)."""
    st_path = folder / STATIONS_FILE
    if not st_path.is_file():
        errors.append(
            InputError(
                f"Không có tệp danh sách đài {st_path}",
                fix="tạo schedules/stations.yaml (xem mẫu trong docs/operator.md)",
            )
        )
        return None
    empty = link_error(folder.parent, st_path) or empty_file_error(st_path)
    if empty is not None:
        errors.append(empty)
        return None
    doc = docs.get(st_path) if docs is not None else None
    if doc is None:
        doc = _collect(lambda: load_yaml(st_path), errors)
    if doc is None:
        return None
    if docs is not None:
        docs[st_path] = doc
    head = _collect(lambda: validate(StationsFile, doc.data, doc), errors)
    if head is None:
        return None
    return head, doc


def _stations(
    head: StationsFile, doc: YamlDoc, errors: list[BroadcastError]
) -> tuple[dict[str, Station], set[str]]:
    """Each station with the defaults merged in, and the ids of the broken ones.

    A campaign naming a station whose entry has an error already reported must not add a
    second, misleading "no such station" error: hence ``broken``."""
    stations: dict[str, Station] = {}
    broken: set[str] = set()
    for i, raw in enumerate(head.stations):
        merged = _deep_merge(head.defaults, raw) if isinstance(raw, dict) else raw
        st = _collect(lambda m=merged, i=i: validate(Station, m, doc, ("stations", i)), errors)
        if st is None:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                broken.add(raw["id"])
            continue
        if st.id in stations:
            errors.append(
                InputError(
                    f"Mã đài '{st.id}' bị trùng",
                    where=doc.where(("stations", i, "id")),
                    fix="mỗi đài cần một mã 'id' riêng",
                )
            )
        stations[st.id] = st
    return stations, broken


def _groups(
    head: StationsFile,
    doc: YamlDoc,
    stations: dict[str, Station],
    broken: set[str],
    errors: list[BroadcastError],
) -> dict[str, list[str]]:
    """The built-in groups (all, fm, loudspeaker) and the named ones."""
    groups: dict[str, list[str]] = {
        "all": list(stations),
        "fm": [s for s, st in stations.items() if st.kind == "fm"],
        "loudspeaker": [s for s, st in stations.items() if st.kind == "loudspeaker"],
    }
    for name, members in head.groups.items():
        if name in BUILTIN_GROUPS:
            errors.append(
                InputError(
                    f"Tên nhóm '{name}' đã có sẵn",
                    where=doc.where(("groups", name)),
                    fix="đặt tên nhóm khác; 'all', 'fm', 'loudspeaker' là nhóm có sẵn",
                )
            )
            continue
        for j, m in enumerate(members):
            if m not in stations and m not in broken:
                errors.append(
                    InputError(
                        f"Nhóm '{name}' có đài '{m}' không tồn tại",
                        where=doc.where(("groups", name, j)),
                        fix=f"dùng một mã đài có trong danh sách: {', '.join(stations)}",
                    )
                )
        groups[name] = [m for m in members if m in stations]
    return groups


def _campaign_file(
    path: Path,
    groups: dict[str, list[str]],
    broken: set[str],
    errors: list[BroadcastError],
    docs: dict[Path, YamlDoc] | None,
    campaigns: list[Campaign],
    oneoffs: list[OneOff],
    sources: dict[str, Path],
) -> None:
    """One campaign file's campaigns and one-offs, appended; ids unique across files."""
    empty = empty_file_error(path)
    if empty is not None:
        errors.append(empty)
        return
    cdoc = _collect(lambda p=path: load_yaml(p), errors)
    if cdoc is None:
        return
    if docs is not None:
        docs[path] = cdoc
    body = _collect(lambda d=cdoc: validate(CampaignsFile, d.data or {}, d), errors)
    if body is None:
        return
    for key, model, bucket in (
        ("campaigns", Campaign, campaigns),
        ("oneoffs", OneOff, oneoffs),
    ):
        for i, raw in enumerate(getattr(body, key)):
            item = _collect(
                lambda r=raw, i=i, d=cdoc, k=key, m=model: validate(m, r, d, (k, i)), errors
            )
            if item is None:
                continue
            if item.id in sources:
                errors.append(
                    InputError(
                        f"Mã '{item.id}' bị trùng (đã có trong {sources[item.id].name})",
                        where=cdoc.where((key, i, "id")),
                        fix="đặt một mã 'id' khác",
                    )
                )
                continue
            sources[item.id] = path
            _check_targets(item.stations, groups, broken, cdoc, (key, i, "stations"), errors)
            if isinstance(item, Campaign) and item.end < item.start:
                errors.append(
                    InputError(
                        "Chiến dịch kết thúc ('until') trước khi bắt đầu ('from')",
                        where=cdoc.where((key, i, "until")),
                        fix="đổi lại hai ngày cho đúng",
                    )
                )
            bucket.append(item)  # type: ignore[attr-defined]


def _check_targets(
    names: list[str],
    groups: dict[str, list[str]],
    broken: set[str],
    doc: YamlDoc,
    loc: tuple[Any, ...],
    errors: list[BroadcastError],
) -> None:
    known = set(groups) | set(groups["all"])
    for j, name in enumerate(names):
        if name not in known and name not in broken:
            errors.append(
                InputError(
                    f"Không có đài hay nhóm đài tên '{name}'",
                    where=doc.where(loc + (j,)),
                    fix=f"dùng một trong: {', '.join(sorted(known))}",
                )
            )


def _check_references(
    project: Project,
    errors: list[BroadcastError],
    broken: Collection[str] = (),
    docs: dict[Path, YamlDoc] | None = None,
    missing: list[BroadcastError] | None = None,
) -> None:
    """Scripts, stations, engines and jingles named in the schedule exist.

    A script in ``broken`` exists but has its own error, already reported: naming it
    again from every campaign would only send the officer to the wrong file. With
    ``missing`` (a lenient load), a script that does not exist goes there instead of
    ``errors``: the build leaves it out with a note and builds everything else.
    """
    script_errors = errors if missing is None else missing
    from ..speech.registry import ENGINES

    sched = project.schedule
    docs = {} if docs is None else docs

    def read(path: Path) -> YamlDoc:
        if path not in docs:
            docs[path] = load_yaml(path)
        return docs[path]

    script_errors.extend(missing_scripts(sched, {*project.scripts, *broken}, read))
    st_doc = read(project.schedules_dir / STATIONS_FILE)
    raw_stations = st_doc.data.get("stations", [])
    first: dict[str, int] = {}  # station id -> its first entry (one pass, not one per station)
    for k, r in enumerate(raw_stations):
        if isinstance(r, dict) and isinstance(r.get("id"), str):
            first.setdefault(r["id"], k)
    for i, (sid, st) in enumerate(sched.stations.items()):
        idx = first.get(sid, i)
        for j, name in enumerate(st.voice.engines):
            if name not in ENGINES:
                errors.append(
                    InputError(
                        f"Đài '{sid}' dùng bộ đọc '{name}' không có",
                        where=st_doc.where(("stations", idx, "voice", "engines", j)),
                        fix=f"chọn một trong: {', '.join(ENGINES)}",
                    )
                )
        for kind in ("intro", "outro", "between"):
            rel = getattr(st.jingles, kind)
            link = link_error(project.root, project.root / rel) if rel else None
            if link is not None:
                errors.append(
                    InputError(
                        f"Đài '{sid}': {link.what}",
                        where=st_doc.where(("stations", idx, "jingles", kind)),
                        fix=link.fix,
                    )
                )
            elif rel and not (project.root / rel).is_file():
                errors.append(
                    InputError(
                        f"Đài '{sid}': không thấy tệp nhạc hiệu {rel}",
                        where=st_doc.where(("stations", idx, "jingles", kind)),
                        fix="chép tệp nhạc hiệu vào dự án hoặc xóa dòng này để dùng nhạc hiệu có sẵn",
                    )
                )


def load_project(root: Path, strict: bool = True) -> Project:
    """Load and check the whole project; raise ValidationErrors listing every problem.

    With ``strict=False`` (build, render, the daemon), a script file with an error is
    left out and listed in ``Project.skipped`` instead of stopping the run: one bad
    script must not leave every station without today's playlist. Schedule errors, and
    a project with no usable script at all, still stop it.
    """
    root = Path(root).resolve()
    script_errors: list[BroadcastError] = []
    broken: set[str] = set()
    docs: dict[Path, YamlDoc] = {}
    limit = script_limit(root / "schedules", docs)
    scripts = load_scripts(root / "scripts", script_errors, broken, limit)
    lenient = not strict and bool(scripts)
    errors: list[BroadcastError] = [] if lenient else script_errors
    unread = unread_files(root / "schedules", ".yaml")
    if lenient:
        script_errors.extend(unread)
    else:
        errors.extend(unread)
    schedule = load_schedule(root / "schedules", errors, docs)
    lexicon = root / "schedules" / LEXICON_FILE
    if lexicon.is_file() and (link := link_error(root, lexicon)) is not None:
        errors.append(link)
    project = None
    if schedule is not None:
        project = Project(
            root=root,
            scripts=scripts,
            schedule=schedule,
            lexicon_path=lexicon if lexicon.is_file() else None,
            warnings=[note for s in scripts.values() for note in s.notes],
        )
        missing: list[BroadcastError] | None = [] if lenient else None
        _check_references(project, errors, broken, docs, missing)
        if lenient:
            project.skipped = script_errors
            project.withheld.update(dict.fromkeys(sorted(broken), "broken"))
            for err in missing or ():
                project.warnings.append(
                    f"{err.what} (ở {err.where}): không phát. Cách sửa: {err.fix}"
                )
            project.withheld.update(_named_missing(project))
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise ValidationErrors(errors)
    assert project is not None
    if not strict:  # a load for work: drafts do not air when the project requires approval
        before = set(project.scripts)
        project.warnings.extend(
            only_approved(project.root, project.schedule.approval, project.scripts, broken)
        )
        for sid in set(project.scripts) - before:  # a broken file's approved version airs
            if project.withheld.get(sid) == "broken":
                del project.withheld[sid]
        project.withheld.update(dict.fromkeys(sorted(before - set(project.scripts)), "unapproved"))
        for sid, script in project.scripts.items():
            if not script.version:
                project.scripts[sid] = script.model_copy(update={"version": script_version(script)})
    return project


def missing_scripts(
    sched: Schedule, known: Collection[str], read: Callable[[Path], YamlDoc]
) -> list[BroadcastError]:
    """The campaigns' and one-off bulletins' scripts that are not in ``known`` (the ids
    in scripts/), each at its line (``read`` gives a schedule file's parsed text). The
    load of the project and the console's check before it saves a schedule file both
    ask this, so a form cannot write a file that ``check`` then refuses."""
    found: list[BroadcastError] = []
    for c in sched.campaigns:
        if c.scripts == "all":
            continue
        doc = read(sched.sources[c.id])
        idx = next(i for i, r in enumerate(doc.data.get("campaigns", [])) if r.get("id") == c.id)
        for j, sid in enumerate(c.scripts):
            if sid not in known:
                found.append(
                    InputError(
                        f"Chiến dịch '{c.id}' nhắc đến kịch bản '{sid}' không có trong scripts/",
                        where=doc.where(("campaigns", idx, "scripts", j)),
                        fix=f"tạo scripts/{sid}.md hoặc sửa tên cho đúng",
                    )
                )
    for o in sched.oneoffs:
        if o.script not in known:
            doc = read(sched.sources[o.id])
            idx = next(i for i, r in enumerate(doc.data.get("oneoffs", [])) if r.get("id") == o.id)
            found.append(
                InputError(
                    f"Bản tin '{o.id}' dùng kịch bản '{o.script}' không có trong scripts/",
                    where=doc.where(("oneoffs", idx, "script")),
                    fix=f"tạo scripts/{o.script}.md hoặc sửa tên cho đúng",
                )
            )
    return found


def script_limit(folder: Path, docs: dict[Path, YamlDoc] | None = None) -> int:
    """``max_script_chars`` of ``folder``/stations.yaml, or the default when it is not
    set or not readable (the schedule load reports what is wrong with the file).

    Read before the scripts, which it bounds; ``docs`` keeps the parsed file so the
    schedule load does not parse it again."""
    path = folder / STATIONS_FILE
    if not path.is_file() or link_error(folder.parent, path) or empty_file_error(path):
        return MAX_SCRIPT_CHARS
    try:
        doc = load_yaml(path)
    except BroadcastError:
        return MAX_SCRIPT_CHARS
    if docs is not None:
        docs[path] = doc
    value = doc.data.get("max_script_chars") if isinstance(doc.data, dict) else None
    if isinstance(value, int) and 1000 <= value <= MAX_SCRIPT_CHARS_CEILING:
        return value
    return MAX_SCRIPT_CHARS  # out of range: StationsFile reports it


def _named_missing(project: Project) -> dict[str, str]:
    """Script ids the schedule names that have no file (and no broken file) in scripts/."""
    sched = project.schedule
    named = [s for c in sched.campaigns if c.scripts != "all" for s in c.scripts]
    named += [o.script for o in sched.oneoffs]
    return {s: "missing" for s in named if s not in project.scripts and s not in project.withheld}
