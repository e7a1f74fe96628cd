"""BERTopic with its defaults, cold, in its own process: ``python -m topiclab.benchmarks._bertopic_cold``.

The other side of ``bench-speed`` (``_cold_runs.py``): the texts an experiment
config names (sampled as ``data.sample`` samples them), embedded by the same
offline MiniLM inside ``BERTopic().fit_transform``, every other component
BERTopic's default. Writes its seconds and NMI (outliers, -1, scored as one
group, as our own density runs are) to a JSON file.

Usage: python -m topiclab.benchmarks._bertopic_cold CONFIG OUT.json [SAMPLE]
"""

from __future__ import annotations

import json
import sys
import time


def main(config_path: str, out: str, sample: int | None = None) -> None:
    started = time.perf_counter()
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from ..config import load_config
    from ..data import load_data, sample_corpus
    from ..evaluation import nmi as nmi_of
    from ..vectorize import default_model_path

    config = load_config(config_path)
    corpus = sample_corpus(load_data(config.data), sample, config.seed)
    fit_started = time.perf_counter()
    model = BERTopic(embedding_model=SentenceTransformer(str(default_model_path()), device="cpu"))
    topics, _ = model.fit_transform(corpus.texts)
    fit_s = time.perf_counter() - fit_started
    nmi = nmi_of(corpus.labels, topics) if corpus.has_labels else float("nan")
    with open(out, "w", encoding="utf-8") as file:
        json.dump({"fit_s": fit_s, "in_process_s": time.perf_counter() - started, "nmi": nmi,
                   "n_documents": len(corpus.texts), "n_topics": len(set(topics) - {-1})}, file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
