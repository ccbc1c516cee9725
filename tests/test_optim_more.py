"""Adagrad, Adadelta, Adamax, NAdam, RAdam and LBFGS against PyTorch 2.13.

Three kinds of checks:
- parameter values after each step on small fixed problems (a quadratic, a tiny tanh network and
  the Rosenbrock function), written here as literals that torch 2.13 produced in float64: they run
  without torch;
- live comparisons with torch when it is installed: ~20 steps with several hyperparameter sets,
  two param groups and a parameter whose first gradient comes at step 2; the same state entries
  (names and values) as torch's; torch's state dict loaded into ours carries on as torch does;
- state-dict round trips (through am.save/am.load) and torch's error messages for bad
  hyperparameters.

Agreement is to float64 rounding, not bit for bit: torch's CPU kernels fuse a * b + c (FMA) where
NumPy rounds twice. L-BFGS with a fixed step on Rosenbrock amplifies such last-bit differences
chaotically in some runs, so the live L-BFGS cases are ones whose trajectories are well
conditioned (there agreement is ~1e-12).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn, optim

# ---- fixed problems, written once for both libraries (`lib` is am or torch) ------------------
Q_A = np.array([1.0, 4.0, 0.5])
Q_C = np.array([1.0, -2.0, 0.5])
Q_X0 = np.array([0.3, 0.8, -1.2])

NET_X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 0.2]])
NET_Y = np.array([0.3, -0.5, 0.8, 0.1])
NET_W0 = np.array([[0.4, -0.6], [0.7, 0.2]])
NET_B0 = np.array([0.1, -0.2])
NET_V0 = np.array([0.5, -0.3])
EXTRA0 = np.array([0.5, -1.5, 2.0])


def quadratic(lib, x):
    """0.5 * sum(A (x - c)**2)."""
    return 0.5 * (lib.tensor(Q_A) * (x - lib.tensor(Q_C)) ** 2).sum()


def net(lib, w, b, v):
    """mean((tanh(X W + b) v - y)**2): a tiny network with fixed data."""
    hidden = lib.tanh(lib.tensor(NET_X) @ w + b)
    return ((hidden @ v - lib.tensor(NET_Y)) ** 2).mean()


def quartic(lib, e):
    """0.1 * sum((e**2 - 1)**2): a double well per element."""
    return 0.1 * ((e * e - 1.0) ** 2).sum()


PROBLEMS = {"quadratic": ([Q_X0], quadratic), "net": ([NET_W0, NET_B0, NET_V0], net)}


def rosenbrock(lib, x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosenbrock_split(lib, a, b):
    """The extended (chained) Rosenbrock function of the 7 elements of a (3,) and b (2, 2)."""
    xs = [a[0], a[1], a[2], b[0, 0], b[0, 1], b[1, 0], b[1, 1]]
    total = 0.0
    for x, y in zip(xs[:-1], xs[1:]):
        total = total + (1 - x) ** 2 + 100 * (y - x * x) ** 2
    return total


def am_params(values):
    return [nn.Parameter(am.tensor(np.array(v, dtype=np.float64))) for v in values]


def flat(params):
    return np.concatenate([p.data.reshape(-1) for p in params])


def am_trajectory(name, problem, kwargs, steps):
    """Parameter values (flattened, concatenated) after each of `steps` steps."""
    values, fn = PROBLEMS[problem]
    params = am_params(values)
    opt = getattr(optim, name)(params, **kwargs)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        fn(am, *params).backward()
        opt.step()
        out.append(flat(params))
    return out


# ---- literals from torch 2.13 (float64) ---------------------------------------------------
LITERAL_CASES = [
    ("Adagrad", "quadratic", {"lr": 0.1}, 3),
    ("Adagrad", "net", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1,
                        "initial_accumulator_value": 0.2}, 3),
    ("Adadelta", "quadratic", {}, 3),
    ("Adadelta", "net", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.05}, 3),
    ("Adamax", "quadratic", {"lr": 0.1}, 3),
    ("Adamax", "net", {"lr": 0.05, "betas": (0.8, 0.95), "weight_decay": 0.1,
                       "maximize": True}, 3),
    ("NAdam", "quadratic", {"lr": 0.1}, 3),
    ("NAdam", "net", {"lr": 0.05, "momentum_decay": 0.1, "weight_decay": 0.1,
                      "decoupled_weight_decay": True}, 3),
    ("RAdam", "quadratic", {"lr": 0.1, "betas": (0.9, 0.8)}, 8),  # rectified from step 7
    ("RAdam", "net", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}, 3),
]
LITERAL_IDS = [f"{name}-{problem}" for name, problem, _, _ in LITERAL_CASES]

LITERALS: dict[str, list[list[float]]] = {
    "Adagrad-quadratic": [
        [0.3999999999857143, 0.7000000000008929, -1.1000000000117647],
        [0.46507913732514555, 0.6305864429429039, -1.03146353011687],
        [0.5152640933810264, 0.5745657562447207, -0.9766120945164952],
    ],
    "Adagrad-net": [
        [0.3417345547816517, -0.5570607791339168, 0.6877431396647811, 0.19038718213805417,
         0.11150982463224887, -0.20455388932979146, 0.4340565432403364, -0.22463573628631578],
        [0.3004282352377209, -0.5270205190906956, 0.6739466764390245, 0.18306461420252937,
         0.1215277940503986, -0.20837490261171562, 0.3899268764029821, -0.17506936434332832],
        [0.26842493352946467, -0.5042690901077782, 0.6602377042476804, 0.17700310573379208,
         0.13046671635463705, -0.21115780989027852, 0.3574175003831141, -0.13817009733766247],
    ],
    "Adadelta-quadratic": [
        [0.30316224539252284, 0.796837722465879, -1.196837744223879],
        [0.306399672366868, 0.7935950314021079, -1.1935962017933393],
        [0.3096837471317412, 0.7902983870376861, -1.1903022781471762],
    ],
    "Adadelta-net": [
        [0.38885046171979254, -0.5889025308174678, 0.6924990237350107, 0.19072769253049437,
         0.1104036626952453, -0.20900498034600662, 0.4888403221656788, -0.2888309235661732],
        [0.37729210713970296, -0.5774228708734221, 0.6840557746651978, 0.1812238778902858,
         0.12089952017936988, -0.2182274784139272, 0.47727227109793613, -0.27724603199451486],
        [0.3655802873605106, -0.5658333853380251, 0.6747695172914988, 0.17165451743672616,
         0.1312209092682221, -0.2275139007769002, 0.4655655296175566, -0.26550689057717924],
    ],
    "Adamax-quadratic": [
        [0.39999999857142854, 0.7000000000892858, -1.1000000011764706],
        [0.49257377414076803, 0.6017814809041501, -1.002998976487604],
        [0.5778484133729387, 0.5053871350159599, -0.9090408279771902],
    ],
    "Adamax-net": [
        [0.44999999792199985, -0.6499999946021832, 0.6500000058983668, 0.24999984325292265,
         0.05000000696205396, -0.15000000827995905, 0.5499999982893655, -0.3499999988956996],
        [0.49526721681772995, -0.694523576413736, 0.6059968965625042, 0.28752994253246794,
         0.006380807170701261, -0.0990453515387407, 0.5972148679116329, -0.39630378268194566],
        [0.5376215997290079, -0.7361847430319132, 0.5658689491390967, 0.32243043013789185,
         -0.032963103434739786, -0.04718855733446094, 0.6419657118989524, -0.4401796953018018],
    ],
    "NAdam-quadratic": [
        [0.40564517632632197, 0.6943548222587873, -1.0943548234073457],
        [0.47810700318090377, 0.6173352840716991, -1.0182514856228],
        [0.5423909109139596, 0.5461060202105513, -0.9483941500229385],
    ],
    "NAdam-net": [
        [0.3451468786200628, -0.5441468801994203, 0.7493530874774261, 0.14614689952808244,
         0.15235311471359458, -0.2518531101766643, 0.44464687828070176, -0.24564687783137135],
        [0.308936820225626, -0.5071270117739224, 0.7178393992708555, 0.11423993639383864,
         0.18197736100874107, -0.2882461721444935, 0.4057863913863607, -0.20912111395844815],
        [0.27641925735173406, -0.4749667830956955, 0.6808340571762549, 0.08354285263514152,
         0.20954269916743198, -0.3215609230505535, 0.37191884432397143, -0.17682497102094014],
    ],
    "RAdam-quadratic": [
        [0.37, -0.31999999999999984, -1.115],
        [0.4363157894736842, -1.2042105263157894, -1.0322368421052632],
        [0.4989609632938435, -1.8796038065643814, -0.9517435424354244],
        [0.5579593589373398, -2.372608368326685, -0.8735492025062275],
        [0.6133450634286713, -2.7088285025797765, -0.7976788301978177],
        [0.665162335591481, -2.912781081352127, -0.72415318519131],
        [0.7117064227437131, -2.9227747597301064, -0.6779672067575947],
        [0.768240734267029, -2.9245333542971013, -0.6220166543133101],
    ],
    "RAdam-net": [
        [0.3839692025327496, -0.589368498416964, 0.6972384608234349, 0.1978405078930421,
         0.102590893816954, -0.20101933810610575, 0.4803855397026787, -0.27436123264763096],
        [0.36844027744825003, -0.5792033675164105, 0.6943769544239138, 0.19576712335382807,
         0.10517022715638406, -0.20202931581207564, 0.46145413807538993, -0.2495917312980091],
        [0.3534085098945011, -0.5694979671660573, 0.691425087502668, 0.19377557438183762,
         0.10773917104120362, -0.2030208865634091, 0.44320167504253916, -0.22567947571072824],
    ],
}

LBFGS_LITERAL_CASES = [({}, 3), ({"line_search_fn": "strong_wolfe"}, 3)]
LBFGS_START = (-1.2, 1.0)
LBFGS_LITERALS: dict[str, list[tuple[float, list[float], int, int]]] = {
    "{}": [
        (24.199999999999996, [-0.3929095248880504, 0.14696808489351595], 20, 20),
        (1.9456874727314497, [0.24040314723251563, 0.0529704874852057], 40, 40),
        (0.5793136907775303, [0.99980332591276, 0.9996078455480785], 60, 60),
    ],
    "{'line_search_fn': 'strong_wolfe'}": [
        (24.199999999999996, [0.38062264334648777, 0.12491013187293636], 25, 19),
        (0.4234823024380289, [0.9999814210791366, 0.9999619651810989], 44, 35),
        (4.221457511263308e-10, [0.9999814210791366, 0.9999619651810989], 45, 36),
    ],
}


@pytest.mark.parametrize("name, problem, kwargs, steps", LITERAL_CASES, ids=LITERAL_IDS)
def test_steps_match_torch_literals(name, problem, kwargs, steps):
    expected = LITERALS[f"{name}-{problem}"]
    got = am_trajectory(name, problem, kwargs, steps)
    assert len(got) == len(expected)
    for step, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-13, err_msg=f"after step {step + 1}")


@pytest.mark.parametrize("kwargs, steps", LBFGS_LITERAL_CASES,
                         ids=[str(kw) for kw, _ in LBFGS_LITERAL_CASES])
def test_lbfgs_steps_match_torch_literals(kwargs, steps):
    expected = LBFGS_LITERALS[str(kwargs)]
    (x,) = params = am_params([LBFGS_START])
    opt = optim.LBFGS(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = rosenbrock(am, x)
        loss.backward()
        return loss

    for loss_e, x_e, evals_e, iters_e in expected:
        loss = opt.step(closure)
        assert isinstance(loss, am.Tensor)  # the closure's first loss, as it returned it
        # (40 fixed-step iterations on Rosenbrock turn last-bit differences into ~1e-9)
        np.testing.assert_allclose(float(loss), loss_e, rtol=1e-7)
        np.testing.assert_allclose(x.data, x_e, rtol=1e-7, atol=1e-12)
        state = opt.state[x]
        assert (state["func_evals"], state["n_iter"]) == (evals_e, iters_e)


# ---- live comparisons with torch ------------------------------------------------------------
@pytest.fixture
def torch():
    """torch, with float64 as its default dtype for the test (so that its scalar state, 'step'
    and NAdam's 'mu_product', is float64 as ours is)."""
    torch = pytest.importorskip("torch")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(old)


LIVE_CASES = [
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1,
                 "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.05, "eps": 1e-3, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-3, "weight_decay": 0.1}),
    ("Adadelta", {"rho": 0.99, "maximize": True}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-3, "weight_decay": 0.1}),
    ("Adamax", {"betas": (0.0, 0.5), "maximize": True}),
    ("NAdam", {}),
    ("NAdam", {"lr": 0.05, "betas": (0.8, 0.9), "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "maximize": True}),
    ("RAdam", {}),
    ("RAdam", {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "maximize": True}),
    ("RAdam", {"betas": (0.9, 0.6)}),  # rho_inf < 5: never rectified
]
LIVE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}"
            for name, kw in LIVE_CASES]
