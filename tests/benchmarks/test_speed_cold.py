"""``bench-speed``'s report from its measurements: the ratio, the warm run, the stages, the Targets rows."""

from topiclab.benchmarks import ColdRun, SideBySide, read_sections, speed_section, speed_targets, write_section


def _side(name, ours, bertopic, warm, nmi):
    stages = {"startup": 3.0, "vectorize": 10.0, "map": 1.0, "logging": 2.0}
    return SideBySide(name, [ColdRun(s, nmi, stages) for s in ours], [ColdRun(s, nmi, stages) for s in warm],
                      [ColdRun(s, 0.39, {"fit": s - 5}) for s in bertopic])


def test_targets_take_medians_and_need_both_speed_and_nmi():
    ag = _side("ag_news_4k", ours=[30, 31, 90], bertopic=[52, 53, 54], warm=[8, 9, 30], nmi=0.623)
    bbc = _side("bbc_news", ours=[40, 40, 40], bertopic=[50, 50, 50], warm=[9, 9, 9], nmi=0.9)
    rows = speed_targets([ag, bbc]).set_index("target")["status"].tolist()
    assert rows == ["met", "met", "missed"]  # AG 31/53 = 0.58x, warm 9 s; BBC 0.8x
    slow_quality = _side("ag_news_4k", ours=[30], bertopic=[60], warm=[5], nmi=0.5)
    assert speed_targets([slow_quality])["status"].tolist() == ["missed", "met"]  # fast, but NMI under 0.62


def test_the_section_names_the_cpu_and_lists_the_stages(tmp_path):
    ag = _side("ag_news_4k", ours=[30], bertopic=[60], warm=[5], nmi=0.63)
    body = speed_section([ag], rounds=1, sample=300, seconds=90)
    assert "CPU:" in body and "startup" in body and "logging" in body and "0.5" in body
    out = write_section(tmp_path / "B.md", "speed-cold", body, speed_targets([ag]))
    rows, _ = read_sections(out)["speed-cold"]
    assert [r["status"] for r in rows] == ["met", "met"]
