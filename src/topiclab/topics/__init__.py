"""Stage 5, topics: clusters -> keywords and human names.

Keywords are c-TF-IDF, lift, or co-occurring ("coherent") words over the
project's analyzer; a topic is named after the closest taxonomy entry
(``experiments/taxonomies/*.yaml``) when it is close enough, else after its
keywords.
"""

from ._model import TEXT_COLUMN, TopicModel
from ._keywords import KEYWORD_METHODS, lift_scores, topic_keywords, window_npmi, window_occurrences
from ._naming import (TaxonomyEntry, Topic, centroids, ctfidf_keywords, describe_topics, load_taxonomy, name_topics,
                      taxonomy_texts)

__all__ = ["Topic", "TaxonomyEntry", "load_taxonomy", "taxonomy_texts", "ctfidf_keywords", "centroids",
           "name_topics", "describe_topics", "KEYWORD_METHODS", "lift_scores", "window_occurrences", "window_npmi",
           "topic_keywords", "TEXT_COLUMN", "TopicModel"]
