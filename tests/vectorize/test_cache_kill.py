"""A process SIGKILLed while it writes the embedding cache leaves only whole shards behind."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

from topiclab.vectorize import BaseEmbedder, CachedEmbedder, EmbeddingCache
from toy_runs import SRC

ROWS = 20_000  # ~30 MB a shard: a write takes long enough to be caught in the middle
# Batch i holds texts "i-j", each encoded as a row of i: what a shard holds can be checked.
WRITER = f"""
import sys
from pathlib import Path
import numpy as np
sys.path.insert(0, {SRC!r})
from topiclab.vectorize import BaseEmbedder, CachedEmbedder

class Numbered(BaseEmbedder):
    name = "kill-test"
    def embed(self, texts):
        return np.array([[float(t.split("-")[0])] * 384 for t in texts], dtype=np.float32)

i = 0
while True:
    CachedEmbedder(Numbered(), Path(sys.argv[1])).embed([f"{{i}}-{{j}}" for j in range({ROWS})])
    print(i, flush=True)
    i += 1
"""


class NeverEncodes(BaseEmbedder):
    name = "kill-test"

    def embed(self, texts):
        raise AssertionError(f"cached texts were encoded again: {texts[:3]}")


def test_sigkill_mid_write_leaves_whole_shards_only(tmp_path):
    cache = EmbeddingCache(tmp_path, "kill-test")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "0", "the writer wrote no first shard"
        deadline = time.monotonic() + 120
        while not list(cache.directory.glob(".*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.002)  # a temporary file exists: the next shard is being written
        assert list(cache.directory.glob(".*.tmp")), "never caught a write in progress"
        writer.kill()
        writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
    shards = sorted(cache.directory.glob("*.npz"))
    table = cache.load()  # every shard reads whole; the half-written one is not a shard
    assert shards and len(table) == ROWS * len(shards)
    vectors = np.stack(list(table.values()))
    assert set(np.unique(vectors)) == set(range(len(shards)))  # each row as its batch wrote it
    again = CachedEmbedder(NeverEncodes(), tmp_path)  # a later run finds the whole batches
    got = again.embed(["0-0", f"0-{ROWS - 1}"])
    assert again.hits == 2 and np.all(got == 0.0)
