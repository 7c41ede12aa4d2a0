"""A sentence encoder that runs on the CPU with numpy alone: all-MiniLM-L6-v2's forward pass.

The weights ship inside the package (``core/data/encoder``), int8 with one scale per output row,
reproduced by ``scripts/convert-encoder`` from the model's wheel on the package registry. Nothing is
downloaded at run time. Sentences are embedded as sentence-transformers does (WordPiece tokens, six BERT
layers, mean pooling over real tokens, L2 normalised: 384 numbers), and two more views of the same pass
are kept beside it for the learned heads: the maximum over tokens of the last layer (a strong word is not
averaged away) and the mean of the third layer (closer to the words themselves). ``encode`` returns the
three side by side, each L2 normalised: 1,152 numbers, the first 384 being the sentence embedding.

Loading costs ~0.2 s and ~55 MB (the layer weights are kept as float32 for speed; the word table stays
int8, mapped from the file, and only the rows a sentence uses are read and widened), so it happens once, on
first use.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data" / "encoder"
WEIGHTS = DATA / "minilm-l6-int8.npz"
TOKENIZER = DATA / "tokenizer.json"
# sha256 of the shipped files (scripts/convert-encoder prints them); a mismatch means a corrupt install.
CHECKSUMS = {
    "minilm-l6-int8.npz": "dbf7f6a071f387e83245409771908e91e6f6877bf166e4d47adc526467be2531",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
DIM = 384
FEATURES = 3 * DIM  # [mean of layer 6 (the sentence embedding), max of layer 6, mean of layer 3]
_MIDDLE = 2  # index of the layer whose mean is the third view
_HEADS = 12
_LAYERS = 6
_MAX_TOKENS = 128  # replies are short; longer sentences are cut (the scorer embeds sentence by sentence)


class EncoderUnavailable(RuntimeError):
    """The weights or tokenizer are missing or corrupt: callsim scores with its rules alone."""


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (max error 1.5e-7): numpy has no erf and scipy is not a dependency.
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t \
        * np.exp(-a * a)
    out: np.ndarray = s * y
    return out


def _gelu(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    out: np.ndarray = (x - mu) / np.sqrt(var + 1e-12) * w + b
    return out


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (384, 1152): query, key, value side by side
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


def verify_files() -> None:
    """Raise EncoderUnavailable unless both shipped files exist and match their checksums."""
    for name, digest in CHECKSUMS.items():
        path = DATA / name
        if not path.is_file():
            raise EncoderUnavailable(f"the encoder file {path} is missing (reinstall callsim)")
        if _sha256(path) != digest:
            raise EncoderUnavailable(f"the encoder file {path} is corrupt: its checksum does not match "
                                     "(reinstall callsim, or rebuild it with scripts/convert-encoder)")


def _sha256(path: Path) -> str:
    """The file's digest, read a megabyte at a time: reading the 23 MB weights whole left glibc's mmap
    threshold at 23 MB once freed, so the loading that follows kept about 10 MB it had freed resident."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


