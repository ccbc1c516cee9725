"""am.linalg's inverses, solves and decompositions against PyTorch 2.13.

Literal expected values (computed with torch 2.13.0, float64) run without torch; the live
comparisons (values, gradients, batching, dtypes, errors) skip without it. U/Vh of svd and the
eigenvectors of eigh are defined up to sign, so they are compared through gauge-invariant
quantities (U diag(c) U^T) and their gradients through losses of those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import linalg as LA

A = np.array([[2.0, 1.0, 0.5], [0.3, 3.0, 1.0], [0.2, -0.4, 1.5]])
G = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.0], [2.0, 0.1, -0.4]])
M = np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 1.0], [2.0, 0.3, 0.7], [-0.6, 0.4, 1.2]])
GM = np.array([[0.2, -1.0, 0.4], [1.1, 0.3, -0.7], [0.5, 0.9, 0.1], [-0.3, 0.6, 1.5]])
C3 = np.array([1.0, 2.0, 3.0])

# ---- expected values from torch 2.13.0 (see each test for the loss differentiated) ----------
INV = ([[0.533188248095756, -0.184983677910773, -0.054406964091404],
        [-0.027203482045702, 0.315560391730141, -0.201305767138194],
        [-0.078346028291621, 0.108813928182807, 0.620239390642002]],
       [[-0.380936368124979, 0.420459268187851, -0.053843357673395],
        [0.018861870249751, -0.277327510979077, 0.22458294901138],
        [-0.598689733482839, 0.006284329965509, 0.130830099898054]])
DET = (9.19,
       [[4.899999999999999, -0.25, -0.72], [-1.7, 2.9, 1.0], [-0.5, -1.85, 5.699999999999999]])
SLOGDET = (-1.0, 2.218115936367596,
           [[-0.533188248095756, 0.027203482045702, 0.078346028291621],
            [0.184983677910773, -0.315560391730141, -0.108813928182807],
            [0.054406964091404, 0.201305767138194, -0.620239390642002]])
SOLVE = ([0.217627856365615, 0.805223068552775, -0.480957562568009],
         [[-0.087856294571973, -0.3250682899163, 0.19416241100406],
          [0.06157044902618, 0.227810661396868, -0.136070692347859],
          [-0.301932009647616, -1.117148435696178, 0.667269741321231]],
         [0.403699673558215, -0.282916213275299, 1.387377584330794])
CHOLESKY = ([[2.5, 0.0, 0.0], [1.64, 2.898344354972335, 0.0],
             [0.3, -0.045543242566586, 1.832464409765309]],
            [[0.16558619645352, -0.021242133976141, 0.402905361956902],
             [-0.021242133976141, 0.121002726552738, 0.015536211312873],
             [0.402905361956902, 0.015536211312873, -0.109142638151218]])
QR = ([[-0.422200330920749, 0.775116621820879, 0.026277844226169],
       [-0.211100165460374, -0.541587896015871, 0.447629484404392],
       [-0.844400661841498, -0.168687239171916, 0.139803309183558],
       [0.253320198552449, 0.278246992448521, 0.882832007992467]],
      [[-2.368543856465402, -0.785292615512593, -0.498196390486484],
       [0.0, 2.152513764885462, -0.325772572497987], [0.0, 0.0, 1.604890210423842]],
      [[1.128041755165232, 1.137674381528252, -1.218523192768339],
       [-1.30063945061943, -0.710118385602489, -0.064155045306592],
       [-1.162820426010878, 1.670322081992987, -0.078397678134113],
       [0.867708390498607, -1.023047267029701, -0.3718735724286]])
SVD = ([2.721032947336215, 2.065605276669702, 1.455765963506868],
       [[1.880023467750832, 0.349071764642802, -3.741341116169722],
        [1.127549769594779, -2.494495366365971, -0.7437946078433],
        [-1.20491744848094, 1.294035964646033, 2.27967883124214],
        [-2.069624388500348, -0.430739328557032, 4.736057312384086]])
SVDVALS = ([2.721032947336215, 2.065605276669702, 1.455765963506868],
           [[-0.07965267376961, 1.263900491151304, 0.029830086866897],
            [0.415118017924907, -0.844507379547061, 1.175335947984873],
            [1.23704471717505, -0.498149428281026, 0.282947198706556],
            [-1.280864763614356, 0.93500633428846, 2.398968091103718]])
NORM_NUC = (6.242404187512785,
            [[0.281773050608654, 0.836861975460334, 0.00392478395552],
             [0.229626524744228, -0.460838595472358, 0.522639773011383],
             [0.831378397039207, -0.007013177207467, 0.264146936227647],
             [-0.420339824452907, 0.295365262509236, 0.81059154931387]])
NORM_TWO = (2.721032947336215,
            [[0.564183534626584, 0.4704497287363, 0.116203575315532],
             [-0.027047223845211, -0.022553581131132, -0.00557085402227],
             [0.50636690696487, 0.42223879181503, 0.104295218487244],
             [-0.004080617162074, -0.003402660870359, -0.000840475261372]])
NORM_MINUS_TWO = (1.455765963506868,
                  [[-0.079015240360335, 0.060626268966936, 0.138184094271388],
                   [-0.07118225540876, 0.054616230266522, 0.124485547939836],
                   [0.080654830061507, -0.061884282051062, -0.141051455261494],
                   [-0.444265731870617, 0.340873148399629, 0.776944517214606]])
EIGH = ([2.638035724133154, 3.532404616094232, 6.829559659772612],
        [[1.932255221255464, 0.390057841489927, 0.538271180149654],
         [0.390057841489928, 2.757799440383806, 0.181783627624376],
         [0.538271180149654, 0.181783627624376, 1.309945338360729]])
PINV = ([[0.054596619526447, 0.099884688689335, 0.359795187993284, -0.293117766903861],
         [0.362576401211665, -0.20939458574561, -0.065183751262151, 0.212519343024263],
         [0.016373608646556, 0.278915954186159, 0.087110824326504, 0.55008872398774]],
        [[0.08610443304881, -0.007606648858563, -0.387998923395366],
         [0.322431700758579, -0.421670994069458, -0.380985828244767],
         [-0.243094747414696, 0.16234484280248, 0.10970104824163],
         [0.24959365688344, -0.246531504840876, -0.284131124555788]])
INV_BATCH = ([[[0.533188248095756, -0.184983677910773, -0.054406964091404],
               [-0.027203482045702, 0.315560391730141, -0.201305767138194],
               [-0.078346028291621, 0.108813928182807, 0.620239390642002]],
              [[0.266594124047878, -0.013601741022851, -0.039173014145811],
               [-0.092491838955386, 0.157780195865071, 0.054406964091404],
               [-0.027203482045702, -0.100652883569097, 0.310119695321001]]],
             [[[-0.380936368124979, 0.420459268187851, -0.053843357673395],
               [0.018861870249751, -0.277327510979077, 0.22458294901138],
               [-0.598689733482839, 0.006284329965509, 0.130830099898054]],
              [[-0.095234092031245, 0.004715467562438, -0.14967243337071],
               [0.105114817046963, -0.069331877744769, 0.001571082491377],
               [-0.013460839418349, 0.056145737252845, 0.032707524974513]]])
INV_SECOND = [[0.415067319345551, -0.062649494723234, -0.119644455935442],
              [0.239952619872274, -0.032819286007515, -0.050145247469638],
              [0.485833894975144, -0.014285489568926, 0.19042022306883]]
SVDVALS_SECOND = [[0.461091061662341, 0.544971680545971, -1.3966789660415],
                  [0.565350271892623, -1.701724802291462, -1.686313776704624],
                  [-1.416096915770216, 0.883012564834519, -0.417380877020872],
                  [-0.238002338651964, -0.219052553842499, 0.795963091719232]]


def _leaf(a: Any) -> am.Tensor:
    return am.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def _close(got: Any, want: Any) -> None:
    got = got.data if isinstance(got, am.Tensor) else np.asarray(got)
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-12, atol=1e-13)


def _sym_project(u: Any, c: Any) -> Any:
    """U diag(c) U^T: invariant under the sign of each column of U."""
    return (u * c) @ u.mT


def test_inv_literal() -> None:
    a = _leaf(A)
    v = LA.inv(a)
    (v * am.tensor(G)).sum().backward()
    _close(v, INV[0])
    _close(a.grad, INV[1])


def test_inv_batched_literal() -> None:
    a = _leaf(np.stack([A, 2 * A.T]))
    v = LA.inv(a)
    (v * am.tensor(np.stack([G, G.T]))).sum().backward()
    _close(v, INV_BATCH[0])
    _close(a.grad, INV_BATCH[1])


def test_det_literal() -> None:
    a = _leaf(A)
    d = LA.det(a)
    d.backward()
    _close(d, DET[0])
    _close(a.grad, DET[1])


def test_slogdet_literal() -> None:
    a = _leaf(-A)
    sign, logabsdet = LA.slogdet(a)
    logabsdet.backward()
    assert LA.slogdet(a).sign is not None and sign.dtype == np.float64
    _close(sign, SLOGDET[0])
    _close(logabsdet, SLOGDET[1])
    _close(a.grad, SLOGDET[2])


def test_solve_vector_literal() -> None:
    a, b = _leaf(A), _leaf([1.0, 2.0, -1.0])
    x = LA.solve(a, b)
    (x * am.tensor([1.0, -1.0, 2.0])).sum().backward()
    _close(x, SOLVE[0])
    _close(a.grad, SOLVE[1])
    _close(b.grad, SOLVE[2])


def test_cholesky_literal() -> None:
    a = _leaf(A @ A.T + np.eye(3))
    low = LA.cholesky(a)
    (low * am.tensor(G)).sum().backward()
    _close(low, CHOLESKY[0])
    _close(a.grad, CHOLESKY[1])


def test_qr_literal() -> None:
    a = _leaf(M)
    q, r = LA.qr(a)
    ((q * am.tensor(GM)).sum() + (r * am.tensor(G)).sum()).backward()
    _close(q, QR[0])
    _close(r, QR[1])
    _close(a.grad, QR[2])


def test_svd_literal() -> None:
    a = _leaf(M)
    u, s, vh = LA.svd(a, full_matrices=False)
    c = am.tensor(C3)
    loss = ((s * c).sum() + (am.tensor(GM @ GM.T) * _sym_project(u, c)).sum()
            + (am.tensor(G) * _sym_project(vh.mT, c)).sum())
    loss.backward()
    _close(s, SVD[0])
    _close(a.grad, SVD[1])


def test_svdvals_literal() -> None:
    a = _leaf(M)
    s = LA.svdvals(a)
    (s * am.tensor(C3)).sum().backward()
    _close(s, SVDVALS[0])
    _close(a.grad, SVDVALS[1])


@pytest.mark.parametrize("ord_, want", [("nuc", NORM_NUC), (2, NORM_TWO), (-2, NORM_MINUS_TWO)])
def test_singular_value_matrix_norms_literal(ord_: Any, want: tuple) -> None:
    a = _leaf(M)
    n = LA.matrix_norm(a, ord_)
    n.backward()
    _close(n, want[0])
    _close(a.grad, want[1])
    # the same through linalg.norm (a 2-D input with ord given) and am.norm ('nuc')
    _close(LA.norm(a, ord_), want[0])
    if ord_ == "nuc":
        _close(am.norm(a, "nuc"), want[0])


def test_eigh_literal() -> None:
    a = _leaf(A + A.T)
    w, v = LA.eigh(a)
    c = am.tensor(C3)
    ((w * c).sum() + (am.tensor(G) * _sym_project(v, c)).sum()).backward()
    _close(w, EIGH[0])
    _close(a.grad, EIGH[1])


def test_pinv_literal() -> None:
    a = _leaf(M)
    p = LA.pinv(a)
    (p * am.tensor(GM.T)).sum().backward()
    _close(p, PINV[0])
    _close(a.grad, PINV[1])


def test_torch_spellings() -> None:
    a = am.tensor(A)
    _close(am.det(a), DET[0])
    _close(a.det(), DET[0])
    _close(am.inverse(a), INV[0])
    _close(a.inverse(), INV[0])


def test_results_are_named_tuples() -> None:
    a = am.tensor(M)
    assert LA.svd(a).U.shape == (4, 4) and LA.svd(a).Vh.shape == (3, 3)
    assert LA.svd(a, full_matrices=False).U.shape == (4, 3)
    assert LA.qr(a).Q.shape == (4, 3) and LA.qr(a, "complete").Q.shape == (4, 4)
    assert LA.qr(a, "r").Q.shape == (0,) and LA.qr(a, "r").R.shape == (3, 3)
    assert LA.eigh(am.tensor(A + A.T)).eigenvalues.shape == (3,)
    assert LA.slogdet(am.tensor(A)).logabsdet.shape == ()


def test_second_order_inv_and_svdvals() -> None:
    """Gradients of gradients, against literal torch values (torch.autograd.grad with
    create_graph=True, then the sum of the gradient's elements, differentiated again)."""
    a = _leaf(A)
    (g,) = am.autograd.grad((LA.inv(a) * am.tensor(G)).sum(), a, create_graph=True)
    (gg,) = am.autograd.grad(g.sum(), a)
    _close(gg, INV_SECOND)
    a = _leaf(M)
    (g,) = am.autograd.grad((LA.svdvals(a) * am.tensor(C3)).sum(), a, create_graph=True)
    (gg,) = am.autograd.grad((g * am.tensor(GM)).sum(), a)
    _close(gg, SVDVALS_SECOND)


# ---- errors --------------------------------------------------------------------------------
def test_singular_matrix_raises_linalg_error() -> None:
    singular = am.tensor([[1.0, 2.0], [2.0, 4.0]])
    for fn in (LA.inv, lambda a: LA.solve(a, am.tensor([1.0, 1.0]))):
        with pytest.raises(LA.LinAlgError, match="singular"):
            fn(singular)
    assert issubclass(LA.LinAlgError, RuntimeError)
    with pytest.raises(LA.LinAlgError, match="not positive-definite.*order 2"):
        LA.cholesky(am.tensor([[1.0, 2.0], [2.0, 1.0]]))


@pytest.mark.parametrize("fn", [LA.inv, LA.det, LA.slogdet, LA.cholesky, LA.eigh])
def test_non_square_and_integer_inputs(fn: Callable) -> None:
    with pytest.raises(RuntimeError, match="square matrices, but they are 2 by 3"):
        fn(am.zeros(2, 3))
    with pytest.raises(RuntimeError, match="floating point.*Got Long"):
        fn(am.tensor(np.eye(2, dtype=np.int64)))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        fn(am.zeros(3))


def test_argument_errors() -> None:
    with pytest.raises(RuntimeError, match=r"Incompatible shapes of A and B .*\(3x3 and 4x1\)"):
        LA.solve(am.tensor(A), am.zeros(4, dtype=np.float64))
    with pytest.raises(RuntimeError, match=r"\(3x3 and 4x3\)"):
        LA.solve(am.tensor(A), am.zeros(4, 3, dtype=np.float64))
    with pytest.raises(RuntimeError, match="unrecognized mode 'x'"):
        LA.qr(am.tensor(M), mode="x")
    with pytest.raises(RuntimeError, match="UPLO argument to be 'L' or 'U'"):
        LA.eigh(am.tensor(A), UPLO="X")
    with pytest.raises(RuntimeError, match="not supported"):
        LA.matrix_norm(am.tensor(M), 3)


def test_qr_modes_without_a_derivative() -> None:
    a = _leaf(M)
    with pytest.raises(RuntimeError, match="mode='r'"):
        LA.qr(a, "r").R.sum().backward()
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete'"):
        LA.qr(a, "complete").Q.sum().backward()
    wide = _leaf(M.T)  # complete == reduced when m <= n: differentiable, as in PyTorch
    LA.qr(wide, "complete").Q.sum().backward()
    assert wide.grad is not None


def test_float32_stays_float32_and_float16_is_computed_in_float32() -> None:
    a32 = am.tensor(A.astype(np.float32))
    assert LA.inv(a32).dtype == np.float32 and LA.svdvals(a32).dtype == np.float32
    a16 = am.tensor(A.astype(np.float16), requires_grad=True)
    v = LA.inv(a16)  # PyTorch refuses float16 here; this computes in float32, casts back
    assert v.dtype == np.float16
    np.testing.assert_allclose(v.data.astype(np.float64), INV[0], rtol=0, atol=2e-3)
    v.sum().backward()
    assert a16.grad.dtype == np.float16


# ---- live comparisons with torch -----------------------------------------------------------
def _gauge_free(name: str, outs: tuple, lib: Any) -> list:
    """The outputs of `name` with U/Vh/eigenvectors replaced by U diag(c) U^T."""
    dtype = np.float32 if "float32" in str(outs[0].dtype) else np.float64
    if name == "svd":
        u, s, vh = outs
        k = s.shape[-1]
        c = lib.tensor(np.arange(1.0, k + 1, dtype=dtype))
        return [s, _sym_project(u[..., :k], c), _sym_project(vh[..., :k, :].mT, c)]
    if name == "eigh":
        w, v = outs
        return [w, _sym_project(v, lib.tensor(np.arange(1.0, w.shape[-1] + 1, dtype=dtype)))]
    return list(outs)


def _input(name: str, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    a = rng.standard_normal(shape)
    if name in ("cholesky", "cholesky_upper"):
        return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])
    if name in ("eigh", "pinv_hermitian"):
        return a + np.swapaxes(a, -1, -2)
    return a


