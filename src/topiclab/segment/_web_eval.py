"""Leave-one-source-out on real web pages: the learned segmenter trained without the source it is scored on.

For each page source held out (``WebEvalSpec.sources``), boundary models are
fitted on the BBC mix of the ``train:`` section plus each candidate mix
(``WebEvalSpec.mixes``: dumps per case) of the other sources' train halves;
the mix with the lowest validation Pk (the BBC validation dumps and page and
article dumps of the training sources' held-out train pages, each group
weighing the same) is kept, its threshold tuned on those validation dumps.
Only then is the held-out source's eval half read: whole-page dumps as the
pipeline sees them (``BoilerplateMarker``'s lines and the page chrome left out,
page starts cut: ``_pages``), the same dumps with the gold boilerplate removed
(oracle), article-only dumps, comment-heavy pages, and wire copy from the eval
half of ``bbc_fulltext.jsonl``. The page-state model is fitted on the training
sources' fit pages, and the chrome share above which a page is kept whole is
chosen among ``CHROME_SHARES`` on the validation pages (page and article dumps)
and realistic BBC train-half dumps.
"""

from __future__ import annotations

import numpy as np

from ..config import WebDumpSpec
from ._evaluate import evaluate_segmenter
from ._features import LineEncoder
from ._page_states import fit_page_state_model
from ._realistic import evaluate_page_dumps, spec_page_dumps
from ._segmenters import Dump, LearnedSegmenter
from ._synthetic import SyntheticDump
from ._train import DumpFeatures, held_pages, train_boundary_model, training_dumps, web_train_pages
from ._web_dumps import continuation_cut_rate, gold_content_dump, spec_web_dumps

__all__ = ["CHROME_SHARES", "choose_chrome_share", "leave_one_source_out", "web_case_rows"]

_VALIDATION_CASES = ("page", "article")
CHROME_SHARES = (0.2, 0.3, 0.5, 0.7)  # candidates: above it, a decoded page is one article


def _case_seed(seed: int, source: str, case: str) -> int:
    return seed + 7000 + 100 * sorted(("page", "article", "comments")).index(case) + sum(map(ord, source))


def _bbc_only(config):
    return config.model_copy(update={"train": config.train.model_copy(update={"web": []})})


def _validation_pk(model, groups: list[list[SyntheticDump]], features: DumpFeatures) -> float:
    """Mean over groups of the mean Pk at the model's threshold (each group weighs the same)."""
    values = []
    for dumps in groups:
        probabilities = [model.probabilities(features(d)) for d in dumps]
        values.append(_pk_at(model, dumps, probabilities))
    return float(np.mean(values))


def _pk_at(model, dumps, probabilities) -> float:
    from ._evaluate import score_segmentation
    from ._model import decode_boundaries
    from ._text import is_truncated

    return float(np.mean([
        score_segmentation(d.boundaries, decode_boundaries(
            p, [not is_truncated(line) for line in d.lines], model.threshold, model.single_line_penalty))["pk"]
        for d, p in zip(dumps, probabilities)]))


def choose_chrome_share(segmenter, pages, groups: list[list], embedder) -> tuple[float, dict[float, float]]:
    """The ``CHROME_SHARES`` candidate with the lowest mean Pk over ``groups`` of raw dumps (each group
    weighing the same; a tie goes to the smaller share), and every candidate's mean Pk."""
    scores = {share: float(np.mean([evaluate_page_dumps(segmenter, dumps, embedder, pages, share)["pk"]
                                    for dumps in groups if dumps]))
              for share in CHROME_SHARES}
    return min(scores, key=lambda share: (round(scores[share], 6), share)), scores


