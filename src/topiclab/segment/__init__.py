"""Stage 2, segment: raw dumps -> articles -> passages.

A dump is one paragraph (or sentence) per line, articles run together. A
segmenter (``BaseSegmenter``) says which gaps between lines start a new
article; spans keep the dump's line numbers. Boilerplate lines (menus,
prompts, notices, captions) and web-page chrome (``_page_states``,
``_pages``: a page's header and footer runs) are marked, kept in the spans and
left out of their text; a web page is one article. Also here: dumps of real
web pages and the leave-one-source-out scoring on them (``_web_dumps``,
``_web_eval``), the gap features and the learned boundary model, synthetic dumps with known boundaries, their
scoring (Pk, WindowDiff) and the model's training.
"""

from ._boilerplate import BoilerplateMarker, is_boilerplate
from ._boilerplate_model import (BOILERPLATE_MODEL_RESOURCE, BoilerplateModel, fit_boilerplate_model,
                                 load_boilerplate_model, save_boilerplate_model)
from ._boilerplate_rules import JUSTEXT_DEFAULTS, justext_marks
from ._boilerplate_train import (default_boilerplate_model_path, default_page_state_model_path,
                                 train_boilerplate_model, train_page_state_model)
from ._line_features import LINE_FEATURE_NAMES, line_features
from ._cues import CUE_NAMES, entity_continuity, entity_sets, line_cues
from ._evaluate import boundary_string, evaluate_segmenter, format_results, score_segmentation
from ._features import (FEATURE_NAMES, LineEncoder, depth_scores, gap_features, line_views, opens_with_reference,
                        window_similarity)
from ._model import (DEFAULT_MODEL_RESOURCE, BoundaryModel, decode_boundaries, fit_boundary_model,
                     load_boundary_model, save_boundary_model, single_line_penalty)
from ._page_states import (PAGE_STATE_MODEL_RESOURCE, PageStateModel, fit_page_state_model, load_page_state_model,
                           page_starts, save_page_state_model)
from ._pages import MAX_CHROME_SHARE, PageLayout, page_layout, shipped_page_state_model, web_page_boundaries
from ._passages import needs_segmenting, segment_corpus, split_passages
from ._realistic import (PageArticle, PageDump, build_page_dump, evaluate_page_dumps, load_page_articles,
                         spec_page_dumps)
from ._report import gold_boundaries, line_ranges, segment_report
from ._segmenters import (SEGMENTERS, BaseSegmenter, BlankLineSegmenter, Dump, FixedSegmenter, LearnedSegmenter,
                          LineSegmenter, Span, TextTilingSegmenter, article_spans, make_segmenter, marked_dump,
                          segment_dump, segment_lines)
from ._synthetic import SyntheticDump, build_dump, build_dumps, eval_dumps, load_articles, spec_articles, spec_dumps
from ._text import (EDGE_CHARS, EDGE_SENTENCES, MAX_SENTENCE_CHARS, clip, has_kicker, is_truncated, line_sentences,
                    split_sentences)
from ._train import (DumpFeatures, default_model_path, train_boundary_model, train_from_config, training_dumps,
                     tune_threshold, web_train_pages, web_training_dumps)
from ._web_dumps import (WEB_CASES, comment_lines, continuation_cut_rate, gold_content_dump, sample_pages,
                         spec_web_dumps, web_page_dump)
from ._web_eval import CHROME_SHARES, choose_chrome_share, leave_one_source_out, web_case_rows

__all__ = [
    "LineEncoder", "Dump", "Span", "BaseSegmenter", "LineSegmenter", "BlankLineSegmenter", "FixedSegmenter",
    "TextTilingSegmenter", "LearnedSegmenter", "SEGMENTERS", "make_segmenter", "article_spans", "segment_lines",
    "marked_dump", "segment_dump",
    "PageStateModel", "fit_page_state_model", "load_page_state_model", "save_page_state_model", "page_starts",
    "PAGE_STATE_MODEL_RESOURCE", "MAX_CHROME_SHARE", "PageLayout", "page_layout", "shipped_page_state_model",
    "web_page_boundaries", "default_page_state_model_path", "train_page_state_model", "CHROME_SHARES",
    "choose_chrome_share",
    "split_passages", "needs_segmenting", "segment_corpus",
    "BoilerplateMarker", "is_boilerplate", "BoilerplateModel", "fit_boilerplate_model", "load_boilerplate_model",
    "save_boilerplate_model", "BOILERPLATE_MODEL_RESOURCE", "justext_marks", "JUSTEXT_DEFAULTS",
    "default_boilerplate_model_path", "train_boilerplate_model", "LINE_FEATURE_NAMES", "line_features",
    "gold_boundaries", "segment_report", "line_ranges",
    "PageArticle", "PageDump", "load_page_articles", "build_page_dump", "evaluate_page_dumps", "spec_page_dumps",
    "FEATURE_NAMES", "CUE_NAMES", "line_cues", "entity_sets", "entity_continuity", "line_views", "window_similarity", "depth_scores", "gap_features",
    "BoundaryModel", "decode_boundaries", "single_line_penalty", "fit_boundary_model", "load_boundary_model",
    "save_boundary_model", "DEFAULT_MODEL_RESOURCE",
    "SyntheticDump", "load_articles", "build_dump", "build_dumps", "spec_articles", "spec_dumps", "eval_dumps",
    "boundary_string", "score_segmentation", "evaluate_segmenter", "format_results",
    "tune_threshold", "train_boundary_model", "training_dumps", "train_from_config", "default_model_path",
    "DumpFeatures", "web_train_pages", "web_training_dumps", "opens_with_reference",
    "WEB_CASES", "web_page_dump", "comment_lines", "sample_pages", "spec_web_dumps", "gold_content_dump",
    "continuation_cut_rate", "leave_one_source_out", "web_case_rows",
    "split_sentences", "line_sentences", "clip", "is_truncated", "has_kicker", "MAX_SENTENCE_CHARS", "EDGE_CHARS",
    "EDGE_SENTENCES",
]