LIVE_START = [NET_W0, NET_B0, NET_V0, EXTRA0]


def live_loss(lib, params, step):
    """The tiny network; the double well of the 4th parameter joins at step 2 (so that
    parameter has no gradient at step 1, and no state yet)."""
    w, b, v, extra = params
    loss = net(lib, w, b, v)
    return loss + quartic(lib, extra) if step > 0 else loss


def make_pair(torch, name, kwargs, start=LIVE_START):
    """The same optimizer over the same values in both libraries, in two param groups."""
    ours = am_params(start)
    theirs = [torch.tensor(np.array(v, dtype=np.float64), requires_grad=True) for v in start]

    def groups(ps):
        return [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.03}]

    return (ours, getattr(optim, name)(groups(ours), **kwargs),
            theirs, getattr(torch.optim, name)(groups(theirs), **kwargs))


def train(lib, params, opt, steps, first=0):
    for step in range(first, first + steps):
        opt.zero_grad()
        live_loss(lib, params, step).backward()
        opt.step()


def numpy_of(value):
    """A torch state value as ours holds it: arrays, Python numbers, lists of them."""
    if isinstance(value, list):
        return [numpy_of(v) for v in value]
    if hasattr(value, "detach"):
        array = value.detach().numpy().copy()
        return array.item() if array.ndim == 0 else array
    return value


