"""Rule-based boilerplate marks: the notice and menu cues, and jusText's stop-word rule.

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

__all__ = ["is_boilerplate", "justext_marks", "JUSTEXT_DEFAULTS"]

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


# jusText's published defaults (Pomikálek 2011; justext.core): block length in characters,
# stop-word density thresholds. Link density and headings need the HTML, which a dump has not.
JUSTEXT_DEFAULTS = {"length_low": 70, "length_high": 200, "stopwords_low": 0.30, "stopwords_high": 0.32}


def _justext_context_free(line: str, stop: frozenset, length_low: int, length_high: int,
                          stopwords_low: float, stopwords_high: float) -> str:
    text = line.strip()
    if "\u00a9" in text or "copyright" in text.lower():
        return "bad"
    words = text.split()
    density = sum(word.lower() in stop for word in words) / len(words) if words else 0.0
    if len(text) < length_low:
        return "short"
    if density >= stopwords_high:
        return "good" if len(text) > length_high else "neargood"
    return "neargood" if density >= stopwords_low else "bad"


def _neighbour(classes: list[str], i: int, step: int, ignore_neargood: bool) -> str:
    i += step
    while 0 <= i < len(classes):
        if classes[i] in ("good", "bad") or (classes[i] == "neargood" and not ignore_neargood):
            return classes[i]
        i += step
    return "bad"  # the page's edge counts as boilerplate


def justext_marks(lines: list[str], stop: frozenset | None = None, **thresholds) -> np.ndarray:
    """jusText's classification of blocks (context-free, then context-sensitive), one flag per line:
    True for boilerplate. ``stop``: the stop list (default: the project's English list); blank lines
    are not blocks and are never marked."""
    from ..data import stop_words

    stop = stop_words("english") if stop is None else stop
    options = {**JUSTEXT_DEFAULTS, **thresholds}
    index = [i for i, line in enumerate(lines) if line.strip()]
    classes = [_justext_context_free(lines[i], stop, **options) for i in index]
    # Short blocks take their class from the nearest good or bad neighbours (neargood ones skipped).
    revised = {}
    for i, kind in enumerate(classes):
        if kind != "short":
            continue
        before, after = _neighbour(classes, i, -1, True), _neighbour(classes, i, 1, True)
        if before == after:
            revised[i] = before
        elif (before == "bad" and _neighbour(classes, i, -1, False) == "neargood") or (
                after == "bad" and _neighbour(classes, i, 1, False) == "neargood"):
            revised[i] = "good"
        else:
            revised[i] = "bad"
    for i, kind in revised.items():
        classes[i] = kind
    # Near-good blocks are good unless both neighbours are bad.
    final = list(classes)
    for i, kind in enumerate(classes):
        if kind == "neargood":
            final[i] = "bad" if (_neighbour(final, i, -1, True), _neighbour(final, i, 1, True)) == ("bad", "bad") \
                else "good"
    marks = np.zeros(len(lines), dtype=bool)
    marks[index] = [kind == "bad" for kind in final]
    return marks
