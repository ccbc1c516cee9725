"""Random streams: the NumPy generators behind `am.Generator` and the global seed.

A `Stream` is a seed and the NumPy `Generator` (PCG64) made from it on first use, so that
`import autograd_mini` does not import `numpy.random` (a noticeable share of its time). The global
stream (`DEFAULT`, behind `am.manual_seed`, `am.rand`, ...) starts from a non-deterministic seed,
as PyTorch's default generator does; a new `am.Generator()` starts from PyTorch's default seed,
67280421310721. Seeding with n gives `np.random.default_rng(n)`'s numbers (not PyTorch's).

This module sits below the Tensor class (it works on ndarrays), so that `Tensor.uniform_`,
`Tensor.normal_` and `Tensor.multinomial` can use it; `am.Generator` (in `creation`) wraps a
Stream.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.random import Generator as NumpyGenerator

DEFAULT_SEED = 67280421310721  # PyTorch's seed of a new torch.Generator()
_STATE_MAGIC = b"amG1"
STATE_SIZE = 4 + 8 + 16 + 16 + 1 + 4  # magic, seed, PCG64 state and increment, buffered uint32


class UnsupportedDtypeError(NotImplementedError, TypeError):
    """A random function asked for a dtype it cannot draw (PyTorch raises NotImplementedError,
    "... not implemented for 'Long'"; a TypeError too, as a dtype problem)."""


def fresh_seed() -> int:
    """A non-deterministic 64-bit seed (from the OS), as `torch.seed()` draws one."""
    return int.from_bytes(os.urandom(8), "little")


def check_seed(seed: Any, name: str) -> int:
    """A seed: an int in [-2**63, 2**64); negative ones wrap modulo 2**64, as in PyTorch."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name}: the seed must be a non-negative int (negative ints wrap modulo "
                        f"2**64, as in PyTorch), got {type(seed).__name__} {seed!r}")
    value = int(seed)
    if not -2**63 <= value < 2**64:
        raise ValueError(f"{name}: seed {value} is out of range: it must be in [-2**63, 2**64) "
                         "(Overflow, as PyTorch says)")
    return value % 2**64


class Stream:
    """A seed and the NumPy generator made from it on first use."""

    __slots__ = ("_seed", "_rng")

    def __init__(self, seed: int | None) -> None:
        self._seed = seed  # None: a non-deterministic seed is drawn on first use
        self._rng: NumpyGenerator | None = None

    def numpy(self) -> NumpyGenerator:
        """The NumPy generator of this stream (the same object until the stream is reseeded)."""
        rng = self._rng
        if rng is None:
            rng = self._rng = np.random.default_rng(self.initial_seed())
        return rng

    def manual_seed(self, seed: int) -> None:
        self._seed = seed
        self._rng = None

    def initial_seed(self) -> int:
        if self._seed is None:
            self._seed = fresh_seed()
        return self._seed

    def get_state(self) -> np.ndarray:
        """The stream's whole state as uint8 bytes (see `set_state`)."""
        bits = self.numpy().bit_generator.state
        if bits["bit_generator"] != "PCG64":
            raise RuntimeError(f"get_state: unexpected bit generator {bits['bit_generator']}")
        raw = (_STATE_MAGIC + self.initial_seed().to_bytes(8, "little")
               + int(bits["state"]["state"]).to_bytes(16, "little")
               + int(bits["state"]["inc"]).to_bytes(16, "little")
               + bytes([int(bits["has_uint32"])]) + int(bits["uinteger"]).to_bytes(4, "little"))
        return np.frombuffer(raw, dtype=np.uint8).copy()

    def set_state(self, state: np.ndarray, name: str) -> None:
        """Restore a state from `get_state`: the same numbers follow."""
        raw = np.ascontiguousarray(state).tobytes()
        if state.ndim != 1 or len(raw) != STATE_SIZE or raw[:4] != _STATE_MAGIC:
            raise RuntimeError(f"{name}: expected a state of {STATE_SIZE} bytes from "
                               f"get_state()/get_rng_state(), got a uint8 tensor of shape "
                               f"{state.shape}" + ("" if len(raw) != STATE_SIZE else
                                                   " that is not such a state"))
        has_uint32 = raw[44]
        if has_uint32 > 1:
            raise RuntimeError(f"{name}: the state is corrupt (buffered flag {has_uint32})")
        seed = int.from_bytes(raw[4:12], "little")
        rng = self._rng
        if rng is None:
            rng = np.random.Generator(np.random.PCG64())
        rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(raw[12:28], "little"),
                      "inc": int.from_bytes(raw[28:44], "little")},
            "has_uint32": has_uint32, "uinteger": int.from_bytes(raw[45:49], "little")}
        self._seed, self._rng = seed, rng


DEFAULT = Stream(None)  # the global stream: am.manual_seed, am.rand, nn.init, dropout, ...


def numpy_generator(generator: Any, name: str) -> NumpyGenerator:
    """The NumPy generator to draw from: the global stream's for None, else the `am.Generator`'s
    (anything else a TypeError naming the call)."""
    if generator is None:
        return DEFAULT.numpy()
    stream = getattr(generator, "_stream", None)
    if not isinstance(stream, Stream):
        raise TypeError(f"{name}: generator must be an am.Generator (or None for the global "
                        f"one), got {type(generator).__name__}")
    return stream.numpy()