def assert_states_match(ours, theirs, opt, topt, rtol=1e-7, atol=1e-12):
    """The same state entries, in the same order, with close values: arrays (and lists of them,
    L-BFGS's history) to rtol of their largest element (differences of nearby gradients lose
    relative precision), numbers to rtol or atol."""
    for p, t in zip(ours, theirs):
        mine, other = opt.state.get(p, {}), topt.state.get(t, {})
        assert list(mine) == list(other)
        for key in other:
            a, e = mine[key], numpy_of(other[key])
            if isinstance(e, list):
                assert len(a) == len(e), key
                pairs = list(zip(a, e))
            else:
                pairs = [(a, e)]
            known = [y for _, y in pairs if y is not None]
            scale = max((float(np.max(np.abs(y))) for y in known), default=0.0)
            for x, y in pairs:
                assert (x is None) == (y is None), key
                if y is not None:
                    np.testing.assert_allclose(x, y, rtol=rtol, atol=max(atol, rtol * scale),
                                               err_msg=key)


@pytest.mark.parametrize("name, kwargs", LIVE_CASES, ids=LIVE_IDS)
def test_twenty_steps_match_torch(torch, name, kwargs):
    ours, opt, theirs, topt = make_pair(torch, name, kwargs)
    for step in range(20):
        train(am, ours, opt, 1, first=step)
        train(torch, theirs, topt, 1, first=step)
        for i, (p, t) in enumerate(zip(ours, theirs)):
            np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-7, atol=1e-12,
                                       err_msg=f"parameter {i} after step {step + 1}")
        if step == 0 and name != "Adagrad":  # (Adagrad creates all its state up front)
            assert ours[3] not in opt.state and len(topt.state.get(theirs[3], {})) == 0
    assert_states_match(ours, theirs, opt, topt)
    assert [opt.state[p]["step"] for p in ours] == [20, 20, 20, 19]


