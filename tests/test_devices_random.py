"""Devices, creation functions and random numbers, with PyTorch's semantics.

- Devices: `am.device`, `Tensor.device`/`to`/`cpu`, `Module.to`, `device=` on every creation
  function, `am.cuda`, `am.backends.mps`; every GPU device a `DeviceError` (a RuntimeError).
- Creation: linspace, logspace, randint, randperm, multinomial, normal, bernoulli, *_like,
  from_numpy (memory shared), as_tensor (no copy when possible).
- Generators: `am.Generator` streams, the global stream (manual_seed, seed, initial_seed,
  get_rng_state/set_rng_state), `generator=` on every random function.

Where PyTorch gives the same answer (dtypes, shapes, error types, linspace/logspace values),
PyTorch's answers are written here as literals (`TORCH_*` tables) and checked against autograd_mini;
`test_*_match_torch` check the literals against torch itself (skipped without torch). The random
*numbers* are NumPy's (PCG64), not PyTorch's: only their determinism and distribution are tested.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import creation
from autograd_mini.nn import functional as F

GPU_DEVICES = ["cuda", "cuda:0", "cuda:1", "mps", "xpu", "meta"]


def _dt(lib: Any, name: str) -> Any:
    """dtype `name` in `lib` (torch's dtype objects; NumPy's dtypes for autograd_mini)."""
    return getattr(lib, name) if lib is not am else np.dtype(name)


def _dtype_name(t: Any) -> str:
    return str(t.dtype).replace("torch.", "")


@pytest.fixture
def default_dtype():
    """Restore the default dtype after a test that changes it."""
    saved = am.get_default_dtype()
    yield
    am.set_default_dtype(saved)


@pytest.fixture(autouse=True)
def _restore_global_stream():
    """Tests reseed the global stream: leave it as it was."""
    state = am.get_rng_state()
    yield
    am.set_rng_state(state)


# ---- devices ----------------------------------------------------------------------------------
def test_device_class():
    d = am.device("cpu")
    assert d.type == "cpu" and d.index is None
    assert repr(d) == "device(type='cpu')" and str(d) == "cpu"
    assert d == "cpu" and d == am.device("cpu") and "cpu" == d
    assert d != "cuda" and d != am.device("cpu:0") and d != 3
    assert hash(d) == hash(am.device("cpu"))
    d0 = am.device("cpu:0")
    assert d0.index == 0 and repr(d0) == "device(type='cpu', index=0)" and str(d0) == "cpu:0"
    assert am.device("cpu", 0) == d0 == "cpu:0"
    assert am.device(d0) == d0
    assert pickle.loads(pickle.dumps(d0)) == d0
    cuda = am.device("cuda")  # can be named, as in PyTorch (using it is the error)
    assert cuda.type == "cuda" and cuda != "cpu" and repr(cuda) == "device(type='cuda')"
    assert am.device("cuda:1").index == 1


@pytest.mark.parametrize("bad, error, match", [
    ("gpu", RuntimeError, "Expected one of cpu, cuda.*device string: gpu"),
    ("CPU", RuntimeError, "device string: CPU"),
    ("cpu:x", RuntimeError, "Invalid device string: 'cpu:x'"),
    ("cpu:-1", RuntimeError, "Invalid device string"),
    (" cpu", RuntimeError, "Invalid device string"),
    (1.5, TypeError, "device: expected a device string"),
    (0, am.DeviceError, "accelerator ordinal"),
])
def test_device_refuses_bad_names(bad, error, match):
    with pytest.raises(error, match=match):
        am.device(bad)


def test_device_index_must_not_be_negative():
    with pytest.raises(RuntimeError, match="Device index must not be negative"):
        am.device("cpu", -1)


def test_tensor_device_and_cpu():
    t = am.randn(2, 3)
    assert t.device == am.device("cpu") and t.device == "cpu"
    assert repr(t.device) == "device(type='cpu')"
    assert t.cpu() is t
    assert (t * 2).device == "cpu"


def test_cuda_and_mps_are_not_available():
    assert am.cuda.is_available() is False
    assert am.cuda.device_count() == 0
    assert am.backends.mps.is_available() is False
    assert am.backends.mps.is_built() is False
    am.cuda.manual_seed(0)  # ignored without CUDA, as in PyTorch
    am.cuda.manual_seed_all(0)


def test_device_error_is_a_runtime_error_that_says_what_to_do():
    assert issubclass(am.DeviceError, RuntimeError)
    with pytest.raises(am.DeviceError) as info:
        am.zeros(2, device="cuda")
    message = str(info.value)
    assert "zeros" in message and "'cuda'" in message
    assert "CPU with NumPy" in message and "device='cpu'" in message


# Every creation function, called with `device=dev`.
CREATORS: dict[str, Callable[[Any], Any]] = {
    "tensor": lambda dev: am.tensor([1.0, 2.0], device=dev),
    "as_tensor": lambda dev: am.as_tensor([1.0, 2.0], device=dev),
    "zeros": lambda dev: am.zeros(2, 3, device=dev),
    "ones": lambda dev: am.ones(2, device=dev),
    "empty": lambda dev: am.empty(2, device=dev),
    "full": lambda dev: am.full((2,), 1.5, device=dev),
    "zeros_like": lambda dev: am.zeros_like(am.ones(2), device=dev),
    "ones_like": lambda dev: am.ones_like(am.ones(2), device=dev),
    "empty_like": lambda dev: am.empty_like(am.ones(2), device=dev),
    "full_like": lambda dev: am.full_like(am.ones(2), 3.0, device=dev),
    "rand_like": lambda dev: am.rand_like(am.ones(2), device=dev),
    "randn_like": lambda dev: am.randn_like(am.ones(2), device=dev),
    "arange": lambda dev: am.arange(5, device=dev),
    "linspace": lambda dev: am.linspace(0, 1, 5, device=dev),
    "logspace": lambda dev: am.logspace(0, 1, 5, device=dev),
    "eye": lambda dev: am.eye(3, device=dev),
    "rand": lambda dev: am.rand(2, device=dev),
    "randn": lambda dev: am.randn(2, device=dev),
    "randint": lambda dev: am.randint(0, 5, (3,), device=dev),
    "randperm": lambda dev: am.randperm(4, device=dev),
    "normal": lambda dev: am.normal(0.0, 1.0, (2,), device=dev),
    "Generator": lambda dev: am.Generator(device=dev),
}


@pytest.mark.parametrize("name", sorted(CREATORS))
@pytest.mark.parametrize("dev", ["cpu", "cpu:0", None, am.device("cpu")], ids=str)
def test_creation_functions_accept_the_cpu(name, dev):
    result = CREATORS[name](dev)
    assert result.device == "cpu"


@pytest.mark.parametrize("name", sorted(CREATORS))
@pytest.mark.parametrize("dev", GPU_DEVICES + [am.device("cuda"), 0], ids=str)
def test_creation_functions_refuse_gpu_devices(name, dev):
    with pytest.raises(am.DeviceError, match="computes on the CPU with NumPy"):
        CREATORS[name](dev)


def test_creation_functions_take_pin_memory_and_layout_as_pytorch():
    assert am.zeros(2, pin_memory=False, layout=None).shape == (2,)
    assert am.ones(2, layout="strided").shape == (2,)
    assert am.tensor([1.0], pin_memory=False).shape == (1,)
    assert am.rand(2, pin_memory=False).shape == (2,)
    with pytest.raises(am.DeviceError, match="pin_memory=True"):
        am.empty(2, pin_memory=True)
    with pytest.raises(ValueError, match="layout 'sparse_coo' is not supported"):
        am.zeros(2, layout="sparse_coo")
    with pytest.raises(TypeError, match="device must be a string"):
        am.zeros(2, device=1.5)


# ---- Tensor.to --------------------------------------------------------------------------------
def test_to_returns_self_when_nothing_changes():
    t = am.randn(3)
    for same in (t.to("cpu"), t.to(am.device("cpu")), t.to(np.float32), t.to("cpu", np.float32),
                 t.to(device="cpu"), t.to(dtype=np.float32), t.to(am.zeros(2)), t.to(),
                 t.to(None), t.to("cpu", non_blocking=True), t.cpu()):
        assert same is t


def test_to_dtype_forms():
    t = am.tensor([1.5, -2.5])
    assert t.to(np.float64).dtype == np.float64
    assert t.to("cpu", np.float64).dtype == np.float64
    assert t.to(am.device("cpu"), am.float64).dtype == np.float64
    assert t.to(device="cpu", dtype=np.float64, non_blocking=True, copy=False).dtype == np.float64
    assert t.to(np.float64, False, True).dtype == np.float64
    ints = t.to(am.zeros(1, dtype=np.int64))  # takes the other tensor's dtype
    assert ints.dtype == np.int64 and ints.tolist() == [1, -2]
    assert t.to("float64").dtype == np.float64  # a dtype string that is no device


def test_to_copy_makes_a_new_tensor_that_keeps_the_graph():
    x = am.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(copy=True)
    assert y is not x and not np.shares_memory(y.data, x.data)
    np.testing.assert_array_equal(y.data, x.data)
    z = x.to("cpu", np.float32, copy=True)
    assert z is not x
    (y * 3 + z).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 4.0])


def test_to_dtype_is_differentiable():
    x = am.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.to("cpu", dtype=np.float64)
    assert y.dtype == np.float64 and y.requires_grad and y.grad_fn is not None
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0, 6.0])
    assert not x.to(np.int64).requires_grad  # an integer result carries no gradient


@pytest.mark.parametrize("dev", GPU_DEVICES + [am.device("cuda"), am.device("mps"), 0], ids=str)
def test_to_refuses_gpu_devices(dev):
    t = am.ones(2)
    with pytest.raises(am.DeviceError, match="use device='cpu'"):
        t.to(dev)
    with pytest.raises(am.DeviceError):
        t.to(device=dev, dtype=np.float64)
    with pytest.raises(am.DeviceError):
        t.to(dev, np.float64)


def test_cuda_method_is_a_device_error():
    with pytest.raises(am.DeviceError, match="computes on the CPU"):
        am.ones(2).cuda()


@pytest.mark.parametrize("call, match", [
    (lambda t: t.to(np.float64, np.float32), "non_blocking must be a bool"),
    (lambda t: t.to("cpu", "cpu"), "'cpu' is a device, where a dtype was expected"),
    (lambda t: t.to(am.ones(1), np.float64), "non_blocking must be a bool"),
    (lambda t: t.to(am.ones(1), dtype=np.float64), "takes the dtype and device from that"),
    (lambda t: t.to(foo=1), "unexpected keyword argument 'foo'"),
    (lambda t: t.to(np.float64, dtype=np.float64), "multiple values for argument 'dtype'"),
    (lambda t: t.to("cpu", np.float64, False, False, 1), "positional arguments"),
    (lambda t: t.to("nonsense"), "'nonsense' is not a dtype"),
])
def test_to_refuses_bad_arguments(call, match):
    with pytest.raises(TypeError, match=match):
        call(am.ones(2))


# ---- Module.to --------------------------------------------------------------------------------
def test_module_to_dtype_keeps_parameter_identity_and_optimizers_work():
    am.manual_seed(0)
    model = am.nn.Sequential(am.nn.Linear(3, 4), am.nn.BatchNorm1d(4), am.nn.Linear(4, 1))
    params = list(model.parameters())
    before = [p.data.copy() for p in params]
    optimizer = am.optim.SGD(model.parameters(), lr=0.1)
    assert model.to(np.float64) is model
    after = list(model.parameters())
    assert all(a is b for a, b in zip(after, params))
    assert all(isinstance(p, am.nn.Parameter) and p.dtype == np.float64 for p in after)
    bn = model[1]
    assert bn.running_mean.dtype == np.float64
    assert bn.num_batches_tracked.dtype == np.int64  # not floating: kept
    loss = model(am.randn(5, 3, dtype=np.float64)).pow(2).mean()
    loss.backward()
    assert all(p.grad.dtype == np.float64 for p in params)
    optimizer.step()  # the optimizer's parameters are the model's: they move
    moved = [not np.array_equal(p.data, b) for p, b in zip(params, before)]
    assert moved[0] and moved[2] and moved[-2]  # (the weights; a bias before BN has no gradient)
    model.to(np.float32)  # gradients are converted with their parameters
    assert all(p.dtype == np.float32 and p.grad.dtype == np.float32 for p in params)


def test_module_to_forms():
    model = am.nn.Linear(2, 2)
    w = model.weight
    assert model.to("cpu") is model and model.weight is w and w.dtype == np.float32
    assert model.to(am.device("cpu")) is model
    model.to("cpu", np.float64)
    assert w.dtype == np.float64
    model.to(am.zeros(1, dtype=np.float32))
    assert w.dtype == np.float32
    model.to(device="cpu", dtype=np.float64, non_blocking=True)
    assert w.dtype == np.float64 and model.weight is w
    model.double().float()
    assert w.dtype == np.float32


def test_module_to_refuses_gpus_and_non_float_dtypes():
    model = am.nn.Linear(2, 2)
    for dev in ("cuda", "cuda:0", "mps", am.device("cuda")):
        with pytest.raises(am.DeviceError, match="computes on the CPU with NumPy"):
            model.to(dev)
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point dtypes"):
        model.to(np.int64)
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point dtypes"):
        model.to(am.zeros(1, dtype=np.int64))
    with pytest.raises(TypeError, match="unexpected keyword argument 'copy'"):
        model.to(np.float64, copy=True)
    assert model.weight.dtype == np.float32  # unchanged by the refused calls


# ---- creation ---------------------------------------------------------------------------------
# PyTorch's linspace/logspace results: (dtype, values), from torch 2.13.
TORCH_RANGES: dict[str, tuple[str, list]] = {
    "linspace(0, 1, 5)": ("float32", [0.0, 0.25, 0.5, 0.75, 1.0]),
    "linspace(-3.3, 8.1, 11)": ("float32", [
        -3.299999952316284, -2.1599998474121094, -1.0199997425079346, 0.12000036239624023,
        1.260000467300415, 2.3999998569488525, 3.5399999618530273, 4.680000305175781,
        5.820000171661377, 6.960000038146973, 8.100000381469727]),
    "linspace(1, 0, 5)": ("float32", [1.0, 0.75, 0.5, 0.25, 0.0]),
    "linspace(2, 2, 1)": ("float32", [2.0]),
    "linspace(0, 1, 0)": ("float32", []),
    "linspace(0, 10, 4, dtype=int64)": ("int64", [0, 3, 6, 10]),
    "linspace(-5, 5, 4, dtype=int64)": ("int64", [-5, -1, 1, 5]),
    "linspace(0.7, 5.2, 4, dtype=int64)": ("int64", [0, 1, 3, 5]),
    "linspace(-1, 1, 9, dtype=float64)": ("float64", [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5,
                                                      0.75, 1.0]),
    "logspace(0, 3, 4)": ("float32", [1.0, 10.0, 100.0, 1000.0]),
    "logspace(0, 2, 3, base=2)": ("float32", [1.0, 2.0, 4.0]),
    "logspace(1, 0, 5, 2)": ("float32", [2.0, 1.6817928552627563, 1.4142135381698608,
                                         1.1892070770263672, 1.0]),
    "logspace(0, 1, 3, dtype=float64)": ("float64", [1.0, 3.1622776601683795, 10.0]),
    "logspace(0, 3, 4, dtype=int64)": ("int64", [1, 10, 100, 1000]),
    "logspace(0.5, 2, 4, dtype=int64)": ("int64", [1, 4, 21, 100]),
    "logspace(-2, 2, 5)": ("float32", [0.009999999776482582, 0.10000000149011612, 1.0, 10.0,
                                       100.0]),
}


def _range_call(lib: Any, call: str) -> Any:
    return eval(call.replace("int64", "I").replace("float64", "F"),
                {"linspace": lib.linspace, "logspace": lib.logspace, "I": _dt(lib, "int64"),
                 "F": _dt(lib, "float64")})


def _check_range(result: Any, dtype: str, values: list) -> None:
    assert _dtype_name(result) == dtype and tuple(result.shape) == (len(values),)
    got = np.asarray(result.tolist())
    if dtype.startswith("int"):
        np.testing.assert_array_equal(got, values)
    else:
        # PyTorch's vectorised kernel rounds some middle values in float32 differently (by
        # CPU's vector width); the ends are exact
        np.testing.assert_allclose(got, values, rtol=2e-7 if dtype == "float64" else 3e-7,
                                   atol=1e-6 * max(1.0, np.abs(values).max(initial=0)))
        if values:
            assert got[0] == values[0] and got[-1] == values[-1]


@pytest.mark.parametrize("call", sorted(TORCH_RANGES))
def test_linspace_logspace_values_are_pytorchs(call):
    _check_range(_range_call(am, call), *TORCH_RANGES[call])


@pytest.mark.parametrize("call", sorted(TORCH_RANGES))
def test_linspace_logspace_literals_match_torch(call):
    torch = pytest.importorskip("torch")
    _check_range(_range_call(torch, call), *TORCH_RANGES[call])


def test_linspace_follows_the_default_dtype_and_takes_0d_tensors(default_dtype):
    am.set_default_dtype(np.float64)
    assert am.linspace(0, 1, 3).dtype == np.float64
    assert am.logspace(0, 1, 3).dtype == np.float64
    am.set_default_dtype(np.float32)
    t = am.linspace(am.tensor(0.0), am.tensor(1.0), 3)
    np.testing.assert_array_equal(t.data, [0.0, 0.5, 1.0])
    r = am.linspace(0, 1, 4, requires_grad=True)
    assert r.requires_grad and r.is_leaf


# Shared calls, run on autograd_mini and (in the torch test) on torch: name -> (call on the
# library, PyTorch's dtype, PyTorch's shape).
TORCH_DTYPES: dict[str, tuple[Callable[[Any], Any], str, tuple]] = {
    "zeros": (lambda lib: lib.zeros(2, 3, device="cpu"), "float32", (2, 3)),
    "linspace": (lambda lib: lib.linspace(0, 10, 5), "float32", (5,)),
    "logspace": (lambda lib: lib.logspace(0, 1, 3), "float32", (3,)),
    "randint(high, size)": (lambda lib: lib.randint(10, (3, 2)), "int64", (3, 2)),
    "randint(low, high, size)": (lambda lib: lib.randint(-3, 3, (4,)), "int64", (4,)),
    "randint(high=, size=)": (lambda lib: lib.randint(high=5, size=(2,)), "int64", (2,)),
    "randint(low=, high=, size=)": (lambda lib: lib.randint(low=2, high=5, size=(2,)), "int64",
                                    (2,)),
    "randint float dtype": (lambda lib: lib.randint(3, (2,), dtype=_dt(lib, "float64")),
                            "float64", (2,)),
    "randperm": (lambda lib: lib.randperm(6), "int64", (6,)),
    "randperm(0)": (lambda lib: lib.randperm(0), "int64", (0,)),
    "randperm float": (lambda lib: lib.randperm(3, dtype=_dt(lib, "float32")), "float32", (3,)),
    "multinomial 1-D": (lambda lib: lib.multinomial(lib.ones(4), 2), "int64", (2,)),
    "multinomial 2-D": (lambda lib: lib.multinomial(lib.ones(3, 4), 5, True), "int64", (3, 5)),
    "multinomial no rows": (lambda lib: lib.multinomial(lib.ones(0, 3), 2), "int64", (0, 2)),
    "multinomial method": (lambda lib: lib.ones(5).multinomial(3), "int64", (3,)),
    "normal(float, float, size)": (lambda lib: lib.normal(0.0, 1.0, (2, 3)), "float32", (2, 3)),
    "normal(..., dtype)": (lambda lib: lib.normal(2.0, 3.0, (2,), dtype=_dt(lib, "float64")),
                           "float64", (2,)),
    "normal(tensor, float)": (lambda lib: lib.normal(lib.zeros(2, 3, dtype=_dt(lib, "float64")),
                                                     1.0), "float64", (2, 3)),
    "normal(float, tensor)": (lambda lib: lib.normal(0.0, lib.ones(4)), "float32", (4,)),
    "normal(tensor, tensor) broadcast": (lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(3)),
                                         "float32", (2, 3)),
    "bernoulli": (lambda lib: lib.bernoulli(lib.full((3,), 0.5)), "float32", (3,)),
    "bernoulli float64": (lambda lib: lib.bernoulli(lib.zeros(2, dtype=_dt(lib, "float64"))),
                          "float64", (2,)),
    "bernoulli(input, p)": (lambda lib: lib.bernoulli(lib.ones(3, dtype=_dt(lib, "int64")), 0.5),
                            "int64", (3,)),
    "full_like int": (lambda lib: lib.full_like(lib.ones(2, dtype=_dt(lib, "int64")), 2.7),
                      "int64", (2,)),
    "full_like dtype": (lambda lib: lib.full_like(lib.ones(2), 3, dtype=_dt(lib, "int64")),
                        "int64", (2,)),
    "empty_like": (lambda lib: lib.empty_like(lib.ones(2, 1, dtype=_dt(lib, "int64"))), "int64",
                   (2, 1)),
    "rand_like": (lambda lib: lib.rand_like(lib.ones(2, dtype=_dt(lib, "float64"))), "float64",
                  (2,)),
    "randn_like": (lambda lib: lib.randn_like(lib.ones(3, 2)), "float32", (3, 2)),
    "randn_like dtype": (lambda lib: lib.randn_like(lib.ones(3), dtype=_dt(lib, "float64")),
                         "float64", (3,)),
    "from_numpy int32": (lambda lib: lib.from_numpy(np.ones((2, 2), dtype=np.int32)), "int32",
                         (2, 2)),
    "from_numpy float64": (lambda lib: lib.from_numpy(np.ones(3)), "float64", (3,)),
    "as_tensor ndarray": (lambda lib: lib.as_tensor(np.arange(3)), "int64", (3,)),
    "as_tensor floats": (lambda lib: lib.as_tensor([1.0, 2.0]), "float32", (2,)),
    "as_tensor dtype": (lambda lib: lib.as_tensor(np.ones(2), dtype=_dt(lib, "float32")),
                        "float32", (2,)),
    "to(other)": (lambda lib: lib.ones(2).to(lib.zeros(1, dtype=_dt(lib, "int64"))), "int64",
                  (2,)),
}


@pytest.mark.parametrize("name", sorted(TORCH_DTYPES))
def test_dtypes_and_shapes_are_pytorchs(name):
    call, dtype, shape = TORCH_DTYPES[name]
    result = call(am)
    assert isinstance(result, am.Tensor)
    assert (_dtype_name(result), tuple(result.shape)) == (dtype, shape)


@pytest.mark.parametrize("name", sorted(TORCH_DTYPES))
def test_dtype_and_shape_literals_match_torch(name):
    torch = pytest.importorskip("torch")
    call, dtype, shape = TORCH_DTYPES[name]
    result = call(torch)
    assert (_dtype_name(result), tuple(result.shape)) == (dtype, shape)


def test_full_like_values_as_pytorch():
    np.testing.assert_array_equal(am.full_like(am.ones(2, dtype=np.int64), 2.7).data, [2, 2])
    np.testing.assert_array_equal(am.full_like(am.ones(2), -1.5).data, [-1.5, -1.5])
    r = am.full_like(am.ones(2), 3.0, requires_grad=True)
    assert r.requires_grad and r.is_leaf


def test_randint_values_lie_in_range():
    am.manual_seed(0)
    r = am.randint(-3, 4, (2000,))
    assert r.data.min() == -3 and r.data.max() == 3
    assert set(np.unique(r.data)) == set(range(-3, 4))
    b = am.randint(0, 2, (50,), dtype=bool)
    assert b.dtype == np.bool_
    u = am.randint(0, 256, (1000,), dtype=np.uint8)
    assert u.dtype == np.uint8 and u.data.max() > 200


def test_randperm_is_a_permutation():
    am.manual_seed(1)
    for n in (0, 1, 2, 10, 1000):
        p = am.randperm(n)
        np.testing.assert_array_equal(np.sort(p.data), np.arange(n))
    assert not np.array_equal(am.randperm(1000).data, np.arange(1000))


def test_from_numpy_shares_memory_both_ways():
    arr = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = am.from_numpy(arr)
    assert t.dtype == np.float64 and t.shape == (2, 3) and t.data is arr
    arr[0, 0] = 100.0
    assert t[0, 0].item() == 100.0
    with am.no_grad():
        t[1, 2] = -7.0
    assert arr[1, 2] == -7.0
    t.add_(1.0)
    assert arr[0, 0] == 101.0
    ints = am.from_numpy(np.array([1, 2], dtype=np.int16))
    assert ints.dtype == np.int16
    zero_d = am.from_numpy(np.array(3.5))
    assert zero_d.shape == () and zero_d.item() == 3.5


def test_as_tensor_copies_only_when_needed():
    arr = np.ones(3)
    t = am.as_tensor(arr)
    assert t.dtype == np.float64 and np.shares_memory(t.data, arr)
    arr[0] = 5.0
    assert t[0].item() == 5.0
    converted = am.as_tensor(arr, dtype=np.float32)
    assert converted.dtype == np.float32 and not np.shares_memory(converted.data, arr)
    same = am.as_tensor(arr, dtype=np.float64)
    assert np.shares_memory(same.data, arr)
    x = am.tensor([1.0, 2.0], requires_grad=True)
    assert am.as_tensor(x) is x and am.as_tensor(x, dtype=np.float32) is x
    y = am.as_tensor(x, dtype=np.float64)  # a differentiable cast, as x.to(float64)
    assert y.dtype == np.float64 and y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    listed = am.as_tensor([[1.0, 2.0]])
    assert listed.shape == (1, 2) and listed.dtype == am.get_default_dtype()


# ---- error types: PyTorch's, literally ----------------------------------------------------------
TORCH_ERRORS: dict[str, tuple[Callable[[Any], Any], type]] = {
    "randint from >= to": (lambda lib: lib.randint(5, 5, (2,)), RuntimeError),
    "randint size as int": (lambda lib: lib.randint(10, 3), TypeError),
    "randint float high": (lambda lib: lib.randint(0, 2.5, (2,)), TypeError),
    "randint beyond uint8": (lambda lib: lib.randint(0, 300, (3,), dtype=_dt(lib, "uint8")),
                             RuntimeError),
    "randint requires_grad": (lambda lib: lib.randint(3, (2,), requires_grad=True),
                              (RuntimeError, TypeError)),
    "randperm negative": (lambda lib: lib.randperm(-1), RuntimeError),
    "randperm float n": (lambda lib: lib.randperm(2.0), TypeError),
    "randperm bool dtype": (lambda lib: lib.randperm(3, dtype=_dt(lib, "bool")),
                            NotImplementedError),
    "multinomial too many": (lambda lib: lib.multinomial(lib.ones(3), 4), RuntimeError),
    "multinomial no categories": (lambda lib: lib.multinomial(lib.ones(0), 1), RuntimeError),
    "multinomial zero-sum row": (lambda lib: lib.multinomial(lib.zeros(3), 1), RuntimeError),
    "multinomial zero-sum 2nd row": (lambda lib: lib.multinomial(
        lib.tensor([[1.0, 1.0], [0.0, 0.0]]), 1, True), RuntimeError),
    "multinomial negative": (lambda lib: lib.multinomial(lib.tensor([1.0, -1.0, 0.0]), 1),
                             RuntimeError),
    "multinomial nan": (lambda lib: lib.multinomial(lib.tensor([1.0, float("nan")]), 1),
                        RuntimeError),
    "multinomial inf": (lambda lib: lib.multinomial(lib.tensor([1.0, float("inf")]), 1),
                        RuntimeError),
    "multinomial int weights": (lambda lib: lib.multinomial(lib.ones(2, dtype=_dt(lib, "int64")),
                                                            1), RuntimeError),
    "multinomial 3-D": (lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1), RuntimeError),
    "multinomial 0 samples": (lambda lib: lib.multinomial(lib.ones(3), 0), RuntimeError),
    "multinomial float samples": (lambda lib: lib.multinomial(lib.ones(3), 2.0), TypeError),
    "normal negative std": (lambda lib: lib.normal(0.0, -1.0, size=(2,)), RuntimeError),
    "normal tensor negative std": (lambda lib: lib.normal(lib.zeros(2), -lib.ones(2)),
                                   RuntimeError),
    "normal numbers without size": (lambda lib: lib.normal(0.0, 1.0), TypeError),
    "normal tensor with size": (lambda lib: lib.normal(lib.zeros(2), 1.0, size=(2,)), TypeError),
    "normal shapes": (lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(4)), RuntimeError),
    "normal int mean": (lambda lib: lib.normal(lib.zeros(2, dtype=_dt(lib, "int64")), 1.0),
                        NotImplementedError),
    "bernoulli p > 1": (lambda lib: lib.bernoulli(lib.tensor([0.5, 2.0])), RuntimeError),
    "bernoulli nan": (lambda lib: lib.bernoulli(lib.tensor([0.5, float("nan")])), RuntimeError),
    "bernoulli int": (lambda lib: lib.bernoulli(lib.ones(2, dtype=_dt(lib, "int64"))),
                      NotImplementedError),
    "bernoulli scalar p": (lambda lib: lib.bernoulli(lib.ones(3), 1.5), RuntimeError),
    "rand int dtype": (lambda lib: lib.rand(2, dtype=_dt(lib, "int64")), NotImplementedError),
    "randn int dtype": (lambda lib: lib.randn(2, dtype=_dt(lib, "int64")), NotImplementedError),
    "rand_like int": (lambda lib: lib.rand_like(lib.ones(2, dtype=_dt(lib, "int64"))),
                      NotImplementedError),
    "randn_like int": (lambda lib: lib.randn_like(lib.ones(2, dtype=_dt(lib, "int64"))),
                       NotImplementedError),
    "linspace negative steps": (lambda lib: lib.linspace(0, 1, -1), RuntimeError),
    "linspace float steps": (lambda lib: lib.linspace(0, 1, 2.5), TypeError),
    "linspace bool": (lambda lib: lib.linspace(0, 1, 3, dtype=_dt(lib, "bool")),
                      NotImplementedError),
    "linspace 1-D start": (lambda lib: lib.linspace(lib.ones(2), 2, 3), RuntimeError),
    "from_numpy list": (lambda lib: lib.from_numpy([1.0]), TypeError),
    "from_numpy object": (lambda lib: lib.from_numpy(np.array(["a"], dtype=object)), TypeError),
    "from_numpy byte order": (lambda lib: lib.from_numpy(np.ones(2, dtype=">f8")), ValueError),
    "uniform_ from > to": (lambda lib: lib.ones(2).uniform_(1, 0), RuntimeError),
    "uniform_ infinite": (lambda lib: lib.ones(2).uniform_(0, float("inf")), RuntimeError),
    "uniform_ int": (lambda lib: lib.ones(2, dtype=_dt(lib, "int64")).uniform_(),
                     NotImplementedError),
    "normal_ negative std": (lambda lib: lib.ones(2).normal_(0, -1), RuntimeError),
    "normal_ int": (lambda lib: lib.ones(2, dtype=_dt(lib, "int64")).normal_(),
                    NotImplementedError),
    "uniform_ leaf requires grad": (lambda lib: lib.ones(2, requires_grad=True).uniform_(),
                                    RuntimeError),
    "normal_ leaf requires grad": (lambda lib: lib.ones(2, requires_grad=True).normal_(),
                                   RuntimeError),
    "set_rng_state float": (lambda lib: lib.set_rng_state(lib.zeros(5)), TypeError),
    "set_state wrong size": (lambda lib: lib.Generator().set_state(
        lib.zeros(3, dtype=_dt(lib, "uint8"))), RuntimeError),
    "manual_seed 2**64": (lambda lib: lib.manual_seed(2**64), ValueError),
    "manual_seed below -2**63": (lambda lib: lib.manual_seed(-2**63 - 1), ValueError),
    "Generator cuda": (lambda lib: lib.Generator(device="cuda"), RuntimeError),
    "Generator manual_seed str": (lambda lib: lib.Generator().manual_seed("a"),
                                  (RuntimeError, TypeError)),
    "rand generator=int": (lambda lib: lib.rand(2, generator=3), TypeError),
    "pin_memory": (lambda lib: lib.ones(2, pin_memory=True), RuntimeError),
    "device(0)": (lambda lib: lib.device(0), RuntimeError),
    "device('gpu')": (lambda lib: lib.device("gpu"), RuntimeError),
    "device('cpu:x')": (lambda lib: lib.device("cpu:x"), RuntimeError),
    "device('cpu', -1)": (lambda lib: lib.device("cpu", -1), RuntimeError),
    "to(0)": (lambda lib: lib.ones(2).to(0), RuntimeError),
    "to(dtype, dtype)": (lambda lib: lib.ones(2).to(_dt(lib, "float64"), _dt(lib, "float32")),
                         TypeError),
    "to(tensor, dtype)": (lambda lib: lib.ones(2).to(lib.ones(1), _dt(lib, "float64")),
                          TypeError),
    "to(tensor, dtype=)": (lambda lib: lib.ones(2).to(lib.ones(1), dtype=_dt(lib, "float64")),
                           TypeError),
    "to('cpu', 'cpu')": (lambda lib: lib.ones(2).to("cpu", "cpu"), TypeError),
    "to(foo=)": (lambda lib: lib.ones(2).to(foo=1), TypeError),
    "Module.to(int64)": (lambda lib: lib.nn.Linear(2, 2).to(_dt(lib, "int64")), TypeError),
}


@pytest.mark.parametrize("name", sorted(TORCH_ERRORS))
def test_error_types_are_pytorchs(name):
    call, error = TORCH_ERRORS[name]
    with pytest.raises(error) as info:
        call(am)
    assert len(str(info.value)) > 20  # a message, not a bare exception


@pytest.mark.parametrize("name", sorted(TORCH_ERRORS))
def test_error_type_literals_match_torch(name):
    torch = pytest.importorskip("torch")
    call, error = TORCH_ERRORS[name]
    with pytest.raises(error):
        call(torch)


@pytest.mark.parametrize("call, match", [
    (lambda: am.randint(5, 5, (2,)), "randint: random_ expects 'from' to be less than 'to'"),
    (lambda: am.randint(10, 3), "randint: size must be a tuple of ints, not int"),
    (lambda: am.randint(size=(2,)), "randint: high is required"),
    (lambda: am.randint(3), "randint: size is required"),
    (lambda: am.randperm(-1), "randperm: n must be non-negative, got -1"),
    (lambda: am.multinomial(am.ones(3), 4),
     r"cannot sample n_sample > prob_dist.size\(-1\) samples without replacement \(4 samples "
     r"from 3 categories\)"),
    (lambda: am.multinomial(am.tensor([[1.0, 1.0], [0.0, 0.0]]), 1, True),
     r"invalid multinomial distribution \(sum of probabilities <= 0\) in row 1"),
    (lambda: am.multinomial(am.tensor([1.0, -1.0]), 1), "element < 0"),
    (lambda: am.multinomial(am.ones(3), 1, replacement=1), "replacement must be a bool"),
    (lambda: am.normal(0.0, -1.0, (2,)), "normal expects std >= 0.0, but found std -1.0"),
    (lambda: am.normal(0.0, 1.0), "normal: size is required when mean and std are numbers"),
    (lambda: am.normal(am.zeros(2, 3), am.ones(4)), r"mean of shape \(2, 3\) and std of shape"),
    (lambda: am.normal([0.0], 1.0), "normal: mean must be a real number, got list"),
    (lambda: am.rand(2, dtype=np.int64), "rand: draws floating-point numbers, not dtype int64"),
    (lambda: am.ones(2).uniform_(1, 0), "found from=1 > to=0"),
    (lambda: am.ones(2, requires_grad=True).normal_(),
     "in-place normal_ on a leaf tensor of shape .* that requires grad"),
    (lambda: am.rand(2, generator=np.random.default_rng()),
     "rand: generator must be an am.Generator.*got Generator"),
    (lambda: am.from_numpy([1.0]), r"from_numpy: expected np.ndarray \(got list\)"),
    (lambda: am.linspace(0, 1, -2), "linspace: number of steps must be non-negative, got -2"),
    (lambda: am.set_rng_state(am.zeros(5)), "the RNG state must be a uint8 tensor"),
    (lambda: am.set_rng_state(am.tensor(np.zeros(49, dtype=np.uint8))),
     "expected a state of 49 bytes .* that is not such a state"),
    (lambda: am.manual_seed(0.5), "manual_seed: the seed must be a non-negative int"),
    (lambda: am.manual_seed(True), "manual_seed: the seed must be a non-negative int"),
])
def test_error_messages_name_the_problem(call, match):
    with pytest.raises((RuntimeError, TypeError, ValueError), match=match):
        call()


# ---- generators and the global stream -------------------------------------------------------
# Every random function, drawing from `g` (an am.Generator, or None for the global stream).
RANDOM_CALLS: dict[str, Callable[[Any], Any]] = {
    "rand": lambda g: am.rand(3, 2, generator=g),
    "randn": lambda g: am.randn(4, generator=g),
    "randint": lambda g: am.randint(0, 1000, (5,), generator=g),
    "randperm": lambda g: am.randperm(20, generator=g),
    "multinomial": lambda g: am.multinomial(am.ones(2, 10), 4, generator=g),
    "multinomial replacement": lambda g: am.multinomial(am.ones(10), 4, True, generator=g),
    "Tensor.multinomial": lambda g: am.ones(10).multinomial(3, generator=g),
    "normal numbers": lambda g: am.normal(1.0, 2.0, (4,), generator=g),
    "normal tensors": lambda g: am.normal(am.zeros(3), am.ones(3), generator=g),
    "bernoulli": lambda g: am.bernoulli(am.full((8,), 0.5), generator=g),
    "bernoulli(input, p)": lambda g: am.bernoulli(am.zeros(8), 0.5, generator=g),
    "rand_like": lambda g: am.rand_like(am.ones(4), generator=g),
    "randn_like": lambda g: am.randn_like(am.ones(4), generator=g),
    "Tensor.uniform_": lambda g: am.zeros(5).uniform_(-2, 3, generator=g),
    "Tensor.normal_": lambda g: am.zeros(5).normal_(1, 0.5, generator=g),
    "init.uniform_": lambda g: am.nn.init.uniform_(am.zeros(5), generator=g),
    "init.normal_": lambda g: am.nn.init.normal_(am.zeros(5), generator=g),
    "init.xavier_uniform_": lambda g: am.nn.init.xavier_uniform_(am.zeros(3, 4), generator=g),
    "init.xavier_normal_": lambda g: am.nn.init.xavier_normal_(am.zeros(3, 4), generator=g),
    "init.kaiming_uniform_": lambda g: am.nn.init.kaiming_uniform_(am.zeros(3, 4), generator=g),
    "init.kaiming_normal_": lambda g: am.nn.init.kaiming_normal_(am.zeros(3, 4), generator=g),
}


@pytest.mark.parametrize("name", sorted(RANDOM_CALLS))
def test_every_random_function_takes_a_generator(name):
    """The same seed gives the same numbers; another seed others; the draws come from the
    generator, not the global stream (which is neither used nor advanced)."""
    call = RANDOM_CALLS[name]
    am.manual_seed(123)
    expected_global = am.rand(6).data
    am.manual_seed(123)
    first = call(am.Generator().manual_seed(7)).data.copy()
    am.rand(1, generator=am.Generator())  # (another generator: the global stream untouched)
    second = call(am.Generator().manual_seed(7)).data
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(am.rand(6).data, expected_global)
    others = [call(am.Generator().manual_seed(s)).data for s in (8, 9, 10)]
    assert any(not np.array_equal(first, o) for o in others)


@pytest.mark.parametrize("name", sorted(RANDOM_CALLS))
def test_every_random_function_follows_the_global_seed(name):
    call = RANDOM_CALLS[name]
    am.manual_seed(5)
    first = call(None).data.copy()
    am.manual_seed(5)
    np.testing.assert_array_equal(call(None).data, first)


def test_generator_streams_are_independent_of_each_other_and_of_the_global_one():
    reference = am.rand(10, generator=am.Generator().manual_seed(42)).data
    g1, g2 = am.Generator().manual_seed(42), am.Generator().manual_seed(42)
    am.manual_seed(0)
    parts = []
    for n in (3, 3, 4):
        parts.append(am.rand(n, generator=g1).data)
        am.rand(5)  # the global stream
        am.randn(2, generator=g2)  # another generator
    np.testing.assert_array_equal(np.concatenate(parts), reference)
    # and the global stream is not moved by the generators' draws
    am.manual_seed(0)
    plain = am.rand(6).data
    am.manual_seed(0)
    a = am.rand(3).data
    am.rand(100, generator=g1)
    b = am.rand(3).data
    np.testing.assert_array_equal(np.concatenate([a, b]), plain)


def test_generator_seeds():
    g = am.Generator()
    assert g.initial_seed() == 67280421310721  # PyTorch's default seed of a new Generator
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    assert g.device == "cpu"
    assert am.Generator(device="cpu").initial_seed() == 67280421310721
    s = g.seed()
    assert isinstance(s, int) and 0 <= s < 2**64 and g.initial_seed() == s
    a = am.rand(4, generator=g).data
    g.manual_seed(s)
    np.testing.assert_array_equal(am.rand(4, generator=g).data, a)
    # two new generators give the same numbers (the same default seed), as in PyTorch
    np.testing.assert_array_equal(am.randn(3, generator=am.Generator()).data,
                                  am.randn(3, generator=am.Generator()).data)
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1  # negative seeds wrap, as PyTorch
    assert g.manual_seed(np.int64(9)).initial_seed() == 9


def test_generator_get_state_set_state_replays():
    g = am.Generator().manual_seed(11)
    am.rand(3, generator=g)
    am.randn(1, generator=g)
    state = g.get_state()
    assert isinstance(state, am.Tensor) and state.dtype == np.uint8 and state.ndim == 1
    first = [am.rand(5, generator=g).data, am.randint(0, 100, (3,), generator=g).data]
    am.rand(50, generator=g)
    g.manual_seed(99)
    assert g.set_state(state) is g
    assert g.initial_seed() == 11  # the state carries the seed too
    again = [am.rand(5, generator=g).data, am.randint(0, 100, (3,), generator=g).data]
    for x, y in zip(first, again):
        np.testing.assert_array_equal(x, y)
    other = am.Generator().set_state(state)  # a state moves between generators
    np.testing.assert_array_equal(am.rand(5, generator=other).data, first[0])
    state.data[:] = 0  # get_state returned a copy: the generator is unchanged
    np.testing.assert_array_equal(am.rand(5, generator=am.Generator().set_state(
        g.get_state())).data, am.rand(5, generator=g).data)


def test_global_stream_seed_and_state():
    assert am.manual_seed(5) is am.default_generator
    assert am.initial_seed() == 5 and am.default_generator.initial_seed() == 5
    x = am.randn(3).data
    am.default_generator.manual_seed(5)
    np.testing.assert_array_equal(am.randn(3).data, x)
    state = am.get_rng_state()
    assert state.dtype == np.uint8
    a = [am.rand(4).data, am.randperm(6).data]
    am.manual_seed(77)
    assert am.set_rng_state(state) is None
    b = [am.rand(4).data, am.randperm(6).data]
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert am.initial_seed() == 5
    s = am.seed()
    assert isinstance(s, int) and am.initial_seed() == s
    assert am.manual_seed(-1).initial_seed() == 2**64 - 1


def test_the_global_stream_starts_nondeterministic_and_import_stays_lazy():
    """As PyTorch: an unseeded process draws other numbers each run. numpy.random is imported
    only when a random number is first drawn (import speed)."""
    code = ("import sys, autograd_mini as am; lazy = 'numpy.random' not in sys.modules; "
            "print(lazy, am.initial_seed(), am.rand(1).item())")
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    assert outs[0][0] == outs[1][0] == "True"
    assert outs[0][1:] != outs[1][1:]


def test_creation_generator_is_the_numpy_generator_behind_the_global_stream():
    am.manual_seed(3)
    rng = creation.generator()
    assert isinstance(rng, np.random.Generator) and creation.generator() is rng
    np.testing.assert_array_equal(rng.random(4), np.random.default_rng(3).random(4))
    am.manual_seed(3)  # seeding n gives NumPy's default_rng(n) numbers (as before Generators)
    np.testing.assert_array_equal(am.rand(4, dtype=np.float64).data,
                                  np.random.default_rng(3).random(4))


def test_dropout_draws_from_the_global_stream():
    x = am.ones(100)
    am.manual_seed(4)
    a = F.dropout(x, 0.5).data
    am.manual_seed(4)
    np.testing.assert_array_equal(F.dropout(x, 0.5).data, a)


# ---- multinomial statistics -------------------------------------------------------------------
def _chi_square(counts: np.ndarray, probabilities: np.ndarray) -> float:
    expected = counts.sum() * probabilities
    return float(((counts - expected) ** 2 / expected).sum())


# the 0.999 quantiles of the chi-square distribution with 1..5 degrees of freedom
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52}


def test_multinomial_with_replacement_frequencies():
    """A fixed seed, 40000 draws from weights 1:2:3:4 (not normalised): the chi-square statistic
    is below the 0.999 quantile (a sampler off by a category or uniform gives thousands)."""
    g = am.Generator().manual_seed(2024)
    weights = am.tensor([1.0, 2.0, 3.0, 4.0])
    draws = am.multinomial(weights, 40000, replacement=True, generator=g).data
    counts = np.bincount(draws, minlength=4)
    assert _chi_square(counts, np.array([0.1, 0.2, 0.3, 0.4])) < CHI2_999[3]


def test_multinomial_rows_are_sampled_from_their_own_weights():
    g = am.Generator().manual_seed(7)
    weights = am.tensor([[0.0, 5.0, 0.0, 5.0, 10.0], [3.0, 0.0, 1.0, 0.0, 0.0]], dtype=np.float64)
    draws = am.multinomial(weights, 20000, True, generator=g).data
    assert draws.shape == (2, 20000) and draws.dtype == np.int64
    c0 = np.bincount(draws[0], minlength=5)
    c1 = np.bincount(draws[1], minlength=5)
    assert c0[0] == c0[2] == 0 and c1[1] == c1[3] == c1[4] == 0  # zero weights never drawn
    assert _chi_square(c0[[1, 3, 4]], np.array([0.25, 0.25, 0.5])) < CHI2_999[2]
    assert _chi_square(c1[[0, 2]], np.array([0.75, 0.25])) < CHI2_999[1]


def test_multinomial_without_replacement():
    """Each index at most once per row; the first draw has the weights' distribution and the
    second P(j) = sum_i p_i p_j / (1 - p_i) (successive sampling, as PyTorch)."""
    g = am.Generator().manual_seed(99)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    rows = am.tensor(np.tile(p, (20000, 1)))
    draws = am.multinomial(rows, 4, generator=g).data
    assert all(sorted(r) == [0, 1, 2, 3] for r in draws[:200])
    first = np.bincount(draws[:, 0], minlength=4)
    assert _chi_square(first, p) < CHI2_999[3]
    second_p = np.array([sum(p[i] * p[j] / (1 - p[i]) for i in range(4) if i != j)
                         for j in range(4)])
    second = np.bincount(draws[:, 1], minlength=4)
    assert _chi_square(second, second_p) < CHI2_999[3]


def test_multinomial_without_replacement_takes_zero_weights_last():
    g = am.Generator().manual_seed(1)
    for _ in range(50):
        d = am.multinomial(am.tensor([0.0, 3.0, 0.0, 1.0]), 4, generator=g).data
        assert set(d[:2]) == {1, 3} and set(d[2:]) == {0, 2}
    assert am.multinomial(am.tensor([1.0, 0.0, 0.0]), 2).tolist()[0] == 0


def test_multinomial_method_and_large_weights():
    g = am.Generator().manual_seed(0)
    huge = am.from_numpy(np.array([1e308, 1e308]))
    assert huge.multinomial(1, generator=g).item() in (0, 1)  # the sum does not overflow
    t = am.tensor([0.2, 0.8])
    np.testing.assert_array_equal(t.multinomial(5, True, generator=am.Generator()).data,
                                  am.multinomial(t, 5, True, generator=am.Generator()).data)


# ---- normal, bernoulli, in-place fills: distributions and gradients ------------------------------
def test_normal_and_bernoulli_distributions():
    g = am.Generator().manual_seed(3)
    x = am.normal(2.0, 3.0, (200000,), generator=g, dtype=np.float64).data
    assert abs(x.mean() - 2.0) < 0.03 and abs(x.std() - 3.0) < 0.03
    means, stds = am.tensor([[-5.0], [5.0]]), am.tensor([0.5, 1.0, 2.0])
    y = am.normal(means, stds, generator=g)
    assert y.shape == (2, 3)
    z = am.normal(means.expand(2, 20000), 0.5, generator=g).data
    np.testing.assert_allclose(z.mean(axis=1), [-5.0, 5.0], atol=0.02)
    np.testing.assert_allclose(z.std(axis=1), [0.5, 0.5], atol=0.02)
    b = am.bernoulli(am.tensor([0.0, 1.0, 0.25]).expand(40000, 3), generator=g).data
    assert set(np.unique(b)) <= {0.0, 1.0}
    np.testing.assert_allclose(b.mean(axis=0), [0.0, 1.0, 0.25], atol=0.01)
    assert am.normal(0.0, 0.0, (3,)).tolist() == [0.0, 0.0, 0.0]


def test_normal_and_bernoulli_give_zero_gradients_as_pytorch():
    mean = am.zeros(3, requires_grad=True)
    std = am.ones(3, requires_grad=True)
    y = am.normal(mean, std)
    assert y.requires_grad and not y.is_leaf
    y.sum().backward()
    np.testing.assert_array_equal(mean.grad.data, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(std.grad.data, [0.0, 0.0, 0.0])
    p = am.full((3,), 0.5, requires_grad=True)
    b = am.bernoulli(p)
    assert b.requires_grad
    b.sum().backward()
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0, 0.0])
    with am.no_grad():
        assert not am.normal(mean, 1.0).requires_grad
    leaf = am.normal(0.0, 1.0, (2,), requires_grad=True)
    assert leaf.requires_grad and leaf.is_leaf


def test_uniform_and_normal_fill_in_place():
    t = am.zeros(4, 5)
    view = t[1]
    data = t.data
    assert t.uniform_(-1.0, 2.0, generator=am.Generator().manual_seed(0)) is t
    assert t.data is data and t._version == 1
    assert (t.data >= -1.0).all() and (t.data < 2.0).all() and np.unique(t.data).size == 20
    np.testing.assert_array_equal(view.data, t.data[1])  # views see the write
    am.manual_seed(0)
    t.normal_(10.0, 0.1)
    assert abs(t.data.mean() - 10.0) < 0.2
    d = am.zeros(3, dtype=np.float64).uniform_()
    assert d.dtype == np.float64 and ((d.data >= 0) & (d.data < 1)).all()
    column = am.zeros(3, 4)[:, 1]  # a non-contiguous view is filled in place too
    column.uniform_(5.0, 6.0)
    assert (column.data >= 5.0).all()


def test_uniform_and_normal_on_parameters_follow_pytorchs_in_place_rules():
    w = am.zeros(3, requires_grad=True)
    state = am.get_rng_state()
    with pytest.raises(RuntimeError, match="leaf tensor .* that requires grad"):
        w.uniform_()
    assert (am.get_rng_state().data == state.data).all()  # nothing drawn by the refused call
    assert (w.data == 0).all()
    with am.no_grad():
        w.uniform_(1.0, 2.0)
        w.normal_()
    assert w.is_leaf and w.requires_grad
    # on a result that requires grad: recorded, the old value's gradient is zero (as PyTorch)
    x = am.ones(3, requires_grad=True)
    y = x * 2
    y.normal_()
    (y * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])


# ---- creation functions' other arguments ------------------------------------------------------
def test_rand_like_and_randn_like_follow_the_input():
    base = am.ones(2, 3, dtype=np.float64)
    r = am.rand_like(base)
    assert r.shape == (2, 3) and r.dtype == np.float64 and ((r.data >= 0) & (r.data < 1)).all()
    n = am.randn_like(base, dtype=np.float32, requires_grad=True)
    assert n.dtype == np.float32 and n.requires_grad
    e = am.empty_like(np.zeros((2, 2), dtype=np.int32))  # an ndarray is accepted
    assert e.dtype == np.int32 and e.shape == (2, 2)


def test_random_creation_requires_grad_only_for_floats():
    assert am.rand(2, requires_grad=True).requires_grad
    assert am.randperm(3, dtype=np.float32, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
        am.randperm(3, requires_grad=True)