def _calls(torch: Any) -> dict:
    tl = torch.linalg
    return {
        "inv": (LA.inv, tl.inv), "det": (LA.det, tl.det),
        "slogdet": (lambda a: tuple(LA.slogdet(a)), lambda a: tuple(tl.slogdet(a))),
        "cholesky": (LA.cholesky, tl.cholesky),
        "cholesky_upper": (lambda a: LA.cholesky(a, upper=True),
                           lambda a: tl.cholesky(a, upper=True)),
        "qr": (lambda a: tuple(LA.qr(a)), lambda a: tuple(tl.qr(a))),
        "svd": (lambda a: tuple(LA.svd(a, False)), lambda a: tuple(tl.svd(a, False))),
        "svd_full": (lambda a: tuple(LA.svd(a)), lambda a: tuple(tl.svd(a))),
        "svdvals": (LA.svdvals, tl.svdvals),
        "eigh": (lambda a: tuple(LA.eigh(a)), lambda a: tuple(tl.eigh(a))),
        "pinv": (LA.pinv, tl.pinv),
        "pinv_hermitian": (lambda a: LA.pinv(a, hermitian=True),
                           lambda a: tl.pinv(a, hermitian=True)),
        "nuc": (lambda a: LA.matrix_norm(a, "nuc"), lambda a: tl.matrix_norm(a, "nuc")),
        "norm2": (lambda a: LA.matrix_norm(a, 2, (0, -1), True),
                  lambda a: tl.matrix_norm(a, 2, (0, -1), True)),
        "norm-2": (lambda a: LA.matrix_norm(a, -2), lambda a: tl.matrix_norm(a, -2)),
    }


