"""Benchmarks, apart from the pipeline: ``topiclab bench`` writes BENCHMARKS.md.

Quality against reference topic models (``_baselines``: BERTopic defaults,
TF-IDF k-means, LDA, NMF) through the same scorer, a supervised ceiling
(``_ceiling``), speed measured side by side in one process (``_speed``), the
targets as a table of data (``_targets``), the report and its MLflow logging
(``_report``), serving under load (``_serving``), scale (``_scale``: a synthetic corpus of up to a million articles,
the whole pipeline at growing sizes, Spark), embedding backends side by side (``_backends``),
naming after a general taxonomy with a threshold chosen leave-one-corpus-out (``_naming``), a topic model
updated batch by batch against a refit and BERTopic's online modes (``_stream``), and the report's tables read back for notebooks (``_tables``).
"""

from ._backends import (BACKEND_CORPORA, BACKEND_SECTION, EXACT_BACKENDS, backend_rows, backend_targets,
                        run_backend_benchmark)
from ._baselines import (BASELINES, BaseTopicModel, BERTopicDefault, LDATopicModel, NMFTopicModel, TfidfKMeans,
                         make_baseline, run_baseline)
from ._ceiling import supervised_ceiling
from ._cold_runs import (SPEED_CONFIGS, SPEED_SECTION, ColdRun, SideBySide, cold_side_by_side, run_speed_benchmark,
                         speed_section, speed_targets)
from ._fewshot import (FEWSHOT_DATASETS, SHOTS, classifier_targets, few_shot_scores, ours_config,
                       run_classifier_benchmark, score_check_sets, seed_champion_checks)
from ._naming import (LABEL_MAPS as NAMING_LABEL_MAPS, SECTION as NAMING_SECTION, choose_threshold,
                      leave_one_corpus_out, naming_figures, naming_section, naming_targets, run_naming_benchmark,
                      topic_records)
from ._frames import best_embedding_vs_nmf, ceiling_frame, quality_frame, topic_quality_frame
from ._outliers import POLICIES, OutlierPolicy, leave_one_out, outlier_curves, outliers_section, policy_rows
from ._report import render, sweep_summaries, track
from ._run import (SUITE, BenchmarkSettings, DatasetReport, benchmark_dataset, dataset_config, machine_info, measure_speed,
                   run_benchmark)
from ._scale import SECTION as SCALE_SECTION, ScaleResults, run_scale_benchmark, scale_section, scale_targets
from ._scale_corpus import SentencePool, build_articles, read_scale_corpus, scale_corpus, sentence_pool
from ._scale_pipeline import PipelinePoint, PipelineScaling, fit_exponent, pipeline_scaling
from ._segment_scale import HashingEncoder, SegmentPoint, SegmentScaling, grow_dump, segmentation_scaling
from ._segmentation import segmentation_section
from ._serving import SECTION as SERVING_SECTION, drive, run_serving_benchmark, serving_figures
from ._sections import TARGET_COLUMNS, check_report_path, read_sections, write_section
from ._speed import (ColdWarm, Overhead, Scaling, ScalingPoint, SpeedResults, bertopic_overhead, clustering_scaling,
                     cold_vs_warm, growth_exponent, peak_rss_bytes, resample_embeddings, warm_up_numba)
from ._tables import markdown_tables, overview_figure, report_tables, slug
from ._targets import TARGETS, Target, evaluate_targets, targets_frame
from ._stream import (SECTION as STREAM_SECTION, Stream, StreamRun, follow_merges, held_back_label, load_stream,
                      new_story_scores, run_update_stream, stability, stream_batches, stream_metrics)
from ._stream_anchors import MERGE_SIMILARITIES, merge_stream, partial_fit_stream
from ._stream_history import HISTORY_SIZES, history_cost, history_exponents
from ._stream_report import (STREAM_SETTINGS, CorpusStream, choose_loco, measure_stream, run_stream_benchmark,
                             stream_section)

__all__ = [
    "SPEED_CONFIGS", "SPEED_SECTION", "ColdRun", "SideBySide", "cold_side_by_side", "run_speed_benchmark",
    "speed_section", "speed_targets",
    "BASELINES", "BaseTopicModel", "BERTopicDefault", "TfidfKMeans", "LDATopicModel", "NMFTopicModel",
    "make_baseline", "run_baseline", "supervised_ceiling",
    "quality_frame", "ceiling_frame", "topic_quality_frame", "best_embedding_vs_nmf", "render", "track",
    "sweep_summaries",
    "POLICIES", "OutlierPolicy", "policy_rows", "outlier_curves", "leave_one_out", "outliers_section",
    "SUITE", "BenchmarkSettings", "DatasetReport", "dataset_config", "benchmark_dataset", "machine_info", "measure_speed",
    "run_benchmark",
    "ColdWarm", "Overhead", "ScalingPoint", "Scaling", "SpeedResults", "cold_vs_warm", "warm_up_numba",
    "bertopic_overhead", "resample_embeddings", "clustering_scaling", "growth_exponent", "peak_rss_bytes",
    "slug", "markdown_tables", "report_tables", "overview_figure",
    "Target", "TARGETS", "targets_frame", "evaluate_targets",
    "TARGET_COLUMNS", "read_sections", "write_section", "check_report_path", "segmentation_section",
    "HashingEncoder", "SegmentPoint", "SegmentScaling", "grow_dump", "segmentation_scaling",
    "FEWSHOT_DATASETS", "SHOTS", "few_shot_scores", "ours_config", "classifier_targets", "score_check_sets",
    "seed_champion_checks",
    "run_classifier_benchmark",
    "SERVING_SECTION", "drive", "serving_figures", "run_serving_benchmark",
    "SCALE_SECTION", "ScaleResults", "run_scale_benchmark", "scale_section", "scale_targets",
    "SentencePool", "build_articles", "read_scale_corpus", "scale_corpus", "sentence_pool",
    "PipelinePoint", "PipelineScaling", "fit_exponent", "pipeline_scaling",
    "NAMING_LABEL_MAPS", "NAMING_SECTION", "topic_records", "naming_figures", "choose_threshold",
    "leave_one_corpus_out", "naming_targets", "naming_section", "run_naming_benchmark",
    "STREAM_SECTION", "Stream", "StreamRun", "follow_merges", "held_back_label", "load_stream", "new_story_scores",
    "run_update_stream", "stability", "stream_batches", "stream_metrics", "MERGE_SIMILARITIES", "merge_stream",
    "partial_fit_stream", "HISTORY_SIZES", "history_cost", "history_exponents", "STREAM_SETTINGS", "CorpusStream",
    "choose_loco", "measure_stream", "run_stream_benchmark", "stream_section",
    "BACKEND_SECTION", "BACKEND_CORPORA", "EXACT_BACKENDS", "backend_rows", "backend_targets", "run_backend_benchmark",
]
