"""Serving under load: the driver counts errors and latencies; the benchmark writes its section."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

from classify_helpers import tiny_config, write_tiny_csv
from topiclab.benchmarks import drive, read_sections, run_serving_benchmark, serving_figures


class _Half(BaseHTTPRequestHandler):
    """Answers every other request with a 500, so the driver's error count can be checked."""

    count = 0

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).count += 1
        ok = type(self).count % 2 == 0 and body["dataframe_records"][0]["text"]
        self.send_response(200 if ok else 500)
        self.end_headers()
        self.wfile.write(b'{"predictions": []}' if ok else b"no")

    def log_message(self, *args):
        pass


def test_the_driver_counts_failed_requests_and_times_every_one():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Half)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        load = drive(f"http://127.0.0.1:{server.server_port}", ["a text"], requests=40, concurrency=4)
    finally:
        server.shutdown()
    figures = serving_figures(load, 4)
    assert figures["requests"] == 40 and figures["errors"] == 20
    assert 0 < figures["p50_ms"] <= figures["p99_ms"] and figures["requests_per_s"] > 0


def test_the_benchmark_serves_a_trained_champion_and_writes_its_section(tmp_path, tracking_uri):
    config = tmp_path / "classify.yaml"
    config.write_text(yaml.safe_dump(tiny_config(write_tiny_csv(tmp_path), [{"kind": "tfidf_logreg"}])))
    out = tmp_path / "BENCHMARKS.md"
    figures = run_serving_benchmark(out, str(config), requests=40, concurrency=4)
    assert figures["requests"] == 40 and figures["errors"] == 0
    rows, body = read_sections(out)["serving"]
    assert rows[0]["status"] == "met" and "p99 (ms)" in body
