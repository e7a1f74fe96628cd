import pytest

from topiclab.config import apply_overrides, config_from_dict, flatten, load_config
from topiclab.errors import TopiclabError


def test_default_experiment_config_loads():
    config = load_config("experiments/seed_news.yaml")
    assert config.name == "seed_news"
    assert config.data.path == "data/raw/seed_news.txt"
    assert config.cluster.method == "kmeans"


def test_overrides_change_values_with_yaml_types():
    config = load_config("experiments/seed_news.yaml", ["cluster.k=2", "seed=7", "topics.taxonomy=null"])
    assert config.cluster.k == 2
    assert config.seed == 7
    assert config.topics.taxonomy is None


def test_unknown_key_is_named():
    with pytest.raises(TopiclabError, match=r"cluster\.kk: unknown key"):
        config_from_dict({"name": "x", "data": {"path": "a.txt"}, "cluster": {"kk": 3}})


def test_unknown_override_key_is_named():
    with pytest.raises(TopiclabError, match=r"vectorize\.colour: unknown key"):
        load_config("experiments/seed_news.yaml", ["vectorize.colour=red"])


def test_wrong_type_is_named():
    with pytest.raises(TopiclabError, match=r"cluster\.k: .*integer"):
        config_from_dict({"name": "x", "data": {"path": "a.txt"}, "cluster": {"k": "three"}})


def test_missing_required_key_is_named():
    with pytest.raises(TopiclabError, match=r"data: required key is missing"):
        config_from_dict({"name": "x"})


def test_malformed_override_is_rejected():
    with pytest.raises(TopiclabError, match="key=value"):
        apply_overrides({}, ["cluster.k"])


def test_missing_config_file():
    with pytest.raises(TopiclabError, match="config file not found"):
        load_config("experiments/does_not_exist.yaml")


def test_config_files_refuse_repeated_keys_folders_and_yes_for_a_number(tmp_path):
    twice = tmp_path / "twice.yaml"
    twice.write_text("name: x\ndata: {path: a.txt}\ncluster: {k: 3}\ndata: {path: b.txt}\n", encoding="utf-8")
    with pytest.raises(TopiclabError, match=r"is not valid YAML: key 'data' appears twice in one mapping \(line 4\)"):
        load_config(twice)  # last-wins would run on b.txt without a word
    with pytest.raises(TopiclabError, match="is a directory, not a file"):
        load_config(tmp_path)
    with pytest.raises(TopiclabError, match=r"cluster.k: expected int or 'auto', not True"):
        load_config("experiments/seed_news.yaml", ["cluster.k=true"])  # pydantic alone reads it as k=1
    with pytest.raises(TopiclabError, match=r"data.limit: expected int, not False"):
        load_config("experiments/seed_news.yaml", ["data.limit=false"])
    assert load_config("experiments/seed_news.yaml", ["cluster.k=auto", "seed=7"]).seed == 7


def test_flatten_nested_sections():
    assert flatten({"a": {"b": 1, "c": {"d": None}}, "e": "x"}) == {"a.b": 1, "a.c.d": None, "e": "x"}


@pytest.mark.parametrize("override, named", [
    ("vectorize.tfidf.min_df=-3", r"vectorize\.tfidf\.min_df: must be a number of documents"),
    ("vectorize.tfidf.min_df=1.5", r"vectorize\.tfidf\.min_df: must be a number of documents"),
    ("vectorize.tfidf.max_df=2.5", r"vectorize\.tfidf\.max_df: .*less than or equal to 1"),
    ("vectorize.tfidf.max_df=0", r"vectorize\.tfidf\.max_df: .*greater than 0"),
    ("cluster.umap.metric=nonsense", r"cluster\.umap\.metric: Input should be 'cosine'"),
])
def test_values_the_fit_would_refuse_are_named_at_load_time(override, named):
    with pytest.raises(TopiclabError, match=named):
        load_config("experiments/seed_news.yaml", [override])


def test_document_frequencies_in_range_load_in_both_config_kinds():
    from topiclab.config import load_classifier_config

    config = load_config("experiments/seed_news.yaml", ["vectorize.tfidf.min_df=2", "vectorize.tfidf.max_df=0.9"])
    assert (config.vectorize.tfidf.min_df, config.vectorize.tfidf.max_df) == (2, 0.9)
    bbc = load_classifier_config("experiments/classify_bbc.yaml")  # min_df 2, max_df 0.9 in the file
    assert (bbc.tfidf.min_df, bbc.tfidf.max_df) == (2, 0.9)
    with pytest.raises(TopiclabError, match=r"tfidf\.min_df: must be a number of documents"):
        load_classifier_config("experiments/classify_bbc.yaml", ["tfidf.min_df=-1"])


def test_topic_names_are_trimmed_and_an_empty_one_is_refused():
    base = {"name": "n", "data": {"path": "data/raw/seed_news.txt"}}
    config = config_from_dict({**base, "topics": {"names": {"3": "  Energy  markets "}}})
    assert config.topics.names == {3: "Energy markets"}
    with pytest.raises(TopiclabError, match="the name of topic 3 is empty"):
        config_from_dict({**base, "topics": {"names": {3: "  "}}})


def test_a_config_that_names_no_experiment_logs_to_one_of_its_own_name():
    from topiclab.config import config_from_dict

    data = {"path": "data/raw/seed_news.txt"}
    assert config_from_dict({"name": "my_news", "data": data}).tracking.experiment == "my_news"
    assert config_from_dict({"name": "my_news", "data": data, "tracking": {}}).tracking.experiment == "my_news"
    named = config_from_dict({"name": "my_news", "data": data, "tracking": {"experiment": "team"}})
    assert named.tracking.experiment == "team"
