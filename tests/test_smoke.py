"""A first end-to-end check: a graph with reuse, backward, and a custom Function."""

import numpy as np

import autograd_mini as am


def test_reuse_accumulates():
    a = am.tensor(3.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_custom_function_matches_builtin():
    class Cube(am.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    x = am.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
    Cube.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * x.data ** 2)
    assert am.gradcheck(Cube.apply, (x,))
    assert am.gradgradcheck(Cube.apply, (x,))
