"""Every error the core promises: each is triggered, its message must name the problem (and the
shapes or dtypes involved), and, where state could change, nothing has changed when it is raised."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini as am

Function = am.autograd.Function


def leaf(values) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


X = np.ones((2, 3))


def x23() -> am.Tensor:
    return leaf(X)


# ---- (error type, pattern the message must match, the call) ------------------------------------
CASES = {
    # dtype policy
    "requires_grad on int": (TypeError, r"only floating-point.*int64",
                             lambda: am.tensor(np.array([1, 2]), requires_grad=True)),
    "requires_grad on bool": (TypeError, r"only floating-point.*bool",
                              lambda: am.Tensor(np.array([True]), requires_grad=True)),
    "requires_grad_ on int": (TypeError, r"int32",
                              lambda: am.tensor(np.arange(3, dtype=np.int32)).requires_grad_()),
    "zeros(requires_grad) with int dtype": (TypeError, r"int64",
                                            lambda: am.zeros(2, dtype=np.int64,
                                                             requires_grad=True)),
    "string data": (TypeError, r"unsupported tensor dtype <U1 \(shape \(1,\)\)",
                    lambda: am.tensor(["a"])),
    "non-float default dtype": (TypeError, r"floating dtype.*int32",
                                lambda: am.set_default_dtype(np.int32)),
    "negative size": (ValueError, r"non-negative ints.*-1", lambda: am.zeros(2, -1)),
    # backward
    "backward of a non-scalar": (RuntimeError,
                                 r"shape \(2, 3\).*\.sum\(\).*gradient=.*am\.func\.jacobian",
                                 lambda: (x23() * 2.0).backward()),
    "backward gradient of the wrong shape": (ValueError, r"gradient has shape \(3,\) but the "
                                             r"output has shape \(2, 3\)",
                                             lambda: (x23() * 2.0).backward(np.ones(3))),
    "backward of a tensor outside any graph": (RuntimeError,
                                               r"shape \(2,\) does not require grad.*no_grad",
                                               lambda: am.tensor(np.ones(2)).backward()),
    "autograd.grad input without requires_grad": (
        RuntimeError, r"input 1 is a tensor of shape \(2,\) that does not require grad",
        lambda: am.autograd.grad((x23() * 2).sum(), [x23(), am.tensor(np.ones(2))])),
    "autograd.grad input not a tensor": (RuntimeError, r"input 0 is a ndarray",
                                         lambda: am.autograd.grad(x23().sum(), [X])),
    "func.grad of a non-scalar": (ValueError, r"one-element Tensor, got \(2,\).*jacobian",
                                  lambda: am.func.grad(lambda a: a * 2)(am.tensor(np.ones(2)))),
    "func.grad argnums": (TypeError, r"argument 2 must be a Tensor",
                          lambda: am.func.grad(lambda a: a.sum(), argnums=2)(x23())),
    # broadcasting and shapes
    "add shapes": (ValueError, r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast",
                   lambda: x23() + am.tensor(np.ones(4))),
    "mul with ndarray": (ValueError, r"mul: shapes \(2, 3\) and \(2,\) cannot be broadcast",
                         lambda: x23() * np.ones(2)),
    "maximum shapes": (ValueError, r"maximum: shapes \(2, 3\) and \(4,\)",
                       lambda: am.maximum(x23(), np.ones(4))),
    "where shapes": (ValueError, r"where: shapes \(2,\) and \(2, 3\) and \(4,\)",
                     lambda: am.where(np.array([True, False]), x23(), np.ones(4))),
    "where condition dtype": (TypeError, r"condition must be boolean, got dtype float64",
                              lambda: am.where(am.tensor(np.ones(3)), x23(), 0.0)),
    "matmul alignment": (ValueError, r"matmul: shapes \(2, 3\) and \(2, 2\) are not aligned "
                                     r"\(3 != 2\)",
                         lambda: x23() @ am.tensor(np.ones((2, 2)))),
    "matmul batch": (ValueError, r"matmul \(batch dimensions\): shapes \(2,\) and \(3,\)",
                     lambda: am.tensor(np.ones((2, 2, 3))) @ am.tensor(np.ones((3, 3, 1)))),
    "matmul 0-d": (ValueError, r"at least 1 dimension.*\(2, 3\) and \(\)",
                   lambda: x23() @ am.tensor(np.array(1.0))),
    "reshape": (ValueError, r"shape \(2, 3\) \(6 elements\) into shape \(4,\)",
                lambda: x23().reshape(4)),
    "broadcast_to": (ValueError, r"shape \(2, 3\) cannot be broadcast to \(3, 3\)",
                     lambda: x23().broadcast_to((3, 3))),
    "expand rank": (ValueError, r"expand: shape \(3,\) has fewer dimensions than.*\(2, 3\)",
                    lambda: x23().expand(3)),
    "permute": (ValueError, r"\(0, 0\) is not a permutation.*\(2, 3\)",
                lambda: x23().permute(0, 0)),
    "axis out of range": (IndexError, r"sum: axis 2 is out of range.*2 dimension",
                          lambda: x23().sum(2)),
    "repeated axis": (ValueError, r"max: repeated axis in \(0, -2\)",
                      lambda: x23().max(axis=(0, -2))),
    "unsqueeze out of range": (IndexError, r"unsqueeze: dim 4 .*shape \(2, 3\).*-3 to 2",
                               lambda: x23().unsqueeze(4)),
    "stack axis": (IndexError, r"stack: dim 3 .*shape \(2, 3\)",
                   lambda: am.stack([x23(), x23()], dim=3)),
    "flatten order": (ValueError, r"start_dim 1 comes after end_dim 0",
                      lambda: x23().flatten(1, 0)),
    "cat shapes": (ValueError, r"cat: shapes \(2, 3\) and \(2, 2\) differ outside axis 0",
                   lambda: am.cat([x23(), am.tensor(np.ones((2, 2)))])),
    "cat empty": (TypeError, r"non-empty sequence", lambda: am.cat([])),
    "stack shapes": (ValueError, r"same shape.*\(2, 3\) and \(3,\)",
                     lambda: am.stack([x23(), am.tensor(np.ones(3))])),
    "split sizes": (ValueError, r"sizes \[1, 1\] do not add up to 3.*axis 1 of shape \(2, 3\)",
                    lambda: am.split(x23(), [1, 1], dim=1)),
    "split size": (ValueError, r"split size must be positive, got 0", lambda: x23().split(0)),
    "pad width": (ValueError, r"pad_width.*does not fit a tensor of shape \(2, 3\)",
                  lambda: am.pad(x23(), ((1, 1), (1, 1), (1, 1)))),
    "pad negative": (ValueError, r"negative pad width", lambda: am.pad(x23(), -1)),
    "getitem out of bounds": (IndexError, r"index \[:, \[0, 7\]\] is invalid for a tensor of "
                                          r"shape \(2, 3\)",
                              lambda: x23()[:, [0, 7]]),
    "getitem float index array": (IndexError, r"integer or boolean, got dtype float64",
                                  lambda: x23()[np.array([0.5])]),
    "getitem mask shape": (IndexError, r"shape \(2, 3\)",
                           lambda: x23()[np.array([True, False, True])]),
    # reductions and values
    "var two corrections": (TypeError, r"only one of correction, unbiased and ddof",
                            lambda: am.var(x23(), correction=1, ddof=0)),
    "max of nothing": (ValueError, r"max: .*empty selection of shape \(0, 2\)",
                       lambda: am.max(am.tensor(np.ones((0, 2))))),
    "argmax of two axes": (ValueError, r"argmax: takes one axis or None, got \(0, 1\)",
                           lambda: x23().argmax(axis=(0, 1))),
    "clip with no bound": (ValueError, r"at least one of min and max", lambda: am.clip(x23())),
    "clip with tensor bound": (TypeError, r"am\.maximum/am\.minimum",
                               lambda: am.clip(x23(), min=x23())),
    "softmax without dim": (TypeError, r"softmax: dim is required",
                            lambda: am.softmax(x23(), dim=None)),
    "both dim and axis": (TypeError, r"dim or axis, not both",
                          lambda: x23().sum(dim=0, axis=1)),
    "unsupported reduction argument": (TypeError, r"argument 'out' is not supported",
                                       lambda: x23().sum(out=np.empty(()))),
    "item of many": (ValueError, r"one element.*shape \(2, 3\)", lambda: x23().item()),
    "truth value": (ValueError, r"6 elements \(shape \(2, 3\)\) is ambiguous",
                    lambda: bool(x23())),
    "len of 0-d": (TypeError, r"len\(\) of a 0-d tensor", lambda: len(am.tensor(1.0))),
    # NumPy interoperation
    "ufunc without an op": (TypeError, r"numpy\.cbrt.*requires grad.*no op for numpy\.cbrt",
                            lambda: np.cbrt(x23())),
    "ufunc with out=": (TypeError, r"numpy\.exp.*use am\.exp",
                        lambda: np.exp(x23(), out=np.empty((2, 3)))),
    "implicit conversion": (TypeError, r"requires grad.*detach\(\)\.numpy\(\)",
                            lambda: np.asarray(x23())),
    "numpy() with grad": (RuntimeError, r"requires grad.*detach\(\)\.numpy\(\)",
                          lambda: x23().numpy()),
    # hooks and grad flags
    "retain_grad without grad": (RuntimeError, r"retain_grad\(\) on a tensor that does not "
                                               r"require grad",
                                 lambda: am.tensor(np.ones(2)).retain_grad()),
    "register_hook without grad": (RuntimeError, r"does not require grad",
                                   lambda: am.tensor(np.ones(2)).register_hook(print)),
    "requires_grad_(False) on a non-leaf": (RuntimeError, r"leaf variables.*detach",
                                            lambda: (x23() * 2).requires_grad_(False)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_message_names_the_problem(case):
    kind, pattern, call = CASES[case]
    with pytest.raises(kind, match=pattern):
        call()


# ---- errors from the engine -----------------------------------------------------------------
def test_second_backward_through_a_freed_graph_names_the_node_and_the_fix():
    x = leaf([1.0, 2.0])
    y = am.tanh(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"TanhBackward.*second time.*already freed.*"
                                           r"retain_graph=True"):
        y.backward()
    np.testing.assert_allclose(x.grad.data, 1 - np.tanh(x.data) ** 2)  # unchanged


def test_wrongly_shaped_gradient_from_a_backward_names_the_op_and_both_shapes():
    class Bad(Function):
        @staticmethod
        def forward(ctx, a):
            return a.data * 2.0

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    x, other = leaf(np.ones(3)), leaf(np.ones(3))
    loss = (Bad.apply(x) + other * 2.0).sum()
    with pytest.raises(RuntimeError, match=r"BadBackward: the gradient for input 0 has shape "
                                           r"\(1,\), but the input had shape \(3,\)"):
        loss.backward()
    assert x.grad is None and other.grad is None  # nothing was written before the error


@pytest.mark.parametrize("shared", [False, True], ids=["two tensors", "one tensor twice"])
def test_wrongly_shaped_gradient_for_a_later_input_names_that_input(shared):
    class Bad(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a.data * b.data

        @staticmethod
        def backward(ctx, g):
            return g, g[:1]  # right for input 0, wrong for input 1

    x = leaf(np.ones(3))
    y = x if shared else leaf(np.ones(3))
    with pytest.raises(RuntimeError, match=r"BadBackward: the gradient for input 1 has shape "
                                           r"\(1,\), but the input had shape \(3,\)"):
        Bad.apply(x, y).sum().backward()


def test_wrong_number_of_gradients_names_the_op():
    class Bad(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a.data * b.data

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match=r"BadBackward: backward returned 1 gradient\(s\) "
                                           r"for 2 input\(s\)"):
        Bad.apply(leaf([1.0]), leaf([2.0])).sum().backward()


def test_hook_returning_a_wrong_shape_names_both_shapes():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    h.register_hook(lambda g: g[:1])
    with pytest.raises(RuntimeError, match=r"hook on the output of MulBackward returned a "
                                           r"gradient of shape \(1,\), expected \(2,\)"):
        h.sum().backward()


def test_in_place_after_save_names_the_op_and_where_it_was_created():
    x = leaf([1.0, 2.0])
    c = am.tensor(np.array([1.0, 1.0]))
    y = (x * c).sum()
    c *= 2.0
    with pytest.raises(RuntimeError, match=r"MulBackward: a tensor of shape \(2,\) .*modified "
                                           r"in place.*version 0 -> 1.*detect_anomaly"):
        y.backward()
    with am.autograd.detect_anomaly():
        y = (x * c).sum()
        c *= 2.0
        with pytest.raises(RuntimeError, match=r"MulBackward \(created at .*test_errors\.py:\d+"):
            y.backward()


@pytest.mark.parametrize("write", [
    lambda y: y.__iadd__(1.0),
    lambda y: y.__setitem__(0, 5.0),
    lambda y: y.fill_(2.0),
])
def test_a_saved_output_written_in_place_is_refused_after_its_tensor_is_gone(write):
    # tanh saves its output, held weakly by the node: the check must outlive the tensor
    x = leaf([0.5, -0.25])
    y = am.tanh(x)
    z = y + 1.0  # (Add saves nothing: only TanhBackward holds y's values)
    with am.no_grad():
        write(y)
    del y
    with pytest.raises(RuntimeError, match=r"TanhBackward: a tensor of shape \(2,\) that this op "
                                           r"saved for backward was modified in place.*written"):
        z.sum().backward()
    assert x.grad is None


def test_an_output_written_by_a_recorded_in_place_op_is_refused_once_gone():
    # recorded in place, y's own array is written (as in PyTorch, which raises here too): what
    # TanhBackward saved is overwritten, and backward says so even after y is gone
    x = leaf([0.5, -0.25])
    y = am.tanh(x)
    y += 1.0
    z = y * 1.0
    del y
    with pytest.raises(RuntimeError, match=r"TanhBackward.*modified in place"):
        z.sum().backward()


def test_anomaly_mode_names_the_op_that_produced_a_non_finite_gradient():
    with am.autograd.detect_anomaly(), np.errstate(divide="ignore"):
        x = leaf([0.0, 1.0])
        y = am.sqrt(x).sum()
        with pytest.raises(RuntimeError, match=r"SqrtBackward returned inf in the gradient for "
                                               r"its input 0 \(input shapes: \(2,\)\).*"
                                               r"test_errors\.py"):
            y.backward()


# ---- in place: refused before anything changes --------------------------------------------------
def test_in_place_on_a_leaf_that_requires_grad():
    w = leaf(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match=r"in-place add on a leaf tensor of shape \(2, 3\) "
                                           r"that requires grad.*no_grad.*x = x \+ y.*detach"):
        w += 1.0
    with pytest.raises(RuntimeError, match=r"in-place setitem on a leaf tensor of shape \(2, 3\)"):
        w[0, 0] = 5.0
    np.testing.assert_array_equal(w.data, np.ones((2, 3)))
    assert w._version == 0 and w.is_leaf


@pytest.mark.parametrize("update, pattern, kind", [
    (lambda t: t.__iadd__(np.ones((2, 3))), r"result has shape \(2, 3\).*tensor's shape \(3,\)",
     ValueError),
    (lambda t: t.__imul__(np.ones(4)), r"in-place mul: shapes \(3,\) and \(4,\)", ValueError),
    (lambda t: t.__setitem__(5, 1.0), r"setitem.*index \[5\] of a tensor of shape \(3,\)",
     IndexError),
    (lambda t: t.__setitem__(slice(0, 2), np.ones(3)), r"value of shape \(3,\) to index \[0:2\]",
     ValueError),
])
def test_in_place_shape_errors_leave_the_tensor_unchanged(update, pattern, kind):
    t = am.tensor(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(kind, match=pattern):
        update(t)
    np.testing.assert_array_equal(t.data, [1.0, 2.0, 3.0])
    assert t._version == 0


def test_in_place_dtype_error_names_both_dtypes():
    i = am.tensor(np.array([1, 2]))
    # int64 + 0.5 is float32 by PyTorch's promotion; PyTorch raises RuntimeError, and the error
    # is both a TypeError and a RuntimeError
    with pytest.raises(RuntimeError, match=r"result dtype float32 cannot be stored in a tensor of "
                                           r"dtype int64"):
        i += 0.5
    np.testing.assert_array_equal(i.data, [1, 2])


def test_in_place_on_a_read_only_view():
    view = am.tensor(np.ones(3)).expand(2, 3)
    with pytest.raises(ValueError, match=r"array \(shape \(2, 3\)\) is read-only.*clone"):
        view += 1.0