@pytest.mark.parametrize("name, kwargs", LIVE_CASES, ids=LIVE_IDS)
def test_torch_state_dict_loads_and_carries_on(torch, name, kwargs):
    """torch's state dict (tensors turned into arrays) loaded into ours after 5 steps: the next
    5 steps are torch's."""
    ours, opt, theirs, topt = make_pair(torch, name, kwargs)
    train(torch, theirs, topt, 5)
    saved = topt.state_dict()
    keys = set(opt.param_groups[0])
    converted = {"state": {i: {k: numpy_of(v) for k, v in s.items()}
                           for i, s in saved["state"].items()},
                 "param_groups": [{k: v for k, v in g.items() if k in keys}
                                  for g in saved["param_groups"]]}
    for p, t in zip(ours, theirs):
        p.data[...] = t.detach().numpy()
    opt.load_state_dict(converted)
    train(am, ours, opt, 5, first=5)
    train(torch, theirs, topt, 5, first=5)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-7, atol=1e-12)
    assert_states_match(ours, theirs, opt, topt)


def test_adagrad_state_is_created_up_front_as_torch_does(torch):
    """Adagrad's state exists before any step, for every parameter, with the constructor's
    initial_accumulator_value (a group's own value is not used, in torch either)."""
    start = [NET_W0, NET_B0, NET_V0, EXTRA0]
    ours = am_params(start)
    theirs = [torch.tensor(v, requires_grad=True) for v in start]
    opt = optim.Adagrad([{"params": ours[:2]}, {"params": ours[2:], "lr": 0.03,
                                                 "initial_accumulator_value": 5.0}],
                        lr=0.1, initial_accumulator_value=0.25)
    topt = torch.optim.Adagrad([{"params": theirs[:2]}, {"params": theirs[2:], "lr": 0.03,
                                                         "initial_accumulator_value": 5.0}],
                               lr=0.1, initial_accumulator_value=0.25)
    assert_states_match(ours, theirs, opt, topt)
    assert opt.state[ours[3]]["step"] == 0
    np.testing.assert_array_equal(opt.state[ours[3]]["sum"], 0.25)
    late, tlate = am_params([[1.0, 2.0]])[0], torch.tensor([1.0, 2.0], requires_grad=True)
    opt.add_param_group({"params": [late], "initial_accumulator_value": 3.0})
    topt.add_param_group({"params": [tlate], "initial_accumulator_value": 3.0})
    assert late not in opt.state  # added later: its state comes with its first gradient
    for step in range(4):
        opt.zero_grad()
        (live_loss(am, ours, step) + (late * late).sum()).backward()
        opt.step()
        topt.zero_grad()
        (live_loss(torch, theirs, step) + (tlate * tlate).sum()).backward()
        topt.step()
    assert_states_match(ours + [late], theirs + [tlate], opt, topt)
    np.testing.assert_allclose(late.data, tlate.detach().numpy(), rtol=1e-10)


