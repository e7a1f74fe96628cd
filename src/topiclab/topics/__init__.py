"""Stage 5, topics: clusters -> keywords and human names, and what is built on them.

Keywords are c-TF-IDF, lift, or co-occurring ("coherent") words over the
project's analyzer; with a taxonomy named (``experiments/taxonomies/*.yaml``;
none by default), a topic is named after the entry most of its documents are
nearest to when that share clears the threshold, else after its keywords. Topics can be reduced or merged (``_reduce``), arranged in a tree
(``_hierarchy``), counted per time bin and per class (``_over_time``), and
saved as an object that assigns new text (``_model``) and that new batches update, old
topics keeping their ids and new stories becoming new topics (``_update``, ``_history``).
"""

from ._model import DATE_COLUMN, TEXT_COLUMN, TopicModel
from ._keywords import KEYWORD_METHODS, lift_scores, topic_keywords, window_npmi, window_occurrences
from ._naming import (REPRESENTATIVES, TaxonomyEntry, Topic, centroids, ctfidf_counts, ctfidf_keywords, ctfidf_scores,
                      ctfidf_weights, centre_similarity, topic_rows, with_given_names,
                      describe_topics, label_scores, load_taxonomy, name_topics, taxonomy_texts, top_words)
from ._reduce import apply_mapping, merge_topics, reduce_topics, topic_ids_of
from ._hierarchy import topic_tree
from ._over_time import TimeBins, parse_dates, topics_over_time, topics_per_class
from ._history import FIT_BATCH, check_updatable, history_over_time, keyword_weights, learn_update_rules
from ._update import (DEFAULT_JOIN_QUANTILE, DEFAULT_SIZE_RATIO, TaxonomyNaming, TopicUpdate, join_thresholds,
                      new_topic_min_size, update_topic_model)

__all__ = ["Topic", "TaxonomyEntry", "load_taxonomy", "taxonomy_texts", "ctfidf_keywords", "ctfidf_counts",
           "ctfidf_scores", "ctfidf_weights", "REPRESENTATIVES", "centre_similarity", "topic_rows", "top_words", "centroids",
           "label_scores", "name_topics", "with_given_names", "describe_topics", "KEYWORD_METHODS", "lift_scores",
           "window_occurrences",
           "window_npmi",
           "topic_keywords", "TEXT_COLUMN", "DATE_COLUMN", "TopicModel", "topic_ids_of", "reduce_topics",
           "merge_topics", "apply_mapping", "topic_tree", "TimeBins", "parse_dates", "topics_over_time",
           "topics_per_class", "FIT_BATCH", "check_updatable", "history_over_time", "keyword_weights", "learn_update_rules",
           "DEFAULT_JOIN_QUANTILE", "DEFAULT_SIZE_RATIO", "TaxonomyNaming", "TopicUpdate", "join_thresholds",
           "new_topic_min_size", "update_topic_model"]
