"""What a line of cased news carries about where an article starts, read from its form.

A page copied from a news site opens an article with cues that its prose lacks:
a headline (a short line without a closing full stop, its words capitalised), a
kicker (``ALLIES:``, ``EUROPEAN FUTURE?``), a dateline (``CAIRO, Egypt --``,
``LONDON (Reuters) -``), and a new cast of named entities. Each cue here is a
number per line; the ones that need case (title case, entities) are zero on
lower-cased text, and ``cased`` says whether a line has any case at all, so a
model trained on both regimes knows when to trust them. Only a bounded head of
each line is read, so the cost stays linear in the dump.
"""

from __future__ import annotations

import re

import numpy as np

from ._text import has_kicker

__all__ = ["line_cues", "entity_sets", "entity_continuity", "CUE_NAMES"]

_HEAD = 400  # characters of a line read for its cues
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")
# A dateline: a place (a few words, maybe ", Country" or "(Agency)") then a dash, at the line's start.
_DATELINE = re.compile(
    r"^\s*[^\W\d_][\w.'\u2019 ]{1,28}(,\s*[^\W\d_][\w.'\u2019 ]{1,24})?\s*(\([^)\n]{2,24}\))?\s*(--|\u2014|\u2013|-)\s+\S")
# Where a clause (and its capitalised first word) opens: sentence marks, quotes, a dateline's dash.
_OPENERS = re.compile(r"[.!?:;\"\u201c\u201d]+\s*|\s[-\u2013\u2014]{1,2}\s")
_POSSESSIVE = re.compile(r"['\u2019]s$")
# Function words a headline leaves lower-case in title case.
_MINOR = frozenset("a an the and or but of in on at to for from by with as is are was be vs via over into up".split())
# Capitalised words that are no names: sentence openers and common function words.
_COMMON = frozenset(
    "the a an and but or if in on at to for of by with as from this that these those it its he she they we "
    "i you his her their our there here when while after before since mr mrs ms dr however meanwhile also "
    "but yet so then now last next new first one two three monday tuesday wednesday thursday friday saturday "
    "sunday january february march april may june july august september october november december".split())


def _cased(text: str) -> bool:
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


def _title_share(words: list[str]) -> float:
    """Share of a line's longer words (not minor words) that start upper-case."""
    content = [w for w in words if w.lower() not in _MINOR]
    if not content:
        return 0.0
    return sum(w[0].isupper() for w in content) / len(content)


def line_cues(lines: list[str]) -> dict[str, np.ndarray]:
    """Per line: ``headline`` (short, no closing full stop), ``title_case``, ``kicker``, ``dateline``,
    ``cased`` (the line has both cases) and ``sentences_closed`` (ends in a full stop)."""
    n = len(lines)
    cues = {name: np.zeros(n) for name in ("headline", "title_case", "kicker", "dateline", "cased")}
    for i, line in enumerate(lines):
        head = line[:_HEAD].strip()
        words = _WORD.findall(head)
        short = 2 <= len(words) <= 16 and len(line) <= 140
        ends = line.rstrip()[-1:]
        cased = _cased(head)
        cues["cased"][i] = float(cased)
        cues["headline"][i] = float(short and ends not in ".;,\"\u201d'\u2019")
        cues["title_case"][i] = _title_share(words) if cased and short else 0.0
        cues["kicker"][i] = float(has_kicker(head))
        cues["dateline"][i] = float(_DATELINE.match(head[:80]) is not None)
    return cues


def entity_sets(lines: list[str]) -> list[frozenset[str]]:
    """Names a line mentions: capitalised words not opening a sentence, and acronyms (cased text only)."""
    sets = []
    for line in lines:
        head = line[:_HEAD]
        found = set()
        if _cased(head):
            for clause in _OPENERS.split(head):  # a name is no clause's first word (that one is capitalised anyway)
                words = _WORD.findall(clause)[1:]
                found.update(_POSSESSIVE.sub("", w.lower()) for w in words
                             if w[0].isupper() and len(w) > 1 and w.lower() not in _COMMON)
        sets.append(frozenset(found))
    return sets


def entity_continuity(sets: list[frozenset[str]], width: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Per gap: share of the names in the ``width`` lines after it also in the ``width`` lines before
    (-1 where either side names none), and whether both sides name any."""
    n = len(sets)
    overlap = np.full(max(n - 1, 0), -1.0)
    present = np.zeros(max(n - 1, 0))
    for gap in range(n - 1):
        left = frozenset().union(*sets[max(0, gap - width + 1):gap + 1])
        right = frozenset().union(*sets[gap + 1:gap + 1 + width])
        if left and right:
            present[gap] = 1.0
            overlap[gap] = len(left & right) / len(right)
    return overlap, present


CUE_NAMES = ["right_headline", "left_headline", "right_title_case", "right_dateline", "right_cased",
             "entity_overlap_3", "entity_overlap_1", "entity_present"]
