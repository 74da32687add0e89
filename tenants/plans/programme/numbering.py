"""How plans number their parts, so a gap is judged among siblings and not across levels.

Styles seen in plans: hierarchical (`1`, `1.1`, `1.1.1`, with or without a trailing dot),
list items (`1)`, `a)`, `b.`), Roman numerals (`I.`, `IV`), paragraphs (`§ 1`). A label is read
as (style, parent, ordinal): `2.1.3` is the third child of `2.1`; `b)` the second letter item.
Siblings of one parent and style must run 1, 2, 3... (or continue a previous run, where a plan
numbers specific goals across general goals). Patterns are ASCII-only on purpose."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

_HIERARCHICAL = re.compile(r"(?a)^\s*(\d+(?:\.\d+)*)\.?\s*\)?\s*$")
_LETTER = re.compile(r"(?a)^\s*([a-z])\s*[).]\s*$", re.IGNORECASE)
_ROMAN = re.compile(r"^\s*(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\s*[.)]?\s*$")
_PARAGRAPH = re.compile(r"(?a)^\s*§\s*(\d+)\s*\.?\s*$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


@dataclass(frozen=True)
class Number:
    style: str  # "decimal", "letter", "roman", "paragraph"
    parent: tuple[int, ...]
    ordinal: int


def _roman(text: str) -> int:
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def number_of(label: str) -> Number | None:
    """The label read as a number; None when it is no numbering this module knows."""
    if found := _HIERARCHICAL.match(label):
        parts = tuple(int(p) for p in found.group(1).split("."))
        return Number("decimal", parts[:-1], parts[-1])
    if found := _PARAGRAPH.match(label):
        return Number("paragraph", (), int(found.group(1)))
    if (found := _ROMAN.match(label)) and found.group(1):
        return Number("roman", (), _roman(found.group(1)))
    if found := _LETTER.match(label):
        return Number("letter", (), ord(found.group(1).lower()) - ord("a") + 1)
    return None


def numbering_gap(labels: Iterable[str], *, may_continue_from: int = 0) -> list[str] | None:
    """The labels of a list of siblings when their numbers skip (or start elsewhere than 1 or
    right after `may_continue_from`), else None. Unnumbered or unreadable lists are not judged."""
    labels = list(labels)
    numbers = [number_of(label) for label in labels]
    if not numbers or any(n is None for n in numbers):
        return None
    groups: dict[tuple[str, tuple[int, ...]], list[int]] = {}
    for n in numbers:
        assert n is not None
        groups.setdefault((n.style, n.parent), []).append(n.ordinal)
    for (_, parent), ordinals in groups.items():
        starts = {1} | ({may_continue_from + 1} if not parent else set())
        if ordinals[0] not in starts or any(b != a + 1 for a, b in pairwise(ordinals)):
            return labels
    return None


def last_ordinal(labels: list[str]) -> int:
    """The ordinal of the last label (0 when there is none or it is unreadable)."""
    number = number_of(labels[-1]) if labels else None
    return number.ordinal if number else 0


_ROMAN_NUMERALS = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                   (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip


def _spelled(style: str, parent: tuple[int, ...], ordinal: int) -> str:
    if style == "decimal":
        return ".".join(map(str, (*parent, ordinal)))
    if style == "letter":
        return f"{chr(ord('a') + ordinal - 1)})" if ordinal <= 26 else str(ordinal)
    if style == "paragraph":
        return f"§ {ordinal}"
    roman, rest = "", ordinal
    for value, numeral in _ROMAN_NUMERALS:
        while rest >= value:
            roman, rest = roman + numeral, rest - value
    return roman


def missing_numbers(labels: Iterable[str], *, may_continue_from: int = 0) -> list[str]:
    """The numbers missing among siblings, spelled in their style (`1.1.3`, `c)`, `III`)."""
    numbers = [number_of(label) for label in labels]
    groups: dict[tuple[str, tuple[int, ...]], list[int]] = {}
    for n in numbers:
        if n is not None:
            groups.setdefault((n.style, n.parent), []).append(n.ordinal)
    missing = []
    for (style, parent), ordinals in groups.items():
        first = may_continue_from + 1 if not parent and ordinals[0] == may_continue_from + 1 else 1
        missing += [_spelled(style, parent, o) for o in range(first, max(ordinals)) if o not in set(ordinals)]
    return missing
