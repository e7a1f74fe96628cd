"""Stage 6, evaluation: one scorer for every topic model's output.

Clustering metrics (NMI, ARI, V-measure, Hungarian accuracy, silhouette,
Davies-Bouldin), topic coherence under one protocol (NPMI and C_v with gensim),
topic diversity and outlier share. The pipeline and the baselines score
through ``score_topics``.
"""

from ._coherence import MEASURES, ReferenceCorpus, reference_corpus, topic_coherence
from ._metrics import (SILHOUETTE_SAMPLE, external_metrics, hungarian_accuracy, internal_metrics, label_accuracy,
                       nmi, outlier_share, topic_diversity)
from ._scorer import PROTOCOL_TOP_N, Evaluation, evaluation_from_result, score_topics

__all__ = ["MEASURES", "ReferenceCorpus", "reference_corpus", "topic_coherence", "SILHOUETTE_SAMPLE",
           "internal_metrics", "external_metrics", "hungarian_accuracy", "topic_diversity", "outlier_share",
           "label_accuracy", "nmi",
           "PROTOCOL_TOP_N", "Evaluation", "score_topics", "evaluation_from_result"]
