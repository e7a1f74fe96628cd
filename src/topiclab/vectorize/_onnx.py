"""The packaged MiniLM on onnxruntime: exported once, optionally int8-quantised, run without torch.

``export_onnx`` traces the transformer with ``torch.onnx.export`` (eager
attention: onnxruntime's BERT fusion recognises its pattern, not SDPA's), fuses
it with ``onnxruntime.transformers.optimizer`` (attention, embedding and skip
layer norms, bias-GELU: 1.3x on BBC's long articles) and keeps ``model.onnx``
(fp32, fused) and ``model-int8.onnx`` (``quantize_dynamic`` of the fused graph:
MatMul and Attention weights per channel, which keeps the embeddings at cosine
~0.99 of torch's where per-tensor scales fall to ~0.95) under
``data/interim/models/``. Each file appears whole or not at all. Pooling and
normalising are done here in numpy, as sentence-transformers does them (mean
over real tokens, then L2).
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..paths import INTERIM_DIR
from ._embedders import BaseEmbedder, default_model_path

__all__ = ["ONNX_DIR", "OnnxEmbedder", "export_onnx"]

ONNX_DIR = INTERIM_DIR / "models" / "all-MiniLM-L6-v2-onnx-fused"  # "-fused": graphs older than fusion are not reused
MAX_TOKENS = 256  # the sentence-transformers model's max_seq_length
_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def _trace(source: Path, target: Path) -> tuple[int, int]:
    """Trace the transformer to ``target``; returns its (attention heads, hidden size) for the fusion."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

    class Hidden(torch.nn.Module):  # the last hidden state alone: pooling happens in numpy
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.full((2, 16), 1000, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0  # a padded row, so the trace keeps the attention mask's path
    axes = {name: {0: "batch", 1: "tokens"} for name in [*_INPUTS, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(Hidden(model), (ids, mask, torch.zeros_like(ids)), str(target), input_names=_INPUTS,
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
    return model.config.num_attention_heads, model.config.hidden_size


def _fuse(traced: Path, target: Path, heads: int, hidden: int) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    fused = optimize_model(str(traced), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1)
    if not fused.get_fused_operator_statistics().get("Attention"):
        raise RuntimeError("onnxruntime's BERT fusion found no attention in the traced MiniLM")
    fused.save_model_to_file(str(target))


def export_onnx(folder: Path = ONNX_DIR, source: Path | None = None) -> Path:
    """``model.onnx`` and ``model-int8.onnx`` in ``folder`` (made once; a second call finds them)."""
    fp32, int8 = folder / "model.onnx", folder / "model-int8.onnx"
    if fp32.is_file() and int8.is_file():
        return folder
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as work:
        traced, fused, quantised = (Path(work) / name for name in ("traced.onnx", "model.onnx", "model-int8.onnx"))
        quiet = logging.root.manager.disable
        logging.disable(logging.WARNING)  # the fusion's and quantize_dynamic's advice, on the root logger
        try:
            _fuse(traced, fused, *_trace(source or default_model_path(), traced))
            # The fused ops are com.microsoft's: shape inference cannot type their outputs, which are float.
            quantize_dynamic(fused, quantised, weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul", "Attention"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        finally:
            logging.disable(quiet)
        os.replace(fused, fp32)  # renames in one folder: each file appears whole
        os.replace(quantised, int8)
    return folder


@lru_cache(maxsize=4)  # one session per file and thread count per process
def _session(path: str, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=1)
def _tokenizer(source: str):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(source) / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # the packaged tokenizer.json pads to 128; batches are padded to their longest row
    return tokenizer


class OnnxEmbedder(BaseEmbedder):
    """MiniLM on onnxruntime, fp32 (``quantized=False``) or int8; ``threads`` 0 = all cores."""

    def __init__(self, quantized: bool = True, batch_size: int = 32, threads: int = 0, folder: Path = ONNX_DIR):
        self.quantized = quantized
        self.batch_size = batch_size
        self.threads = threads
        self.folder = folder

    @property
    def name(self) -> str:
        return "all-MiniLM-L6-v2+" + ("onnx-int8" if self.quantized else "onnx")

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        export_onnx(self.folder)
        path = self.folder / ("model-int8.onnx" if self.quantized else "model.onnx")
        session = _session(str(path), self.threads or os.cpu_count() or 1)
        tokenizer = _tokenizer(str(default_model_path()))
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths share a batch: little padding
        for start in range(0, len(texts), self.batch_size):
            rows = order[start:start + self.batch_size]
            encoded = tokenizer.encode_batch([texts[i] for i in rows])
            width = max(len(e.ids) for e in encoded)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, e in enumerate(encoded):
                ids[r, :len(e.ids)] = e.ids
                mask[r, :len(e.ids)] = 1
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                        "token_type_ids": np.zeros_like(ids)})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[rows] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out