class Encoder:
    """Embeds sentences. Thread-safe; keeps a small cache of recent sentences."""

    def __init__(self, weights: Path = WEIGHTS, tokenizer: Path = TOKENIZER, cache_size: int = 4096) -> None:
        from tokenizers import Tokenizer  # ~15 ms: only when the learned layer is first used

        try:
            z = np.load(weights)
            self._tok = Tokenizer.from_file(str(tokenizer))
        except Exception as e:  # noqa: BLE001 (any unreadable file means the same thing to the user)
            raise EncoderUnavailable(f"the encoder could not be loaded from {weights.parent}: {e}") from e
        self._tok.no_padding()
        self._tok.enable_truncation(_MAX_TOKENS)

        def mat(name: str) -> np.ndarray:
            w: np.ndarray = (z[name + ".q"].astype(np.float32) * z[name + ".s"]).T.copy()
            return w  # (in, out) for x @ W

        mapped = _mapped(weights, "embeddings.word_embeddings.weight.q")
        self._words_q: np.ndarray = z["embeddings.word_embeddings.weight.q"] if mapped is None else mapped
        self._words_s = z["embeddings.word_embeddings.weight.s"]
        self._pos = z["embeddings.position_embeddings.weight.q"].astype(np.float32) \
            * z["embeddings.position_embeddings.weight.s"]
        self._type0 = z["embeddings.token_type_embeddings.weight"][0]
        self._ln_w = z["embeddings.LayerNorm.weight"]
        self._ln_b = z["embeddings.LayerNorm.bias"]
        layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            a = p + "attention."
            layers.append(_Layer(
                qkv_w=np.concatenate([mat(a + f"self.{k}.weight") for k in ("query", "key", "value")], axis=1),
                qkv_b=np.concatenate([z[a + f"self.{k}.bias"] for k in ("query", "key", "value")]),
                out_w=mat(a + "output.dense.weight"), out_b=z[a + "output.dense.bias"],
                ln1_w=z[a + "output.LayerNorm.weight"], ln1_b=z[a + "output.LayerNorm.bias"],
                up_w=mat(p + "intermediate.dense.weight"), up_b=z[p + "intermediate.dense.bias"],
                down_w=mat(p + "output.dense.weight"), down_b=z[p + "output.dense.bias"],
                ln2_w=z[p + "output.LayerNorm.weight"], ln2_b=z[p + "output.LayerNorm.bias"],
            ))
        self._layers = tuple(layers)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = self._batch_cache_size = cache_size
        self._lock = threading.Lock()
        self._alone = False  # each text embedded on its own (see ``one_at_a_time``)

    def one_at_a_time(self, cache_size: int) -> None:
        """From now on embed each text on its own and remember at least ``cache_size`` of them.

        A text embedded in a batch comes out a few units in the 7th decimal away from the same text embedded alone
        (the matrix products round differently with more rows), so what a reply scores could depend on what was
        embedded with it. ``callsim explore`` plays thousands of calls, in several processes, and its results must
        depend on its seed alone: it asks for this, and for a cache that holds its whole bank of replies. The cache
        is emptied the first time (it may hold batched vectors)."""
        with self._lock:
            if not self._alone:
                self._cache.clear()
            self._alone = True
            self._cache_size = max(self._cache_size, cache_size)

    def batched(self) -> None:
        """Back to embedding texts in batches, with the cache it was made with (what ``one_at_a_time`` changed):
        ``callsim explore`` asks for this when it is done, so a process that goes on (a test run) is not left
        slower, holding a cache of 32,768 sentences."""
        with self._lock:
            self._alone = False
            self._cache_size = self._batch_cache_size
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def tokens(self, text: str) -> list[str]:
        return list(self._tok.encode(text).tokens)

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        n = max(len(i) for i in ids)
        batch = len(ids)
        tok = np.zeros((batch, n), dtype=np.int64)
        mask = np.zeros((batch, n), dtype=np.float32)
        for r, row in enumerate(ids):
            tok[r, : len(row)] = row
            mask[r, : len(row)] = 1.0
        words = self._words_q[tok].astype(np.float32) * self._words_s[tok]
        # The dense layers run on the real tokens only (``real``: their rows in the padded batch); attention,
        # which needs the (sentence, position) layout, scatters them back into it. A reply's sentences differ
        # in length, so padding them all to the longest would multiply the work by up to the number of them.
        real = np.flatnonzero(mask.reshape(-1) > 0)
        x = _layer_norm(words + self._pos[:n] + self._type0, self._ln_w, self._ln_b).reshape(batch * n, DIM)[real]
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        hd = DIM // _HEADS
        scale = np.float32(1.0 / np.sqrt(hd))
        padded = np.zeros((batch * n, 3 * DIM), dtype=np.float32)
        middle = x
        for i, L in enumerate(self._layers):
            padded[real] = x @ L.qkv_w + L.qkv_b
            qkv = padded.reshape(batch, n, 3, _HEADS, hd).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            att = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(batch * n, DIM)[real]
            x = _layer_norm(ctx @ L.out_w + L.out_b + x, L.ln1_w, L.ln1_b)
            h = _gelu(x @ L.up_w + L.up_b)
            x = _layer_norm(h @ L.down_w + L.down_b + x, L.ln2_w, L.ln2_b)
            if i == _MIDDLE:
                middle = x
        x = _unpack(x, real, batch * n)
        middle = _unpack(middle, real, batch * n)
        m = mask[..., None]
        last = x.reshape(batch, n, DIM)
        mean = (last * m).sum(1) / m.sum(1)
        top = np.where(m > 0, last, -1e9).max(1)
        mid = (middle.reshape(batch, n, DIM) * m).sum(1) / m.sum(1)
        views = [v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12) for v in (mean, top, mid)]
        return np.hstack(views).astype(np.float32)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """(len(texts), 1152): three unit vectors per text (see the module's docstring); texts of similar
        length are batched together."""
        out = np.zeros((len(texts), FEATURES), dtype=np.float32)
        todo: list[int] = []
        with self._lock:
            for i, t in enumerate(texts):
                hit = self._cache.get(t)
                if hit is None:
                    todo.append(i)
                else:
                    self._cache.move_to_end(t)
                    out[i] = hit
        if not todo:
            return out
        # Each distinct text is embedded once and its copies share the vector: a copy embedded in another batch
        # would come out a few units in the 7th decimal away, and which of two equal sentences a head rates
        # highest (the evidence shown) would then depend on the batching, not on the words.
        first: dict[str, int] = {}
        for i in todo:
            first.setdefault(texts[i], i)
        encoded = {i: self._tok.encode(texts[i]).ids for i in first.values()}
        order = sorted(encoded, key=lambda i: len(encoded[i]))
        if self._alone:
            batch_size = 1
        for s in range(0, len(order), batch_size):
            chunk = order[s : s + batch_size]
            vecs = self._forward([encoded[i] for i in chunk])
            for i, v in zip(chunk, vecs, strict=True):
                out[i] = v
        for i in todo:
            out[i] = out[first[texts[i]]]
        with self._lock:
            for i in todo:
                self._cache[texts[i]] = out[i]
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out


