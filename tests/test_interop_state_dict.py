"""State dicts use PyTorch's key names, shapes and dtypes for every layer PyTorch also has.

The expected keys are a literal table (from torch 2.13), checked without torch. With torch
installed, every case moves both ways: an autograd_mini state dict converted to torch tensors
loads into the matching torch module with strict=True, a torch state dict loads here with
strict=True, and both modules then give the same output on one input."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn

# (id, class name, args, kwargs, input): input is a float shape, ("int", shape, high) or ("mha", shape)
CASES = [
    ("Linear", "Linear", (4, 3), {}, (2, 4)),
    ("Linear-nobias", "Linear", (4, 3), {"bias": False}, (2, 4)),
    ("Embedding", "Embedding", (10, 4), {}, ("int", (2, 3), 10)),
    ("Embedding-padding", "Embedding", (10, 4), {"padding_idx": 0}, ("int", (2, 3), 10)),
    ("LayerNorm", "LayerNorm", (4,), {}, (2, 3, 4)),
    ("LayerNorm-noaffine", "LayerNorm", (4,), {"elementwise_affine": False}, (2, 4)),
    ("BatchNorm1d", "BatchNorm1d", (4,), {}, (3, 4)),
    ("BatchNorm1d-noaffine", "BatchNorm1d", (4,), {"affine": False}, (3, 4)),
    ("BatchNorm2d", "BatchNorm2d", (4,), {}, (2, 4, 3, 3)),
    ("GroupNorm", "GroupNorm", (2, 4), {}, (2, 4, 3)),
    ("InstanceNorm1d", "InstanceNorm1d", (4,), {"affine": True, "track_running_stats": True},
     (2, 4, 5)),
    ("InstanceNorm2d", "InstanceNorm2d", (4,), {"affine": True}, (2, 4, 3, 3)),
    ("RMSNorm", "RMSNorm", (4,), {}, (2, 4)),
    ("Conv2d", "Conv2d", (2, 3, 3), {"padding": 1}, (2, 2, 5, 5)),
    ("Conv2d-nobias", "Conv2d", (2, 3, 3), {"bias": False}, (2, 2, 5, 5)),
    ("Conv1d", "Conv1d", (2, 3, 3), {}, (2, 2, 6)),
    ("PReLU", "PReLU", (), {"num_parameters": 3}, (2, 3)),
    ("MultiheadAttention", "MultiheadAttention", (8, 2), {}, ("mha", (3, 2, 8))),
    ("MultiheadAttention-kdim", "MultiheadAttention", (8, 2), {"kdim": 6, "vdim": 5,
                                                               "batch_first": True},
     ("mha-kv", (2, 3, 8), (2, 4, 6), (2, 4, 5))),
    ("TransformerEncoderLayer", "TransformerEncoderLayer", (8, 2), {"dim_feedforward": 16,
                                                                    "dropout": 0.0},
     (3, 2, 8)),
    ("RNN", "RNN", (3, 4), {"num_layers": 2, "bidirectional": True}, (5, 2, 3)),
    ("RNN-nobias", "RNN", (3, 4), {"bias": False}, (5, 2, 3)),
    ("LSTM", "LSTM", (3, 4), {"num_layers": 2, "bidirectional": True}, (5, 2, 3)),
    ("GRU", "GRU", (3, 4), {"num_layers": 2, "batch_first": True}, (2, 5, 3)),
    ("RNNCell", "RNNCell", (3, 4), {}, (2, 3)),
    ("LSTMCell", "LSTMCell", (3, 4), {}, (2, 3)),
    ("GRUCell", "GRUCell", (3, 4), {}, (2, 3)),
]
CASES += [
    ("ConvTranspose2d", "ConvTranspose2d", (2, 3, 3), {"stride": 2}, (2, 2, 4, 4)),
    ("ConvTranspose1d-nobias", "ConvTranspose1d", (2, 3, 3), {"bias": False}, (2, 2, 5)),
    ("Sequential", "Sequential", (), {}, (2, 4)),
    ("TransformerEncoder", "TransformerEncoder", (), {}, (3, 2, 8)),
]

# The keys, shapes and dtypes of torch 2.13's state dicts for the cases above.
EXPECTED = {
    'Linear': {'weight': ((3, 4), 'float32'), 'bias': ((3,), 'float32')},
    'Linear-nobias': {'weight': ((3, 4), 'float32')},
    'Embedding': {'weight': ((10, 4), 'float32')},
    'Embedding-padding': {'weight': ((10, 4), 'float32')},
    'LayerNorm': {'weight': ((4,), 'float32'), 'bias': ((4,), 'float32')},
    'LayerNorm-noaffine': {},
    'BatchNorm1d': {
        'weight': ((4,), 'float32'),
        'bias': ((4,), 'float32'),
        'running_mean': ((4,), 'float32'),
        'running_var': ((4,), 'float32'),
        'num_batches_tracked': ((), 'int64')},
    'BatchNorm1d-noaffine': {
        'running_mean': ((4,), 'float32'),
        'running_var': ((4,), 'float32'),
        'num_batches_tracked': ((), 'int64')},
    'BatchNorm2d': {
        'weight': ((4,), 'float32'),
        'bias': ((4,), 'float32'),
        'running_mean': ((4,), 'float32'),
        'running_var': ((4,), 'float32'),
        'num_batches_tracked': ((), 'int64')},
    'GroupNorm': {'weight': ((4,), 'float32'), 'bias': ((4,), 'float32')},
    'InstanceNorm1d': {
        'weight': ((4,), 'float32'),
        'bias': ((4,), 'float32'),
        'running_mean': ((4,), 'float32'),
        'running_var': ((4,), 'float32'),
        'num_batches_tracked': ((), 'int64')},
    'InstanceNorm2d': {'weight': ((4,), 'float32'), 'bias': ((4,), 'float32')},
    'RMSNorm': {'weight': ((4,), 'float32')},
    'Conv2d': {'weight': ((3, 2, 3, 3), 'float32'), 'bias': ((3,), 'float32')},
    'Conv2d-nobias': {'weight': ((3, 2, 3, 3), 'float32')},
    'Conv1d': {'weight': ((3, 2, 3), 'float32'), 'bias': ((3,), 'float32')},
    'PReLU': {'weight': ((3,), 'float32')},
    'MultiheadAttention': {
        'in_proj_weight': ((24, 8), 'float32'),
        'in_proj_bias': ((24,), 'float32'),
        'out_proj.weight': ((8, 8), 'float32'),
        'out_proj.bias': ((8,), 'float32')},
    'MultiheadAttention-kdim': {
        'q_proj_weight': ((8, 8), 'float32'),
        'k_proj_weight': ((8, 6), 'float32'),
        'v_proj_weight': ((8, 5), 'float32'),
        'in_proj_bias': ((24,), 'float32'),
        'out_proj.weight': ((8, 8), 'float32'),
        'out_proj.bias': ((8,), 'float32')},
    'TransformerEncoderLayer': {
        'self_attn.in_proj_weight': ((24, 8), 'float32'),
        'self_attn.in_proj_bias': ((24,), 'float32'),
        'self_attn.out_proj.weight': ((8, 8), 'float32'),
        'self_attn.out_proj.bias': ((8,), 'float32'),
        'linear1.weight': ((16, 8), 'float32'),
        'linear1.bias': ((16,), 'float32'),
        'linear2.weight': ((8, 16), 'float32'),
        'linear2.bias': ((8,), 'float32'),
        'norm1.weight': ((8,), 'float32'),
        'norm1.bias': ((8,), 'float32'),
        'norm2.weight': ((8,), 'float32'),
        'norm2.bias': ((8,), 'float32')},
    'RNN': {
        'weight_ih_l0': ((4, 3), 'float32'),
        'weight_hh_l0': ((4, 4), 'float32'),
        'bias_ih_l0': ((4,), 'float32'),
        'bias_hh_l0': ((4,), 'float32'),
        'weight_ih_l0_reverse': ((4, 3), 'float32'),
        'weight_hh_l0_reverse': ((4, 4), 'float32'),
        'bias_ih_l0_reverse': ((4,), 'float32'),
        'bias_hh_l0_reverse': ((4,), 'float32'),
        'weight_ih_l1': ((4, 8), 'float32'),
        'weight_hh_l1': ((4, 4), 'float32'),
        'bias_ih_l1': ((4,), 'float32'),
        'bias_hh_l1': ((4,), 'float32'),
        'weight_ih_l1_reverse': ((4, 8), 'float32'),
        'weight_hh_l1_reverse': ((4, 4), 'float32'),
        'bias_ih_l1_reverse': ((4,), 'float32'),
        'bias_hh_l1_reverse': ((4,), 'float32')},
    'RNN-nobias': {'weight_ih_l0': ((4, 3), 'float32'), 'weight_hh_l0': ((4, 4), 'float32')},
    'LSTM': {
        'weight_ih_l0': ((16, 3), 'float32'),
        'weight_hh_l0': ((16, 4), 'float32'),
        'bias_ih_l0': ((16,), 'float32'),
        'bias_hh_l0': ((16,), 'float32'),
        'weight_ih_l0_reverse': ((16, 3), 'float32'),
        'weight_hh_l0_reverse': ((16, 4), 'float32'),
        'bias_ih_l0_reverse': ((16,), 'float32'),
        'bias_hh_l0_reverse': ((16,), 'float32'),
        'weight_ih_l1': ((16, 8), 'float32'),
        'weight_hh_l1': ((16, 4), 'float32'),
        'bias_ih_l1': ((16,), 'float32'),
        'bias_hh_l1': ((16,), 'float32'),
        'weight_ih_l1_reverse': ((16, 8), 'float32'),
        'weight_hh_l1_reverse': ((16, 4), 'float32'),
        'bias_ih_l1_reverse': ((16,), 'float32'),
        'bias_hh_l1_reverse': ((16,), 'float32')},
    'GRU': {
        'weight_ih_l0': ((12, 3), 'float32'),
        'weight_hh_l0': ((12, 4), 'float32'),
        'bias_ih_l0': ((12,), 'float32'),
        'bias_hh_l0': ((12,), 'float32'),
        'weight_ih_l1': ((12, 4), 'float32'),
        'weight_hh_l1': ((12, 4), 'float32'),
        'bias_ih_l1': ((12,), 'float32'),
        'bias_hh_l1': ((12,), 'float32')},
    'RNNCell': {
        'weight_ih': ((4, 3), 'float32'),
        'weight_hh': ((4, 4), 'float32'),
        'bias_ih': ((4,), 'float32'),
        'bias_hh': ((4,), 'float32')},
    'LSTMCell': {
        'weight_ih': ((16, 3), 'float32'),
        'weight_hh': ((16, 4), 'float32'),
        'bias_ih': ((16,), 'float32'),
        'bias_hh': ((16,), 'float32')},
    'GRUCell': {
        'weight_ih': ((12, 3), 'float32'),
        'weight_hh': ((12, 4), 'float32'),
        'bias_ih': ((12,), 'float32'),
        'bias_hh': ((12,), 'float32')},
    'ConvTranspose2d': {'weight': ((2, 3, 3, 3), 'float32'), 'bias': ((3,), 'float32')},
    'ConvTranspose1d-nobias': {'weight': ((2, 3, 3), 'float32')},
    'Sequential': {'0.weight': ((3, 4), 'float32'), '0.bias': ((3,), 'float32'),
                   '2.weight': ((2, 3), 'float32'), '2.bias': ((2,), 'float32')},
    'TransformerEncoder': {
        f'layers.{i}.{k}': v for i in range(2) for k, v in {
            'self_attn.in_proj_weight': ((24, 8), 'float32'),
            'self_attn.in_proj_bias': ((24,), 'float32'),
            'self_attn.out_proj.weight': ((8, 8), 'float32'),
            'self_attn.out_proj.bias': ((8,), 'float32'), 'linear1.weight': ((16, 8), 'float32'),
            'linear1.bias': ((16,), 'float32'), 'linear2.weight': ((8, 16), 'float32'),
            'linear2.bias': ((8,), 'float32'), 'norm1.weight': ((8,), 'float32'),
            'norm1.bias': ((8,), 'float32'), 'norm2.weight': ((8,), 'float32'),
            'norm2.bias': ((8,), 'float32')}.items()},
}

# Layers PyTorch also has that hold no parameters or buffers (constructed with these arguments).
STATELESS = {
    "Identity": (), "Flatten": (), "Dropout": (), "ReLU": (), "LeakyReLU": (), "Sigmoid": (),
    "Tanh": (), "GELU": (), "SiLU": (), "Softplus": (), "Softmax": (-1,), "LogSoftmax": (-1,),
    "MaxPool2d": (2,), "ELU": (), "SELU": (), "CELU": (), "ReLU6": (), "Hardtanh": (),
    "Hardsigmoid": (), "Hardswish": (), "Mish": (), "Softsign": (), "LogSigmoid": (),
    "Softmin": (-1,), "GLU": (), "Tanhshrink": (), "Threshold": (0.1, 0.0),
    "CosineSimilarity": (), "PairwiseDistance": (), "MaxPool1d": (2,), "AvgPool1d": (2,),
    "AvgPool2d": (2,), "AdaptiveAvgPool1d": (2,), "AdaptiveAvgPool2d": (2,), "Dropout2d": (),
    "Unflatten": (1, (2, 2)), "ZeroPad2d": (1,), "ModuleList": (), "ModuleDict": (),
    "ParameterList": (), "Module": (), "AdaptiveMaxPool1d": (2,), "AdaptiveMaxPool2d": (2,),
    "PixelShuffle": (2,), "PixelUnshuffle": (2,), "Upsample": (None, 2.0),
    "UpsamplingBilinear2d": (None, 2.0), "UpsamplingNearest2d": (None, 2.0),
}
# Base classes that are not layers on their own (they need a mode or a layer to wrap).
BASES = {"RNNBase", "RNNCellBase"}


def build(lib, case):
    """The case's module from `lib` (am.nn or torch.nn)."""
    _, name, args, kwargs, _ = case
    if name == "Sequential":
        return lib.Sequential(lib.Linear(4, 3), lib.ReLU(), lib.Linear(3, 2))
    if name == "TransformerEncoder":
        layer = lib.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
        return lib.TransformerEncoder(layer, 2, enable_nested_tensor=False) \
            if lib is not nn else lib.TransformerEncoder(layer, 2)
    return getattr(lib, name)(*args, **kwargs)


