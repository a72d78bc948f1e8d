"""Placeholder: the spoken-form front-end is being written (issue 3)."""

from __future__ import annotations

from collections.abc import Mapping


def spoken(text: str, dialect: str = "north", lexicon: Mapping[str, str] | None = None) -> str:
    return text


def split_breath_groups(text: str, max_chars: int = 100) -> list[str]:
    return [text]
