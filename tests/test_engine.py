"""The backward engine: graph shapes, repeated and higher-order backward, hooks, grad mode,
in-place detection, memory, `autograd.grad`, the `am.func` transforms and custom Functions.

Expected values are closed forms computed with NumPy, never values copied from a run.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref

import numpy as np
import pytest

import autograd_mini as am


def leaf(values, dtype=np.float64) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# ---- graph shapes -----------------------------------------------------------------------------
def test_reuse_of_a_tensor_adds_its_gradients():
    a = leaf(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_diamond():
    x = leaf([0.3, -1.2, 2.0])
    left = am.sin(x)
    right = am.exp(x)
    y = (left * right).sum()  # d/dx sin(x) exp(x) = (cos x + sin x) exp(x)
    y.backward()
    v = x.data
    np.testing.assert_allclose(x.grad.data, (np.cos(v) + np.sin(v)) * np.exp(v), rtol=1e-12)


def test_deep_diamonds_stack_up():
    # y_{k+1} = y_k * y_k' where both branches come from y_k: d/dx after n levels is 2^n x^(2^n-1)
    x = leaf(1.01)
    y = x
    for _ in range(6):
        y = (y * 1.0) * (y + 0.0)
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 64 * 1.01 ** 63, rtol=1e-12)


def test_same_tensor_in_two_losses():
    x = leaf([1.0, -2.0, 0.5])
    loss1 = (x * x).sum()
    loss2 = (3.0 * x).sum()
    (loss1 + loss2).backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 3.0)

    x.grad = None
    loss1 = (x * x).sum()
    loss2 = (3.0 * x).sum()
    loss1.backward()
    loss2.backward()  # two backward calls accumulate into the same leaf
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 3.0)


def test_x_matmul_x_transpose():
    rng = np.random.default_rng(0)
    x = leaf(rng.standard_normal((4, 3)))
    w = rng.standard_normal((4, 4))
    (x @ x.T * am.tensor(w)).sum().backward()
    # d/dx sum(W * X X^T) = (W + W^T) X
    np.testing.assert_allclose(x.grad.data, (w + w.T) @ x.data, rtol=1e-12)


def test_multiple_roots_and_outputs_of_one_node():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    first, second = am.split(x, 2)
    am.autograd.backward([(first * 2.0).sum(), (second ** 2).sum()])
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0, 6.0, 8.0])


def test_unused_output_of_a_multi_output_op_gets_zero():
    x = leaf([1.0, 2.0, 3.0])
    parts = am.split(x, 1)
    parts[1].backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0])


def test_long_chain_under_the_default_recursion_limit():
    limit = sys.getrecursionlimit()
    assert limit <= 10_000, "the test must run under a normal recursion limit"
    x = leaf(1.0)
    y = x
    n = 100_000
    for _ in range(n):
        y = y * 1.00001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.00001 ** n, rtol=1e-9)
    assert sys.getrecursionlimit() == limit
    del y  # freeing a 100,000-node chain must not recurse either
    gc.collect()


def test_long_chain_through_autograd_grad_and_create_graph():
    x = leaf(0.5)
    y = x
    for _ in range(5_000):  # deeper than the recursion limit, also when differentiated again
        y = y + x * x * 1e-5
    (g,) = am.autograd.grad(y, [x], create_graph=True)
    np.testing.assert_allclose(g.item(), 1.0 + 5_000 * 2e-5 * 0.5, rtol=1e-9)
    (gg,) = am.autograd.grad(g, [x])
    np.testing.assert_allclose(gg.item(), 5_000 * 2e-5, rtol=1e-9)


# ---- backward twice, retain_graph, create_graph -------------------------------------------------
def test_backward_twice_with_retain_graph_accumulates_on_leaves():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * 2 * x.data)


def test_backward_through_a_freed_graph_names_the_node():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"MulBackward.*second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_many_backward_calls():
    x = leaf([0.5, -0.5])
    y = am.tanh(x).sum()
    for k in range(1, 4):
        y.backward(retain_graph=True)
        np.testing.assert_allclose(x.grad.data, k * (1 - np.tanh(x.data) ** 2))


def test_interior_gradients_do_not_leak_between_calls():
    x = leaf(2.0)
    h = x * 3.0
    y = h * h
    y.backward(retain_graph=True)
    y.backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):  # PyTorch's warning, too
        assert h.grad is None  # a non-leaf gets no .grad unless it asked
    np.testing.assert_allclose(x.grad.item(), 2 * (2 * h.data * 3.0))  # two calls, dy/dx = 2h*3


def test_create_graph_gives_higher_derivatives():
    x = leaf([0.3, 1.1])
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.grad_fn is not None
    np.testing.assert_allclose(g.data, 3 * x.data ** 2)
    x.grad = None
    g.sum().backward(create_graph=True)
    np.testing.assert_allclose(x.grad.data, 6 * x.data)
    g2 = x.grad
    x.grad = None
    g2.sum().backward()
    np.testing.assert_allclose(x.grad.data, [6.0, 6.0])


def test_third_derivative_of_tanh():
    x = leaf(0.4)
    (g1,) = am.autograd.grad(am.tanh(x), [x], create_graph=True)
    (g2,) = am.autograd.grad(g1, [x], create_graph=True)
    (g3,) = am.autograd.grad(g2, [x])
    t = np.tanh(0.4)
    np.testing.assert_allclose(g1.item(), 1 - t ** 2, rtol=1e-12)
    np.testing.assert_allclose(g2.item(), -2 * t * (1 - t ** 2), rtol=1e-12)
    np.testing.assert_allclose(g3.item(), (6 * t ** 2 - 2) * (1 - t ** 2), rtol=1e-12)


def test_backward_without_create_graph_gives_plain_gradients():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    assert not x.grad.requires_grad and x.grad.grad_fn is None


def test_gradient_argument_weights_the_output():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(gradient=am.tensor(np.array([1.0, 0.0, -2.0])))
    np.testing.assert_allclose(x.grad.data, [2.0, 0.0, -12.0])


def test_backward_on_a_leaf_itself():
    x = leaf([1.0, 2.0])
    x.backward(gradient=np.array([3.0, 4.0]))
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])


def test_backward_inputs_restricts_accumulation():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x * w).sum().backward(inputs=[w])
    assert x.grad is None
    np.testing.assert_array_equal(w.grad.data, x.data)


# ---- hooks and retain_grad ----------------------------------------------------------------
def test_leaf_hook_sees_and_replaces_the_gradient():
    x = leaf([1.0, 2.0])
    seen = []

    def double(g):
        seen.append(g.data.copy())
        return g * 2.0

    x.register_hook(double)
    (x * x).sum().backward()
    np.testing.assert_array_equal(seen[0], 2 * x.data)
    np.testing.assert_array_equal(x.grad.data, 4 * x.data)


def test_non_leaf_hook_replacement_flows_upstream():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    h.register_hook(lambda g: g * 0.0 + 1.0)  # replace d loss/d h by ones
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_hook_that_returns_another_dtype_is_cast_to_the_gradients_dtype(create_graph):
    x = am.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    a = x + x
    h = a * a
    h.register_hook(lambda g: am.tensor(g.detach().numpy().astype(np.float64) * 3.0))
    seen = []
    a.register_hook(lambda g: seen.append(g.dtype))
    h.sum().backward(create_graph=create_graph)  # d/dx (2x)^2 = 8x, with d/dh tripled
    assert seen == [np.float32] and x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, 3 * 8 * x.data)


def test_hook_returning_none_keeps_the_gradient_and_can_be_removed():
    x = leaf([1.0, 2.0])
    calls = []
    remove = x.register_hook(lambda g: calls.append(1))
    (x * 2.0).sum().backward()
    remove()
    (x * 2.0).sum().backward()
    assert len(calls) == 1
    np.testing.assert_array_equal(x.grad.data, [4.0, 4.0])


def test_leaf_hooks_apply_in_autograd_grad_and_backward_inputs():
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g * 10.0)
    (g,) = am.autograd.grad((x * x).sum(), [x])
    np.testing.assert_array_equal(g.data, 20 * x.data)  # d/dx sum(x^2) = 2x, hooked x10
    assert x.grad is None
    (x * x).sum().backward(inputs=[x])
    np.testing.assert_array_equal(x.grad.data, 20 * x.data)


def test_hooks_run_once_with_the_summed_gradient():
    x = leaf(1.0)
    h = x * 1.0
    seen = []
    h.register_hook(lambda g: seen.append(g.item()))
    (h * 2.0 + h * 5.0).backward()
    assert seen == [7.0]


def test_retain_grad_on_a_non_leaf():
    x = leaf([1.0, -1.0])
    h = x * 3.0
    h.retain_grad()
    other = x * 2.0
    (h * h + other).sum().backward()
    np.testing.assert_allclose(h.grad.data, 2 * h.data)
    with pytest.warns(UserWarning, match="not a leaf Tensor"):  # PyTorch's warning, too
        assert other.grad is None
    assert not h.is_leaf and h.grad_fn is not None


# ---- grad mode --------------------------------------------------------------------------------
def test_no_grad_context_records_nothing():
    x = leaf([1.0])
    with am.no_grad():
        assert not am.is_grad_enabled()
        y = x * 2.0
        with am.enable_grad():
            z = x * 2.0
    assert am.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_decorator_and_exceptions_restore_the_mode():
    @am.no_grad()
    def step(t):
        assert not am.is_grad_enabled()
        return t * 2.0

    x = leaf([1.0])
    assert step(x).grad_fn is None
    with pytest.raises(ZeroDivisionError), am.no_grad():
        raise ZeroDivisionError
    assert am.is_grad_enabled()


def test_grad_mode_is_thread_local():
    results = {}
    entered = threading.Event()
    release = threading.Event()

    def other_thread():
        entered.wait()
        # main thread is inside no_grad right now; this thread is not
        x = leaf([1.0])
        results["enabled"] = am.is_grad_enabled()
        results["records"] = (x * 2.0).grad_fn is not None
        with am.no_grad():
            release.set()
            results["own_no_grad"] = not am.is_grad_enabled()

    t = threading.Thread(target=other_thread)
    t.start()
    with am.no_grad():
        entered.set()
        release.wait(5)
        t.join(5)
        assert not am.is_grad_enabled()
    assert am.is_grad_enabled()
    assert results == {"enabled": True, "records": True, "own_no_grad": True}


def test_detach_shares_data_and_cuts_the_graph():
    x = leaf([1.0, 2.0])
    d = (x * 2.0).detach()
    assert not d.requires_grad and d.grad_fn is None
    y = x * d
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, d.data)  # no gradient through d
    base = leaf([5.0])
    assert np.shares_memory(base.detach().data, base.data)


# ---- in-place modification and the version counter ----------------------------------------
def test_in_place_change_of_a_saved_input_is_detected():
    x = leaf([1.0, 2.0])
    c = am.tensor(np.array([3.0, 4.0]))
    y = (x * c).sum()  # MulBackward saved c
    c += 1.0
    with pytest.raises(RuntimeError, match=r"MulBackward.*shape \(2,\).*modified in place"):
        y.backward()


def test_in_place_change_of_a_saved_output_is_detected():
    x = leaf([1.0, 2.0])
    e = x.exp()  # ExpBackward saved its output
    e += 1.0  # recorded on the non-leaf; the output ExpBackward saved is now stale
    with pytest.raises(RuntimeError, match=r"ExpBackward.*shape \(2,\).*modified in place"):
        e.sum().backward()


def _load_weight(w: am.Tensor) -> None:
    module = am.nn.Module()
    module.w = w
    module.load_state_dict({"w": np.array([5.0, 6.0])})


@pytest.mark.parametrize("write", [
    pytest.param(lambda w: am.optim.SGD([w], lr=0.5).step(), id="optimizer step"),
    pytest.param(lambda w: am.nn.init.constant_(w, 2.0), id="nn.init"),
    pytest.param(lambda w: w.__setitem__(0, 7.0), id="setitem"),
    pytest.param(lambda w: w.copy_(am.tensor([8.0, 9.0])), id="copy_"),
    pytest.param(_load_weight, id="load_state_dict"),
])
def test_every_in_place_writer_is_seen_by_backward(write):
    # Backward checks saved versions only for nodes recorded before the latest in-place write:
    # each way of writing a tensor in place must count as one.
    x = leaf([1.0, 2.0])
    w = am.nn.Parameter(np.array([3.0, 4.0]))
    w.grad = am.tensor([1.0, 1.0], dtype=np.float64)  # (a float32 grad is refused, as in PyTorch)
    y = (x * w).sum()  # MulBackward saved w
    with am.no_grad():
        write(w)
    with pytest.raises(RuntimeError, match=r"MulBackward.*modified in place"):
        y.backward()


def test_in_place_on_a_non_leaf_is_recorded():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    h += x  # h = 3x
    h *= 2.0  # h = 6x
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])
    np.testing.assert_array_equal(h.data, 6 * x.data)


def test_setitem_on_a_non_leaf_is_recorded():
    x = leaf([1.0, 2.0, 3.0])
    v = leaf(10.0)
    h = x * 1.0
    h[1] = v * 2.0
    (h * am.tensor(np.array([1.0, 2.0, 3.0]))).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0, 3.0])
    np.testing.assert_array_equal(v.grad.data, 4.0)


def test_in_place_under_no_grad_updates_a_leaf():
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    with am.no_grad():
        w -= 0.1 * w.grad
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    assert w.is_leaf and w.requires_grad and w._version == 1


# ---- memory ------------------------------------------------------------------------------------
def _graph_refs(x: am.Tensor) -> tuple[am.Tensor, list]:
    h = x * 2.0
    e = h.exp()
    loss = (e * h).sum()
    refs = [weakref.ref(t) for t in (h, e)] + [weakref.ref(n) for n in
                                                 (h.grad_fn, e.grad_fn, loss.grad_fn)]
    return loss, refs


@pytest.mark.parametrize("retain_graph", [False, True])
def test_graph_is_freed_by_reference_counting_after_backward(retain_graph):
    x = leaf([0.1, 0.2])
    enabled = gc.isenabled()
    gc.disable()
    try:
        loss, refs = _graph_refs(x)
        loss.backward(retain_graph=retain_graph)
        del loss
        assert all(r() is None for r in refs), "the graph survives without the cyclic collector"
    finally:
        if enabled:
            gc.enable()


def test_graph_is_freed_without_backward_and_saved_arrays_are_released():
    x = leaf([0.1, 0.2])
    enabled = gc.isenabled()
    gc.disable()
    try:
        loss, refs = _graph_refs(x)
        del loss
        assert all(r() is None for r in refs)
        loss, _ = _graph_refs(x)
        node = loss.grad_fn.next_functions[0][0]  # MulBackward, which saved e and h
        assert node.saved_arrays
        loss.backward()
        assert node.saved_arrays == []
    finally:
        if enabled:
            gc.enable()


def test_create_graph_graph_is_freed_too():
    x = leaf([0.3])
    enabled = gc.isenabled()
    gc.disable()
    try:
        y = (x.tanh() ** 2).sum()
        ref = weakref.ref(y.grad_fn)
        (g,) = am.autograd.grad(y, [x], create_graph=True)
        gref = weakref.ref(g.grad_fn)
        g.sum().backward()
        del y, g
        assert ref() is None and gref() is None
    finally:
        if enabled:
            gc.enable()


# ---- autograd.grad -------------------------------------------------------------------------
def test_autograd_grad_returns_without_touching_dot_grad():
    x, w = leaf([1.0, 2.0]), leaf([3.0, -1.0])
    y = (x * w).sum()
    gx, gw = am.autograd.grad(y, [x, w])
    np.testing.assert_array_equal(gx.data, w.data)
    np.testing.assert_array_equal(gw.data, x.data)
    assert x.grad is None and w.grad is None


def test_autograd_grad_allow_unused():
    x, unused = leaf([1.0]), leaf([2.0])
    y = (x * 2.0).sum()
    with pytest.raises(RuntimeError, match=r"input 1 .*not used.*allow_unused=True"):
        am.autograd.grad(y, [x, unused], retain_graph=True)
    gx, gu = am.autograd.grad(y, [x, unused], allow_unused=True)
    assert gu is None
    np.testing.assert_array_equal(gx.data, [2.0])


def test_autograd_grad_with_respect_to_a_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    y = (h * h).sum()
    (gh,) = am.autograd.grad(y, [h])
    np.testing.assert_allclose(gh.data, 2 * h.data)
    assert x.grad is None


def test_autograd_grad_create_graph_and_grad_outputs():
    x = leaf([0.5, 1.5])
    y = x ** 3
    (g,) = am.autograd.grad(y, x, grad_outputs=am.tensor(np.array([1.0, 2.0])),
                            create_graph=True)
    weights = np.array([1.0, 2.0])
    np.testing.assert_allclose(g.data, weights * 3 * x.data ** 2)
    (gg,) = am.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, weights * 6 * x.data)


def test_autograd_grad_of_several_outputs_sums():
    x = leaf(2.0)
    (g,) = am.autograd.grad([x * x, x * 3.0], [x])
    assert g.item() == 7.0


# ---- am.func -----------------------------------------------------------------------------------
def test_func_grad_and_value_and_grad():
    x = am.tensor(np.array([0.5, -1.0, 2.0]))

    def f(t):
        return (am.sin(t) * t).sum()

    g = am.func.grad(f)(x)
    np.testing.assert_allclose(g.data, np.cos(x.data) * x.data + np.sin(x.data), rtol=1e-12)
    value, g2 = am.func.value_and_grad(f)(x)
    np.testing.assert_allclose(value.item(), np.sum(np.sin(x.data) * x.data))
    np.testing.assert_allclose(g2.data, g.data)
    assert not x.requires_grad and x.grad is None  # the caller's tensor is left alone


def test_func_grad_argnums_tuple():
    a, b = am.tensor(np.array(2.0)), am.tensor(np.array(3.0))
    ga, gb = am.func.grad(lambda a, b: a * b * b, argnums=(0, 1))(a, b)
    assert ga.item() == 9.0 and gb.item() == 12.0


def test_nested_func_grad_gives_higher_derivatives():
    x = am.tensor(np.array(0.7))
    f = lambda t: t ** 4  # noqa: E731
    d2 = am.func.grad(am.func.grad(f))(x)
    d3 = am.func.grad(am.func.grad(am.func.grad(f)))(x)
    np.testing.assert_allclose(d2.item(), 12 * 0.7 ** 2, rtol=1e-12)
    np.testing.assert_allclose(d3.item(), 24 * 0.7, rtol=1e-12)


def test_constant_first_derivative_gives_zero_second_derivative():
    x = am.tensor(np.array([1.0, 2.0]))
    linear = lambda t: (3.0 * t).sum()  # noqa: E731
    hess = am.func.hessian(linear)(x)
    np.testing.assert_array_equal(hess.data, np.zeros((2, 2)))
    d2 = am.func.grad(lambda t: am.func.grad(linear)(t).sum())(x)
    np.testing.assert_array_equal(d2.data, [0.0, 0.0])
    constant = lambda t: am.tensor(np.array(5.0))  # noqa: E731
    np.testing.assert_array_equal(am.func.grad(constant)(x).data, [0.0, 0.0])


def test_vjp():
    x = am.tensor(np.array([1.0, 2.0, 3.0]))
    out, vjp_fn = am.func.vjp(lambda t: t * t, x)
    np.testing.assert_array_equal(out.data, x.data ** 2)
    (v,) = vjp_fn(am.tensor(np.array([1.0, -1.0, 0.5])))
    np.testing.assert_allclose(v.data, [2.0, -4.0, 3.0])
    (v2,) = vjp_fn(am.tensor(np.array([1.0, 1.0, 1.0])))  # vjp_fn can be called again
    np.testing.assert_allclose(v2.data, 2 * x.data)


def test_jacobian_matches_closed_form():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 2))
    x = am.tensor(rng.standard_normal(2))
    jac = am.func.jacobian(lambda t: am.tanh(am.tensor(a) @ t))(x)
    z = a @ x.data
    expected = (1 - np.tanh(z) ** 2)[:, None] * a
    assert jac.shape == (3, 2)
    np.testing.assert_allclose(jac.data, expected, rtol=1e-12)


def test_jacobian_of_matrix_input_has_out_shape_plus_in_shape():
    x = am.tensor(np.arange(6.0).reshape(2, 3))
    jac = am.func.jacobian(lambda t: t.sum(0))(x)
    assert jac.shape == (3, 2, 3)
    expected = np.zeros((3, 2, 3))
    for j in range(3):
        expected[j, :, j] = 1.0
    np.testing.assert_array_equal(jac.data, expected)


def test_hessian_matches_closed_form():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 3))
    sym = a + a.T
    x = am.tensor(rng.standard_normal(3))
    # f = 0.5 x^T S x + sum(x^3) has Hessian S + diag(6x)
    f = lambda t: 0.5 * (t @ (am.tensor(sym) @ t)) + (t ** 3).sum()  # noqa: E731
    hess = am.func.hessian(f)(x)
    np.testing.assert_allclose(hess.data, sym + np.diag(6 * x.data), rtol=1e-12)


def test_rosenbrock_hessian():
    x = am.tensor(np.array([0.5, -0.3]))

    def rosen(t):
        return (1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2

    a, b = x.data
    expected = np.array([[2 - 400 * (b - a ** 2) + 800 * a ** 2, -400 * a],
                         [-400 * a, 200.0]])
    np.testing.assert_allclose(am.func.hessian(rosen)(x).data, expected, rtol=1e-12)


# ---- custom Functions ------------------------------------------------------------------------
class ScaledCube(am.autograd.Function):
    """y = scale * x**3 with a non-tensor argument."""

    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return scale * x.data ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (3 * ctx.scale) * x ** 2, None


def test_custom_function_with_a_non_tensor_argument():
    x = leaf([1.0, -2.0])
    y = ScaledCube.apply(x, 0.5)
    assert y.grad_fn.name() == "ScaledCubeBackward"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 1.5 * x.data ** 2)
    assert am.gradcheck(lambda t: ScaledCube.apply(t, 0.5), (x,))
    assert am.gradgradcheck(lambda t: ScaledCube.apply(t, 0.5), (x,))


def test_custom_function_needs_input_grad():
    seen = {}

    class Mul(am.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen["forward"] = ctx.needs_input_grad
            ctx.save_for_backward(a, b)
            return a.data * b.data

        @staticmethod
        def backward(ctx, g):
            seen["backward"] = ctx.needs_input_grad
            a, b = ctx.saved_tensors
            return (g * b if ctx.needs_input_grad[0] else None,
                    g * a if ctx.needs_input_grad[1] else None)

    a, b = leaf([2.0]), am.tensor(np.array([5.0]))
    Mul.apply(a, b).sum().backward()
    assert seen == {"forward": (True, False), "backward": (True, False)}
    np.testing.assert_array_equal(a.grad.data, [5.0])


def test_custom_function_with_two_outputs():
    class SinCos(am.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.sin(x.data), np.cos(x.data)

        @staticmethod
        def backward(ctx, g_sin, g_cos):
            (x,) = ctx.saved_tensors
            return g_sin * am.cos(x) - g_cos * am.sin(x)

    x = leaf([0.3, 1.2])
    s, c = SinCos.apply(x)
    assert s.grad_fn is c.grad_fn
    (s * 2.0 + c * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.cos(x.data) - 3 * np.sin(x.data))
    x.grad = None
    s, _ = SinCos.apply(x)
    s.sum().backward()  # the unused output gets a zero gradient
    np.testing.assert_allclose(x.grad.data, np.cos(x.data))
    assert am.gradcheck(SinCos.apply, (x,))
    assert am.gradgradcheck(SinCos.apply, (x,))


def test_custom_function_saving_its_output_supports_second_order():
    class Exp(am.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = am.tensor(np.exp(x.data))
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    x = leaf(0.3)
    assert am.gradgradcheck(Exp.apply, (x,))
    x0 = leaf(np.array(0.3))  # 0-d: the output must still be recognised as saved
    (g,) = am.autograd.grad(Exp.apply(x0), [x0], create_graph=True)
    (gg,) = am.autograd.grad(g, [x0])
    np.testing.assert_allclose(gg.item(), np.exp(0.3), rtol=1e-12)


def test_custom_function_without_grad_records_nothing():
    x = am.tensor(np.array([1.0]))
    assert ScaledCube.apply(x, 2.0).grad_fn is None
    with am.no_grad():
        assert ScaledCube.apply(leaf([1.0]), 2.0).grad_fn is None


def test_custom_function_backward_returning_broadcast_shape_is_summed():
    class AddRow(am.autograd.Function):
        @staticmethod
        def forward(ctx, m, row):
            return m.data + row.data

        @staticmethod
        def backward(ctx, g):
            return g, g  # g has the matrix shape; the engine sums it for the row

    m, row = leaf(np.ones((3, 2))), leaf([1.0, 2.0])
    AddRow.apply(m, row).sum().backward()
    np.testing.assert_array_equal(row.grad.data, [3.0, 3.0])


def test_no_grad_as_bare_decorator():
    @am.no_grad
    def doubled(x):
        return x * 2

    x = am.ones(2, requires_grad=True)
    assert not doubled(x).requires_grad
    assert am.is_grad_enabled()
    with pytest.raises(TypeError, match="takes no arguments"):
        am.no_grad(3)