def layer_classes():
    """The Module classes am.nn exports."""
    return sorted(n for n in nn.__all__
                  if isinstance(getattr(nn, n), type) and issubclass(getattr(nn, n), nn.Module))


def losses():
    """The loss classes (PyTorch's are Modules too; a weighted one keeps `weight` only when
    given): constructed with their defaults, they hold no state."""
    return [n for n in layer_classes() if n.endswith("Loss")]


@pytest.mark.parametrize("name", losses())
def test_losses_have_empty_state_dicts(name):
    assert getattr(nn, name)().state_dict() == {}


def test_every_layer_class_is_covered():
    covered = {case[1] for case in CASES} | set(STATELESS) | BASES | set(losses())
    missing = [n for n in layer_classes() if n not in covered]
    assert not missing, f"layer classes without a state-dict case: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keys_shapes_dtypes_match_pytorch(case):
    state = build(nn, case).state_dict()
    got = {k: (tuple(v.shape), str(v.dtype)) for k, v in state.items()}
    assert got == EXPECTED[case[0]]
    assert list(got) == list(EXPECTED[case[0]])  # the same order as PyTorch's


@pytest.mark.parametrize("name", sorted(STATELESS))
def test_stateless_layers_have_empty_state_dicts(name):
    assert getattr(nn, name)(*STATELESS[name]).state_dict() == {}


