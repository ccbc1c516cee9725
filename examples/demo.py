"""A two-layer network written with Tensors alone, trained by hand-written SGD on a spiral.

Run: python examples/demo.py
"""

from __future__ import annotations

import numpy as np

import autograd_mini as am


def spiral(n: int = 100, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(c * 4, (c + 1) * 4, n) + rng.normal(0, 0.2, n)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(n, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)


def main() -> None:
    am.manual_seed(0)
    x, y = spiral()
    inputs = am.tensor(x)
    one_hot = am.tensor(np.eye(3, dtype=np.float32)[y])
    w1 = (am.randn(2, 64) * 0.5).requires_grad_()
    b1 = am.zeros(64, requires_grad=True)
    w2 = (am.randn(64, 3) * 0.1).requires_grad_()
    b2 = am.zeros(3, requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(301):
        hidden = (inputs @ w1 + b1).relu()
        logits = hidden @ w2 + b2
        loss = -(logits.log_softmax(dim=1) * one_hot).sum(dim=1).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with am.no_grad():
            for p in params:
                p -= 0.5 * p.grad
        if step % 50 == 0:
            accuracy = (logits.argmax(dim=1).numpy() == y).mean()
            print(f"step {step:3d}  loss {loss.item():.4f}  accuracy {accuracy:.1%}")


if __name__ == "__main__":
    main()
