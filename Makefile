# Two commands: `make run` (set up, run the default experiment) and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run test ui lab kernel hooks browser clean-cache segment-benchmark bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(VENV)/bin/topiclab run experiments/seed_news.yaml

test: setup browser
	$(PY) -m pytest -q

ui: setup
	$(VENV)/bin/topiclab ui

clean-cache:
	rm -rf data/interim/embeddings

# Quality against BERTopic, LDA, NMF and TF-IDF k-means on BBC News and AG News 4k (needs
# ../shared), and speed; writes BENCHMARKS.md and logs every run to MLflow (experiment benchmarks).
bench: setup
	$(VENV)/bin/topiclab bench --out BENCHMARKS.md

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

kernel: setup
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
