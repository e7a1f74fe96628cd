"""The learned boilerplate marker: its JSON model, refitting on pages, jusText's rule, bad input."""

import json
import os
import subprocess
import sys
import uuid

import numpy as np
import pytest
from mlflow.tracking import MlflowClient

from topiclab.data import load_web_pages, split_of
from topiclab.errors import TopiclabError
from topiclab.paths import PROJECT_ROOT, SHARED_DIR
from topiclab.segment import (BoilerplateMarker, fit_boilerplate_model, is_boilerplate, justext_marks,
                              load_boilerplate_model, save_boilerplate_model, train_boilerplate_model)

MENU = ["Home", "World", "Business", "Sport", "Culture", "Travel", "Video", "Sign in"]
PROSE = [
    "The city council voted on Tuesday to close the old bridge to traffic after engineers found cracks in two "
    "of its supporting pillars, a decision that will add twenty minutes to many commutes.",
    "Officials said the repairs would take at least a year and that a temporary ferry service would run from "
    "the north bank while the work is carried out.",
    "Residents who spoke at the meeting were divided, with some arguing that the bridge should be replaced "
    "rather than repaired, since it has been closed three times in the past decade.",
]
COMMENTS = ["Comments", "jsmith123", "Reply", "so they wasted our money again lol", "Reply", "bob_the_builder",
            "Reply", "Load more comments"]


def page(seed: int) -> tuple[list[str], np.ndarray]:
    """A page: a menu, a headline, prose (the article), then comments; each part drawn from its pool."""
    rng = np.random.default_rng(seed)
    menu = list(rng.permutation(MENU)[:6])
    prose = [PROSE[i] + f" Case {seed}." for i in rng.permutation(len(PROSE))]
    lines = menu + prose + COMMENTS
    flags = np.array([True] * len(menu) + [False] * len(prose) + [True] * len(COMMENTS))
    return lines, flags


def test_shipped_model_loads_keeps_prose_and_scores_menus_above_it():
    model = load_boilerplate_model()
    assert model.passes and 0.0 < model.threshold <= 1.0
    lines, flags = page(0)
    lines = ["Home | World | Business | Sport | Culture"] + lines + ["Read more"]
    flags = np.concatenate([[True], flags, [True]])
    marks = BoilerplateMarker().fit().transform(lines)
    assert marks.shape == (len(lines),)
    assert not marks[~flags].any()  # the article's prose is kept
    assert marks[0] and marks[-1]  # notice and menu cues are always marked
    p = model.probabilities(lines)
    assert p[1:7].min() > p[~flags].max()  # the bare menu run scores above every prose line


def test_blank_lines_are_never_boilerplate_and_lowercase_works():
    lines, flags = page(1)
    spaced = [x for line in lines for x in (line, "")]
    marks = BoilerplateMarker().transform(spaced)
    assert not marks[1::2].any()
    lower = [line.lower() for line in lines]
    assert not BoilerplateMarker().transform(lower)[~flags].any()
    p = load_boilerplate_model().probabilities(lower)
    assert p[:6].min() > p[~flags].max()


def test_refit_on_tiny_pages_marks_menu_and_comments(tmp_path):
    pages = [page(seed) for seed in range(30)]
    model = fit_boilerplate_model(pages, seed=0, max_article_marked=0.0)
    path = save_boilerplate_model(model, tmp_path / "model.json")
    assert json.loads(path.read_text())["threshold"] == model.threshold
    # Scored as a dump of three pages, as the pages were seen in training: menus repeat across pages.
    lines = [line for seed in (97, 98, 99) for line in page(seed)[0]]
    flags = np.concatenate([page(seed)[1] for seed in (97, 98, 99)])
    marks = BoilerplateMarker(model=path).fit().transform(lines)
    np.testing.assert_array_equal(marks, flags)


def test_train_command_reads_a_page_file(tmp_path):
    rows, seed = [], 0
    while len(rows) < 8:  # only the train half is read
        page_id = f"tiny-{seed}"
        if split_of(page_id) == "train":
            lines, flags = page(seed)
            rows.append(json.dumps({"id": page_id, "url": "", "lines": lines,
                                    "main": [int(i) for i in np.flatnonzero(~flags)]}))
        seed += 1
    pages = tmp_path / "tiny.jsonl"
    pages.write_text("\n".join(rows) + "\n")
    model, written = train_boilerplate_model(sources=("tiny",), paths={"tiny": pages}, output=tmp_path / "m.json")
    assert model.info["pages"] == 8 and load_boilerplate_model(written).threshold == model.threshold


