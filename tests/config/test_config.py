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


def test_flatten_nested_sections():
    assert flatten({"a": {"b": 1, "c": {"d": None}}, "e": "x"}) == {"a.b": 1, "a.c.d": None, "e": "x"}
