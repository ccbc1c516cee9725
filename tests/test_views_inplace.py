"""Views, in-place writes and version counters, as in PyTorch: no silent wrong answers.

A. Views share memory with their base: a write through either is seen by the other (basic
   indexing, reshape/view, transpose/permute/.T/.mT, squeeze/unsqueeze, flatten, detach(), split
   pieces). Advanced indexing copies.
B. Backward sees a write into an array it saved, through any alias (detach(), slices, transposes,
   reshapes, the tensor itself): PyTorch's "modified by an inplace operation" error.
C. In-place ops on a result (+=, *=, setitem, relu_, clamp_, add_(alpha=), sub_, div_, copy_,
   fill_) write into its array (aliases see the values) and rebase its history: PyTorch's values
   and gradients.
D. Refused, with an error that says what to do: a recorded write into a tensor that shares its
   memory with another that requires grad (PyTorch rebases the other's history: CopySlices).

Every program runs on autograd_mini against PyTorch 2.13's results, written here (TORCH), and, where
torch is installed, on torch itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_mini as am


def _np(t):
    return np.asarray(t.detach().numpy(), dtype=np.float64).tolist()


def _x(lib):
    return lib.tensor(np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]), requires_grad=True)


# ---- A: views share memory -------------------------------------------------------------
def _plain(lib):
    return lib.tensor(np.arange(6.0).reshape(2, 3))


VIEWS = {
    "basic index": lambda t: t[0],
    "slice": lambda t: t[:, 1:],
    "reshape": lambda t: t.reshape(3, 2),
    "view": lambda t: t.view(6),
    "transpose": lambda t: t.transpose(0, 1),
    "permute": lambda t: t.permute(1, 0),
    "T": lambda t: t.T,
    "mT": lambda t: t.mT,
    "unsqueeze": lambda t: t.unsqueeze(0),
    "squeeze": lambda t: t.unsqueeze(0).squeeze(0),
    "flatten": lambda t: t.flatten(),
    "detach": lambda t: t.detach(),
    "split piece": lambda t: t.split(1, 1)[1],
    "None index": lambda t: t[None, 1],
}


def write_through_view(lib, name):
    base = _plain(lib)
    v = VIEWS[name](base)
    v += 100.0
    return {"base": _np(base), "view": _np(v)}


def write_through_base(lib, name):
    base = _plain(lib)
    v = VIEWS[name](base)
    base.mul_(-1.0)
    return {"base": _np(base), "view": _np(v)}


# ---- C: in place on a non-leaf: values and gradients ---------------------------------------
def iadd(lib):
    x = _x(lib)
    y = x * 2
    y += 1
    (y * y).sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def imul_by_input(lib):
    x = _x(lib)
    y = x * 2
    y *= x
    y.sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def setitem_row(lib):
    x = _x(lib)
    y = x * 2
    y[0] = 0.0
    (y * x).sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def setitem_from_tensor(lib):
    x = _x(lib)
    w = lib.tensor(np.array([7.0, 8.0, 9.0]), requires_grad=True)
    y = x * 1.0
    y[1] = w * 2
    (y ** 2).sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad), "w.grad": _np(w.grad)}


def relu_(lib):
    x = _x(lib)
    y = x * 3
    y.relu_()
    (y * y).sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def clamp_(lib):
    x = _x(lib)
    y = x * 1.0
    y.clamp_(-1.0, 2.0)
    y.sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def add_alpha(lib):
    x = _x(lib)
    y = x * 2
    y.add_(x, alpha=3)
    y.sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def sub_div_(lib):
    x = _x(lib)
    y = x ** 2
    y.sub_(x)
    y.div_(2.0)
    y.sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def detached_alias_sees_the_write(lib):
    x = _x(lib)
    y = x * 2
    d = y.detach()
    y += 1
    y.sum().backward()
    return {"d": _np(d), "x.grad": _np(x.grad)}


def division_result_updated(lib):
    x = _x(lib)
    loss = (x * x).sum() / 4
    loss += 1.0
    loss.backward()
    return {"loss": _np(loss), "x.grad": _np(x.grad)}


def fill_zero_copy(lib):
    x = _x(lib)
    y = x * 2
    z = x * 3
    y.copy_(z)
    y.sum().backward()
    a = _np(x.grad)
    x.grad = None
    y = x * 2
    y.fill_(5.0)
    (y * x).sum().backward()
    return {"copy x.grad": a, "fill x.grad": _np(x.grad), "y": _np(y)}


IN_PLACE = {f.__name__: f for f in (iadd, imul_by_input, setitem_row, setitem_from_tensor, relu_, clamp_,
            add_alpha, sub_div_, detached_alias_sees_the_write, division_result_updated, fill_zero_copy)}


# ---- B: backward sees writes through any alias -------------------------------------------
def _saved_output_written(lib, write):
    x = _x(lib)
    y = x.exp()
    z = y.sum()
    with lib.no_grad():
        write(y)
    z.backward()


ALIAS_WRITES = {
    "through detach()": lambda y: y.detach().add_(1.0),
    "through a slice": lambda y: y[0].add_(1.0),
    "through a transpose": lambda y: y.T.mul_(2.0),
    "through a reshape": lambda y: y.reshape(6).zero_(),
    "through a view of a detach": lambda y: y.detach()[1, 1:].fill_(0.0),
    "through the tensor itself": lambda y: y.add_(1.0),
}


def saved_input_written_through_detach(lib):
    x = _x(lib)
    w = lib.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    z = (x * w).sum()
    w.detach().mul_(2.0)
    z.backward()


# ---- D: refused here (PyTorch rebases the other tensor's history) --------------------------
def write_into_view_of_nonleaf(lib):
    x = _x(lib)
    y = x * 2
    v = y[0]
    v += 10.0
    (y * y).sum().backward()
    return {"y": _np(y), "x.grad": _np(x.grad)}


def write_into_base_with_live_view(lib):
    x = _x(lib)
    y = x * 2
    v = y[0]
    y *= 3.0
    (v * v).sum().backward()
    return {"v": _np(v), "x.grad": _np(x.grad)}


REFUSED = {f.__name__: f for f in (write_into_view_of_nonleaf, write_into_base_with_live_view)}


# PyTorch 2.13's results of the programs above (torch.float64 inputs).
TORCH: dict[str, Any] = {'A_base': {'None index': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                           'view': [[-3.0, -4.0, -5.0]]},
            'T': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                  'view': [[-0.0, -3.0], [-1.0, -4.0], [-2.0, -5.0]]},
            'basic index': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                            'view': [-0.0, -1.0, -2.0]},
            'detach': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                       'view': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]]},
            'flatten': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                        'view': [-0.0, -1.0, -2.0, -3.0, -4.0, -5.0]},
            'mT': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                   'view': [[-0.0, -3.0], [-1.0, -4.0], [-2.0, -5.0]]},
            'permute': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                        'view': [[-0.0, -3.0], [-1.0, -4.0], [-2.0, -5.0]]},
            'reshape': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                        'view': [[-0.0, -1.0], [-2.0, -3.0], [-4.0, -5.0]]},
            'slice': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                      'view': [[-1.0, -2.0], [-4.0, -5.0]]},
            'split piece': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                            'view': [[-1.0], [-4.0]]},
            'squeeze': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                        'view': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]]},
            'transpose': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                          'view': [[-0.0, -3.0], [-1.0, -4.0], [-2.0, -5.0]]},
            'unsqueeze': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                          'view': [[[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]]]},
            'view': {'base': [[-0.0, -1.0, -2.0], [-3.0, -4.0, -5.0]],
                     'view': [-0.0, -1.0, -2.0, -3.0, -4.0, -5.0]}},
 'A_view': {'None index': {'base': [[0.0, 1.0, 2.0], [103.0, 104.0, 105.0]],
                           'view': [[103.0, 104.0, 105.0]]},
            'T': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                  'view': [[100.0, 103.0], [101.0, 104.0], [102.0, 105.0]]},
            'basic index': {'base': [[100.0, 101.0, 102.0], [3.0, 4.0, 5.0]],
                            'view': [100.0, 101.0, 102.0]},
            'detach': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                       'view': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]]},
            'flatten': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                        'view': [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]},
            'mT': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                   'view': [[100.0, 103.0], [101.0, 104.0], [102.0, 105.0]]},
            'permute': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                        'view': [[100.0, 103.0], [101.0, 104.0], [102.0, 105.0]]},
            'reshape': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                        'view': [[100.0, 101.0], [102.0, 103.0], [104.0, 105.0]]},
            'slice': {'base': [[0.0, 101.0, 102.0], [3.0, 104.0, 105.0]],
                      'view': [[101.0, 102.0], [104.0, 105.0]]},
            'split piece': {'base': [[0.0, 101.0, 2.0], [3.0, 104.0, 5.0]],
                            'view': [[101.0], [104.0]]},
            'squeeze': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                        'view': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]]},
            'transpose': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                          'view': [[100.0, 103.0], [101.0, 104.0], [102.0, 105.0]]},
            'unsqueeze': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                          'view': [[[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]]]},
            'view': {'base': [[100.0, 101.0, 102.0], [103.0, 104.0, 105.0]],
                     'view': [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]}},
 'B': {'saved input through detach': 'RuntimeError',
       'through a reshape': 'RuntimeError',
       'through a slice': 'RuntimeError',
       'through a transpose': 'RuntimeError',
       'through a view of a detach': 'RuntimeError',
       'through detach()': 'RuntimeError',
       'through the tensor itself': 'RuntimeError'},
 'C': {'add_alpha': {'x.grad': [[5.0, 5.0, 5.0], [5.0, 5.0, 5.0]],
                     'y': [[5.0, -10.0, 15.0], [2.5, 20.0, -7.5]]},
       'clamp_': {'x.grad': [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]],
                  'y': [[1.0, -1.0, 2.0], [0.5, 2.0, -1.0]]},
       'detached_alias_sees_the_write': {'d': [[3.0, -3.0, 7.0], [2.0, 9.0, -2.0]],
                                         'x.grad': [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]},
       'division_result_updated': {'loss': 9.125, 'x.grad': [[0.5, -1.0, 1.5], [0.25, 2.0, -0.75]]},
       'fill_zero_copy': {'copy x.grad': [[3.0, 3.0, 3.0], [3.0, 3.0, 3.0]],
                          'fill x.grad': [[5.0, 5.0, 5.0], [5.0, 5.0, 5.0]],
                          'y': [[5.0, 5.0, 5.0], [5.0, 5.0, 5.0]]},
       'iadd': {'x.grad': [[12.0, -12.0, 28.0], [8.0, 36.0, -8.0]],
                'y': [[3.0, -3.0, 7.0], [2.0, 9.0, -2.0]]},
       'imul_by_input': {'x.grad': [[4.0, -8.0, 12.0], [2.0, 16.0, -6.0]],
                         'y': [[2.0, 8.0, 18.0], [0.5, 32.0, 4.5]]},
       'relu_': {'x.grad': [[18.0, 0.0, 54.0], [9.0, 72.0, 0.0]],
                 'y': [[3.0, 0.0, 9.0], [1.5, 12.0, 0.0]]},
       'setitem_from_tensor': {'w.grad': [56.0, 64.0, 72.0],
                               'x.grad': [[2.0, -4.0, 6.0], [0.0, 0.0, 0.0]],
                               'y': [[1.0, -2.0, 3.0], [14.0, 16.0, 18.0]]},
       'setitem_row': {'x.grad': [[0.0, 0.0, 0.0], [2.0, 16.0, -6.0]],
                       'y': [[0.0, 0.0, 0.0], [1.0, 8.0, -3.0]]},
       'sub_div_': {'x.grad': [[0.5, -2.5, 2.5], [0.0, 3.5, -2.0]],
                    'y': [[0.0, 3.0, 3.0], [-0.125, 6.0, 1.875]]}},
 'D': {'write_into_base_with_live_view': {'v': [6.0, -12.0, 18.0],
                                          'x.grad': [[72.0, -144.0, 216.0], [0.0, 0.0, 0.0]]},
       'write_into_view_of_nonleaf': {'x.grad': [[48.0, 24.0, 64.0], [4.0, 32.0, -12.0]],
                                      'y': [[12.0, 6.0, 16.0], [1.0, 8.0, -3.0]]}}}


def _close(got: dict[str, Any], want: dict[str, Any], what: str) -> None:
    assert set(got) == set(want), what
    for key in want:
        np.testing.assert_allclose(np.asarray(got[key]), np.asarray(want[key]), rtol=1e-12,
                                   err_msg=f"{what}: {key}")


@pytest.mark.parametrize("name", list(VIEWS))
def test_a_write_through_a_view_is_seen_by_its_base(name: str) -> None:
    _close(write_through_view(am, name), TORCH["A_view"][name], name)


@pytest.mark.parametrize("name", list(VIEWS))
def test_a_write_through_the_base_is_seen_by_its_view(name: str) -> None:
    _close(write_through_base(am, name), TORCH["A_base"][name], name)


def test_advanced_indexing_copies() -> None:
    base = am.tensor(np.arange(6.0))
    picked = base[[0, 2]]
    picked += 100.0
    np.testing.assert_array_equal(base.data, np.arange(6.0))


@pytest.mark.parametrize("name", list(ALIAS_WRITES))
def test_backward_refuses_a_saved_output_written_through_any_alias(name: str) -> None:
    assert TORCH["B"][name] == "RuntimeError"
    with pytest.raises(RuntimeError, match=r"ExpBackward.*modified in place"):
        _saved_output_written(am, ALIAS_WRITES[name])


def test_backward_refuses_a_saved_input_written_through_detach() -> None:
    assert TORCH["B"]["saved input through detach"] == "RuntimeError"
    with pytest.raises(RuntimeError, match=r"MulBackward.*modified in place"):
        saved_input_written_through_detach(am)


@pytest.mark.parametrize("name", list(IN_PLACE))
def test_in_place_on_a_result_gives_pytorchs_values_and_gradients(name: str) -> None:
    _close(IN_PLACE[name](am), TORCH["C"][name], name)


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_write_that_would_need_another_tensors_history_rebased_is_refused(name: str) -> None:
    assert TORCH["D"][name]  # PyTorch computes these (see the README's list of refused cases)
    with pytest.raises(RuntimeError, match=r"shares its memory with another tensor.*CopySlices"):
        REFUSED[name](am)


def test_a_refused_write_changes_nothing() -> None:
    x = am.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 2
    v = y[0:1]
    with pytest.raises(RuntimeError):
        v += 10.0
    np.testing.assert_array_equal(y.data, [2.0, 4.0])
    assert v.grad_fn is not None and v.grad_fn.name() == "GetItemBackward"


def test_data_and_numpy_alias_without_counting_a_write() -> None:
    """`.data` and `.numpy()` are the documented bypass: they alias the memory, bump nothing."""
    x = am.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x.exp()
    y.data += 1.0  # the saved output is changed, and nothing says so (as in PyTorch)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp([1.0, 2.0]) + 1.0)


def test_the_same_programs_in_pytorch() -> None:
    torch = pytest.importorskip("torch")
    for name in VIEWS:
        _close(write_through_view(torch, name), TORCH["A_view"][name], f"torch {name}")
        _close(write_through_base(torch, name), TORCH["A_base"][name], f"torch {name}")
    for name, program in IN_PLACE.items():
        _close(program(torch), TORCH["C"][name], f"torch {name}")
    for name, program in REFUSED.items():
        _close(program(torch), TORCH["D"][name], f"torch {name}")
    for write in ALIAS_WRITES.values():
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            _saved_output_written(torch, write)


@pytest.mark.parametrize("write, value", [("fill_", 3.0), ("zero_", 0.0), ("copy_", 2.5)])
def test_fill_zero_copy_give_exactly_the_new_values_over_inf_and_nan(write: str, value: float) -> None:
    """PyTorch 2.13: y = x * [inf, nan]; y.fill_(3.0) (recorded) gives [3, 3] and y still requires
    grad; the old values' gradient is zero (here 0 * inf, NaN, through the multiplication)."""
    x = am.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * np.array([np.inf, np.nan])
    args = {"fill_": (value,), "zero_": (), "copy_": (am.tensor(np.full(2, value)),)}[write]
    getattr(y, write)(*args)
    np.testing.assert_array_equal(y.data, [value, value])
    assert y.requires_grad and y.grad_fn is not None
    with np.errstate(invalid="ignore"):
        y.sum().backward()
    assert np.isnan(x.grad.data).all()  # PyTorch: tensor([nan, nan])
    plain = am.tensor(np.array([np.inf, np.nan]))
    getattr(plain, write)(*args)
    np.testing.assert_array_equal(plain.data, [value, value])


