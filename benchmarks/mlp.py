"""One training step of a ReLU MLP (forward, mean cross-entropy, backward, Adam) three ways.

`NumpyMLP` is the step written by hand with preallocated in-place Adam buffers: the floor a NumPy
framework can reach. `AmMLP` is the same step as a user writes it with autograd_mini
(`nn.Linear`, `F.cross_entropy`, `optim.Adam`), and `TorchMLP` as a user writes it with PyTorch.
All three start from the same weights (PyTorch's layout: `W` is `(out, in)`, `y = x @ W.T + b`).
Each class imports only its own framework, so peak memory can be measured per framework.
"""

from __future__ import annotations

from typing import Any

import numpy as np

LR = 1e-3
BETAS = (0.9, 0.999)
EPS = 1e-8

Weights = list[tuple[np.ndarray, np.ndarray]]


def init_weights(sizes: tuple[int, ...], dtype: Any, seed: int = 0) -> Weights:
    """PyTorch's Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), in `dtype`."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype)
        b = rng.uniform(-bound, bound, fan_out).astype(dtype)
        weights.append((w, b))
    return weights


def make_batch(n: int, features: int, classes: int, dtype: Any,
               seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, features)).astype(dtype), rng.integers(0, classes, n)


class NumpyMLP:
    """The step by hand: explicit backward, Adam with preallocated buffers updated in place."""

    def __init__(self, weights: Weights, lr: float = LR) -> None:
        self.params = [p.copy() for wb in weights for p in wb]
        self.grads = [np.empty_like(p) for p in self.params]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.tmp = [np.empty_like(p) for p in self.params]
        self.lr = lr
        self.t = 0

    def logits(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        acts = [x]
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            w, b = self.params[2 * i], self.params[2 * i + 1]
            z = acts[-1] @ w.T
            z += b
            if i < n_layers - 1:
                np.maximum(z, 0, out=z)
            acts.append(z)
        return acts[-1], acts

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        z, acts = self.logits(x)
        n = len(y)
        # cross-entropy from logits: loss = mean(logsumexp(z) - z[y]); dz = (softmax(z) - onehot) / n
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(s[:, 0]) - shifted[rows, y]))
        g = e / s
        g[rows, y] -= 1
        g /= n
        for i in reversed(range(len(self.params) // 2)):
            np.matmul(g.T, acts[i], out=self.grads[2 * i])
            np.sum(g, axis=0, out=self.grads[2 * i + 1])
            if i > 0:
                g = g @ self.params[2 * i]
                g *= acts[i] > 0
        self._adam()
        return loss

    def _adam(self) -> None:
        self.t += 1
        b1, b2 = BETAS
        step_size = self.lr / (1 - b1 ** self.t)
        root_bc2 = np.sqrt(1 - b2 ** self.t)
        for p, g, m, v, tmp in zip(self.params, self.grads, self.m, self.v, self.tmp):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - b2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp /= root_bc2
            tmp += EPS
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


class AmMLP:
    """The step as an autograd_mini user writes it."""

    def __init__(self, weights: Weights, lr: float = LR) -> None:
        import autograd_mini as am
        from autograd_mini import nn, optim
        from autograd_mini.nn import functional as F

        self.am, self.F = am, F
        layers: list[Any] = []
        for i, (w, b) in enumerate(weights):
            linear = nn.Linear(w.shape[1], w.shape[0])
            linear.weight.data = w.copy()
            linear.bias.data = b.copy()
            layers += [linear, nn.ReLU()] if i < len(weights) - 1 else [linear]
        self.model = nn.Sequential(*layers)
        self.opt = optim.Adam(self.model.parameters(), lr=lr, betas=BETAS, eps=EPS)

    def step(self, x: Any, y: Any) -> Any:
        self.opt.zero_grad()
        loss = self.F.cross_entropy(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss

    def wrap(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        # am.Tensor wraps an array without copying it, as torch.from_numpy does
        return self.am.Tensor(x), self.am.Tensor(y)

    def grads(self) -> list[np.ndarray]:
        return [p.grad.numpy() for p in self.model.parameters()]

    def param_arrays(self) -> list[np.ndarray]:
        return [p.data for p in self.model.parameters()]

    def predict(self, x: Any) -> np.ndarray:
        with self.am.no_grad():
            return self.model(x).numpy()


class AmTensorMLP(AmMLP):
    """The same step with bare Tensors, for a checkout that predates `am.nn`/`am.optim`: the
    layers as `x @ W.T + b`, cross-entropy as `logsumexp - z[y]`, and Adam by hand on `.data`."""

    def __init__(self, weights: Weights, lr: float = LR) -> None:
        import autograd_mini as am

        self.am = am
        self.params = [am.tensor(p.copy(), requires_grad=True) for wb in weights for p in wb]
        self.adam = NumpyMLP(weights, lr)  # only its Adam state and update are used
        self.adam.params = [p.data for p in self.params]

    def forward(self, x: Any) -> Any:
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            x = x @ self.params[2 * i].T + self.params[2 * i + 1]
            if i < n_layers - 1:
                x = x.relu()
        return x

    def step(self, x: Any, y: Any) -> Any:
        for p in self.params:
            p.grad = None
        z = self.forward(x)
        loss = (z.logsumexp(dim=1) - z[np.arange(len(y)), y.data]).mean()
        loss.backward()
        self.adam.grads = [p.grad.data for p in self.params]
        self.adam._adam()
        return loss

    def grads(self) -> list[np.ndarray]:
        return [p.grad.numpy() for p in self.params]

    def param_arrays(self) -> list[np.ndarray]:
        return [p.data for p in self.params]

    def predict(self, x: Any) -> np.ndarray:
        with self.am.no_grad():
            return self.forward(x).numpy()


def am_mlp(weights: Weights, lr: float = LR) -> AmMLP:
    """autograd_mini's step with nn/optim, or with bare Tensors where those are not there yet."""
    import importlib.util

    if any(importlib.util.find_spec(f"autograd_mini.{m}") is None for m in ("nn", "optim")):
        return AmTensorMLP(weights, lr)
    return AmMLP(weights, lr)


class TorchMLP:
    """The step as a PyTorch user writes it (CPU eager mode)."""

    def __init__(self, torch: Any, weights: Weights, lr: float = LR) -> None:
        nn = torch.nn
        self.torch = torch
        layers: list[Any] = []
        for i, (w, b) in enumerate(weights):
            linear = nn.Linear(w.shape[1], w.shape[0])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w))
                linear.bias.copy_(torch.from_numpy(b))
            layers += [linear, nn.ReLU()] if i < len(weights) - 1 else [linear]
        self.model = nn.Sequential(*layers).to(torch.from_numpy(weights[0][0]).dtype)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr, betas=BETAS, eps=EPS)

    def step(self, x: Any, y: Any) -> Any:
        self.opt.zero_grad()
        loss = self.torch.nn.functional.cross_entropy(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss

    def wrap(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return self.torch.from_numpy(x), self.torch.from_numpy(y)

    def grads(self) -> list[np.ndarray]:
        return [p.grad.numpy() for p in self.model.parameters()]

    def param_arrays(self) -> list[np.ndarray]:
        return [p.detach().numpy() for p in self.model.parameters()]

    def predict(self, x: Any) -> np.ndarray:
        with self.torch.no_grad():
            return self.model(x).numpy()
