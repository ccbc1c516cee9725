"""`am.onnx.export`: the demo MLP, the CNN example and the makemore GPT as ONNX models.

Checked with `onnx.checker.check_model` and run with `onnxruntime` (both optional: the tests
skip without them): the runtime's outputs equal autograd_mini's within float32 rounding, for the
example's batch size and for another one along the declared dynamic axis. The registry test
below lists which primitives export; a primitive without a mapping, a value computed from the
inputs outside the primitives, control flow on the inputs and in-place writes are clear errors.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[1]

# The registry primitives with an ONNX mapping (am.onnx.exportable_primitives()).
EXPORTABLE = [
    "Abs", "Acos", "Acosh", "Add", "Asin", "Asinh", "Atan", "Atanh", "AxisTake", "BroadcastTo",
    "Cast", "Ceil", "Clip", "Concat", "Cos", "Cosh", "Cumsum", "Div", "Erf", "Erfc", "Exp",
    "Exp2", "Expm1", "Flip", "Floor", "Fmax", "Fmin", "Gelu", "GetItem", "LayerNorm",
    "LeakyRelu", "Linear", "Log", "Log10", "Log1p", "Log2", "LogSoftmax", "LogSumExp", "MatMul",
    "Max", "Maximum", "Min", "Minimum", "Mul", "Neg", "Pad", "Permute", "Pow", "PowConst", "Prod",
    "Reciprocal", "Relu", "Reshape", "Round", "Rsqrt", "ScaledDotProductAttention", "Sigmoid",
    "Sin", "Sinh", "Softmax", "Softplus", "Sqrt", "Sub", "Sum", "Tan", "Tanh", "Unfold", "Where",
]


def load_example(path: Path, key: str):
    """An example file as a module (its folder importable, as when it runs)."""
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def run_onnx(proto, feeds: dict) -> list:
    session = ort.InferenceSession(proto.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def check_export(tmp_path, model, make_input, sizes, rtol=1e-5, atol=1e-6, **kwargs):
    """Export with the first size, then compare onnxruntime with the model for every size."""
    path = tmp_path / "model.onnx"
    proto = am.onnx.export(model, make_input(sizes[0]), path, input_names=["x"],
                           output_names=["y"], **kwargs)
    onnx.checker.check_model(onnx.load(path))  # (export checks too; this reads the file back)
    if isinstance(model, nn.Module):
        model.eval()
    for n in sizes:
        x = make_input(n)
        with am.no_grad():
            want = model(x).data
        (got,) = run_onnx(proto, {"x": x.data})
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    return proto


BATCH = {"x": {0: "batch"}, "y": {0: "batch"}}


# ---- the registry -----------------------------------------------------------------------------
def test_exportable_primitives_are_listed():
    from autograd_mini.onnx._trace import _primitives

    registry = _primitives()
    exportable = am.onnx.exportable_primitives()
    assert exportable == EXPORTABLE
    assert set(exportable) <= set(registry), "a mapping for a primitive that is not registered"
    # the rest of the registry (training-only ops, losses, recurrences, ...) does not export
    missing = sorted(set(registry) - set(exportable))
    assert "CrossEntropy" in missing and "ScatterAdd" in missing


# ---- the three examples -----------------------------------------------------------------------
def test_demo_mlp(tmp_path):
    demo = load_example(ROOT / "examples" / "demo.py", "demo")
    am.manual_seed(0)
    model = demo.MLP()
    model.train()
    am.onnx.export(model, am.randn(2, 64), tmp_path / "m.onnx")
    assert model.training  # the mode is restored after the export
    proto = check_export(tmp_path, model, lambda n: am.randn(n, 64), [4, 7, 1],
                         dynamic_axes=BATCH)
    names = {i.name for i in proto.graph.initializer}
    assert {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"} <= names
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in dims] == ["batch", 64]
    dims = proto.graph.output[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in dims] == ["batch", 10]
    assert len(proto.graph.value_info) > 0  # intermediate shapes annotated
    assert proto.opset_import[0].version == 17


def test_cnn_example(tmp_path):
    conv = load_example(ROOT / "examples" / "conv_digits.py", "conv_digits")
    am.manual_seed(0)
    check_export(tmp_path, conv.ConvNet(), lambda n: am.randn(n, 64), [4, 9, 1],
                 dynamic_axes=BATCH)


def gpt_module():
    """The makemore GPT (examples/makemore/gpt.py)."""
    return load_example(ROOT / "examples" / "makemore" / "gpt.py", "makemore_gpt")


@pytest.mark.parametrize("attention", ["sdpa", "manual"])
def test_gpt_example(tmp_path, attention):
    gpt = gpt_module()
    am.manual_seed(0)
    config = gpt.GPTConfig(vocab_size=27, block_size=8, n_layer=2, n_head=2, n_embd=16,
                           attention=attention)
    model = gpt.GPT(config)
    rng = np.random.default_rng(0)
    proto = check_export(tmp_path, model, lambda n: am.tensor(rng.integers(0, 27, (n, 8))),
                         [3, 5, 1], rtol=1e-5, atol=1e-5, dynamic_axes=BATCH)
    # one matrix for the tied embedding and head, under its first state-dict name
    assert "wte.weight" in {i.name for i in proto.graph.initializer}
    assert "lm_head.weight" not in {i.name for i in proto.graph.initializer}


def test_the_examples_use_only_exportable_primitives():
    from autograd_mini.onnx._trace import run_traced

    demo = load_example(ROOT / "examples" / "demo.py", "demo")
    conv = load_example(ROOT / "examples" / "conv_digits.py", "conv_digits")
    gpt = gpt_module()
    config = gpt.GPTConfig(vocab_size=27, block_size=8, n_layer=1, n_head=2, n_embd=16)
    used = set()
    for model, x in [(demo.MLP(), am.randn(2, 64)), (conv.ConvNet(), am.randn(2, 64)),
                     (gpt.GPT(config), am.randint(0, 27, (2, 8)))]:
        trace, _ = run_traced(model.eval(), (x,))
        used |= {call.name for call in trace.calls}
    assert used <= set(am.onnx.exportable_primitives()), used - set(EXPORTABLE)
    assert {"Linear", "Unfold", "ScaledDotProductAttention"} <= used


def test_static_shapes_without_dynamic_axes(tmp_path):
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 3), nn.Tanh())
    proto = check_export(tmp_path, model, lambda n: am.randn(n, 5), [2])
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims] == [2, 5]
    with pytest.raises(Exception, match="(?i)dimension|shape"):
        run_onnx(proto, {"x": np.zeros((3, 5), np.float32)})


# ---- more layers and primitives ---------------------------------------------------------------
class Mixed(nn.Module):
    """Many primitives in one forward: each handler against onnxruntime."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.ln = nn.LayerNorm(4)
        self.lin = nn.Linear(4, 6)

    def forward(self, x):
        h = self.pool(F.relu(self.conv(x)))  # (N, 4, h, w)
        h = h.permute(0, 2, 3, 1)  # (N, h, w, 4)
        h = self.lin(self.ln(h))  # 4-D Linear: MatMul + Add
        a = h.sum(dim=(1, 2))  # (N, 6)
        b = h.mean(dim=1).max(dim=1)[0] if isinstance(h.mean(dim=1).max(dim=1), tuple) \
            else h.mean(dim=1).amax(dim=1)
        c = am.cat([a, b, a.exp().log1p(), a.sigmoid(), a.tanh().abs().sqrt()], dim=1)
        c = F.pad(c, (1, 2), value=0.5)
        c = F.leaky_relu(c, 0.1)
        d = c.clamp(-1.0, 2.0) ** 3 + c.flip(1) - am.cumsum(c, dim=1) / 7.0
        e = F.log_softmax(d, dim=-1) + F.softmax(d, dim=0) + am.logsumexp(d, dim=1, keepdim=True)
        f = e[:, 1:-1:2].unsqueeze(1)[..., None] + e[:, 0].reshape(-1, 1, 1, 1)
        return (f.reshape(f.shape[0], -1) @ am.ones(f.shape[2], 3)) + am.maximum(e[:, :3], 0.2)


