"""Every example runs, quickly, and does what its docstring claims.

Each example exposes `main(argv)`, which returns what it measured; the tests call it in-process with
small settings (few epochs or steps) and check real outcomes: the loss fell, accuracy passed a
bound, derivatives matched their closed forms, the pictures were written and are what they say.
The demo's README claim (at least 97% test accuracy with the default settings) is checked by
training with exactly the defaults its command line parses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="the examples need the 'demo' extra")
pytest.importorskip("sklearn", reason="the examples need the 'demo' extra")
pytest.importorskip("tqdm", reason="the examples need the 'demo' extra")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(EXAMPLES))  # the examples import each other (conv_digits uses demo)

import conv_digits  # noqa: E402
import demo  # noqa: E402
import higher_order  # noqa: E402
import mlp_classic  # noqa: E402
import regression  # noqa: E402
import two_moons  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ONE_THREAD = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@pytest.fixture(autouse=True)
def one_blas_thread():
    """These matrices are tiny: on a shared 2-core machine, extra BLAS threads only contend
    (5x slower here); one thread is also what the benchmarks pin."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def assert_png(path: Path) -> None:
    assert path.is_file(), f"{path} was not written"
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC), f"{path} is not a PNG"
    assert len(data) > 5000, f"{path} is suspiciously small ({len(data)} bytes)"


# ---- demo ----------------------------------------------------------------------------------------

def test_demo_defaults_reach_the_readme_accuracy():
    # The README promises at least 97% test accuracy from `make demo`: train with exactly the
    # settings the command line defaults to (no pictures, to keep this quick).
    args = demo.parse_args([])
    data = demo.load_data()
    demo.am.manual_seed(args.seed)
    model = demo.MLP(hidden=args.hidden, dropout=args.dropout)
    history = demo.train(model, data, args.epochs, args.lr, args.batch_size, args.seed,
                         progress=False)
    _, accuracy, predictions = demo.evaluate(model, data.x_test, data.y_test)
    assert accuracy >= 0.97, f"test accuracy {accuracy:.2%} is below the README's 97%"
    assert accuracy == history.test_accuracy[-1]
    assert len(predictions) == len(data.y_test) == 360
    assert history.train_loss[-1] < 0.1 * history.train_loss[0]


