"""End to end: small models trained on fixed synthetic tasks reach a loss threshold."""

from __future__ import annotations

import numpy as np

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn, optim


def spirals(n=100, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1.0, n)
        t = np.linspace(c * 4, (c + 1) * 4, n) + rng.normal(0, 0.1, n)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(n, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)


def test_mlp_learns_spirals():
    am.manual_seed(0)
    x, y = spirals()
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, 3))
    opt = optim.Adam(model.parameters(), lr=0.02)
    sched = optim.lr_scheduler.StepLR(opt, 50, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    inputs, targets = am.Tensor(x), am.Tensor(y)
    first = None
    for _ in range(150):
        loss = loss_fn(model(inputs), targets)
        first = loss.item() if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    assert first > 1.0
    assert loss.item() < 0.02
    model.eval()
    with am.no_grad():
        accuracy = (model(inputs).argmax(dim=1).numpy() == y).mean()
    assert accuracy > 0.98


def bars(n=64, seed=0):
    """6x6 images with one horizontal (class 0) or vertical (class 1) bar, plus noise."""
    rng = np.random.default_rng(seed)
    images = rng.normal(0, 0.1, (n, 1, 6, 6))
    labels = rng.integers(0, 2, n)
    where = rng.integers(0, 6, n)
    for i in range(n):
        if labels[i] == 0:
            images[i, 0, where[i], :] += 1.0
        else:
            images[i, 0, :, where[i]] += 1.0
    return images.astype(np.float32), labels


def test_small_convnet_learns_bar_orientation():
    am.manual_seed(1)
    x, y = bars()
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(4 * 3 * 3, 2))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    inputs, targets = am.Tensor(x), am.Tensor(y)
    for _ in range(150):
        loss = F.cross_entropy(model(inputs), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.05
    test_x, test_y = bars(200, seed=1)
    with am.no_grad():
        accuracy = (model(am.Tensor(test_x)).argmax(dim=1).numpy() == test_y).mean()
    assert accuracy > 0.95