# ---- state dicts and errors (no torch needed) -----------------------------------------------
@pytest.mark.parametrize("name, kwargs", LIVE_CASES, ids=LIVE_IDS)
def test_state_dict_round_trip_through_save_is_bit_exact(name, kwargs):
    def build(params, lr2=0.03):
        return getattr(optim, name)([{"params": params[:2]}, {"params": params[2:], "lr": lr2}],
                                    **kwargs)

    straight = am_params(LIVE_START)
    train(am, straight, build(straight), 6)

    first = am_params(LIVE_START)
    opt1 = build(first)
    train(am, first, opt1, 3)
    snapshot = opt1.state_dict()
    buffer = io.BytesIO()
    am.save({"params": [p.data for p in first], "optim": snapshot}, buffer)
    train(am, first, opt1, 1, first=3)  # the state dict is a snapshot: later steps leave it
    buffer.seek(0)
    saved = am.load(buffer)
    assert saved["optim"]["state"].keys() == snapshot["state"].keys()
    resumed = am_params(saved["params"])
    opt2 = build(resumed, lr2=123.0)
    opt2.load_state_dict(saved["optim"])
    assert opt2.param_groups[1]["lr"] == 0.03
    train(am, resumed, opt2, 3, first=3)
    for p, q in zip(straight, resumed):
        np.testing.assert_array_equal(p.data, q.data)


