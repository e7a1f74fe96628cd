"""Page states: header / article / footer runs decoded with Viterbi, the labels, and the decoder itself."""

import numpy as np

from topiclab.segment._page_states import (ARTICLE, FOOTER, HEADER, fit_page_state_model, page_state_labels,
                                           viterbi)
from synthetic_pages import synthetic_page as _page


def test_the_labels_are_the_runs_before_inside_and_after_the_gold_article():
    main = np.array([False, False, True, False, True, False])  # a caption inside the article stays article
    assert page_state_labels(main).tolist() == [HEADER, HEADER, ARTICLE, ARTICLE, ARTICLE, FOOTER]
    assert page_state_labels(np.zeros(3, dtype=bool)).tolist() == [ARTICLE] * 3  # no gold article: nothing to cut


def test_viterbi_follows_the_emissions_but_never_takes_a_forbidden_move():
    emissions = np.log(np.array([[0.9, 0.05, 0.05], [0.05, 0.15, 0.8], [0.1, 0.8, 0.1], [0.05, 0.05, 0.9]]))
    free = np.log(np.full((3, 3), 1 / 3))
    start = np.log(np.full(3, 1 / 3))
    assert viterbi(emissions, free, start).tolist() == [HEADER, FOOTER, ARTICLE, FOOTER]
    ordered = np.log(np.array([[0.5, 0.5, 1e-12], [1e-12, 0.5, 0.5], [1e-12, 1e-12, 1.0]]))  # header, article, footer
    assert viterbi(emissions, ordered, start).tolist() == [HEADER, ARTICLE, ARTICLE, FOOTER]
    assert viterbi(np.zeros((0, 3)), free, start).tolist() == []


def test_a_fitted_model_marks_the_menus_and_footers_of_a_page_it_has_not_seen_and_keeps_its_article():
    model = fit_page_state_model([_page(seed) for seed in range(40)], seed=0)
    assert np.allclose(model.transitions.sum(axis=1), 1.0) and model.transitions[HEADER, FOOTER] < 0.05
    lines, main = _page(99)
    spaced = [x for line in lines for x in (line, "")]
    states = model.states(spaced)
    assert states[::2].tolist() == page_state_labels(main).tolist()
    marks = model.marks(spaced)
    assert marks[::2].tolist() == (~main).tolist() and not marks[1::2].any()  # blank lines are never marked
    assert model.marks([]).tolist() == [] and not model.marks(["", " "]).any()