def test_a_broken_model_file_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"feature_names": ["x"], "passes": []}')
    with pytest.raises(TopiclabError, match="not a boilerplate model"):
        BoilerplateMarker(model=bad).fit()


def test_justext_rule_marks_short_runs_and_keeps_prose():
    long_prose = [PROSE[0] + " " + PROSE[1], PROSE[2], PROSE[1] + " " + PROSE[2]]  # > 200 characters: good
    lines = MENU[:4] + long_prose + ["Copyright 2024 The Daily Paper"]
    marks = justext_marks(lines)
    np.testing.assert_array_equal(marks, [True] * 4 + [False] * len(long_prose) + [True])
    assert justext_marks(MENU[:4] + [PROSE[2]]).all()  # near-good text between bad neighbours is bad
    assert not justext_marks(["", long_prose[0]]).any()  # blank lines are not blocks


def _runs(tracking_uri, experiment):
    found = MlflowClient(tracking_uri).get_experiment_by_name(experiment)
    return MlflowClient(tracking_uri).search_runs([found.experiment_id]) if found else []


def test_a_dump_of_menu_lines_is_one_line_error_through_the_cli(tmp_path, shared_tracking_uri):
    menu = tmp_path / "menu.txt"
    menu.write_text("Home | World | Business | Sport\nRead more\nShare this article\nSign up for our newsletter\n")
    env = {**os.environ, "MLFLOW_TRACKING_URI": shared_tracking_uri}
    experiment = f"menu-{uuid.uuid4().hex[:8]}"
    for args in (["segment", str(menu)],
                 ["run", "experiments/seed_news.yaml", "--set", f"data.path={menu}", "--set", "data.gold=null",
                  "--set", "segment.level=article", "--set", f"tracking.experiment={experiment}"]):
        done = subprocess.run([sys.executable, "-m", "topiclab.cli", *args], capture_output=True, text=True,
                              cwd=PROJECT_ROOT, env=env, timeout=300)
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert len(errors) == 1 and "only boilerplate" in errors[0]
    assert all(run.info.status != "RUNNING" for run in _runs(shared_tracking_uri, experiment))


@pytest.mark.skipif(not (SHARED_DIR / "pages").is_dir(), reason="needs ../shared/pages (absent in a fresh clone)")
def test_shipped_model_on_real_eval_pages_beats_the_old_cues():
    pages = load_web_pages("scrapinghub", "eval")[:20]
    boiler = np.concatenate([~p.main for p in pages])
    marks = np.concatenate([BoilerplateMarker().transform(p.lines) for p in pages])
    cues = np.concatenate([[is_boilerplate(line) for line in p.lines] for p in pages])
    assert marks[boiler].mean() > cues[boiler].mean() + 0.05 and marks[~boiler].mean() < 0.1


def test_ceiling_marks_keep_to_their_allowance_of_article_lines():
    from topiclab.benchmarks._boilerplate import ceiling_marks, score_marks
    from topiclab.data import WebPage

    model = fit_boilerplate_model([page(seed) for seed in range(30)], seed=0)
    pages = [WebPage(id=str(seed), source="toy", url="", lines=lines, main=~flags)
             for seed, (lines, flags) in ((s, page(s)) for s in range(40, 50))]
    strict = score_marks(pages, ceiling_marks(pages, model, 0.0))
    assert strict["article_marked"] == 0.0 and strict["recall"] > 0.5
    loose = score_marks(pages, ceiling_marks(pages, model, 0.5))
    assert strict["recall"] <= loose["recall"] and loose["article_marked"] <= 0.5


def test_the_ceiling_marks_cue_lines_as_the_marker_does_and_counts_them_in_its_allowance():
    from topiclab.benchmarks._boilerplate import ceiling_marks, score_marks
    from topiclab.data import WebPage

    model = fit_boilerplate_model([page(seed) for seed in range(30)], seed=0)
    pages = []
    for seed in range(40, 50):
        lines, flags = page(seed)
        at = int(np.flatnonzero(~flags)[1])
        lines = [*lines[:at], "Sign up for our newsletter", *lines[at + 1:]]  # a cue line inside the article
        pages.append(WebPage(id=str(seed), source="toy", url="", lines=lines, main=~flags))
    cue = [page.lines.index("Sign up for our newsletter") for page in pages]
    assert all(model.forced(p.lines)[i] for p, i in zip(pages, cue))
    for allowance in (0.0, 0.5):
        marks = ceiling_marks(pages, model, allowance)
        assert all(m[i] for m, i in zip(marks, cue))  # marked as the marker itself marks them
    strict = score_marks(pages, ceiling_marks(pages, model, 0.0))
    assert 0 < strict["article_marked"] <= 10 / strict["article_lines"]  # only the forced cue lines