BAD_HYPERPARAMETERS = [
    ("Adagrad", {"lr": -0.1}, "Invalid learning rate: -0.1"),
    ("Adagrad", {"lr_decay": -1.0}, "Invalid lr_decay value: -1.0"),
    ("Adagrad", {"weight_decay": -1e-3}, "Invalid weight_decay value: -0.001"),
    ("Adagrad", {"initial_accumulator_value": -1.0},
     "Invalid initial_accumulator_value value: -1.0"),
    ("Adagrad", {"eps": -1e-10}, "Invalid epsilon value: -1e-10"),
    ("Adadelta", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ("Adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
    ("Adadelta", {"rho": -0.1}, "Invalid rho value: -0.1"),
    ("Adadelta", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("Adadelta", {"weight_decay": -0.5}, "Invalid weight_decay value: -0.5"),
    ("Adamax", {"lr": float("nan")}, "Invalid learning rate: nan"),
    ("Adamax", {"betas": (1.0, 0.9)}, "Invalid beta parameter at index 0: 1.0"),
    ("Adamax", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    ("Adamax", {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    ("NAdam", {"lr": -2e-3}, "Invalid learning rate: -0.002"),
    ("NAdam", {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
    ("NAdam", {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    ("NAdam", {"momentum_decay": -4e-3}, "Invalid momentum_decay value: -0.004"),
    ("RAdam", {"lr": -1e-3}, "Invalid learning rate: -0.001"),
    ("RAdam", {"betas": (-0.1, 0.999)}, "Invalid beta parameter at index 0: -0.1"),
    ("RAdam", {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    ("RAdam", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    ("LBFGS", {"lr": -1}, "Invalid learning rate: -1"),
]
BAD_IDS = [f"{name}-{next(iter(kw))}-{i}" for i, (name, kw, _) in enumerate(BAD_HYPERPARAMETERS)]


@pytest.mark.parametrize("name, kwargs, message", BAD_HYPERPARAMETERS, ids=BAD_IDS)
def test_bad_hyperparameters_raise_torchs_errors(name, kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        getattr(optim, name)(am_params([[1.0]]), **kwargs)


@pytest.mark.parametrize("name, kwargs, message", BAD_HYPERPARAMETERS, ids=BAD_IDS)
def test_torch_raises_the_same_errors(torch, name, kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **kwargs)


@pytest.mark.parametrize("name", ["Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"])
def test_groups_and_loaded_hyperparameters_are_checked_too(name):
    """Stricter than torch, which checks only the constructor's arguments."""
    p, q = am_params([[1.0], [2.0]])
    with pytest.raises(ValueError, match="^Invalid learning rate: -1$"):
        getattr(optim, name)([{"params": [p], "lr": -1}])
    opt = getattr(optim, name)([p])
    with pytest.raises(ValueError, match="^Invalid weight_decay value: -2$"):
        opt.add_param_group({"params": [q], "weight_decay": -2})
    bad = opt.state_dict()
    bad["param_groups"][0]["eps"] = -1.0
    with pytest.raises(ValueError, match="^Invalid epsilon value: -1.0$"):
        opt.load_state_dict(bad)
    if name in ("Adamax", "NAdam", "RAdam"):
        with pytest.raises(ValueError, match="Invalid betas"):
            getattr(optim, name)([p], betas=(0.9,))


@pytest.mark.parametrize("name, kwargs", [
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}), ("Adadelta", {"weight_decay": 0.1}),
    ("Adamax", {"weight_decay": 0.1}), ("NAdam", {"weight_decay": 0.1}),
    ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
])
def test_float32_parameters_update_in_place_and_stay_float32(name, kwargs):
    p = nn.Parameter(am.ones(3))
    array = p.data
    opt = getattr(optim, name)([p], **kwargs)
    for _ in range(8):  # (RAdam's rectification starts after step 5 with the default betas)
        p.grad = am.tensor(np.array([1.0, -2.0, 0.5], dtype=np.float32))
        opt.step()
    assert p.data is array and p.dtype == np.float32 and p._version == 8
    assert not np.array_equal(p.data, np.ones(3, np.float32))
    arrays = [v for v in opt.state[p].values() if isinstance(v, np.ndarray)]
    assert arrays and all(v.dtype == np.float32 for v in arrays)


@pytest.mark.parametrize("name", ["Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"])
def test_defaults_and_names_are_torchs(name):
    p = nn.Parameter(am.ones(2))
    expected = {
        "Adagrad": {"lr": 1e-2, "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0,
                    "eps": 1e-10, "maximize": False},
        "Adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0, "maximize": False},
        "Adamax": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                   "maximize": False},
        "NAdam": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                  "momentum_decay": 4e-3, "decoupled_weight_decay": False, "maximize": False},
        "RAdam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                  "decoupled_weight_decay": False, "maximize": False},
    }[name]
    opt = getattr(optim, name)([p], foreach=None)  # (accepted, as torch's argument)
    assert opt.defaults == expected
    assert {k: v for k, v in opt.param_groups[0].items() if k != "params"} == expected
    assert f"{name} (" in repr(opt)


def test_optimizers_decrease_a_quadratic():
    for name, kwargs in [("Adagrad", {"lr": 0.5}), ("Adadelta", {"lr": 10.0}),
                         ("Adamax", {"lr": 0.1}), ("NAdam", {"lr": 0.1}), ("RAdam", {"lr": 0.1}),
                         ("LBFGS", {})]:
        (x,) = params = am_params([Q_X0])
        opt = getattr(optim, name)(params, **kwargs)

        def closure(opt=opt, x=x):
            opt.zero_grad()
            loss = quadratic(am, x)
            loss.backward()
            return loss

        for _ in range(300 if name != "LBFGS" else 2):
            opt.step(closure)
        np.testing.assert_allclose(x.data, Q_C, atol=0.05, err_msg=name)


# ---- L-BFGS --------------------------------------------------------------------------------
LBFGS_LIVE_CASES = [
    ("rosenbrock", (-1.2, 1.0), {}),
    ("rosenbrock", (-1.2, 1.0), {"lr": 0.5}),
    ("rosenbrock", (0.0, 0.0), {"lr": 0.1}),
    ("rosenbrock", (1.5, 1.5), {"lr": 0.1, "history_size": 5}),
    ("rosenbrock", (-1.5, 2.0), {"line_search_fn": "strong_wolfe"}),
    ("rosenbrock", (-1.2, 1.0), {"line_search_fn": "strong_wolfe", "history_size": 3}),
    ("rosenbrock", (-1.5, 2.0), {"line_search_fn": "strong_wolfe", "lr": 0.5, "max_iter": 5}),
    ("split", None, {"lr": 0.5}),
    ("split", None, {"line_search_fn": "strong_wolfe", "lr": 0.5, "max_iter": 5}),
    ("split", None, {"line_search_fn": "strong_wolfe", "max_iter": 7,
                     "tolerance_change": 1e-5}),
    ("split", None, {"max_iter": 4, "max_eval": 3, "tolerance_grad": 1e-3}),
]
LBFGS_IDS = [f"{f}-{start}-{kw}" for f, start, kw in LBFGS_LIVE_CASES]
SPLIT_START = [np.array([-1.2, 1.0, -0.5]), np.array([[0.3, -0.8], [1.1, 0.2]])]


def lbfgs_setup(lib, problem, start, kwargs):
    """Parameters, optimizer and closure; an extra parameter the loss never uses (its flat
    gradient is zeros, as torch's)."""
    if lib is am:
        new = am_params
    else:
        def new(values):
            return [lib.tensor(np.array(v, dtype=np.float64), requires_grad=True)
                    for v in values]
    values = [start] if problem == "rosenbrock" else SPLIT_START
    params = new([*values, [0.25, -0.25]])
    opt = (optim if lib is am else lib.optim).LBFGS(params, **kwargs)
    fn = rosenbrock if problem == "rosenbrock" else rosenbrock_split

    def closure():
        opt.zero_grad()
        loss = fn(lib, *params[:-1])
        loss.backward()
        return loss

    return params, opt, closure


@pytest.mark.parametrize("problem, start, kwargs", LBFGS_LIVE_CASES, ids=LBFGS_IDS)
def test_lbfgs_matches_torch_on_rosenbrock(torch, problem, start, kwargs):
    ours, opt, closure = lbfgs_setup(am, problem, start, kwargs)
    theirs, topt, tclosure = lbfgs_setup(torch, problem, start, kwargs)
    for step in range(6):
        loss, tloss = opt.step(closure), topt.step(tclosure)
        np.testing.assert_allclose(float(loss), float(tloss.detach()), rtol=1e-7, atol=1e-10)
        for p, t in zip(ours, theirs):
            np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-7, atol=1e-12,
                                       err_msg=f"after step {step + 1}")
        state, tstate = opt.state[ours[0]], topt.state[theirs[0]]
        assert (state["func_evals"], state["n_iter"]) == (tstate["func_evals"],
                                                          tstate["n_iter"])
    np.testing.assert_array_equal(ours[-1].data, [0.25, -0.25])  # (never had a gradient)
    # near the minimum the history holds differences of nearly equal gradients and steps, and
    # its derived numbers ('al', 'ro') keep only a few of the digits the parameters agree to
    assert_states_match(ours, theirs, opt, topt, rtol=1e-4, atol=1e-10)


@pytest.mark.parametrize("kwargs", [{}, {"line_search_fn": "strong_wolfe", "history_size": 2}])
def test_lbfgs_torch_state_dict_loads_and_carries_on(torch, kwargs):
    ours, opt, closure = lbfgs_setup(am, "split", None, {"lr": 0.5, **kwargs})
    theirs, topt, tclosure = lbfgs_setup(torch, "split", None, {"lr": 0.5, **kwargs})
    for _ in range(2):
        topt.step(tclosure)
    saved = topt.state_dict()
    opt.load_state_dict({"state": {i: {k: numpy_of(v) for k, v in s.items()}
                                   for i, s in saved["state"].items()},
                         "param_groups": saved["param_groups"]})
    for p, t in zip(ours, theirs):
        p.data[...] = t.detach().numpy()
    for _ in range(2):
        opt.step(closure)
        topt.step(tclosure)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-7, atol=1e-12)
    assert_states_match(ours, theirs, opt, topt, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("kwargs", [{"history_size": 3}, {"line_search_fn": "strong_wolfe"}])
def test_lbfgs_state_dict_round_trip_through_save_is_bit_exact(kwargs):
    straight, opt, closure = lbfgs_setup(am, "split", None, kwargs)
    for _ in range(4):
        opt.step(closure)

    first, opt1, closure1 = lbfgs_setup(am, "split", None, kwargs)
    for _ in range(2):
        opt1.step(closure1)
    snapshot = opt1.state_dict()
    assert set(snapshot["state"]) == {0}  # all of it on the first parameter, as torch's
    assert set(snapshot["state"][0]) == {"func_evals", "n_iter", "d", "t", "old_dirs",
                                         "old_stps", "ro", "H_diag", "prev_flat_grad",
                                         "prev_loss", "al"}
    buffer = io.BytesIO()
    am.save({"params": [p.data for p in first], "optim": snapshot}, buffer)
    opt1.step(closure1)  # (the snapshot's history lists are copies)
    buffer.seek(0)
    saved = am.load(buffer)
    resumed, opt2, closure2 = lbfgs_setup(am, "split", None, {**kwargs, "lr": 7.0})
    for p, value in zip(resumed, saved["params"]):
        p.data[...] = value
    opt2.load_state_dict(saved["optim"])
    assert opt2.param_groups[0]["lr"] == 1
    for _ in range(2):
        opt2.step(closure2)
    for p, q in zip(straight, resumed):
        np.testing.assert_array_equal(p.data, q.data)


def test_lbfgs_load_state_dict_checks_before_changing_anything():
    params, opt, closure = lbfgs_setup(am, "split", None, {})
    opt.step(closure)
    good = opt.state_dict()
    other, opt2, _ = lbfgs_setup(am, "split", None, {"lr": 0.3})
    bad = {"state": {0: dict(good["state"][0], d=np.zeros(3))},
           "param_groups": good["param_groups"]}
    with pytest.raises(ValueError, match=r"'d' has shape \(3,\).* 9 element"):
        opt2.load_state_dict(bad)
    bad = {"state": {5: good["state"][0]}, "param_groups": good["param_groups"]}
    with pytest.raises(ValueError, match="parameter 5, which is in no parameter group"):
        opt2.load_state_dict(bad)
    with pytest.raises(ValueError, match="exactly the keys"):
        opt2.load_state_dict({"state": {}})
    assert opt2.state == {} and opt2.param_groups[0]["lr"] == 0.3


def test_lbfgs_returns_at_once_when_the_gradient_is_already_small(torch):
    for lib in (am, torch):
        x = (am_params([[1.0, 1.0]])[0] if lib is am
             else torch.tensor([1.0, 1.0], requires_grad=True))
        opt = (optim if lib is am else lib.optim).LBFGS([x])

        def closure(opt=opt, x=x, lib=lib):
            opt.zero_grad()
            loss = rosenbrock(lib, x)
            loss.backward()
            return loss

        assert float(opt.step(closure).detach()) == 0.0
        state = opt.state[x]
        assert (state["func_evals"], state["n_iter"]) == (1, 0) and set(state) == {
            "func_evals", "n_iter"}


def test_lbfgs_errors():
    p, q = am_params([[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"^LBFGS doesn't support per-parameter options "
                                         r"\(parameter groups\)$"):
        optim.LBFGS([{"params": [p]}, {"params": [q]}])
    opt = optim.LBFGS([p])
    with pytest.raises(ValueError, match="per-parameter options"):
        opt.add_param_group({"params": [q]})
    with pytest.raises(ValueError, match="only 'strong_wolfe' is supported"):
        optim.LBFGS([p], line_search_fn="backtracking")
    with pytest.raises(TypeError, match="needs a closure"):
        opt.step()
    assert opt.defaults["max_eval"] == 25 and optim.LBFGS([q], max_iter=7).defaults[
        "max_eval"] == 8
