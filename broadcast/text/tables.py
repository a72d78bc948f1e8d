"""The data the text rules read: abbreviations, letter names, web words, hotlines.

The tables live in YAML files under ``data/`` so that a culture officer or a
maintainer can add an abbreviation without touching code; this module only loads
them once and hands them out read-only.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

# libyaml's C parser when PyYAML has it (about 10x faster on these tables; same result).
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@cache
def table(name: str) -> MappingProxyType[str, Any]:
    """The top-level mapping of ``data/<name>.yaml`` (loaded once per process)."""
    text = resources.files(__package__).joinpath("data", f"{name}.yaml").read_text("utf-8")
    # BaseLoader keeps every scalar a string: "0": không, and codes like 113, stay text.
    data = yaml.load(text, Loader=_LOADER)
    return MappingProxyType(data)


def letters() -> dict[str, str]:
    return table("letters")["letters"]


def digits() -> dict[str, str]:
    return table("letters")["digits"]


def abbreviations() -> dict[str, str]:
    return table("abbreviations")["text"]


def document_codes() -> dict[str, str]:
    return table("abbreviations")["document_codes"]


def loanwords() -> dict[str, str]:
    return table("abbreviations")["loanwords"]


def places() -> dict[str, str]:
    return table("abbreviations")["places"]


def web() -> MappingProxyType[str, Any]:
    return table("web")


def numbers() -> MappingProxyType[str, Any]:
    return table("numbers")


@cache
def top_level_domains() -> frozenset[str]:
    """Every current top-level domain, lower case (data/tlds-alpha-by-domain.txt, IANA).

    Internationalised ones (XN--...) are left out: in a notice they are written in
    their own script, which the address pattern does not take for an address anyway.
    """
    text = resources.files(__package__).joinpath("data", "tlds-alpha-by-domain.txt")
    return frozenset(
        line.strip().lower()
        for line in text.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("XN--")
    )
