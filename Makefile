# Two commands: `make run` (set up, run the default experiment) and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run test ui lab kernel kernel-spec hooks browser postgres java clean-cache segment-benchmark bench bench-classifiers bench-serve bench-scale bench-spark-embed bench-backends bench-speed bench-naming bench-k bench-outliers bench-boilerplate bench-stream

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	$(MAKE) --no-print-directory kernel-spec
	touch $(STAMP)

run: setup
	$(VENV)/bin/topiclab run experiments/seed_news.yaml

test: setup browser postgres java
	$(PY) -m pytest -q

ui: setup
	$(VENV)/bin/topiclab ui

clean-cache:
	rm -rf data/interim/embeddings

# Quality against BERTopic, LDA, NMF and TF-IDF k-means on the suite (BBC, AG News 4k, 6,000-document
# samples of 20 Newsgroups and HuffPost; needs ../shared), and speed; writes BENCHMARKS.md and logs every run to MLflow (experiment benchmarks).
bench: setup
	$(VENV)/bin/topiclab bench --out BENCHMARKS.md

# Classifier benchmark: zero-shot / few-shot (0, 5, 10, 20 articles per label, 5 seeded draws) on
# BBC News and AG News 4k (needs ../shared), full BBC training and the seed champion on data/checks;
# writes section `classifiers` of BENCHMARKS.md.
bench-classifiers: setup
	$(VENV)/bin/topiclab bench-classifiers --out BENCHMARKS.md

# Segmentation benchmark: Pk of each segmenter on synthetic BBC dumps (needs ../shared),
# best beside the baseline; one MLflow run per segmenter in experiment `segmentation`.
segment-benchmark: setup
	$(VENV)/bin/topiclab segment-eval experiments/segmentation.yaml

# JupyterLab on 127.0.0.1 with the `topiclab` kernel (this venv, so notebooks use the installed
# package); notebooks/ holds the experiment notebooks.
# Jupyter refuses root unless told (containers and CI machines run as root).
lab: kernel hooks
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" \
	  --ServerApp.default_url=/lab/tree/notebooks $(LAB_ARGS) $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# The notebooks' `topiclab` kernel, inside the venv (setup installs it, so papermill finds it too).
kernel: setup kernel-spec

kernel-spec:
	$(PY) -m ipykernel install --prefix "$(abspath $(VENV))" --name topiclab --display-name "Python (topiclab)"

# Strip notebook outputs when they are committed (the nbstripout filter that .gitattributes names).
hooks: setup
	@if git rev-parse --git-dir >/dev/null 2>&1; then $(VENV)/bin/nbstripout --install && echo "nbstripout filter installed"; \
	else echo "not a git checkout: no nbstripout filter to install"; fi

# Debian's chromium for the MLflow UI browser test. Never fails make: without root, apt-get or a
# package mirror, tests/test_ui_browser.py skips and says why (under CI=true it fails instead).
browser:
	@if [ -x /usr/bin/chromium ]; then echo "browser test uses /usr/bin/chromium"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser test (apt-get)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	    || echo "warning: could not install chromium; tests/test_ui_browser.py will skip"; \
	else echo "warning: /usr/bin/chromium is missing and needs root and apt-get to install; tests/test_ui_browser.py will skip"; fi

# Debian's PostgreSQL for the team-store test (tests/tracking/test_postgres.py starts its own throwaway
# server from these binaries). Never fails make: without root, apt-get or a mirror, that test skips and
# says why (under CI=true it fails instead).
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "team-store test uses PostgreSQL's $$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's PostgreSQL for the team-store test (apt-get)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) \
	    || echo "warning: could not install postgresql; tests/tracking/test_postgres.py will skip"; \
	else echo "warning: PostgreSQL is missing and needs root and apt-get to install; tests/tracking/test_postgres.py will skip"; fi