def test_inplace_activations_write_into_their_input() -> None:
    """F.relu/leaky_relu/dropout(inplace=True) and their modules, as PyTorch 2.13:
    leaky_relu_(x * 2, 0.1) at x = [1, -2, 3] is [2, -0.4, 6] with x.grad [2, 0.2, 2]."""
    F = am.nn.functional
    x = am.tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    y = x * 2
    assert F.leaky_relu(y, 0.1, inplace=True) is y
    np.testing.assert_allclose(y.data, [2.0, -0.4, 6.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 0.2, 2.0])
    x.grad = None
    y = x * 1.0
    assert F.relu(y, inplace=True) is y
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0, 1.0])
    x.grad = None
    am.manual_seed(0)
    y = x * 1.0
    assert F.dropout(y, 0.5, training=True, inplace=True) is y
    y.sum().backward()
    kept = y.data != 0
    np.testing.assert_array_equal(x.grad.data, np.where(kept, 2.0, 0.0))
    np.testing.assert_array_equal(y.data, np.where(kept, 2.0 * x.data, 0.0))
    model = am.nn.Sequential(am.nn.Linear(3, 4), am.nn.ReLU(inplace=True), am.nn.Linear(4, 1))
    model(am.randn(2, 3)).sum().backward()  # (the usual CNN/MLP pattern works)
    assert all(p.grad is not None for p in model.parameters())


def test_views_taken_again_and_again_keep_no_graph_alive() -> None:
    """A long-lived base (a weight) whose views are taken every step without any write (an
    inference loop): the alias list keeps neither the views' nodes nor their graphs alive, and
    stays short."""
    import gc
    import weakref

    w = am.tensor(np.ones((3, 2)), requires_grad=True)
    first = None
    for _ in range(200):
        out = (w.T * 2.0).sum()
        if first is None:
            first = weakref.ref(out.grad_fn)
        del out
    gc.collect()
    assert first() is None
    assert len(w._aliases) <= 18
