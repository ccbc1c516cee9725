"""autograd_mini: reverse-mode automatic differentiation on NumPy, shaped like PyTorch.

    import autograd_mini as am
    x = am.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""

from typing import TYPE_CHECKING

import numpy as _np

from . import _malloc  # noqa: F401  (on import: glibc keeps a step's memory for the next step)

# First: tensor.py ends by importing ops, which loads the layers below it (recording, engine,
# primitives), each of which needs the Tensor class.
from .tensor import Tensor  # isort: skip

from . import autograd, backends, cuda, func
from ._device import DeviceError, device
from ._dtypes import (
    DTypeError,
    ShapeError,
    get_default_dtype,
    is_floating_point,
    promote_types,
    result_type,
    set_default_dtype,
)
from ._grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    Generator,
    arange,
    as_tensor,
    bernoulli,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_rng_state,
    initial_seed,
    linspace,
    logspace,
    manual_seed,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
    tensor,
    zeros,
    zeros_like,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops import (
    abs,
    add,
    all,
    allclose,
    any,
    argmax,
    argmin,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    broadcast_to,
    cat,
    clamp,
    clip,
    concatenate,
    cos,
    div,
    equal,
    exp,
    expand,
    flatten,
    floor_divide,
    fmod,
    isclose,
    log,
    log1p,
    log_softmax,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mul,
    neg,
    pad,
    permute,
    pow,
    prod,
    relu,
    remainder,
    reshape,
    sigmoid,
    sign,
    sin,
    softmax,
    split,
    sqrt,
    squeeze,
    stack,
    std,
    sub,
    sum,
    tanh,
    transpose,
    unsqueeze,
    var,
    view,
    where,
)
from .serialization import SerializationError, load, save

# selection, ordering, rearranging, contraction (one block, appended)
from .ops import (  # isort: skip
    masked_fill,
    tril,
    triu,
    gather,
    scatter,
    scatter_add,
    scatter_reduce,
    index_select,
    take_along_dim,
    sort,
    argsort,
    topk,
    kthvalue,
    flip,
    fliplr,
    flipud,
    roll,
    repeat_interleave,
    tile,
    chunk,
    unbind,
    narrow,
    movedim,
    moveaxis,
    swapaxes,
    swapdims,
    unflatten,
    einsum,
    index_add,
    index_copy,
    index_fill,
    take,
    masked_select,
    masked_scatter,
    nonzero,
    argwhere,
    unique,
    searchsorted,
    bucketize,
    diagonal,
    diag_embed,
    diag,
    trace,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    hstack,
    vstack,
    row_stack,
    dstack,
    column_stack,
    broadcast_tensors,
    meshgrid,
    cartesian_prod,
    block_diag,
    tensordot,
    outer,
    ger,
    inner,
    kron,
    cross,
    addmm,
    baddbmm,
)

# dtypes are NumPy's scalar types (t.dtype == am.float32 holds), under PyTorch's names too
float16 = half = _np.float16
float32 = float = _np.float32  # noqa: A001 (PyTorch's alias: am.float is float32)
float64 = double = _np.float64
int8, int16, uint8 = _np.int8, _np.int16, _np.uint8
int32 = int = _np.int32  # noqa: A001 (PyTorch's alias: am.int is int32)
int64 = long = _np.int64
bool = bool_ = _np.bool_  # noqa: A001 (PyTorch's spelling: am.bool)
pi, e, inf, nan = _np.pi, _np.e, _np.inf, _np.nan  # as torch.pi, ...

__version__ = "0.1.0"


if TYPE_CHECKING:
    from . import nn, optim, testing, utils, viz  # noqa: F401 (for type checkers: see __getattr__)

# Imported on first use (`am.nn`, `am.optim`, `am.viz`, `am.testing`, `am.utils`), so
# `import autograd_mini` costs little more than importing NumPy; am.testing also needs hypothesis.
_LAZY_SUBMODULES = ("nn", "optim", "viz", "testing", "utils", "onnx")


def __getattr__(name: str) -> object:
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'autograd_mini' has no attribute {name!r}")

__all__ = [
    "Tensor", "autograd", "func", "nn", "optim", "save", "load", "SerializationError", "viz",
    "utils",
    "gradcheck",
    "gradgradcheck", "GradcheckError",
    "tensor", "zeros", "ones", "full", "empty", "arange", "eye", "rand",
    "randn", "zeros_like", "ones_like", "manual_seed", "get_default_dtype", "set_default_dtype",
    "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "abs", "add", "argmax", "argmin", "broadcast_to", "cat", "clamp", "clip", "concatenate",
    "cos", "div", "exp", "expand", "flatten", "log", "log1p", "log_softmax", "logsumexp",
    "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "neg", "pad", "permute", "pow",
    "prod", "relu", "reshape", "sigmoid", "sign", "sin", "softmax", "split", "sqrt", "squeeze",
    "stack", "std", "sub", "sum", "tanh", "transpose", "unsqueeze", "var", "view", "where",
    "all", "any", "allclose", "isclose", "equal", "remainder", "fmod", "floor_divide",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "logical_and", "logical_or",
    "logical_xor", "logical_not",
    "float16", "half", "float32", "float", "float64", "double", "int8", "int16", "uint8",
    "int32", "int", "int64", "long", "bool", "bool_", "result_type", "promote_types",
    "is_floating_point", "pi", "e", "inf", "nan",
    "ShapeError", "DTypeError",
    "device", "DeviceError", "cuda", "backends", "Generator", "default_generator", "seed",
    "initial_seed", "get_rng_state", "set_rng_state", "as_tensor", "from_numpy", "empty_like",
    "full_like", "rand_like", "randn_like", "linspace", "logspace", "randint", "randperm",
    "multinomial", "normal", "bernoulli",
]
__all__ += [  # selection, ordering, rearranging, contraction
    "masked_fill",
    "tril",
    "triu",
    "gather",
    "scatter",
    "scatter_add",
    "scatter_reduce",
    "index_select",
    "take_along_dim",
    "sort",
    "argsort",
    "topk",
    "kthvalue",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "repeat_interleave",
    "tile",
    "chunk",
    "unbind",
    "narrow",
    "movedim",
    "moveaxis",
    "swapaxes",
    "swapdims",
    "unflatten",
    "einsum",
    "index_add",
    "index_copy",
    "index_fill",
    "take",
    "masked_select",
    "masked_scatter",
    "nonzero",
    "argwhere",
    "unique",
    "searchsorted",
    "bucketize",
    "diagonal",
    "diag_embed",
    "diag",
    "trace",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "hstack",
    "vstack",
    "row_stack",
    "dstack",
    "column_stack",
    "broadcast_tensors",
    "meshgrid",
    "cartesian_prod",
    "block_diag",
    "tensordot",
    "outer",
    "ger",
    "inner",
    "kron",
    "cross",
    "addmm",
    "baddbmm",
]

# PyTorch's math ops: more elementwise functions, scans, statistics and norms (am.linalg: norms)
from . import linalg  # noqa: E402
from .linalg import det, inverse  # noqa: E402  (torch.det, torch.inverse)
from .ops import (  # noqa: E402
    acos,
    acosh,
    amax,
    amin,
    aminmax,
    arctan2,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    ceil,
    clamp_max,
    clamp_min,
    copysign,
    cosh,
    count_nonzero,
    cummax,
    cummin,
    cumprod,
    cumsum,
    erf,
    erfc,
    exp2,
    expm1,
    floor,
    fmax,
    fmin,
    frac,
    hypot,
    isfinite,
    isinf,
    isnan,
    lerp,
    log2,
    log10,
    logaddexp,
    logcumsumexp,
    median,
    nan_to_num,
    nanmean,
    nansum,
    norm,
    reciprocal,
    round,
    rsqrt,
    sinh,
    square,
    std_mean,
    tan,
    trunc,
    var_mean,
    xlogy,
)

__all__ += [  # math ops
    "linalg", "square", "rsqrt", "reciprocal", "exp2", "expm1", "log2", "log10", "tan", "asin",
    "acos", "atan", "atan2", "arctan2", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc",
    "floor", "ceil", "round", "trunc", "frac", "logaddexp", "lerp", "hypot", "copysign", "fmax",
    "fmin", "nan_to_num", "isnan", "isinf", "isfinite", "clamp_min", "clamp_max", "xlogy",
    "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "amax", "amin", "aminmax", "median",
    "count_nonzero", "std_mean", "var_mean", "norm", "nansum", "nanmean", "det", "inverse",
]

# interop: DLPack (zero-copy to and from PyTorch, JAX, ...) and ONNX export (am.onnx, lazy)
from ._dlpack import from_dlpack  # noqa: E402

__all__ += ["from_dlpack", "onnx"]
