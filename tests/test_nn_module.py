"""Module: registration, traversal, modes, state dicts, containers, repr, errors and graph scopes."""

from __future__ import annotations

import warnings
from collections import OrderedDict

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn
from autograd_mini.autograd import record
from autograd_mini.autograd.record import current_scope


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def test_registration_order_and_names():
    model = MLP()
    assert [n for n, _ in model.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight",
                                                        "fc2.bias"]
    assert [n for n, _ in model.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in model.named_modules()] == ["", "fc1", "act", "fc2"]
    assert list(model.children())[0] is model.fc1
    assert model.get_submodule("fc2") is model.fc2
    assert len(list(model.parameters(recurse=False))) == 0
    with pytest.raises(AttributeError, match="no sub-module 'fc3'"):
        model.get_submodule("fc3")


def test_shared_weights_are_listed_once():
    model = MLP()
    model.fc3 = model.fc1  # the same module twice
    tied = nn.Linear(3, 3)
    model.head = nn.Linear(3, 3)
    model.head.weight = tied.weight
    model.other = nn.Linear(3, 3)
    model.other.weight = tied.weight
    params = list(model.parameters())
    assert len(params) == len({id(p) for p in params}) == 4 + 3
    assert sum(1 for p in params if p is tied.weight) == 1
    # the state dict names every place a tensor lives, as PyTorch does
    assert "fc3.weight" in model.state_dict() and "other.weight" in model.state_dict()


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Broken()

    class AlsoBroken(nn.Module):
        def __init__(self) -> None:
            self.scale = 2.0

        def forward(self, x):
            return x

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        AlsoBroken()(am.ones(1))


def test_plain_containers_of_modules_warn():
    class Listy(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = [nn.Linear(2, 2), nn.Linear(2, 2)]
            self.heads = {"a": nn.Linear(2, 1)}
            self.sizes = [2, 2]  # no modules: no warning

    with pytest.warns(UserWarning) as record:
        model = Listy()
    messages = [str(w.message) for w in record]
    assert len(messages) == 2
    assert "ModuleList" in messages[0] and "ModuleDict" in messages[1]
    assert list(model.parameters()) == []


def test_assignment_rules():
    layer = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="Parameter or None"):
        layer.weight = am.ones(3, 2)
    layer.bias = None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    layer.bias = nn.Parameter(am.zeros(3))
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    del layer.bias
    assert not hasattr(layer, "bias")
    layer.note = "plain attribute"
    assert layer.note == "plain attribute"
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'missing'"):
        _ = layer.missing


def test_parameter_shares_data_and_requires_grad():
    t = am.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert p.data is t.data and p.requires_grad and p.is_leaf
    assert isinstance(p, am.Tensor)
    assert repr(p).startswith("Parameter containing:\ntensor(")
    frozen = nn.Parameter(np.zeros(2), requires_grad=False)
    assert not frozen.requires_grad
    with pytest.raises(TypeError, match="floating-point"):
        nn.Parameter(np.zeros(2, dtype=np.int64))


def test_train_eval_propagate_and_zero_grad():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.BatchNorm1d(2)))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    model(am.randn(4, 2)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_false_freezes():
    model = MLP()
    model.fc1.requires_grad_(False)
    model(am.randn(5, 4)).sum().backward()
    assert model.fc1.weight.grad is None and model.fc1.bias.grad is None
    assert model.fc2.weight.grad is not None


def test_to_dtype_keeps_parameter_objects():
    model = MLP()
    weight = model.fc1.weight
    assert model.double() is model
    assert model.fc1.weight is weight and weight.dtype == np.float64
    assert model(am.Tensor(np.zeros((1, 4)))).dtype == np.float64
    model.float()
    assert weight.dtype == np.float32


def test_buffers_and_state_dict():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    model[1].register_buffer("scratch", am.zeros(3), persistent=False)
    keys = list(model.state_dict())
    assert keys == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                    "1.running_var", "1.num_batches_tracked"]
    assert [n for n, _ in model.named_buffers()] == ["1.running_mean", "1.running_var",
                                                     "1.num_batches_tracked", "1.scratch"]
    state = model.state_dict()
    state["0.weight"].data[...] = 123.0  # a copy: the model is unchanged
    assert not np.any(model[0].weight.data == 123.0)
    with pytest.raises(TypeError, match="Tensor or None"):
        model[1].running_mean = np.zeros(3)


def test_load_state_dict_round_trip_in_place():
    a, b = MLP(), MLP()
    weight = b.fc1.weight
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.fc1.weight is weight  # copied in place: optimizers keep working
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_load_state_dict_reports_every_problem_before_changing_anything():
    model = MLP()
    before = {k: v.data.copy() for k, v in model.state_dict().items()}
    state = MLP().state_dict()
    del state["fc2.bias"]
    state["fc1.weight"] = am.zeros(5, 4)
    state["extra.weight"] = am.zeros(1)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert "missing keys: ['fc2.bias']" in message
    assert "unexpected keys: ['extra.weight']" in message
    assert "fc1.weight: shape (5, 4) in the state dict" in message and "(8, 4)" in message
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.data, before[key])
    # strict=False tolerates missing and unexpected keys, never a wrong shape
    with pytest.raises(RuntimeError, match="fc1.weight"):
        model.load_state_dict(state, strict=False)
    state["fc1.weight"] = am.ones(8, 4)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["fc2.bias"] and result.unexpected_keys == ["extra.weight"]
    np.testing.assert_array_equal(model.fc1.weight.data, 1.0)
    with pytest.raises(RuntimeError, match="dtype int64"):
        model.load_state_dict({**model.state_dict(), "fc1.bias": np.zeros(8, dtype=np.int64)})


