import numpy as np
import pytest

from topiclab import load_config, run_experiment
from topiclab.vectorize import make_embedder

TAXONOMY = {"Balkans diplomacy", "Elections", "Russia-China relations"}


@pytest.fixture(scope="module")
def seed_result():
    return run_experiment(load_config("experiments/seed_news.yaml"))


def test_seed_topics_are_the_three_taxonomy_topics(seed_result):
    assert {t.label for t in seed_result.topics} == TAXONOMY
    assert sum(t.size for t in seed_result.topics) == len(seed_result.corpus.documents)
    for topic in seed_result.topics:
        assert topic.keywords and topic.example


def test_seed_keywords_do_not_lead_with_news_stop_words(seed_result):
    from topiclab.data import NEWS_STOP_WORDS

    for topic in seed_result.topics:  # "said", "new", "years" led them before the news stop list
        assert not set(topic.keywords[:3]) & NEWS_STOP_WORDS, topic.keywords


def test_seed_lines_get_their_article_topic(seed_result):
    # At least 26 of the 28 lines; the run reports the share as a metric.
    assert seed_result.metrics["line_accuracy"] >= 26 / 28


def test_seed_result_tables(seed_result):
    table = seed_result.topic_table()
    assert list(table.columns) == ["topic", "label", "size", "keywords", "keyword_weights", "example", "label_score",
                                   "representative_ids", "representatives"]
    assignments = seed_result.assignments_table()
    assert {"similarity", "x", "y"} <= set(assignments.columns)
    assert len(assignments) == len(seed_result.corpus.documents)
    assert set(assignments["topic_label"]) == TAXONOMY
    for key in ("silhouette", "davies_bouldin", "nmi", "ari", "v_measure", "accuracy",
                "topic_diversity", "outlier_share", "time_vectorize_s", "time_cluster_s"):
        assert key in seed_result.metrics


def _stable(metrics):
    return {k: v for k, v in metrics.items() if not k.startswith(("time_", "embedding_cache"))}


def test_same_config_same_numbers_and_second_run_hits_cache(tmp_path):
    config = load_config("experiments/seed_news.yaml", ["cluster.method=agglomerative"])
    first = run_experiment(config, embedder=make_embedder(cache_dir=tmp_path))
    reused = make_embedder(cache_dir=tmp_path)
    second = run_experiment(config, embedder=reused)
    third = run_experiment(config, embedder=reused)  # counts are per run, not the embedder's running total
    assert first.metrics["embedding_cache_misses"] > 0
    assert second.metrics["embedding_cache_misses"] == 0 == third.metrics["embedding_cache_misses"]
    assert second.metrics["embedding_cache_hits"] == first.metrics["embedding_cache_misses"]
    assert third.metrics["embedding_cache_hits"] == second.metrics["embedding_cache_hits"]
    np.testing.assert_array_equal(first.assignments, second.assignments)
    assert _stable(first.metrics) == _stable(second.metrics)


def test_tfidf_representation_runs_on_a_table(tmp_path):
    table = tmp_path / "t.csv"
    rows = ["kosovo serbia talks autonomy", "serbia kosovo envoy talks", "belgrade kosovo status talks",
            "election vote turnout ballot", "ballot count election result", "voters election poll day"]
    table.write_text("text,label\n" + "\n".join(f"{r},{'b' if 'kosovo' in r else 'e'}" for r in rows))
    config = load_config("experiments/seed_news.yaml",
                         [f"data.path={table}", "data.gold=null", "vectorize.representation=tfidf",
                          "topics.taxonomy=null", "cluster.k=2"])
    result = run_experiment(config)
    assert result.metrics["nmi"] == 1.0
    assert "line_accuracy" not in result.metrics


def test_line_accuracy_needs_gold_topics_that_are_taxonomy_names(tmp_path):
    import json

    from topiclab.paths import PROJECT_ROOT

    gold = json.loads((PROJECT_ROOT / "data/raw/seed_news.gold.json").read_text(encoding="utf-8"))
    codes = {}
    for article in gold["articles"]:  # the same spans, topics as a user's own codes
        article["topic"] = codes.setdefault(article["topic"], f"code-{len(codes)}")
        article.pop("also_acceptable", None)
    (tmp_path / "coded.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    result = run_experiment(load_config("experiments/seed_news.yaml", [f"data.gold={tmp_path / 'coded.gold.json'}"]))
    assert "line_accuracy" not in result.metrics  # naming topics "Elections" can never match "code-1": no 0.0
    assert result.metrics["nmi"] > 0.5  # the gold spans still score the clustering


def test_data_sample_fits_on_a_seeded_sample(tmp_path):
    table = tmp_path / "t.csv"
    words = {"b": "kosovo serbia talks autonomy belgrade envoy", "e": "election vote turnout ballot poll voters"}
    rows = [(f"d{i}", " ".join(words[label].split()[i % 3:i % 3 + 4]), label)
            for i, label in enumerate(["b", "e"] * 20)]
    table.write_text("id,text,label\n" + "\n".join(",".join(r) for r in rows))
    overrides = [f"data.path={table}", "data.gold=null", "vectorize.representation=tfidf", "topics.taxonomy=null",
                 "cluster.k=2", "data.sample=12"]
    ids = [[d.id for d in run_experiment(load_config("experiments/seed_news.yaml", overrides + extra)).corpus.documents]
           for extra in ([], [], ["seed=5"])]
    assert len(ids[0]) == 12 and ids[0] == ids[1]  # the config's seed draws the same sample again
    assert ids[2] != ids[0]  # another seed, another sample
    assert set(ids[0]) <= {r[0] for r in rows}


def test_data_limit_keeps_the_first_articles_of_a_dump_then_data_sample_draws_from_them():
    overrides = ["segment.method=fixed", "segment.fixed_lines=4", "vectorize.representation=tfidf",
                 "topics.taxonomy=null", "cluster.k=2", "data.limit=4"]
    ids = [d.id for d in run_experiment(load_config("experiments/seed_news.yaml", overrides)).corpus.documents]
    assert ids == [f"seed_news:A00{n}" for n in range(1, 5)]
    sampled = run_experiment(load_config("experiments/seed_news.yaml", overrides + ["data.sample=3"]))
    assert len(sampled.corpus.documents) == 3 and {d.id for d in sampled.corpus.documents} < set(ids)


def test_no_taxonomy_by_default_and_guided_means_nothing_without_one(tmp_path):
    from topiclab.config import TopicsConfig, config_from_dict

    assert TopicsConfig().taxonomy is None and TopicsConfig().guided is False
    table = tmp_path / "news.csv"
    table.write_text("text\n" + "\n".join(["Shares fell as oil prices rose", "The airline cut flights and fares",
                                           "The striker scored in the final", "The coach praised the defenders",
                                           "Voters queued at polling stations", "The candidate conceded defeat"]),
                     encoding="utf-8")
    runs = [run_experiment(config_from_dict({"name": "mine", "data": {"path": str(table)},
                                             "topics": {"guided": guided, "coherence": False}}))
            for guided in (False, True)]
    assert runs[0].assignments.tolist() == runs[1].assignments.tolist()
    assert all(t.label == " / ".join(t.keywords[:3]) for t in runs[1].topics)  # keyword names, no taxonomy