@pytest.mark.parametrize("opset", [17, 18])
def test_mixed_primitives(tmp_path, opset):
    am.manual_seed(0)
    model = Mixed()
    with am.no_grad():
        for p in model.parameters():
            p.data[...] = np.random.default_rng(1).standard_normal(p.shape).astype(p.dtype)
    proto = check_export(tmp_path, model, lambda n: am.randn(n, 2, 11, 11), [3, 4], rtol=1e-4,
                         atol=1e-5, dynamic_axes=BATCH, opset_version=opset)
    assert proto.opset_import[0].version == opset


def test_attention_with_a_mask_and_weights(tmp_path):
    mask = am.tensor(np.array([[True, False, True], [False, False, False]]))  # row 1: empty

    def fn(q, k, v):
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.3)
        return out, F.scaled_dot_product_attention(q, k, v)

    rng = np.random.default_rng(0)
    q, k, v = (am.tensor(rng.standard_normal(s).astype(np.float32))
               for s in [(2, 2, 4), (2, 3, 4), (2, 3, 5)])
    proto = am.onnx.export(fn, (q, k, v), tmp_path / "a.onnx", input_names=["q", "k", "v"])
    got = run_onnx(proto, {"q": q.data, "k": k.data, "v": v.data})
    want = fn(q, k, v)
    assert np.all(want[0].data[:, 1] == 0)  # autograd_mini (and PyTorch): zeros there
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.data, rtol=1e-5, atol=1e-6)