def check_float_dtype(dtype: np.dtype, name: str) -> None:
    """Floating-point draws (rand, randn, uniform_, normal_) need a floating dtype."""
    if dtype.kind != "f":
        raise UnsupportedDtypeError(
            f"{name}: draws floating-point numbers, not dtype {dtype} (PyTorch: not implemented "
            f"for this dtype); ask for a floating dtype, or use randint for integers")


def _real(x: Any, name: str, what: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: {what} must be a real number, got {type(x).__name__} {x!r}")
    return float(x)


def uniform_values(shape: tuple, a: Any, b: Any, rng_source: Any, name: str) -> Any:
    """Check U(a, b)'s bounds; returns a function drawing float64 samples of `shape` (drawn only
    when called, after the caller's own checks)."""
    lo, hi = _real(a, name, "the lower bound"), _real(b, name, "the upper bound")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"{name}: the bounds must be finite, got from={lo} and to={hi}")
    if lo > hi:
        raise RuntimeError(f"{name} expects to return a [from, to) range, but found from={a} > "
                           f"to={b}")
    rng = numpy_generator(rng_source, name)
    return lambda: rng.uniform(lo, hi, shape)


def normal_values(shape: tuple, mean: Any, std: Any, rng_source: Any, name: str) -> Any:
    """Check N(mean, std**2)'s parameters; returns a function drawing float64 samples."""
    mu, sigma = _real(mean, name, "mean"), _real(std, name, "std")
    if not sigma >= 0:
        raise RuntimeError(f"{name}: normal expects std >= 0.0, but found std {std}")
    rng = numpy_generator(rng_source, name)
    return lambda: rng.normal(mu, sigma, shape)


def multinomial(probs: np.ndarray, num_samples: Any, replacement: bool, rng_source: Any,
                name: str = "multinomial") -> np.ndarray:
    """Indices drawn from the categories of each row of `probs` (1-D or 2-D non-negative
    weights, not necessarily summing to 1), as int64 of shape (num_samples,) or
    (rows, num_samples). Without replacement an index appears at most once per row (weights of
    the ones not yet drawn renormalised; zero-weight ones come after all the others, as in
    PyTorch)."""
    if isinstance(num_samples, (bool, np.bool_)) or not isinstance(num_samples, (int, np.integer)):
        raise TypeError(f"{name}: num_samples must be an int, got {type(num_samples).__name__} "
                        f"{num_samples!r}")
    if not isinstance(replacement, (bool, np.bool_)):
        raise TypeError(f"{name}: replacement must be a bool, got {type(replacement).__name__}")
    n = int(num_samples)
    if probs.ndim not in (1, 2):
        raise RuntimeError(f"{name}: prob_dist must be 1 or 2 dim, got shape {probs.shape}")
    if probs.dtype.kind != "f":
        raise RuntimeError(f"{name} only supports floating-point dtypes for input, got: "
                           f"{probs.dtype}")
    if n <= 0:
        raise RuntimeError(f"{name}: cannot sample n_sample <= 0 samples (num_samples={n})")
    k = probs.shape[-1]
    if not replacement and n > k:
        raise RuntimeError(f"{name}: cannot sample n_sample > prob_dist.size(-1) samples without "
                           f"replacement ({n} samples from {k} categories)")
    rows = probs.reshape(-1, k).astype(np.float64)
    if rows.size and not (np.isfinite(rows).all() and (rows >= 0).all()):
        raise RuntimeError(f"{name}: probability tensor contains either `inf`, `nan` or element "
                           "< 0")
    scale = rows.max(axis=1, initial=0.0)
    if (scale <= 0).any():
        raise RuntimeError(f"{name}: invalid multinomial distribution (sum of probabilities <= 0)"
                           f" in row {int(np.argmax(scale <= 0))}")
    rng = numpy_generator(rng_source, name)
    p = rows / scale[:, None]  # each row's largest weight 1: no overflow in the sums below
    out = np.empty((rows.shape[0], n), dtype=np.int64)
    if replacement:
        cdf = np.cumsum(p, axis=1)
        last = k - 1 - np.argmax(p[:, ::-1] > 0, axis=1)  # each row's last positive weight
        u = rng.random((rows.shape[0], n))
        for r in range(rows.shape[0]):
            # category i covers [cdf[i-1], cdf[i]): empty for a zero weight
            idx = np.searchsorted(cdf[r], u[r] * cdf[r, -1], side="right")
            out[r] = np.minimum(idx, last[r])
    else:
        # successive sampling without replacement: the n largest of weight / Exp(1) (an
        # exponential race: the first is i with probability p_i / sum p, and so on, memoryless)
        with np.errstate(divide="ignore"):
            keys = p / rng.standard_exponential(p.shape)
        keys[p == 0] = -1.0  # zero weights only after every positive one
        out[:] = np.argsort(-keys, axis=1, kind="stable")[:, :n]
    return out.reshape(probs.shape[:-1] + (n,))