def test_repr_shows_the_tree_like_pytorch():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Dropout(0.1)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.1)\n"
        "  )\n"
        ")")


def test_sequential_container():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    x = am.randn(4, 2)
    np.testing.assert_array_equal(model(x).data, layers[2](layers[1](layers[0](x))).data)
    assert len(model) == 3 and model[-1] is layers[2] and list(model) == layers
    assert isinstance(model[:2], nn.Sequential) and len(model[:2]) == 2
    named = nn.Sequential(OrderedDict([("first", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert [n for n, _ in named.named_children()] == ["first", "act"]
    model.append(nn.Sigmoid())
    assert len(model) == 4
    with pytest.raises(IndexError, match="out of range"):
        model[7]


def test_module_list_and_dict():
    blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(blocks) == 3 and len(list(blocks.parameters())) == 6
    blocks.append(nn.ReLU())
    blocks.insert(0, nn.Tanh())
    assert isinstance(blocks[0], nn.Tanh) and [n for n, _ in blocks.named_children()] == \
        ["0", "1", "2", "3", "4"]
    del blocks[0]
    assert isinstance(blocks[-1], nn.ReLU) and len(blocks) == 4
    assert len(blocks[1:3]) == 2
    with pytest.raises(NotImplementedError, match="iterate"):
        blocks(am.ones(2))
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 2)})
    assert list(heads) == ["a", "b"] and "a" in heads and len(heads) == 2
    heads["c"] = nn.ReLU()
    assert list(heads.keys()) == ["a", "b", "c"]
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight",
                                                        "b.bias"]
    heads.pop("a")
    assert list(heads) == ["b", "c"]


def test_parameter_list():
    params = nn.ParameterList([nn.Parameter(am.zeros(2)), am.ones(3)])
    assert len(params) == 2 and all(isinstance(p, nn.Parameter) for p in params)
    params.append(am.zeros(1))
    model = nn.Module()
    model.params = params
    assert [n for n, _ in model.named_parameters()] == ["params.0", "params.1", "params.2"]
    with pytest.raises(TypeError, match="Parameters"):
        params.append([1.0])


def test_forward_missing_is_a_clear_error():
    with pytest.raises(NotImplementedError, match="no forward"):
        nn.Module()(am.ones(1))


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.layers = nn.ModuleList([nn.Linear(3, 3), nn.Tanh()])
        self.seq = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
        self.heads = nn.ModuleDict({"out": nn.Linear(2, 1)})

    def forward(self, x):
        x = self.fc1(x)
        for layer in self.layers:
            x = layer(x)
        return self.heads["out"](self.seq(x)).sum()


def _scopes(output):
    stack, seen, scopes = [output.grad_fn], set(), {}
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        scopes[node.name() + str(node.seq)] = node.scope
        stack.extend(fn for fn, _ in node.next_functions if isinstance(fn, am.autograd.Node))
    return scopes


def test_call_records_the_module_path_on_every_node():
    model = Net()
    assert current_scope() is None
    out = model(am.randn(4, 2))
    assert current_scope() is None
    scopes = set(_scopes(out).values())
    assert scopes == {"Net", "Net.fc1", "Net.layers.0", "Net.layers.1", "Net.seq.0", "Net.seq.1",
                      "Net.heads.out"}
    # a sub-module called on its own is scoped by its class name
    assert set(_scopes(model.fc1(am.randn(1, 2)).sum()).values()) == {"Linear", None}
    assert record._threads_with_scope == 0  # no thread has a scope: recording does not look


def test_scope_is_restored_after_an_exception():
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(ValueError):
        model(am.ones(3))
    assert current_scope() is None


def test_module_apply_and_dir():
    seen = []
    MLP().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "MLP"]
    assert "fc1" in dir(MLP())


def test_functional_and_module_give_the_same_numbers():
    am.manual_seed(0)
    layer = nn.Linear(3, 2)
    x = am.randn(4, 3)
    np.testing.assert_array_equal(layer(x).data, F.linear(x, layer.weight, layer.bias).data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.Sequential(nn.Linear(3, 2))(x)  # no warnings on the normal path


def test_deepcopy_gives_an_independent_model():
    import copy

    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    clone = copy.deepcopy(model)
    assert clone[0].weight is not model[0].weight
    np.testing.assert_array_equal(clone[0].weight.data, model[0].weight.data)
    clone(am.randn(4, 2)).sum().backward()
    assert clone[0].weight.grad is not None and model[0].weight.grad is None
    assert int(model[1].num_batches_tracked.data) == 0
