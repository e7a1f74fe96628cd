"""The naming benchmark: ``topiclab bench-naming``."""

from __future__ import annotations

import typer

from ._app import app, report_file, report_left


@app.command("bench-naming")
def bench_naming(
    out: str = typer.Option(None, help="Markdown file whose section 'naming' is written (default: BENCHMARKS.md, "
                                        "by the full run only: every corpus)"),
    corpora: str = typer.Option(None, help="Comma-separated suite corpora (at least two; default: all four)"),
):
    """How often a topic named after the IPTC taxonomy is named right, with topics.label_threshold chosen
    leave-one-corpus-out on BBC News, AG News, 20 Newsgroups and HuffPost (needs ../shared).

    Example: topiclab bench-naming --out BENCHMARKS.md
    """
    from ..benchmarks import NAMING_LABEL_MAPS, run_naming_benchmark
    from ..errors import TopiclabError

    names = list(NAMING_LABEL_MAPS) if corpora is None else [c.strip() for c in corpora.split(",") if c.strip()]
    unknown = sorted(set(names) - set(NAMING_LABEL_MAPS))
    if unknown:
        raise TopiclabError(f"no label mapping for corpus {unknown[0]!r}: choose from {', '.join(NAMING_LABEL_MAPS)}")
    if len(set(names)) < 2:
        raise TopiclabError(f"--corpora {corpora!r}: leave-one-corpus-out needs at least two corpora")
    target = report_file(out, full_run=corpora is None or set(names) == set(NAMING_LABEL_MAPS))
    loco, targets = run_naming_benchmark(target, tuple(dict.fromkeys(names)))
    for row in loco.to_dict(orient="records"):
        typer.echo(f"{row['corpus']:20s} threshold {row['threshold']:.3f}  named {row['named']:.0%}  "
                   f"correct {row['correct']:.3f} of {int(row['judged'])} judged")
    for row in targets.to_dict(orient="records"):
        typer.echo(f"{row['status']:6s} {row['measured']}  {row['target']}")
    if target is None:
        report_left("naming")
