"""The ops of `am.nn.functional` for random programs (see `programs`): activations, linear,
convolution, pooling, unfold/fold, embedding, normalisation and every loss.

Image ops reshape a value into (N, C, H, W) (and another into the kernel), so the random graphs
mix them with everything else. Losses take their targets as constants, or as another value where
the target is differentiable (mse, l1, binary cross-entropy with logits).
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd_mini import Tensor
from autograd_mini.nn import functional as F

from .programs import EXCLUDED, MARGIN, MAX_SIZE, _any, _away, _groups, _pick, _pick_pair, op

EXCLUDED.update({
    "F.dropout": "random: finite differences need a deterministic function (nn's tests check it)",
    "F.one_hot": "integer output, no gradient",
    "ClampedLog": "only BinaryCrossEntropy's VJP (the target's gradient) records it, under "
                  "create_graph; the registry's gradcheck covers it",
})


def _const(draw: Any, shape: tuple, low: float, high: float) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).uniform(low, high, size=shape)


# ---- activations ----------------------------------------------------------------------------
_ACTIVATIONS: dict[str, tuple[Any, Any]] = {
    "relu": (lambda x: F.relu(x), lambda v: _away(v, 0.0)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda v: _away(v, 0.0)),
    "sigmoid": (lambda x: F.sigmoid(x), _any),
    "tanh": (lambda x: F.tanh(x), _any),
    "gelu": (lambda x: F.gelu(x), _any),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), _any),
    "silu": (lambda x: F.silu(x), _any),
    "softplus": (lambda x: F.softplus(x), lambda v: _away(v, 20.0)),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0), lambda v: _away(v, 1.5)),
}


@op("nn_activation", ("F.relu", "F.leaky_relu", "F.sigmoid", "F.tanh", "F.gelu", "F.silu",
                      "F.softplus"), lambda x, kind: _ACTIVATIONS[kind][0](x))
def _propose_activation(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(sorted(_ACTIVATIONS)))
    i = _pick(draw, values, _ACTIVATIONS[kind][1])
    return None if i is None else ((i,), {"kind": kind})


@op("nn_leaky_relu", ("F.leaky_relu",), lambda x, slope: F.leaky_relu(x, slope))
def _propose_leaky_relu(draw: Any, values: list) -> Any:
    """leaky_relu on its own (its LeakyRelu primitive is met on every seeded run), any slope."""
    i = _pick(draw, values, lambda v: _away(v, 0.0))
    return None if i is None else ((i,), {"slope": draw(st.sampled_from([0.01, 0.2, 1.5]))})


@op("nn_softmax", ("F.softmax", "F.log_softmax"),
    lambda x, dim, log: (F.log_softmax if log else F.softmax)(x, dim))
def _propose_softmax(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    n = values[i].ndim
    return (i,), {"dim": draw(st.integers(-n, n - 1)), "log": draw(st.booleans())}


# ---- linear and embedding -------------------------------------------------------------------
@op("linear", ("F.linear",), lambda x, w, *b: F.linear(x, w, *b))
def _propose_linear(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.shape[-1] > 0)
    if i is None:
        return None
    k = values[i].shape[-1]
    j = _pick(draw, values, lambda v: v.ndim == 2 and v.shape[1] == k and
              values[i].size // k * v.shape[0] <= MAX_SIZE)
    if j is None:
        return None
    out = values[j].shape[0]
    b = _pick(draw, values, lambda v: v.shape == (out,))
    return ((i, j) if b is None or draw(st.booleans()) else (i, j, b)), {}


def _embedding(w: Tensor, ids: np.ndarray, padding_idx: int | None) -> Tensor:
    return F.embedding(Tensor(ids), w, padding_idx)


@op("embedding", ("F.embedding",), _embedding)
def _propose_embedding(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim == 2 and v.shape[0] > 0)
    if i is None:
        return None
    rows, dim = values[i].shape
    shape = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    if math.prod(shape) * dim > MAX_SIZE:
        return None
    ids = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=math.prod(shape),
                                 max_size=math.prod(shape))), dtype=np.int64).reshape(shape)
    # padding_idx gives its row no gradient by definition, so only a row never looked up
    unused = sorted(set(range(rows)) - set(ids.reshape(-1).tolist()))
    pad = draw(st.one_of(st.none(), st.sampled_from([r - rows for r in unused] + unused))) \
        if unused else None
    return (i,), {"ids": ids, "padding_idx": pad}


# ---- normalisation --------------------------------------------------------------------------
def _spread_ok(x: np.ndarray, axes: tuple) -> bool:
    rows = _groups(x, axes)
    return rows.shape[1] >= 2 and bool(np.all(np.var(rows, axis=1) >= 1e-2))


@op("layer_norm", ("F.layer_norm",), lambda x, *wb, k, with_bias: F.layer_norm(
    x, x.shape[x.ndim - k:], wb[0] if wb else None, wb[1] if with_bias else None))
def _propose_layer_norm(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    x = values[i]
    k = draw(st.integers(1, x.ndim))
    if not _spread_ok(x, tuple(range(x.ndim - k, x.ndim))):
        return None
    trailing = x.shape[x.ndim - k:]
    fits = [j for j, v in enumerate(values) if v.shape == trailing]
    if not fits or draw(st.booleans()):
        return (i,), {"k": k, "with_bias": False}
    w, b = draw(st.sampled_from(fits)), draw(st.sampled_from(fits))
    return (i, w, b), {"k": k, "with_bias": True}


def _batch_norm(x: Tensor, training: bool, stats: tuple | None) -> Tensor:
    if stats is None:
        return F.batch_norm(x, None, None, training=training)
    mean, var = (Tensor(s.copy()) for s in stats)  # fresh: training updates them in place
    return F.batch_norm(x, mean, var, training=training)


@op("batch_norm", ("F.batch_norm",), _batch_norm)
def _propose_batch_norm(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: 2 <= v.ndim <= 3)
    if i is None:
        return None
    x = values[i]
    training = draw(st.booleans())
    axes = (0,) + tuple(range(2, x.ndim))
    if training and not _spread_ok(x, axes):
        return None
    c = x.shape[1]
    stats = None if training and draw(st.booleans()) else (
        _const(draw, (c,), -1, 1), _const(draw, (c,), 0.5, 2))
    if not training and stats is None:
        return None
    return (i,), {"training": training, "stats": stats}


# ---- images ---------------------------------------------------------------------------------
def _image_shapes(size: int) -> list[tuple[int, int, int, int]]:
    """Every (N, C, H, W) with N * C * H * W == size, small N and C."""
    out = []
    for n, c in itertools.product(range(1, 3), range(1, 3)):
        if size % (n * c):
            continue
        rest = size // (n * c)
        out += [(n, c, h, rest // h) for h in range(1, rest + 1) if rest % h == 0]
    return out


def _conv2d(x: Tensor, w: Tensor, *b: Tensor, image: tuple, kernel: tuple, stride: int,
            padding: Any, dilation: int) -> Tensor:
    return F.conv2d(x.reshape(image), w.reshape(kernel), b[0].reshape(-1) if b else None,
                    stride=stride, padding=padding, dilation=dilation)


@op("conv2d", ("F.conv2d",), _conv2d)
def _propose_conv2d(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 2)
    if i is None:
        return None
    image = draw(st.sampled_from(_image_shapes(values[i].size)))
    n, c, h, w = image
    stride = draw(st.sampled_from([1, 1, 2]))
    dilation = draw(st.sampled_from([1, 1, 2]))
    padding = draw(st.sampled_from([0, 0, 1, "same", "valid"]))
    if padding == "same" and stride != 1:
        return None
    pad = 1 if padding == 1 else 0

    def kernel_fits(v: np.ndarray) -> bool:
        return v.size % c == 0 and any(_kernel_shape(v.size // c, c, h, w, pad, dilation, o)
                                       for o in (1, 2))

    j = _pick(draw, values, kernel_fits)
    if j is None:
        return None
    out_channels = draw(st.sampled_from([o for o in (1, 2) if _kernel_shape(
        values[j].size // c, c, h, w, pad, dilation, o)]))
    kernel = draw(st.sampled_from(_kernel_shape(values[j].size // c, c, h, w, pad, dilation,
                                                out_channels)))
    b = _pick(draw, values, lambda v: v.size == out_channels)
    args = (i, j) if b is None or draw(st.booleans()) else (i, j, b)
    params = {"image": image, "kernel": kernel, "stride": stride, "padding": padding,
              "dilation": dilation}
    oh = (h + 2 * pad - dilation * (kernel[2] - 1) - 1) // stride + 1
    ow = (w + 2 * pad - dilation * (kernel[3] - 1) - 1) // stride + 1
    if padding == "same":
        oh, ow = h, w
    return None if n * out_channels * oh * ow > MAX_SIZE else (args, params)


def _kernel_shape(per_channel: int, c: int, h: int, w: int, pad: int, dilation: int,
                  out_channels: int) -> list[tuple[int, int, int, int]]:
    """The kernel shapes (C_out, C, kh, kw) holding per_channel * c elements that fit the image."""
    if per_channel % out_channels:
        return []
    k = per_channel // out_channels
    return [(out_channels, c, kh, k // kh) for kh in range(1, k + 1) if k % kh == 0 and
            dilation * (kh - 1) < h + 2 * pad and dilation * (k // kh - 1) < w + 2 * pad]


def _max_pool(x: Tensor, image: tuple, kernel: Any, stride: Any, padding: int,
              ceil_mode: bool) -> Tensor:
    return F.max_pool2d(x.reshape(image), kernel, stride, padding, ceil_mode=ceil_mode)


@op("max_pool2d", ("F.max_pool2d",), _max_pool)
def _propose_max_pool(draw: Any, values: list) -> Any:
    # distinct values everywhere keep every window free of ties
    i = _pick(draw, values, lambda v: v.size >= 2 and _distinct(v))
    if i is None:
        return None
    image = draw(st.sampled_from(_image_shapes(values[i].size)))
    h, w = image[2:]
    kernel = (draw(st.integers(1, min(h, 3))), draw(st.integers(1, min(w, 3))))
    if kernel == (1, 1):
        return None
    stride = draw(st.one_of(st.none(), st.integers(1, 2)))
    padding = draw(st.integers(0, min(kernel) // 2))
    return (i,), {"image": image, "kernel": kernel, "stride": stride, "padding": padding,
                  "ceil_mode": draw(st.booleans())}


def _distinct(v: np.ndarray) -> bool:
    s = np.sort(v.reshape(-1))
    return bool(np.all(np.diff(s) >= MARGIN))


def _unfold_fold(x: Tensor, image: tuple, kernel: tuple, fold: bool) -> Tensor:
    cols = F.unfold(x.reshape(image), kernel)
    return F.fold(cols, image[2:], kernel) if fold else cols


@op("unfold", ("F.unfold", "F.fold"), _unfold_fold)
def _propose_unfold(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 2)
    if i is None:
        return None
    image = draw(st.sampled_from(_image_shapes(values[i].size)))
    n, c, h, w = image
    kernel = (draw(st.integers(1, h)), draw(st.integers(1, w)))
    cols = n * c * kernel[0] * kernel[1] * (h - kernel[0] + 1) * (w - kernel[1] + 1)
    if cols > MAX_SIZE:
        return None
    return (i,), {"image": image, "kernel": kernel, "fold": draw(st.booleans())}


# ---- losses ---------------------------------------------------------------------------------
_REDUCTIONS = ["none", "mean", "sum"]


def _cross_entropy(x: Tensor, *target_value: Tensor, target: Any, weight: Any, ignore: int,
                   reduction: str, smoothing: float, nll: bool) -> Tensor:
    if nll:
        return F.nll_loss(x, target, weight, ignore_index=ignore, reduction=reduction)
    t = F.softmax(target_value[0], -1 if x.ndim == 1 else 1) if target_value else target
    return F.cross_entropy(x, t, weight, ignore_index=ignore, reduction=reduction,
                           label_smoothing=smoothing)


@op("cross_entropy", ("F.cross_entropy", "F.nll_loss"), _cross_entropy)
def _propose_cross_entropy(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0 and v.shape[min(1, v.ndim - 1)]
              > 0)
    if i is None:
        return None
    x = values[i]
    classes = x.shape[0] if x.ndim == 1 else x.shape[1]
    target_shape = () if x.ndim == 1 else (x.shape[0],) + x.shape[2:]
    size = math.prod(target_shape)
    target = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=size, max_size=size)),
                      dtype=np.int64).reshape(target_shape)
    ignore = -100
    reduction = draw(st.sampled_from(_REDUCTIONS))
    if size and draw(st.booleans()):  # ignore one class, but never every target under 'mean'
        ignore = int(target.reshape(-1)[0])
        if reduction == "mean" and np.all(target == ignore):
            ignore = -100
    weight = _const(draw, (classes,), 0.5, 2.0) if draw(st.booleans()) else None
    nll = draw(st.booleans())
    args: tuple = (i,)
    if not nll and draw(st.booleans()):  # probability targets: softmax of another value
        j = _pick(draw, values, lambda v: v.shape == x.shape)
        if j is not None:
            args, ignore = (i, j), -100
    smoothing = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5]))
    return args, {"target": target, "weight": weight, "ignore": ignore, "reduction": reduction,
                  "smoothing": smoothing, "nll": nll}


def _regression_loss(x: Tensor, *y: Tensor, const: Any, kind: str, reduction: str) -> Tensor:
    target = y[0] if y else Tensor(const)
    return (F.mse_loss if kind == "mse" else F.l1_loss)(x, target, reduction)


@op("regression_loss", ("F.mse_loss", "F.l1_loss"), _regression_loss)
def _propose_regression_loss(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["mse", "l1"]))
    reduction = draw(st.sampled_from(_REDUCTIONS))
    i = _pick(draw, values, lambda v: v.size > 0)
    if i is None:
        return None
    x = values[i]
    j = _pick(draw, values, lambda v: v.shape == x.shape and (kind == "mse" or _away(x - v, 0.0)))
    if j is not None and draw(st.booleans()):
        return (i, j), {"const": None, "kind": kind, "reduction": reduction}
    const = _const(draw, x.shape, -2, 2)
    if kind == "l1" and not _away(x - const, 0.0):
        return None
    return (i,), {"const": const, "kind": kind, "reduction": reduction}


def _bce(x: Tensor, *y: Tensor, const: Any, weight: Any, reduction: str) -> Tensor:
    return F.binary_cross_entropy(x.sigmoid(), y[0] if y else Tensor(const), weight, reduction)


def _bce_logits(x: Tensor, *y: Tensor, const: Any, weight: Any, pos_weight: Any,
                reduction: str) -> Tensor:
    return F.binary_cross_entropy_with_logits(x, y[0] if y else Tensor(const), weight, reduction,
                                              pos_weight)


def _propose_bce_args(draw: Any, values: list, logits: bool) -> Any:
    # binary_cross_entropy gets sigmoid(x), kept inside [0.018, 0.982] (its logs are clamped at
    # -100, a kink); a 'mean' over an empty input raises by the core's convention
    ok = (lambda v: v.size > 0) if logits else (lambda v: v.size > 0 and np.abs(v).max() <= 4)
    i = _pick(draw, values, ok)
    if i is None:
        return None
    x = values[i]
    weight = _const(draw, x.shape[x.ndim - draw(st.integers(0, x.ndim)):], 0.5, 2.0) \
        if draw(st.booleans()) else None
    params = {"const": None, "weight": weight, "reduction": draw(st.sampled_from(_REDUCTIONS))}
    if logits:
        params["pos_weight"] = _const(draw, x.shape[-1:], 0.5, 2.0) if draw(st.booleans()) \
            else None
        # the target may require grad too (it is differentiable with logits)
        j = _pick(draw, values, lambda v: v.shape == x.shape)
        if j is not None and draw(st.booleans()):
            return (i, j), params
    params["const"] = _const(draw, x.shape, 0.0, 1.0)
    return (i,), params


@op("bce", ("F.binary_cross_entropy",), _bce)
def _propose_bce(draw: Any, values: list) -> Any:
    return _propose_bce_args(draw, values, logits=False)


@op("bce_with_logits", ("F.binary_cross_entropy_with_logits",), _bce_logits)
def _propose_bce_logits(draw: Any, values: list) -> Any:
    return _propose_bce_args(draw, values, logits=True)


# ---- more activations, normalize, distances and losses ---------------------------------------
_MORE_ACTIVATIONS: dict[str, tuple[Any, Any]] = {
    "elu": (lambda x: F.elu(x, 1.5), lambda v: _away(v, 0.0)),
    "selu": (lambda x: F.selu(x), lambda v: _away(v, 0.0)),
    "celu": (lambda x: F.celu(x, 0.7), lambda v: _away(v, 0.0)),
    "relu6": (lambda x: F.relu6(x), lambda v: _away(v, 0.0, 6.0)),
    "hardtanh": (lambda x: F.hardtanh(x, -2.0, 1.5), lambda v: _away(v, -2.0, 1.5)),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), lambda v: _away(v, -3.0, 3.0)),
    "hardswish": (lambda x: F.hardswish(x), lambda v: _away(v, -3.0, 3.0)),
    "mish": (lambda x: F.mish(x), _any),
    "softsign": (lambda x: F.softsign(x), lambda v: _away(v, 0.0)),
    "logsigmoid": (lambda x: F.logsigmoid(x), _any),
    "tanhshrink": (lambda x: F.tanhshrink(x), _any),
    "threshold": (lambda x: F.threshold(x, 0.5, -1.0), lambda v: _away(v, 0.5)),
}


@op("nn_activation_more", ("F.elu", "F.selu", "F.celu", "F.relu6", "F.hardtanh", "F.hardsigmoid",
                           "F.hardswish", "F.mish", "F.softsign", "F.logsigmoid", "F.tanhshrink",
                           "F.threshold"), lambda x, kind: _MORE_ACTIVATIONS[kind][0](x))
def _propose_more_activation(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(sorted(_MORE_ACTIVATIONS)))
    i = _pick(draw, values, _MORE_ACTIVATIONS[kind][1])
    return None if i is None else ((i,), {"kind": kind})


@op("softmin", ("F.softmin",), lambda x, dim: F.softmin(x, dim))
def _propose_softmin(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    n = values[i].ndim
    return (i,), {"dim": draw(st.integers(-n, n - 1))}


@op("glu", ("F.glu",), lambda x, dim: F.glu(x, dim))
def _propose_glu(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: any(n % 2 == 0 and n > 0 for n in v.shape))
    if i is None:
        return None
    even = [d for d, n in enumerate(values[i].shape) if n % 2 == 0 and n > 0]
    return (i,), {"dim": draw(st.sampled_from(even))}


def _prelu(x: Tensor, *w: Tensor, const: Any) -> Tensor:
    return F.prelu(x, w[0] if w else Tensor(const))


@op("prelu", ("F.prelu",), _prelu)
def _propose_prelu(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size > 0 and _away(v, 0.0))
    if i is None:
        return None
    x = values[i]
    channels = x.shape[1] if x.ndim >= 2 else 1
    j = _pick(draw, values, lambda v: v.shape in ((channels,), (1,)))
    if j is not None and draw(st.booleans()):
        return (i, j), {"const": None}
    size = draw(st.sampled_from(sorted({1, channels})))
    return (i,), {"const": _const(draw, (size,), -0.5, 0.5)}


def _norms_ok(v: np.ndarray, axis: int, p: float) -> bool:
    """Norms along `axis` far from 0 (the floors and the zero-vector convention are kinks), and
    for p != 2 every element away from 0 (|x|**p is not smooth enough there: p = 1 has a kink,
    p = 3 a jump in its third derivative, which finite second differences see)."""
    if v.size == 0 or v.shape[axis] == 0:
        return False
    norms = np.sum(np.abs(v) ** p, axis=axis) ** (1.0 / p)
    return bool(np.all(norms >= 0.1)) and (p == 2 or _away(v, 0.0))


@op("normalize", ("F.normalize",), lambda x, p, dim: F.normalize(x, p, dim))
def _propose_normalize(draw: Any, values: list) -> Any:
    p = draw(st.sampled_from([1.0, 2.0, 3.0]))
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    dim = draw(st.integers(0, values[i].ndim - 1))
    return ((i,), {"p": p, "dim": dim}) if _norms_ok(values[i], dim, p) else None


def _broadcast_pair_values(draw: Any, values: list) -> tuple[int, int, np.ndarray,
                                                                np.ndarray] | None:
    pair = _pick_pair(draw, values, lambda v: v.ndim >= 1 and v.size > 0,
                      lambda a, b: b.size > 0)
    if pair is None:
        return None
    a, b = values[pair[0]], values[pair[1]]
    shape = np.broadcast_shapes(a.shape, b.shape)
    return pair[0], pair[1], np.broadcast_to(a, shape), np.broadcast_to(b, shape)


@op("cosine_similarity", ("F.cosine_similarity",),
    lambda a, b, dim: F.cosine_similarity(a, b, dim))
def _propose_cosine_similarity(draw: Any, values: list) -> Any:
    picked = _broadcast_pair_values(draw, values)
    if picked is None:
        return None
    i, j, a, b = picked
    dim = draw(st.integers(-a.ndim, a.ndim - 1))
    ok = _norms_ok(a, dim, 2.0) and _norms_ok(b, dim, 2.0)
    return ((i, j), {"dim": dim}) if ok else None


@op("pairwise_distance", ("F.pairwise_distance",),
    lambda a, b, p, keepdim: F.pairwise_distance(a, b, p, keepdim=keepdim))
def _propose_pairwise_distance(draw: Any, values: list) -> Any:
    picked = _broadcast_pair_values(draw, values)
    if picked is None:
        return None
    i, j, a, b = picked
    p = draw(st.sampled_from([1.0, 2.0, 3.0]))
    if not _norms_ok(a - b + 1e-6, a.ndim - 1, p):
        return None
    return (i, j), {"p": p, "keepdim": draw(st.booleans())}


def _smooth_regression(x: Tensor, *y: Tensor, const: Any, kind: str, width: float,
                       reduction: str) -> Tensor:
    target = y[0] if y else Tensor(const)
    if kind == "huber":
        return F.huber_loss(x, target, reduction, delta=width)
    return F.smooth_l1_loss(x, target, reduction=reduction, beta=width)


@op("smooth_regression_loss", ("F.huber_loss", "F.smooth_l1_loss"), _smooth_regression)
def _propose_smooth_regression(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["huber", "smooth_l1"]))
    width = draw(st.sampled_from([0.6, 1.0] if kind == "huber" else [0.0, 0.6, 1.0]))
    reduction = draw(st.sampled_from(_REDUCTIONS))
    i = _pick(draw, values, lambda v: v.size > 0)
    if i is None:
        return None
    x = values[i]
    kinks = (0.0, width, -width) if width == 0.0 else (width, -width)
    params = {"const": None, "kind": kind, "width": width, "reduction": reduction}
    j = _pick(draw, values, lambda v: v.shape == x.shape and _away(x - v, *kinks))
    if j is not None and draw(st.booleans()):
        return (i, j), params
    params["const"] = _const(draw, x.shape, -2, 2)
    return ((i,), params) if _away(x - params["const"], *kinks) else None


def _kl_div(x: Tensor, *y: Tensor, const: Any, reduction: str, log_target: bool) -> Tensor:
    # a target that requires grad: sigmoid of a value (probabilities must be positive)
    target = (y[0] if log_target else y[0].sigmoid()) if y else Tensor(const)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reduction='mean' warns, as in PyTorch
        return F.kl_div(x, target, reduction=reduction, log_target=log_target)


@op("kl_div", ("F.kl_div",), _kl_div)
def _propose_kl_div(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size > 0)
    if i is None:
        return None
    x = values[i]
    reduction = draw(st.sampled_from(_REDUCTIONS + (["batchmean"] if x.ndim else [])))
    log_target = draw(st.booleans())
    params = {"const": None, "reduction": reduction, "log_target": log_target}
    j = _pick(draw, values, lambda v: v.shape == x.shape)
    if j is not None and draw(st.booleans()):
        return (i, j), params
    params["const"] = _const(draw, x.shape, -2, 0) if log_target else \
        _const(draw, x.shape, 0.0, 1.0) * draw(st.sampled_from([0.0, 1.0, 1.0]))
    return (i,), params


def _embedding_loss(a: Tensor, b: Tensor, *t: Tensor, kind: str, target: Any, margin: float,
                    reduction: str) -> Tensor:
    if kind == "cosine":
        return F.cosine_embedding_loss(a, b, Tensor(target), margin, reduction=reduction)
    return F.margin_ranking_loss(a, b, t[0] if t else Tensor(target), margin,
                                 reduction=reduction)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    axis = a.ndim - 1
    squares = (np.sum(a * a, axis) + 1e-12) * (np.sum(b * b, axis) + 1e-12)
    return np.sum(a * b, axis) / np.sqrt(squares)


@op("embedding_loss", ("F.cosine_embedding_loss", "F.margin_ranking_loss"), _embedding_loss)
def _propose_embedding_loss(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["cosine", "ranking"]))
    reduction = draw(st.sampled_from(_REDUCTIONS))
    margin = draw(st.sampled_from([0.0, 0.3]))
    ok = (lambda v: v.ndim in (1, 2) and v.size > 0) if kind == "cosine" else \
        (lambda v: v.size > 0)
    i = _pick(draw, values, ok)
    if i is None:
        return None
    a = values[i]
    j = _pick(draw, values, lambda v: v.shape == a.shape)
    if j is None:
        return None
    b = values[j]
    params = {"kind": kind, "target": None, "margin": margin, "reduction": reduction}
    if kind == "cosine":
        n = a.shape[0] if a.ndim == 2 else None
        signs = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=n or 1,
                                       max_size=n or 1)), dtype=np.int64)
        target = signs if n is not None else signs.reshape(())
        cos = _cosines(a, b)
        if not (_norms_ok(a, a.ndim - 1, 2.0) and _norms_ok(b, b.ndim - 1, 2.0)):
            return None  # near a zero vector the 1e-12 under the norms bends sharply
        if not (np.all(np.abs(np.where(target == -1, cos - margin, 1.0)) >= MARGIN)):
            return None
        params["target"] = target
        return (i, j), params
    k = _pick(draw, values, lambda v: v.shape == a.shape)
    if k is not None and draw(st.booleans()):
        y = values[k]
        args: tuple = (i, j, k)
    else:
        y = np.array(draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=a.size,
                                   max_size=a.size))).reshape(a.shape)
        params["target"] = y
        args = (i, j)
    return (args, params) if _away(-y * (a - b) + margin, 0.0) else None


def _hinge(x: Tensor, target: Any, margin: float, reduction: str) -> Tensor:
    return F.hinge_embedding_loss(x, Tensor(target), margin, reduction=reduction)


@op("hinge_embedding_loss", ("F.hinge_embedding_loss",), _hinge)
def _propose_hinge(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size > 0)
    if i is None:
        return None
    x = values[i]
    target = np.array(draw(st.lists(st.sampled_from([1, -1, 0]), min_size=x.size,
                                    max_size=x.size)), dtype=np.int64).reshape(x.shape)
    margin = draw(st.sampled_from([1.0, 0.5]))
    if not _away(np.where(target != 1, margin - x, 1.0), 0.0):
        return None
    return (i,), {"target": target, "margin": margin,
                  "reduction": draw(st.sampled_from(_REDUCTIONS))}


def _distance(a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    return np.sum(np.abs(a - b + 1e-6) ** p, axis=-1) ** (1.0 / p)


@op("triplet_margin_loss", ("F.triplet_margin_loss",),
    lambda a, pos, neg, margin, p, swap, reduction: F.triplet_margin_loss(
        a, pos, neg, margin, p, swap=swap, reduction=reduction))
def _propose_triplet(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim in (1, 2) and v.size > 0)
    if i is None:
        return None
    a = values[i]
    same = [j for j, v in enumerate(values) if v.shape == a.shape]
    j, k = draw(st.sampled_from(same)), draw(st.sampled_from(same))
    pos, neg = values[j], values[k]
    p = draw(st.sampled_from([1.0, 2.0, 3.0]))
    swap = draw(st.booleans())
    pairs = [(a, pos), (a, neg)] + ([(pos, neg)] if swap else [])
    if not all(_norms_ok(x - y + 1e-6, x.ndim - 1, p) for x, y in pairs):
        return None
    margin = draw(st.sampled_from([0.5, 1.0, 2.0]))
    d_neg = _distance(a, neg, p)
    if swap:
        d_swap = _distance(pos, neg, p)
        if not _away(d_neg - d_swap, 0.0):
            return None
        d_neg = np.minimum(d_neg, d_swap)
    if not _away(margin + _distance(a, pos, p) - d_neg, 0.0):
        return None
    return (i, j, k), {"margin": margin, "p": p, "swap": swap,
                       "reduction": draw(st.sampled_from(_REDUCTIONS))}


def _poisson(x: Tensor, *y: Tensor, const: Any, log_input: bool, full: bool,
             reduction: str) -> Tensor:
    return F.poisson_nll_loss(x, y[0] if y else Tensor(const), log_input, full,
                              reduction=reduction)


@op("poisson_nll_loss", ("F.poisson_nll_loss",), _poisson)
def _propose_poisson(draw: Any, values: list) -> Any:
    log_input, full = draw(st.booleans()), draw(st.booleans())
    ok = (lambda v: v.size > 0 and v.max() <= 3) if log_input else \
        (lambda v: v.size > 0 and v.min() >= 0.1)
    i = _pick(draw, values, ok)
    if i is None:
        return None
    x = values[i]
    params = {"const": None, "log_input": log_input, "full": full,
              "reduction": draw(st.sampled_from(_REDUCTIONS))}
    # with full=True, the Stirling term switches on at target 1 (a jump) and needs target > 0
    target_ok = (lambda v: v.min() >= 0.1 and _away(v, 1.0)) if full else _any
    j = _pick(draw, values, lambda v: v.shape == x.shape and target_ok(v))
    if j is not None and draw(st.booleans()):
        return (i, j), params
    params["const"] = np.floor(_const(draw, x.shape, 0.0, 5.0))
    return (i,), params


def _gaussian(x: Tensor, *rest: Tensor, target: Any, var: Any, full: bool,
              reduction: str) -> Tensor:
    values = list(rest)
    t = values.pop(0) if target is None else Tensor(target)
    v = values.pop(0) if var is None else var
    return F.gaussian_nll_loss(x, t, v, full=full, reduction=reduction)


@op("gaussian_nll_loss", ("F.gaussian_nll_loss",), _gaussian)
def _propose_gaussian(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    x = values[i]
    args = [i]
    params: dict = {"target": None, "var": None, "full": draw(st.booleans()),
                    "reduction": draw(st.sampled_from(_REDUCTIONS))}
    j = _pick(draw, values, lambda v: v.shape == x.shape)
    if j is not None and draw(st.booleans()):
        args.append(j)
    else:
        params["target"] = _const(draw, x.shape, -2, 2)
    # a variance well above eps (the floor is a kink): a value, one per sample, or a number
    k = _pick(draw, values, lambda v: v.shape in (x.shape, x.shape[:-1]) and v.size > 0 and
              v.min() >= 0.1)
    if k is not None and draw(st.booleans()):
        args.append(k)
    else:
        params["var"] = draw(st.sampled_from([0.5, 2.0]))
    return tuple(args), params