# ---- both ways with torch ---------------------------------------------------------------------
def make_inputs(spec, rng):
    """The case's input as NumPy arrays (one, or three for attention)."""
    if spec[0] == "int":
        return [rng.integers(0, spec[2], size=spec[1])]
    if spec[0] == "mha":
        x = rng.standard_normal(spec[1]).astype(np.float32)
        return [x, x, x]
    if spec[0] == "mha-kv":
        return [rng.standard_normal(s).astype(np.float32) for s in spec[1:]]
    return [rng.standard_normal(spec).astype(np.float32)]


def first_output(out):
    """The main output (RNNs and attention return tuples)."""
    while isinstance(out, (tuple, list)):
        out = out[0]
    return out


def randomized_state(module, rng):
    """Random values for every float entry, so that default initialisations cannot hide a
    mismatch (running_var stays positive)."""
    out = {}
    for key, value in module.state_dict().items():
        array = np.asarray(value.detach().numpy() if hasattr(value, "detach") else value.data)
        if array.dtype.kind == "f":
            array = rng.standard_normal(array.shape).astype(array.dtype)
            if key.endswith("running_var"):
                array = np.abs(array) + 0.5
        out[key] = array
    return out


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_state_dicts_load_both_ways_with_torch(case):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    ours, theirs = build(nn, case).eval(), build(torch.nn, case).eval()
    inputs = make_inputs(case[4], rng)

    # autograd_mini -> torch
    ours.load_state_dict({k: am.tensor(v) for k, v in randomized_state(ours, rng).items()})
    result = theirs.load_state_dict({k: torch.from_numpy(v.data.copy())
                                     for k, v in ours.state_dict().items()}, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    compare(ours, theirs, inputs, torch)

    # torch -> autograd_mini
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in
                            randomized_state(theirs, rng).items()})
    ours.load_state_dict({k: am.tensor(v.numpy()) for k, v in theirs.state_dict().items()},
                         strict=True)
    compare(ours, theirs, inputs, torch)


def compare(ours, theirs, inputs, torch):
    with am.no_grad():
        got = first_output(ours(*[am.tensor(x) for x in inputs]))
    with torch.no_grad():
        want = first_output(theirs(*[torch.from_numpy(x) for x in inputs]))
    np.testing.assert_allclose(got.data, want.numpy(), rtol=1e-4, atol=1e-5)
