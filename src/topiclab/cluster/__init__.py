"""Stage 4, cluster: vectors -> topic ids (k-means, agglomerative, UMAP + HDBSCAN, BERTopic).

``cluster_vectors`` is the functional core; clusterers plug in through
``BaseCluster``. Self-training refinement (``refine``) can relabel a clustering's
border documents; ``reassign_outliers`` moves outliers to their nearest topic.
``OUTLIER`` (-1) marks documents in no cluster.
"""

from ._clusterers import (AgglomerativeCluster, BaseCluster, BERTopicCluster, KMeansCluster, UmapHdbscanCluster,
                          cluster_vectors, make_clusterer)
from ._choose_k import (AUTO, candidate_ks, choose_k, consensus_curve, gmm_bic, k_curve, kmeans_labelings,
                        laplacian_eigenvalues, one_standard_error_k, pick_k, rule_text, silhouette_with_error)
from ._outliers import outlier_shares, reassign_outliers
from ._refine import OUTLIER, SelfTrainingRefiner, confident_members, design_matrix, refine_labels
from ._umap_loader import umap_class
from ._map import MAP_NEIGHBOURS, MAP_SAMPLE, UMAP_MIN_DOCUMENTS, map_coords, place_by_neighbours, umap_coords

__all__ = ["umap_class", "MAP_NEIGHBOURS", "MAP_SAMPLE", "UMAP_MIN_DOCUMENTS", "map_coords", "place_by_neighbours",
           "umap_coords", "OUTLIER", "BaseCluster", "KMeansCluster", "AgglomerativeCluster", "UmapHdbscanCluster",
           "BERTopicCluster", "make_clusterer", "cluster_vectors", "SelfTrainingRefiner", "refine_labels",
           "confident_members", "design_matrix", "AUTO", "k_curve", "consensus_curve", "choose_k",
           "one_standard_error_k", "candidate_ks", "kmeans_labelings", "gmm_bic",
           "laplacian_eigenvalues", "silhouette_with_error", "pick_k", "rule_text", "reassign_outliers",
           "outlier_shares"]
