"""Boilerplate lines of a dump: navigation, prompts, notices, captions, bylines.

Web pages copied into a dump carry lines that belong to no article's text:
menus ("Home | World | Business"), prompts ("Read more", "Share this"),
subscription and cookie notices, photo captions and credits, bylines. The
marker says which lines these are; they stay inside the article spans (spans
partition the file) but are left out of the text that is vectorised.

The cues are the form of a line, never its case alone, so lower-cased dumps are
marked the same way; a line that reads as prose (several words and a closing
sentence mark, no notice phrase) is content.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["BoilerplateMarker", "is_boilerplate"]

# Phrases that open (or make up) a prompt, notice or caption line.
_NOTICE = re.compile(
    r"^\W*(read more|read next|read the full|more on this|more from|related( articles| stories| topics| coverage)?\b"
    r"|see also|most (read|popular|shared|viewed)|top stories|trending|share (this|on|the story|article)"
    r"|follow us|follow (the|our)|like us on|tweet\b|email this|print this|comments?\b|\d+ comments"
    r"|subscribe|sign up|sign in|log ?in|register\b|get (our|the) .{0,40}newsletter|newsletter|join (our|the)"
    r"|advertisement|sponsored|promoted|skip to|jump to|back to top|go to|click here|listen to this"
    r"|watch:|video:|audio:|image:|photo:|picture:|photograph:|caption:|image caption|media caption"
    r"|image (source|copyright)|photo(graph)? (by|credit)|credit:|pictured:|getty images|reuters/|ap photo|afp/"
    r"|copyright|\u00a9|all rights reserved|terms (of|and) |privacy (policy|notice)|cookie|we use cookies"
    r"|accept( all)?( cookies)?\b|manage (cookies|preferences|consent)|updated:|published:|last updated"
    r"|posted (on|at|by)|by [a-z][\w.'\-]+( [a-z][\w.'\-]+){0,3}\s*(,|$|\|)|reporting by|editing by"
    r"|additional reporting|contact (us|the)|about us|download (our|the) app)",
    re.IGNORECASE,
)
# Separators that string menu items and headline runs together.
# Hyphens and dashes are left out: prose uses them as asides and lists.
_SEPARATORS = re.compile(r"\s*\|\s*|\s[\u2022\u00b7\u203a\u00bb/>]\s")
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")
_CLOSED = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s*$")


def is_boilerplate(line: str) -> bool:
    """True for a line that is a menu, prompt, notice, caption, credit or bare byline."""
    stripped = line.strip()
    text = stripped[:400]
    if not text:
        return False
    words = _WORD.findall(text)
    n_words = len(words)
    separators = len(_SEPARATORS.findall(text))
    # A menu or a run of headlines glued together: many items, few words each.
    if separators >= 3 and n_words <= 6 * (separators + 1):
        return True
    if separators >= 2 and n_words <= 2 * (separators + 1):
        return True
    if not words:
        return True  # only numbers and symbols: a date, a counter, a divider
    # A notice phrase marks a short line, or one that does not read as a closed sentence
    # ("By contrast, ..." or "Register to vote ..." in a paragraph of prose is content).
    if _NOTICE.match(text) is not None and (n_words <= 12 or not _CLOSED.search(stripped[-40:])):
        return True
    # A long prose line is content, even when it mentions cookies or newsletters.
    return False


class BoilerplateMarker:
    """Marks each line of a dump as content (False) or boilerplate (True).

    Stateless: ``fit`` learns nothing and returns the marker, so it composes
    like a scikit-learn transformer; ``transform(lines)`` gives one flag per
    line (blank lines are not boilerplate: they are nothing).
    """

    def fit(self, lines=None, y=None) -> "BoilerplateMarker":
        return self

    def transform(self, lines: list[str]) -> np.ndarray:
        return np.fromiter((is_boilerplate(line) for line in lines), dtype=bool, count=len(lines))

    def fit_transform(self, lines: list[str], y=None) -> np.ndarray:
        return self.fit(lines).transform(lines)