def test_demo_short_run_writes_its_pictures(tmp_path, capsys):
    out = tmp_path / "demo"
    result = demo.main(["--epochs", "3", "--out", str(out), "--no-progress", "--seed", "1"])
    history = result["history"]
    assert len(history.train_loss) == len(history.test_accuracy) == 3
    assert history.test_loss[-1] < history.test_loss[0]
    assert history.train_loss[-1] < history.train_loss[0]
    assert result["test_accuracy"] > 0.9  # three epochs already get most digits right

    printed = capsys.readouterr().out
    assert f"output folder: {out}/" in printed
    assert f"test accuracy: {result['test_accuracy']:.2%}" in printed
    assert "time:" in printed
    assert_png(out / "curves.png")
    assert_png(out / "predictions.png")
    files = {f.name for f in result["files"]}
    if shutil.which("dot") is None:  # covered by test_demo_without_graphviz_writes_dot_text
        assert files == {"curves.png", "predictions.png", "graph.dot", "graph_modules.dot"}
        return
    assert files == {"curves.png", "predictions.png", "graph.svg", "graph_modules.svg"}
    svg = (out / "graph.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)  # a well-formed SVG document
    assert root.tag.endswith("svg")
    for label in ("fc1.weight", "fc2.bias", "cross_entropy", "images", "labels", "grad norm",
                  "dropout mask"):
        assert label in svg, f"{label!r} missing from the graph drawing"
    assert svg.count(">cross_entropy<") == 1  # the loss is drawn once
    modules = (out / "graph_modules.svg").read_text(encoding="utf-8")
    ET.fromstring(modules)
    for label in ("fc1: Linear", "dropout: Dropout", "fc2: Linear", "cross_entropy", "images"):
        assert label in modules, f"{label!r} missing from the module drawing"
    assert "fc1.weight" not in modules  # absorbed into its module's box


def test_demo_without_graphviz_writes_dot_text(tmp_path, monkeypatch):
    # Without Graphviz's `dot` program the demo writes the DOT source and says so, instead of failing.
    monkeypatch.setattr(demo.shutil, "which", lambda name: None)
    data = demo.load_data()
    demo.am.manual_seed(0)
    paths, note = demo.draw_graph(demo.MLP(hidden=8), data, tmp_path)
    assert paths == [tmp_path / "graph_modules.dot", tmp_path / "graph.dot"]
    text = paths[1].read_text(encoding="utf-8")
    assert text.startswith("digraph") and "fc1.weight" in text
    assert "fc1.weight" not in paths[0].read_text(encoding="utf-8")  # one box per module
    assert "not installed" in note and "graphviz" in note.lower()
    assert not list(tmp_path.glob("*.svg"))


def test_demo_help_and_bad_options(capsys):
    with pytest.raises(SystemExit) as exit_help:
        demo.main(["--help"])
    assert exit_help.value.code == 0
    text = capsys.readouterr().out
    for option in ("--epochs", "--hidden", "--lr", "--seed", "--out", "--batch-size"):
        assert option in text
    with pytest.raises(SystemExit) as exit_bad:
        demo.main(["--epochs", "0"])
    assert exit_bad.value.code == 2
    assert "--epochs must be at least 1, got 0" in capsys.readouterr().err


def test_demo_runs_as_a_script(tmp_path):
    # `make demo` runs the file as a script: its entry point must hand the command line to main.
    # (--help exits before training; the in-process tests above cover the run itself.)
    done = subprocess.run([sys.executable, str(EXAMPLES / "demo.py"), "--help"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=ONE_THREAD)
    assert done.returncode == 0, done.stderr
    assert "--epochs" in done.stdout and "digits" in done.stdout
    done = subprocess.run([sys.executable, str(EXAMPLES / "demo.py"), "--lr", "-1"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=ONE_THREAD)
    assert done.returncode == 2 and "--lr must be positive, got -1.0" in done.stderr


# ---- the other examples --------------------------------------------------------------------------

def test_mlp_classic(tmp_path):
    result = mlp_classic.main(["--steps", "150", "--out", str(tmp_path)])
    losses = result["losses"]
    assert losses[-1] < 0.1 * losses[0]
    assert result["train_accuracy"] > 0.95
    assert result["test_accuracy"] > 0.9
    p = result["probabilities"]
    assert p.shape == (150, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert_png(tmp_path / "loss.png")


def test_mlp_classic_model_returns_logits():
    # "Done right": no softmax inside the model; the loss gets unnormalised scores.
    model = mlp_classic.build_model()
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]


def test_two_moons_separates_the_moons(tmp_path):
    result = two_moons.main(["--out", str(tmp_path)])  # micrograd's settings: 100 points, 100 steps
    assert result["accuracy"] >= 0.97
    assert result["losses"][-1] < 0.1 * result["losses"][0]
    assert_png(tmp_path / "decision_boundary.png")


def test_two_moons_data_matches_the_construction():
    x, y = two_moons.make_moons(200, noise=0.0, seed=3)
    upper, lower = x[y == -1], x[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-6)
    assert len(upper) == len(lower) == 100


def test_conv_digits_compares_both_models(tmp_path, capsys):
    result = conv_digits.main(["--epochs", "2", "--channels", "8", "--hidden", "32", "--lr", "0.01",
                               "--out", str(tmp_path), "--no-progress"])
    runs = result["results"]
    assert set(runs) == {"conv net", "MLP"}
    # conv 1->8 (3x3) + conv 8->16 (3x3) + linear 16*2*2->10, each with biases
    assert runs["conv net"]["parameters"] == (8 * 9 + 8) + (16 * 8 * 9 + 16) + (64 * 10 + 10)
    assert runs["MLP"]["parameters"] == 64 * 32 + 32 + 32 * 10 + 10
    for name, run in runs.items():
        assert run["accuracy"] > 0.8, f"{name} learned too little: {run['accuracy']:.1%}"
        assert run["history"].test_loss[-1] < run["history"].test_loss[0]
    table = capsys.readouterr().out
    assert "conv net" in table and "test accuracy" in table and "training time" in table
    assert_png(tmp_path / "accuracy.png")
    assert_png(tmp_path / "feature_maps.png")


def test_regression_reaches_the_noise_floor(tmp_path):
    result = regression.main(["--steps", "450", "--out", str(tmp_path)])
    noise_variance = regression.NOISE**2
    assert result["test_mse"] < 2 * noise_variance
    assert result["curve_mse"] < 0.01
    lrs = result["history"]["lr"]
    # StepLR: three plateaus, each a fifth of the previous one
    np.testing.assert_allclose(sorted(set(lrs), reverse=True), [1e-2, 2e-3, 4e-4], rtol=1e-9)
    assert lrs[0] == 1e-2 and lrs[-1] == pytest.approx(4e-4)
    assert_png(tmp_path / "regression.png")


def test_higher_order_matches_the_closed_forms(tmp_path):
    errors = higher_order.main(["--dim", "5", "--out", str(tmp_path)])
    assert set(errors) == {"tanh_order_0", "tanh_order_1", "tanh_order_2", "tanh_order_3",
                           "logsumexp_hvp", "rosenbrock_hessian"}
    for name, error in errors.items():
        assert error < 1e-10, f"{name}: relative error {error:.2e}"
    assert_png(tmp_path / "tanh_derivatives.png")


def test_higher_order_closed_forms_are_right():
    # The references themselves, against finite differences, so a wrong closed form cannot hide.
    x = np.array([-1.3, -0.2, 0.4, 2.0])
    h = 1e-4
    derivs = higher_order.tanh_derivatives_closed_form(x)
    for k in range(3):
        numeric = (higher_order.tanh_derivatives_closed_form(x + h)[k]
                   - higher_order.tanh_derivatives_closed_form(x - h)[k]) / (2 * h)
        np.testing.assert_allclose(derivs[k + 1], numeric, rtol=1e-6, atol=1e-8)
    point = np.array([0.3, -1.1, 0.8, 1.4])
    grad = higher_order.am.func.grad(higher_order.rosenbrock)

    def gradient_at(p):
        return grad(higher_order.am.tensor(p)).detach().numpy()

    numeric_hessian = np.stack([(gradient_at(point + h * e) - gradient_at(point - h * e)) / (2 * h)
                                for e in np.eye(4)])
    np.testing.assert_allclose(higher_order.rosenbrock_hessian_closed_form(point), numeric_hessian,
                               rtol=1e-6, atol=1e-5)


def test_gradcheck_suite_passes_under_pytest(tmp_path):
    # The user-style suite runs the way its docstring says: `pytest examples/gradcheck_suite`.
    # In its own process, from a scratch folder (hypothesis keeps its database in the cwd).
    done = subprocess.run([sys.executable, "-m", "pytest", str(EXAMPLES / "gradcheck_suite"),
                           "-p", "no:cacheprovider"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path, env=ONE_THREAD)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout, done.stdout
