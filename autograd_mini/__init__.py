"""autograd_mini: reverse-mode automatic differentiation on NumPy, shaped like PyTorch.

    import autograd_mini as am
    x = am.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""

from typing import TYPE_CHECKING

# First: tensor.py ends by importing ops, which loads the layers below it (recording, engine,
# primitives), each of which needs the Tensor class.
from .tensor import Tensor  # isort: skip

from . import autograd, backends, cuda, func
from ._device import DeviceError, device
from ._dtypes import get_default_dtype, set_default_dtype
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
    argmax,
    argmin,
    broadcast_to,
    cat,
    clamp,
    clip,
    concatenate,
    cos,
    div,
    exp,
    expand,
    flatten,
    log,
    log1p,
    log_softmax,
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

float32 = __import__("numpy").float32
float64 = __import__("numpy").float64
int64 = __import__("numpy").int64
bool_ = __import__("numpy").bool_

__version__ = "0.1.0"


if TYPE_CHECKING:
    from . import nn, optim, testing, viz  # noqa: F401 (for type checkers: see __getattr__)

# Imported on first use (`am.nn`, `am.optim`, `am.viz`, `am.testing`), so `import autograd_mini`
# costs little more than importing NumPy; am.testing also needs hypothesis.
_LAZY_SUBMODULES = ("nn", "optim", "viz", "testing")


def __getattr__(name: str) -> object:
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'autograd_mini' has no attribute {name!r}")

__all__ = [
    "Tensor", "autograd", "func", "nn", "optim", "save", "load", "SerializationError", "viz",
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
    "float32", "float64", "int64", "bool_",
    "device", "DeviceError", "cuda", "backends", "Generator", "default_generator", "seed",
    "initial_seed", "get_rng_state", "set_rng_state", "as_tensor", "from_numpy", "empty_like",
    "full_like", "rand_like", "randn_like", "linspace", "logspace", "randint", "randperm",
    "multinomial", "normal", "bernoulli",
]