def _mapped(path: Path, name: str) -> np.ndarray | None:
    """The array ``name`` of an uncompressed ``.npz``, mapped from the file rather than read: the word table
    is 30,522 rows of which a call uses a few hundred, so only their pages become resident (11.7 MB read
    whole, about 1 MB mapped). None when the member is compressed or not a plain array."""
    import struct
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(name + ".npy")
        if info.compress_type != zipfile.ZIP_STORED:
            return None
        with path.open("rb") as f:
            f.seek(info.header_offset)
            local = f.read(30)  # the member's local header: its name and extra field lengths are at 26 and 28
            if local[:4] != b"PK\x03\x04":
                return None
            f.seek(info.header_offset + 30 + sum(struct.unpack("<HH", local[26:30])))
            version = np.lib.format.read_magic(f)
            if version != (1, 0):
                return None
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            offset = f.tell()
        if fortran or dtype.hasobject:
            return None
        return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, struct.error):
        return None


def _unpack(x: np.ndarray, real: np.ndarray, rows: int) -> np.ndarray:
    """The real tokens' rows back in the padded (sentence, position) layout, zeros elsewhere."""
    out = np.zeros((rows, x.shape[1]), dtype=x.dtype)
    out[real] = x
    return out


_ENCODER: Encoder | None = None
_ENCODER_ERROR: str | None = None
_LOAD_LOCK = threading.Lock()


def get_encoder() -> Encoder:
    """The process's encoder, loaded (and checked) once. Raises EncoderUnavailable with a clear message."""
    global _ENCODER, _ENCODER_ERROR
    with _LOAD_LOCK:
        if _ENCODER is not None:
            return _ENCODER
        if _ENCODER_ERROR is not None:
            raise EncoderUnavailable(_ENCODER_ERROR)
        try:
            verify_files()
            _ENCODER = Encoder()
        except EncoderUnavailable as e:
            _ENCODER_ERROR = str(e)
            raise
        return _ENCODER
