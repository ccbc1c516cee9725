"""PyTorch spellings, run as autograd_mini code: each case is a function of the library module
(`autograd_mini` or `torch`), and its result is compared with PyTorch's (2.13), written in below.

Where torch is importable, the same functions also run with torch itself and the results are
compared live, so the table cannot drift from what PyTorch does. Tensors are compared by dtype,
shape and values (float32 values to float32 precision); other results exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_mini as am


def _grad_of(m, f, values):
    x = m.tensor(values, requires_grad=True)
    f(x).backward()
    return x.grad


CASES = {
    # dtype inference (torch.tensor)
    "tensor of ints": lambda m: m.tensor([1, 2, 3]),
    "tensor of floats": lambda m: m.tensor([1.5, 2.0]),
    "tensor of mixed numbers": lambda m: m.tensor([1, 2.5]),
    "tensor of bools": lambda m: m.tensor([True, False]),
    "tensor of an int": lambda m: m.tensor(7),
    "legacy Tensor of ints": lambda m: m.Tensor([1, 2]),
    "tensor of float64 array": lambda m: m.tensor(np.array([0.1, 0.2])),
    "tensor of int32 array": lambda m: m.tensor(np.array([1, 2], dtype=np.int32)),
    "tensor with dtype": lambda m: m.tensor([1, 2], dtype=m.float64),
    # promotion
    "float32 times numpy float64 scalar": lambda m: m.tensor([1.0, 2.0]) * np.sqrt(2.0),
    "float32 over 0-d float64 tensor": lambda m: (
        m.tensor([1.0, 2.0]) / m.tensor(2.0, dtype=m.float64)
    ),
    "int64 times float32": lambda m: m.tensor([1, 2]) * m.tensor([0.5, 0.25]),
    "int64 plus python float": lambda m: m.tensor([1, 2]) + 2.5,
    "arange divided by 2": lambda m: m.arange(3) / 2,
    "int divided by int": lambda m: m.tensor([3, 4]) / m.tensor([2, 2]),
    "exp of int": lambda m: m.tensor([0, 1]).exp(),
    "sqrt of int": lambda m: m.sqrt(m.tensor([4, 9])),
    "bool plus int": lambda m: m.tensor([True, False]) + 1,
    "int32 plus 0-d int64": lambda m: m.tensor([1, 2], dtype=m.int32) + m.tensor(5),
    "int32 plus int64": lambda m: m.tensor([1, 2], dtype=m.int32) + m.tensor([5, 6]),
    "float16 times 0-d float64": lambda m: (
        m.tensor([1.0, 2.0], dtype=m.half) * m.tensor(2.0, dtype=m.double)
    ),
    "0-d float32 times int tensor": lambda m: m.tensor(2.5) * m.tensor([1, 2]),
    "int tensor to the power 0.5": lambda m: m.tensor([4, 9]) ** 0.5,
    "where with two python floats": lambda m: m.where(m.tensor([True, False]), 1.0, 0.0),
    "where int tensor and float": lambda m: m.where(m.tensor([True, False]), m.tensor([1, 2]), 0.5),
    "maximum int and float": lambda m: m.maximum(m.tensor([1, 2]), m.tensor([1.5, 0.5])),
    "gradient keeps the float64 leaf's dtype": lambda m: _grad_of(
        m, lambda x: (x * m.tensor([1.0, 2.0])).sum(), np.array([1.0, 2.0])
    ),
    "result_type int and float": lambda m: str(m.result_type(m.tensor([1]), 2.5)).replace(
        "torch.", ""
    ),
    "promote_types long half": lambda m: str(m.promote_types(m.long, m.half)).replace("torch.", ""),
    "is_floating_point": lambda m: (
        m.is_floating_point(m.tensor([1.0])),
        m.tensor([1]).is_floating_point(),
    ),
    "dtype aliases": lambda m: tuple(
        str(d).replace("torch.", "").replace("<class 'numpy.", "").replace("'>", "")
        for d in (m.float, m.double, m.long, m.int, m.half)
    ),
    # creation
    "full with an int": lambda m: m.full((2,), 3),
    "full with a bool": lambda m: m.full((2,), True),
    "zeros long": lambda m: m.zeros(2, dtype=m.long),
    "linspace": lambda m: m.linspace(0, 1, 5),
    "logspace": lambda m: m.logspace(0, 2, 3),
    "arange float": lambda m: m.arange(0, 1, 0.25),
    "randint dtype and bounds": lambda m: (
        str(m.randint(0, 5, (100,)).dtype).replace("torch.", ""),
        bool((m.randint(0, 5, (100,)) < 5).all()),
    ),
    "randperm is a permutation": lambda m: sorted(m.randperm(6).tolist()),
    "full_like": lambda m: m.full_like(m.tensor([1.0, 2.0]), 7),
    "zeros_like keeps int": lambda m: m.zeros_like(m.tensor([1, 2])),
    # devices
    "tensor on cpu": lambda m: m.tensor([1.0], device="cpu"),
    "device type": lambda m: m.tensor([1.0]).device.type,
    "to cpu and dtype": lambda m: m.tensor([1.5]).to("cpu", m.float64),
    "to other tensor": lambda m: m.tensor([1.5]).to(m.tensor([1], dtype=m.int32)),
    "cuda is not available": lambda m: m.cuda.is_available(),
    # printing
    "repr float": lambda m: repr(m.tensor([0.1, 2.0])),
    "repr int": lambda m: repr(m.tensor([1, 2, 3])),
    "repr scalar": lambda m: repr(m.tensor(3.0)),
    "repr float64": lambda m: repr(m.tensor([1.0], dtype=m.float64)).replace("torch.", ""),
    "repr requires grad": lambda m: repr(m.tensor([1.0, 2.0], requires_grad=True)),
    "repr empty": lambda m: repr(m.zeros(0, 3)),
    "format one element": lambda m: f"{m.tensor(2.0 / 3.0):.3f}",
    # small methods
    "numel, dim, nelement": lambda m: (
        m.zeros(2, 3).numel(),
        m.zeros(2, 3).dim(),
        m.zeros(2, 3).nelement(),
    ),
    "t()": lambda m: m.arange(6).reshape(2, 3).t(),
    "mm": lambda m: m.ones(2, 3).mm(m.ones(3, 1)),
    "type_as": lambda m: m.tensor([1, 2]).type_as(m.tensor([0.5])),
    "view_as, expand_as": lambda m: (
        m.arange(4).view_as(m.zeros(2, 2)),
        m.tensor([1]).expand_as(m.zeros(3)),
    ),
    "half": lambda m: m.tensor([1.0]).half(),
    "constants": lambda m: (m.pi, m.e),
    # autograd.functional
    "functional jacobian": lambda m: m.autograd.functional.jacobian(
        lambda x: x**2, m.tensor([1.0, 2.0], dtype=m.float64)
    ),
    "functional hessian": lambda m: m.autograd.functional.hessian(
        lambda x: (x**3).sum(), m.tensor([1.0, 2.0], dtype=m.float64)
    ),
    "functional vjp": lambda m: m.autograd.functional.vjp(
        lambda x: x.exp(),
        m.tensor([0.0, 1.0], dtype=m.float64),
        m.tensor([1.0, 2.0], dtype=m.float64),
    )[1],
    "functional hvp": lambda m: m.autograd.functional.hvp(
        lambda x: (x**3).sum(),
        m.tensor([1.0, 2.0], dtype=m.float64),
        m.tensor([1.0, 1.0], dtype=m.float64),
    )[1],
    # losses with index targets from lists
    "cross_entropy with list targets": lambda m: m.nn.functional.cross_entropy(
        m.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]), m.tensor([1, 2])
    ),
    "embedding rows from int lists": lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])[
        m.tensor([[0, 2], [1, 1]])
    ],
    # in place with alpha
    "add_ with alpha": lambda m: m.tensor([1.0, 2.0]).add_(m.tensor([1.0, 1.0]), alpha=0.5),
    "sub with alpha": lambda m: m.sub(m.tensor([1.0, 2.0]), m.tensor([1.0, 1.0]), alpha=2),
    "in-place div of int refuses": lambda m: _error_kind(lambda: m.tensor([1, 2]).div_(2)),
    "set_grad_enabled": lambda m: _with_grad_disabled(m),
    # indexing order, bit and modulo ops, all/any, .data and in-place habits, errors
    "index int slice list": lambda m: m.arange(24).reshape(2, 3, 4)[0, :, [0, 1]],
    "index setitem int slice list": lambda m: _set(m),
    "bitwise and of ints": lambda m: m.tensor([6, 3]) & m.tensor([3, 5]),
    "logical and of bools": lambda m: m.tensor([True, False]) & m.tensor([True, True]),
    "invert int": lambda m: ~m.tensor([0, 5]),
    "remainder sign": lambda m: m.tensor([-3, 3]) % 2,
    "fmod sign": lambda m: m.fmod(m.tensor([-3.0, 3.0]), 2),
    "floor divide": lambda m: m.tensor([-7, 7]) // 2,
    "div rounding trunc": lambda m: m.div(m.tensor([-7, 7]), 2, rounding_mode="trunc"),
    "all is a bool tensor": lambda m: (m.tensor([1, 2]) == m.tensor([1, 2])).all(),
    "any with dim": lambda m: m.tensor([[True, False], [False, False]]).any(dim=1),
    "allclose": lambda m: m.allclose(m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0 + 1e-9])),
    "p.data -= lr * p.grad": lambda m: _data_update(m),
    "clip_grad_norm_ with an inf gradient": lambda m: _clip_inf(m),
    "gradient penalty reaches a bias through relu": lambda m: _penalty_bias_grad(m),
    "exp_ in place": lambda m: m.tensor([0.0, 1.0]).exp_(),
}


def _data_update(m):
    p = m.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    p.data -= 0.1 * p.grad
    return p.detach()


def _clip_inf(m):
    p = m.tensor([1.0, 2.0], requires_grad=True)
    p.grad = m.tensor([float("inf"), 1.0])
    return m.nn.utils.clip_grad_norm_([p], 1.0)


def _penalty_bias_grad(m):
    w = m.tensor([[1.0, -2.0], [0.5, 1.0]], requires_grad=True)
    b = m.tensor([0.1, -0.1], requires_grad=True)
    x = m.tensor([[1.0, 1.0]], requires_grad=True)
    y = (x @ w + b).relu().sum()
    (g,) = m.autograd.grad(y, x, create_graph=True)
    return m.autograd.grad((g * g).sum(), b)[0]


def _set(m):
    x = m.zeros(2, 3, 4, dtype=m.long)
    x[0, :, [0, 1]] = m.arange(6).reshape(3, 2)
    return x[0]


def _error_kind(fn):
    try:
        fn()
    except RuntimeError:
        return "RuntimeError"
    except TypeError:
        return "TypeError"
    return "no error"


def _with_grad_disabled(m):
    x = m.tensor([1.0], requires_grad=True)
    with m.set_grad_enabled(False):
        y = x * 2
    return y.requires_grad


# torch 2.13's results for CASES (regenerate with the live test's torch)
TORCH: dict[str, Any] = {
    "tensor of ints": ("tensor", "int64", (3,), [1, 2, 3]),
    "tensor of floats": ("tensor", "float32", (2,), [1.5, 2.0]),
    "tensor of mixed numbers": ("tensor", "float32", (2,), [1.0, 2.5]),
    "tensor of bools": ("tensor", "bool", (2,), [True, False]),
    "tensor of an int": ("tensor", "int64", (), 7),
    "legacy Tensor of ints": ("tensor", "float32", (2,), [1.0, 2.0]),
    "tensor of float64 array": ("tensor", "float64", (2,), [0.1, 0.2]),
    "tensor of int32 array": ("tensor", "int32", (2,), [1, 2]),
    "tensor with dtype": ("tensor", "float64", (2,), [1.0, 2.0]),
    "float32 times numpy float64 scalar": (
        "tensor",
        "float32",
        (2,),
        [1.4142135381698608, 2.8284270763397217],
    ),
    "float32 over 0-d float64 tensor": ("tensor", "float32", (2,), [0.5, 1.0]),
    "int64 times float32": ("tensor", "float32", (2,), [0.5, 0.5]),
    "int64 plus python float": ("tensor", "float32", (2,), [3.5, 4.5]),
    "arange divided by 2": ("tensor", "float32", (3,), [0.0, 0.5, 1.0]),
    "int divided by int": ("tensor", "float32", (2,), [1.5, 2.0]),
    "exp of int": ("tensor", "float32", (2,), [1.0, 2.7182817459106445]),
    "sqrt of int": ("tensor", "float32", (2,), [2.0, 3.0]),
    "bool plus int": ("tensor", "int64", (2,), [2, 1]),
    "int32 plus 0-d int64": ("tensor", "int32", (2,), [6, 7]),
    "int32 plus int64": ("tensor", "int64", (2,), [6, 8]),
    "float16 times 0-d float64": ("tensor", "float16", (2,), [2.0, 4.0]),
    "0-d float32 times int tensor": ("tensor", "float32", (2,), [2.5, 5.0]),
    "int tensor to the power 0.5": ("tensor", "float32", (2,), [2.0, 3.0]),
    "where with two python floats": ("tensor", "float32", (2,), [1.0, 0.0]),
    "where int tensor and float": ("tensor", "float32", (2,), [1.0, 0.5]),
    "maximum int and float": ("tensor", "float32", (2,), [1.5, 2.0]),
    "gradient keeps the float64 leaf's dtype": ("tensor", "float64", (2,), [1.0, 2.0]),
    "result_type int and float": "float32",
    "promote_types long half": "float16",
    "is_floating_point": (True, False),
    "dtype aliases": ("float32", "float64", "int64", "int32", "float16"),
    "full with an int": ("tensor", "int64", (2,), [3, 3]),
    "full with a bool": ("tensor", "bool", (2,), [True, True]),
    "zeros long": ("tensor", "int64", (2,), [0, 0]),
    "linspace": ("tensor", "float32", (5,), [0.0, 0.25, 0.5, 0.75, 1.0]),
    "logspace": ("tensor", "float32", (3,), [1.0, 10.0, 100.0]),
    "arange float": ("tensor", "float32", (4,), [0.0, 0.25, 0.5, 0.75]),
    "randint dtype and bounds": ("int64", True),
    "randperm is a permutation": (0, 1, 2, 3, 4, 5),
    "full_like": ("tensor", "float32", (2,), [7.0, 7.0]),
    "zeros_like keeps int": ("tensor", "int64", (2,), [0, 0]),
    "tensor on cpu": ("tensor", "float32", (1,), [1.0]),
    "device type": "cpu",
    "to cpu and dtype": ("tensor", "float64", (1,), [1.5]),
    "to other tensor": ("tensor", "int32", (1,), [1]),
    "cuda is not available": False,
    "repr float": "tensor([0.1000, 2.0000])",
    "repr int": "tensor([1, 2, 3])",
    "repr scalar": "tensor(3.)",
    "repr float64": "tensor([1.], dtype=float64)",
    "repr requires grad": "tensor([1., 2.], requires_grad=True)",
    "repr empty": "tensor([], size=(0, 3))",
    "format one element": "0.667",
    "numel, dim, nelement": (6, 2, 6),
    "t()": ("tensor", "int64", (3, 2), [[0, 3], [1, 4], [2, 5]]),
    "mm": ("tensor", "float32", (2, 1), [[3.0], [3.0]]),
    "type_as": ("tensor", "float32", (2,), [1.0, 2.0]),
    "view_as, expand_as": (
        ("tensor", "int64", (2, 2), [[0, 1], [2, 3]]),
        ("tensor", "int64", (3,), [1, 1, 1]),
    ),
    "half": ("tensor", "float16", (1,), [1.0]),
    "constants": (3.141592653589793, 2.718281828459045),
    "functional jacobian": ("tensor", "float64", (2, 2), [[2.0, 0.0], [0.0, 4.0]]),
    "functional hessian": ("tensor", "float64", (2, 2), [[6.0, 0.0], [0.0, 12.0]]),
    "functional vjp": ("tensor", "float64", (2,), [1.0, 5.43656365691809]),
    "functional hvp": ("tensor", "float64", (2,), [6.0, 12.0]),
    "cross_entropy with list targets": ("tensor", "float32", (), 0.2869851291179657),
    "embedding rows from int lists": (
        "tensor",
        "float32",
        (2, 2, 2),
        [[[1.0, 2.0], [5.0, 6.0]], [[3.0, 4.0], [3.0, 4.0]]],
    ),
    "add_ with alpha": ("tensor", "float32", (2,), [1.5, 2.5]),
    "sub with alpha": ("tensor", "float32", (2,), [-1.0, 0.0]),
    "in-place div of int refuses": "RuntimeError",
    "set_grad_enabled": False,
    "index int slice list": ("tensor", "int64", (3, 2), [[0, 1], [4, 5], [8, 9]]),
    "index setitem int slice list": (
        "tensor",
        "int64",
        (3, 4),
        [[0, 1, 0, 0], [2, 3, 0, 0], [4, 5, 0, 0]],
    ),
    "bitwise and of ints": ("tensor", "int64", (2,), [2, 1]),
    "logical and of bools": ("tensor", "bool", (2,), [True, False]),
    "invert int": ("tensor", "int64", (2,), [-1, -6]),
    "remainder sign": ("tensor", "int64", (2,), [1, 1]),
    "fmod sign": ("tensor", "float32", (2,), [-1.0, 1.0]),
    "floor divide": ("tensor", "int64", (2,), [-4, 3]),
    "div rounding trunc": ("tensor", "int64", (2,), [-3, 3]),
    "all is a bool tensor": ("tensor", "bool", (), True),
    "any with dim": ("tensor", "bool", (2,), [True, False]),
    "allclose": True,
    "p.data -= lr * p.grad": ("tensor", "float32", (2,), [0.800000011920929, 1.600000023841858]),
    "clip_grad_norm_ with an inf gradient": ("tensor", "float32", (), float("inf")),
    "gradient penalty reaches a bias through relu": ("tensor", "float32", (2,), [0.0, 0.0]),
    "exp_ in place": ("tensor", "float32", (2,), [1.0, 2.7182817459106445]),
}


def _normalize(value: Any) -> Any:
    """A plain description: a tensor as ("tensor", dtype, shape, values), tuples and lists
    element by element, other values as they are."""
    if hasattr(value, "detach") and hasattr(value, "shape") and hasattr(value, "dtype"):
        array = value.detach().numpy()
        values = array.astype(np.float64 if array.dtype.kind == "f" else array.dtype).tolist()
        return ("tensor", str(value.dtype).replace("torch.", ""), tuple(array.shape), values)
    if isinstance(value, (tuple, list)):
        return tuple(_normalize(v) for v in value)
    return value


def _assert_same(actual: Any, expected: Any, where: str) -> None:
    if isinstance(expected, tuple) and expected[:1] == ("tensor",):
        assert isinstance(actual, tuple) and actual[:1] == ("tensor",), f"{where}: not a tensor"
        assert actual[1:3] == expected[1:3], (
            f"{where}: dtype/shape {actual[1:3]}, torch {expected[1:3]}"
        )
        np.testing.assert_allclose(
            np.asarray(actual[3], dtype=np.float64),
            np.asarray(expected[3], dtype=np.float64),
            rtol=2e-7,
            atol=1e-7,
            err_msg=where,
        )
    elif isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected), where
        for k, (a, e) in enumerate(zip(actual, expected)):
            _assert_same(a, e, f"{where}[{k}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-12), where
    else:
        assert actual == expected, f"{where}: {actual!r}, torch {expected!r}"


def test_every_case_has_torchs_answer_written_in() -> None:
    assert sorted(CASES) == sorted(TORCH)


@pytest.mark.parametrize("name", sorted(CASES))
def test_spelling_gives_torchs_result(name: str) -> None:
    am.manual_seed(0)
    _assert_same(_normalize(CASES[name](am)), TORCH[name], name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_written_answers_are_torchs(name: str) -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    _assert_same(_normalize(CASES[name](torch)), TORCH[name], name)
