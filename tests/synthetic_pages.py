"""Synthetic web pages for the page-state tests: a menu, an article of real sentences, a footer."""

import numpy as np

MENU = ["Home", "World", "Business", "Sport", "Culture", "Travel", "Video", "Sign in", "Search"]
FOOTER_LINES = ["Privacy policy", "Terms of use", "Contact us", "© 2019 The Daily Paper", "Advertise with us",
                "Related stories", "Most read"]
SENTENCES = [
    "The council voted on Tuesday to close the old bridge after engineers found cracks in two of its pillars.",
    "Officials said the repairs would take at least a year and that a ferry would run from the north bank.",
    "Residents were divided, with some arguing that the bridge should be replaced rather than repaired.",
    "The minister said the budget would be published next week, after months of talks with the unions.",
    "Shares in the airline fell sharply after it warned that fuel costs would cut its profits this year.",
    "The team won the final after extra time, its first trophy in more than a decade.",
]


def synthetic_page(seed: int) -> tuple[list[str], np.ndarray]:
    """(lines, gold article flag per line) of one page drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    header = list(rng.permutation(MENU)[:rng.integers(3, 7)])
    article = [SENTENCES[i] + f" Case {seed}." for i in rng.permutation(len(SENTENCES))[:rng.integers(3, 6)]]
    footer = list(rng.permutation(FOOTER_LINES)[:rng.integers(3, 6)])
    lines = header + article + footer
    return lines, np.array([False] * len(header) + [True] * len(article) + [False] * len(footer))