# Java for Spark (topiclab spark, tests/spark): Debian's OpenJDK 17 when no java is on PATH or in JAVA_HOME.
# Never fails make: without root, apt-get or a mirror, the Spark jobs' tests skip and say why (under
# CI=true they fail instead).
java:
	@if [ -n "$$JAVA_HOME" ] && [ -x "$$JAVA_HOME/bin/java" ]; then echo "Spark uses $$JAVA_HOME/bin/java"; \
	elif command -v java >/dev/null 2>&1; then echo "Spark uses $$(command -v java)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's OpenJDK 17 for Spark (apt-get)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless) \
	    || echo "warning: could not install openjdk-17-jre-headless; tests/spark will skip its Spark jobs"; \
	else echo "warning: java is missing and needs root and apt-get to install; tests/spark will skip its Spark jobs"; fi

# bench-serve: serving under load: 2,000 requests, 8 at a time, against `topiclab serve` on 127.0.0.1 from a second
# process; writes the `serving` section of BENCHMARKS.md.

# bench-scale: the whole pipeline (warm static embeddings) at 2k, 8k, 32k and 128k articles recombined from the
# sentences of ../shared/datasets, and Spark classify/embed on 1,000,000 of them on local[1] and local[2]
# (MiniLM tiers at 50,000, projected to 1M); writes section `scale` of BENCHMARKS.md. Smoke run:
# topiclab bench-scale --sizes 2k,8k --spark-documents 20000 --minilm-documents 2000 --out /tmp/B.md

# bench-spark-embed: MiniLM through `topiclab spark embed` with the default backend (auto, resolved on the driver) at
# 50,000 articles of the scale corpus on local[2], a million projected; writes section `spark-embed` (about 45 min;
# a quiet machine). Smoke run: topiclab bench-spark-embed --documents 300 --out /tmp/B.md

# bench-backends: embedding backends side by side on AG News 4k and BBC (needs ../shared): texts/s against plain
# sentence-transformers, k-means NMI, cosine with torch; writes the `embedding-backends` section of BENCHMARKS.md.

# bench-speed: cold-run speed: a cold `topiclab run` of the AG and BBC configs against BERTopic's defaults cold on the same
# texts, as processes, alternated, 3 rounds (needs ../shared; a quiet machine); writes section `speed-cold`.
# Smoke run: topiclab bench-speed --config ag_news_4k --rounds 1 --sample 300 --out /tmp/speed.md

# bench-naming: topics named after experiments/taxonomies/iptc.yaml, topics.label_threshold chosen
# leave-one-corpus-out on BBC, AG News, 20 Newsgroups and HuffPost (needs ../shared); logged to MLflow.

# bench-k: k: auto, every criterion side by side on the four labelled corpora, the rule chosen leave-one-corpus-out,
# Turftopic's Topeax beside it (needs ../shared); writes section `choosing-k`; logged to MLflow.

# bench-outliers: outliers of density clusters: keep or reassign, chosen leave-one-corpus-out (needs ../shared).

# bench-boilerplate: the boilerplate marker on real pages, leave one source out, beside jusText's rule (needs ../shared).

# bench-stream: a topic model updated batch by batch (`topiclab update`): a held-back label from batch 3 of 6, new-story
# recall and precision, stability, NMI and time against a refit, beside BERTopic's partial_fit and merge_models; the
# update's constants chosen leave-one-corpus-out; an update's cost at 1k, 10k and 100k documents of history (needs ../shared).
# Smoke run: topiclab bench-stream --datasets bbc_news,ag_news_4k --limit 600 --no-history --out /tmp/B.md

# Each of the benchmark commands above writes its own section of BENCHMARKS.md.
SECTION_BENCHES := bench-serve bench-scale bench-spark-embed bench-backends bench-speed bench-naming bench-k bench-outliers bench-boilerplate \
	bench-stream
$(SECTION_BENCHES): setup
	$(VENV)/bin/topiclab $@ --out BENCHMARKS.md