SQUARE_ONLY = {"inv", "det", "slogdet", "cholesky", "cholesky_upper", "eigh", "pinv_hermitian"}
NAMES = ["inv", "det", "slogdet", "cholesky", "cholesky_upper", "qr", "svd", "svd_full",
         "svdvals", "eigh", "pinv", "pinv_hermitian", "nuc", "norm2", "norm-2"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 5, 3), (2, 3, 5)])
def test_values_and_gradients_match_torch(name: str, shape: tuple) -> None:
    torch = pytest.importorskip("torch")
    if name in SQUARE_ONLY and shape[-1] != shape[-2]:
        pytest.skip("a square-matrix function")
    rng = np.random.default_rng(abs(hash((name, shape))) % 2**32)
    a_np = _input(name, shape, rng)
    ours, theirs = _calls(torch)[name]
    base = name.replace("_full", "")
    a = _leaf(a_np)
    ta = torch.tensor(a_np, requires_grad=True)
    got = _gauge_free(base, ours(a) if isinstance(ours(a), tuple) else (ours(a),), am)
    want = _gauge_free(base, theirs(ta) if isinstance(theirs(ta), tuple) else (theirs(ta),),
                       torch)
    weights = [rng.standard_normal(tuple(w.shape)) for w in want]
    for g, w in zip(got, want):
        assert g.shape == tuple(w.shape) and g.dtype == np.float64
        np.testing.assert_allclose(g.data, w.detach().numpy(), rtol=1e-9, atol=1e-11)
    differentiable = [k for k, w in enumerate(want) if w.requires_grad and
                      not (name == "slogdet" and k == 0)]
    sum(((got[k] * am.tensor(weights[k])).sum() for k in differentiable), am.tensor(0.0)).backward()
    sum((want[k] * torch.tensor(weights[k])).sum() for k in differentiable).backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("a_shape, b_shape, left", [
    ((3, 3), (3,), True), ((2, 3, 3), (2, 3), True), ((3, 3, 3), (3, 3), True),
    ((2, 3, 3), (4, 1, 3, 2), True), ((3, 3), (2, 3, 4), True), ((2, 3, 3), (2, 5, 3), False),
    ((3, 3), (1, 3), False),
])
def test_solve_broadcasting_matches_torch(a_shape: tuple, b_shape: tuple, left: bool) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    a_np = rng.standard_normal(a_shape) + 3 * np.eye(a_shape[-1])
    b_np = rng.standard_normal(b_shape)
    a, b = _leaf(a_np), _leaf(b_np)
    ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
    x, tx = LA.solve(a, b, left=left), torch.linalg.solve(ta, tb, left=left)
    assert x.shape == tuple(tx.shape)
    np.testing.assert_allclose(x.data, tx.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(x.shape)
    (x * am.tensor(w)).sum().backward()
    (tx * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", ["inv", "det", "cholesky", "qr", "svdvals", "eigh", "pinv"])
def test_second_order_matches_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    a_np = _input(name, (2, 3, 3), rng) + (3 * np.eye(3) if name != "eigh" else 0)
    ours, theirs = _calls(torch)[name]
    a = _leaf(a_np)
    ta = torch.tensor(a_np, requires_grad=True)
    got = _gauge_free(name, ours(a) if isinstance(ours(a), tuple) else (ours(a),), am)
    want = _gauge_free(name, theirs(ta) if isinstance(theirs(ta), tuple) else (theirs(ta),),
                       torch)
    weights = [rng.standard_normal(tuple(w.shape)) for w in want]
    (g,) = am.autograd.grad(sum(((o * am.tensor(w)).sum() for o, w in zip(got, weights)),
                                am.tensor(0.0)), a, create_graph=True)
    (tg,) = torch.autograd.grad(sum((o * torch.tensor(w)).sum() for o, w in zip(want, weights)),
                                ta, create_graph=True)
    v = rng.standard_normal(a_np.shape)
    (gg,) = am.autograd.grad((g * am.tensor(v)).sum(), a)
    (tgg,) = torch.autograd.grad((tg * torch.tensor(v)).sum(), ta)
    np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-7, atol=1e-9)


def test_errors_are_torchs_exception_types() -> None:
    torch = pytest.importorskip("torch")
    cases = [
        (lambda L, t: L.inv(t(np.zeros((3, 3))))),
        (lambda L, t: L.inv(t(np.zeros((2, 3))))),
        (lambda L, t: L.solve(t(np.zeros((3, 3))), t(np.ones(3)))),
        (lambda L, t: L.solve(t(np.eye(3)), t(np.ones(4)))),
        (lambda L, t: L.cholesky(t(-np.eye(3)))),
        (lambda L, t: L.det(t(np.eye(3, dtype=np.int64)))),
    ]
    for case in cases:
        with pytest.raises(RuntimeError) as ours:
            case(LA, am.tensor)
        with pytest.raises(RuntimeError) as theirs:
            case(torch.linalg, torch.tensor)
        # singular / not positive-definite: LinAlgError in both; shape or dtype: plain
        assert isinstance(ours.value, LA.LinAlgError) == isinstance(
            theirs.value, torch.linalg.LinAlgError), (ours.value, theirs.value)


def test_solve_vector_with_left_false_is_refused_as_in_torch() -> None:
    with pytest.raises(RuntimeError, match=r"XA = B \(3x3 and 3x1\)"):
        LA.solve(am.tensor(A), am.tensor(np.ones(3)), left=False)


def test_solve_refuses_mixed_dtypes_as_torch() -> None:
    with pytest.raises(RuntimeError, match="same dtype.*A of type Double and B of type Float"):
        LA.solve(am.tensor(A), am.tensor(np.ones(3, dtype=np.float32)))


def test_det_gradient_at_a_singular_matrix_is_the_cofactor_matrix() -> None:
    """PyTorch's SVD formula (what torch 2.13 returns under create_graph=True; its plain
    backward returns 0 here, which is not the derivative: det(A + eps E) changes at first order
    for a rank n-1 matrix)."""
    a = _leaf([[1.0, 2.0], [2.0, 4.0]])
    LA.det(a).backward()
    _close(a.grad, [[4.0, -2.0], [-2.0, 1.0]])
    b = _leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [5.0, 7.0, 9.0]])
    (g,) = am.autograd.grad(LA.det(b), b, create_graph=True)
    _close(g, [[3.0, -6.0, 3.0], [3.0, -6.0, 3.0], [-3.0, 6.0, -3.0]])
    batch = _leaf(np.stack([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 1.0], [0.5, 3.0]]]))
    (LA.det(batch) * am.tensor([1.0, 2.0])).sum().backward()
    _close(batch.grad, [[[4.0, -2.0], [-2.0, 1.0]], [[6.0, -1.0], [-2.0, 4.0]]])