def web_case_rows(segmenter, config, source: str, embedder: LineEncoder | None, page_model=True,
                  max_chrome_share: float | None = None) -> list[dict]:
    """The segmenter on ``source``'s eval half: one row per case (see the module's docstring);
    ``page_model`` and ``max_chrome_share`` as ``evaluate_page_dumps`` takes them (``pages``)."""
    web = config.web
    spec = WebDumpSpec(source=source, split="eval", case="page", dumps=max(1, web.eval_pages // web.pages_per_dump),
                       pages_per_dump=web.pages_per_dump, max_pages=web.eval_pages)
    pages = spec_web_dumps(spec, config.seed)
    articles = spec_web_dumps(spec.model_copy(update={"case": "article"}), config.seed)
    comments = spec_web_dumps(spec.model_copy(update={"case": "comments", "max_pages": web.comment_pages,
                                                      "comment_lines": web.comment_lines,
                                                      "dumps": max(1, web.comment_pages // web.pages_per_dump)}),
                              config.seed)
    rows = [{"case": "whole pages", **evaluate_page_dumps(segmenter, pages, embedder, page_model, max_chrome_share)}]
    oracle = [gold_content_dump(d) for d in pages]
    scores = evaluate_segmenter(segmenter, oracle, embedder)
    rows.append({"case": "whole pages, gold boilerplate removed (oracle)", **scores,
                 "n_found": scores["n_predicted"] + len(oracle),
                 "article_ratio": (scores["n_predicted"] + len(oracle)) / scores["n_articles"]})
    rows.append({"case": "article only",
                 **evaluate_page_dumps(segmenter, articles, embedder, page_model, max_chrome_share)})
    rows.append({"case": f"comment pages (>= {web.comment_lines} prose lines after the article)",
                 **evaluate_page_dumps(segmenter, comments, embedder, page_model, max_chrome_share)})
    wire = [d.content_dump() for d in spec_page_dumps(web.wire, config.seed)]
    scores = evaluate_segmenter(segmenter, wire, embedder)
    predicted = [segmenter.boundaries(Dump.from_lines(d.lines), embedder) for d in wire]
    cut, n_continuations = continuation_cut_rate(wire, predicted)
    rows.append({"case": "wire copy (BBC eval half, datelines)", **scores,
                 "n_found": scores["n_predicted"] + len(wire),
                 "article_ratio": (scores["n_predicted"] + len(wire)) / scores["n_articles"],
                 "continuation_cut_rate": cut, "n_continuations": n_continuations})
    return [{"held_out": source, **row} for row in rows]


def leave_one_source_out(config, embedder: LineEncoder | None, log=lambda message: None) -> list[dict]:
    """Per held-out source: the chosen mix, its threshold, validation Pk per mix, and ``web_case_rows``."""
    web, spec = config.web, config.train
    share = spec.validation_share
    features = DumpFeatures(embedder)
    bbc_train, bbc_validation = training_dumps(_bbc_only(config))
    results = []
    for held_out in web.sources:
        training = [s for s in web.sources if s != held_out]
        validation = {case: [] for case in _VALIDATION_CASES}
        raw_validation = {case: [] for case in _VALIDATION_CASES}
        page_fit = []
        fit: dict[str, list[SyntheticDump]] = {}
        most = {case: max([mix.get(case, 0) for mix in web.mixes.values()] + [0])
                for case in ("page", "article", "comments")}
        for source in training:
            kept, held = web_train_pages(source, share)
            page_fit += kept
            for case, n in most.items():
                case_spec = WebDumpSpec(source=source, case=case, split="train", dumps=max(n, 1),
                                        pages_per_dump=web.pages_per_dump, comment_lines=web.comment_lines,
                                        max_pages=web.comment_pages if case == "comments" else web.train_pages)
                seed = _case_seed(config.seed, source, case)
                if n:
                    fit.setdefault(case, []).extend(d.content_dump() for d in spec_web_dumps(case_spec, seed, kept, n))
                if case in validation:
                    held_spec = case_spec.model_copy(update={"max_pages": held_pages(web.train_pages, share)})
                    validation[case] += [d.content_dump() for d in spec_web_dumps(held_spec, seed + 500, held, 1)]
                    # the chrome share: as many validation pages as the eval half scores, raw as the pipeline reads
                    n_pages = min(len(held), web.eval_pages)
                    raw_validation[case] += spec_web_dumps(case_spec.model_copy(update={"max_pages": n_pages}),
                                                           seed + 600, held, max(1, n_pages // web.pages_per_dump))
        groups = [bbc_validation, *validation.values()]
        all_validation = [d for group in groups for d in group]
        candidates = {}
        for name, mix in web.mixes.items():
            train = bbc_train + [d for case, n in mix.items() for d in fit.get(case, [])[:n]]
            model = train_boundary_model(train, all_validation, embedder, config.seed, tuple(spec.hidden),
                                         spec.alpha, web.members or spec.members, {"mix": name}, features=features)
            candidates[name] = (_validation_pk(model, groups, features), model)
            log(f"  held out {held_out}: mix {name}: validation Pk {candidates[name][0]:.4f}, "
                f"threshold {model.threshold:.3f}")
        chosen = min(candidates, key=lambda name: candidates[name][0])
        model = candidates[chosen][1]
        page_model = fit_page_state_model([(p.lines, p.main) for p in page_fit], seed=config.seed)
        news = [d for page_spec in spec.pages[:2] for d in spec_page_dumps(page_spec, config.seed + 900, n_dumps=1)]
        chrome_share, by_share = choose_chrome_share(LearnedSegmenter(model), page_model,
                                                     [*raw_validation.values(), news], embedder)
        log(f"  held out {held_out}: page states fitted on {len(page_fit)} pages; chrome share {chrome_share} "
            f"(validation Pk {', '.join(f'{k} {v:.4f}' for k, v in by_share.items())})")
        rows = web_case_rows(LearnedSegmenter(model), config, held_out, embedder, page_model, chrome_share)
        for row in rows:
            row.update({"segmenter": "learned", "mix": chosen, "threshold": model.threshold,
                        "trained_on": "+".join(training), "chrome_share": chrome_share})
        results.append({"held_out": held_out, "chosen": chosen, "threshold": model.threshold,
                        "validation": {name: value for name, (value, _) in candidates.items()}, "rows": rows,
                        "page_fit_pages": len(page_fit), "chrome_share": chrome_share,
                        "chrome_validation": by_share})
    return results