def test_a_function_and_several_inputs_and_outputs(tmp_path):
    def fn(x, y):
        return x @ y.T, F.gelu(x) * 2.0

    x, y = am.randn(3, 4), am.randn(5, 4)
    proto = am.onnx.export(fn, (x, y), tmp_path / "f.onnx")
    got = run_onnx(proto, {"input_0": x.data, "input_1": y.data})
    want = fn(x, y)
    assert [o.name for o in proto.graph.output] == ["output_0", "output_1"]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.data, rtol=1e-5, atol=1e-6)


# ---- errors -----------------------------------------------------------------------------------
def test_a_primitive_without_mapping_is_named(tmp_path):
    class Scan(nn.Module):
        def forward(self, x):
            return am.cumprod(x, dim=1)

    with pytest.raises(am.onnx.UnsupportedOperatorError,
                       match=r"primitive Cumprod \(in module 'Scan'\) has no ONNX mapping"):
        am.onnx.export(Scan(), am.randn(2, 3), tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_values_computed_from_inputs_outside_primitives(tmp_path):
    def fn(x):
        return x * (x > 0.3)  # the comparison is not a recorded primitive

    with pytest.raises(am.onnx.ExportError, match="changed with the inputs"):
        am.onnx.export(fn, am.randn(4, 3), tmp_path / "x.onnx")


def test_control_flow_on_the_inputs(tmp_path):
    def fn(x):
        return x * 2.0 if x.shape[0] < 5 else x + 1.0

    with pytest.raises(am.onnx.ExportError, match="control flow"):
        am.onnx.export(fn, am.randn(4, 3), tmp_path / "x.onnx", input_names=["x"],
                       dynamic_axes={"x": [0]})


def test_in_place_writes(tmp_path):
    def fn(x):
        y = x * 2.0
        y.add_(1.0)
        return y

    with pytest.raises(am.onnx.ExportError, match="written in place"):
        am.onnx.export(fn, am.randn(2, 3), tmp_path / "x.onnx")


def test_bad_arguments(tmp_path):
    model = nn.Linear(3, 2)
    with pytest.raises(ValueError, match="not an input or output name"):
        am.onnx.export(model, am.randn(2, 3), tmp_path / "x.onnx", dynamic_axes={"z": [0]})
    with pytest.raises(ValueError, match="2 input names for 1 inputs"):
        am.onnx.export(model, am.randn(2, 3), tmp_path / "x.onnx", input_names=["a", "b"])
    with pytest.raises(ValueError, match="opset_version must be 17 or later"):
        am.onnx.export(model, am.randn(2, 3), tmp_path / "x.onnx", opset_version=13)
    with pytest.raises(am.onnx.ExportError, match="declared dynamic"):
        am.onnx.export(lambda x: x.sum(dim=0), am.randn(2, 3), tmp_path / "x.onnx",
                       input_names=["x"], output_names=["y"],
                       dynamic_axes={"x": [0], "y": [0]})


def test_missing_onnx_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"autograd_mini\[onnx\]"):
        am.onnx.export(nn.Linear(2, 2), am.randn(1, 2), tmp_path / "x.onnx")


def test_import_does_not_load_onnx():
    import subprocess

    code = ("import sys, autograd_mini as am; am.onnx; am.from_dlpack; "
            "print('onnx' in sys.modules, 'safetensors' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]