@pytest.mark.parametrize("kw", [{}, {"atol": 0.5}, {"rtol": 0.3}, {"hermitian": True},
                                {"hermitian": True, "atol": 1e-8}])
def test_pinv_of_rank_deficient_matrices_matches_torch(kw: dict) -> None:
    """A rank-2 (2, 4, 4) batch (and a cut-off that drops a nonzero singular value): values
    and gradients (PyTorch's constant-rank pinv_backward)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    left, right = rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 2, 4))
    a_np = left @ right
    if kw.get("hermitian"):
        a_np = a_np + np.swapaxes(a_np, -1, -2)
    a, ta = _leaf(a_np), torch.tensor(a_np, requires_grad=True)
    p, tp = LA.pinv(a, **kw), torch.linalg.pinv(ta, **kw)
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-9, atol=1e-11)
    w = rng.standard_normal(p.shape)
    (p * am.tensor(w)).sum().backward()
    (tp * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_eigh_upper_reads_the_upper_triangle_as_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    a_np = rng.standard_normal((2, 3, 3))
    a, ta = _leaf(a_np), torch.tensor(a_np, requires_grad=True)
    got = _gauge_free("eigh", tuple(LA.eigh(a, "U")), am)
    want = _gauge_free("eigh", tuple(torch.linalg.eigh(ta, "U")), torch)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.data, w.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = [rng.standard_normal(tuple(w.shape)) for w in want]
    sum((g * am.tensor(v)).sum() for g, v in zip(got, weights)).backward()
    sum((w * torch.tensor(v)).sum() for w, v in zip(want, weights)).backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", NAMES)
def test_float32_results_and_gradients_match_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(13)
    a_np = _input(name, (2, 3, 3), rng) + (3 * np.eye(3) if name != "eigh" else 0)
    a_np = a_np.astype(np.float32)
    ours, theirs = _calls(torch)[name]
    base = name.replace("_full", "")
    a, ta = am.tensor(a_np, requires_grad=True), torch.tensor(a_np, requires_grad=True)
    got = _gauge_free(base, ours(a) if isinstance(ours(a), tuple) else (ours(a),), am)
    want = _gauge_free(base, theirs(ta) if isinstance(theirs(ta), tuple) else (theirs(ta),),
                       torch)
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g.data, w.detach().numpy(), rtol=1e-4, atol=1e-5)
    k = 1 if name == "slogdet" else 0
    (got[k] * am.tensor(np.ones(got[k].shape, np.float32))).sum().backward()
    want[k].sum().backward()
    assert a.grad.dtype == np.float32
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_reads_one_triangle_as_torch(upper: bool) -> None:
    """The other triangle is ignored in the values; the gradient is PyTorch's symmetrized one."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(21)
    spd = A @ A.T + np.eye(3)
    noise = rng.standard_normal((3, 3)) * 5
    a_np = spd + (np.triu(noise, 1) if not upper else np.tril(noise, -1))
    a, ta = _leaf(a_np), torch.tensor(a_np, requires_grad=True)
    low, tlow = LA.cholesky(a, upper=upper), torch.linalg.cholesky(ta, upper=upper)
    np.testing.assert_allclose(low.data, tlow.detach().numpy(), rtol=1e-12, atol=1e-13)
    (low * am.tensor(G)).sum().backward()
    (tlow * torch.tensor(G)).sum().backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-10, atol=1e-12)
