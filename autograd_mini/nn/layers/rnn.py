"""Recurrent layers as PyTorch's: RNN, LSTM, GRU and their cells.

Each layer and direction is one fused primitive over the whole sequence
(`nn._sequence_primitives`): the input projection of every step in one matrix product, the
recurrence in a loop over time, backpropagation through time in the backward. The parameters
carry PyTorch's names and shapes (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`,
`..._reverse`; the cells' `weight_ih`, ...), so a state_dict moves between the two one to one,
and start from PyTorch's U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from ... import _dtypes, ops
from ..._device import check_device
from ..._dtypes import ShapeError
from ...tensor import Tensor
from .. import functional as F
from .. import init
from .._sequence_primitives import GRUSequence, LSTMProjSequence, LSTMSequence, RNNSequence
from ..module import Module
from ..parameter import Parameter

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _check_size(name: str, what: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: {what} should be of type int, got: {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name}: {what} must be at least {minimum}, got {value}")
    return int(value)


def _nonlinearity(name: str, value: Any) -> str:
    if value not in ("tanh", "relu"):
        raise ValueError(f"{name}: unknown nonlinearity {value!r} (expected 'tanh' or 'relu')")
    return value


def _run_direction(mode: str, x: Tensor, h0: Any, c0: Any, weights: list, reverse: bool) -> tuple:
    """One layer, one direction: the primitive for `mode`. Returns (output, h_n, c_n or None)."""
    params: dict[str, Any] = {"reverse": True} if reverse else {}
    if mode == "LSTM" and len(weights) in (3, 5):  # with projections: weight_hr last
        w_ih, w_hh, *biases, w_hr = weights
        out, h_n, c_n = LSTMProjSequence.apply(x, h0, c0, w_ih, w_hh, w_hr, *biases, **params)
        return out, h_n, c_n
    if mode == "LSTM":
        out, h_n, c_n = LSTMSequence.apply(x, h0, c0, *weights, **params)
        return out, h_n, c_n
    if mode == "GRU":
        out, h_n = GRUSequence.apply(x, h0, *weights, **params)
    else:
        if mode == "RNN_RELU":
            params["nonlinearity"] = "relu"
        out, h_n = RNNSequence.apply(x, h0, *weights, **params)
    return out, h_n, None


class RNNBase(Module):
    """The common machinery of RNN, LSTM and GRU (PyTorch's `nn.RNNBase`).

    Args:
        mode: 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'.
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        num_layers: the number of stacked layers.
        bias: learn the biases b_ih and b_hh.
        batch_first: input and output are (N, L, *) instead of (L, N, *).
        dropout: the dropout probability between layers, while training.
        bidirectional: also run backward in time (D = 2).
        proj_size: LSTM's projection size P (0: none).
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    mode: str
    input_size: int
    hidden_size: int
    num_layers: int
    bias: bool
    batch_first: bool
    dropout: float
    bidirectional: bool
    proj_size: int

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        check_device(device, name)
        if mode not in _GATES:
            raise ValueError(f"{name}: unrecognized RNN mode {mode!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or \
                not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] representing "
                             f"the probability of an element being zeroed, got {dropout!r}")
        self.input_size = _check_size(name, "input_size", input_size, 0)
        self.hidden_size = _check_size(name, "hidden_size", hidden_size, 1)
        self.num_layers = _check_size(name, "num_layers", num_layers, 1)
        if isinstance(proj_size, numbers.Integral) and not isinstance(proj_size, bool) and \
                proj_size < 0:
            raise ValueError(f"{name}: proj_size should be a positive integer or zero to disable "
                             f"projections, got {proj_size}")
        proj_size = _check_size(name, "proj_size", proj_size, 0)
        if proj_size:
            if mode != "LSTM":
                raise ValueError(f"{name}: proj_size argument is only supported for LSTM, not "
                                 "RNN or GRU")
            if proj_size >= self.hidden_size:
                raise ValueError(f"{name}: proj_size has to be smaller than hidden_size, got "
                                 f"proj_size={proj_size} and hidden_size={self.hidden_size}")
        if dropout > 0 and self.num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        self.mode = mode
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.dropout = float(dropout)
        self.bidirectional = bool(bidirectional)
        self.proj_size = proj_size
        dtype = np.dtype(dtype or _dtypes.get_default_dtype())
        directions = 2 if self.bidirectional else 1
        gate_size = _GATES[mode] * self.hidden_size
        real_hidden = proj_size or self.hidden_size  # the size of h (and of each output)
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(self.num_layers):
            for direction in range(directions):
                layer_input = self.input_size if layer == 0 else real_hidden * directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, real_hidden))]
                if self.bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:  # PyTorch's weight_hr_l{k}: (proj_size, hidden_size), last
                    shapes += [("weight_hr", (proj_size, self.hidden_size))]
                names = []
                for base, shape in shapes:
                    param_name = f"{base}_l{layer}{suffix}"
                    setattr(self, param_name, Parameter(np.empty(shape, dtype=dtype)))
                    names.append(param_name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """A no-op (PyTorch packs the weights for cuDNN here)."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction: [[w_ih, w_hh, b_ih, b_hh, ...], ...]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _weights(self, layer: int, direction: int) -> list:
        directions = 2 if self.bidirectional else 1
        return [getattr(self, name) for name in self._all_weights[layer * directions + direction]]

    def _check_input(self, input: Any) -> tuple[Tensor, bool]:
        name = type(self).__name__
        x = ops.tensor_arg(input, name)
        if x.ndim not in (2, 3):
            raise ShapeError(f"{name}: Expected input to be 2D or 3D, got {x.ndim}D tensor "
                             "instead")
        if x.data.dtype.kind != "f":
            raise TypeError(f"{name}: input must be a floating-point tensor, got dtype {x.dtype}")
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input.size(-1) must be equal to input_size. Expected "
                             f"{self.input_size}, got {x.shape[-1]}")
        weight = self.weight_ih_l0
        if x.dtype != weight.dtype:
            raise TypeError(f"{name}: input dtype {x.dtype} differs from the weights' dtype "
                            f"{weight.dtype}; convert one of them (x.to(...) or model.to(...))")
        return x, x.ndim == 3

    def _check_hidden(self, what: str, h: Any, batched: bool, batch: int,
                      size: int | None = None) -> Tensor:
        name = type(self).__name__
        h = ops.tensor_arg(h, name)
        if batched and h.ndim != 3:
            raise ShapeError(f"{name}: For batched 3-D input, {what} should also be 3-D but got "
                             f"{h.ndim}-D tensor")
        if not batched and h.ndim != 2:
            raise ShapeError(f"{name}: For unbatched 2-D input, {what} should also be 2-D but "
                             f"got {h.ndim}-D tensor")
        if not batched:
            h = ops.unsqueeze(h, 1)
        expected = (self.num_layers * (2 if self.bidirectional else 1), batch,
                    size or self.hidden_size)
        if h.shape != expected:
            raise ShapeError(f"{name}: Expected hidden size {expected}, got {h.shape}")
        if h.dtype != self.weight_ih_l0.dtype:
            raise TypeError(f"{name}: {what} dtype {h.dtype} differs from the weights' dtype "
                            f"{self.weight_ih_l0.dtype}")
        return h

    def _run(self, input: Any, hx: Any) -> tuple[Tensor, Tensor, Tensor | None]:
        """(output, h_n, c_n or None), in the input's layout."""
        name = type(self).__name__
        x, batched = self._check_input(input)
        if not batched:
            x = ops.unsqueeze(x, 1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        steps, batch = x.shape[:2]
        if steps == 0:
            raise ValueError(f"{name}: Expected sequence length to be larger than 0 in RNN")
        directions = 2 if self.bidirectional else 1
        lstm = self.mode == "LSTM"
        if hx is None:
            h0 = c0 = None
        elif lstm:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0), got "
                                f"{type(hx).__name__}")
            h0 = self._check_hidden("hx[0]", hx[0], batched, batch, self.proj_size)
            c0 = self._check_hidden("hx[1]", hx[1], batched, batch)
        else:
            if isinstance(hx, (tuple, list)):
                raise TypeError(f"{name}: hx must be a Tensor, got {type(hx).__name__}")
            h0, c0 = self._check_hidden("hx", hx, batched, batch), None
        zeros = Tensor._make(np.zeros((batch, self.hidden_size), dtype=x.data.dtype))
        h_zeros = zeros if not self.proj_size else \
            Tensor._make(np.zeros((batch, self.proj_size), dtype=x.data.dtype))
        h_last: list = []
        c_last: list = []
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                h = h_zeros if h0 is None else h0[index]
                c = (zeros if c0 is None else c0[index]) if lstm else None
                out, h_n, c_n = _run_direction(self.mode, layer_input, h, c,
                                               self._weights(layer, direction), direction == 1)
                outputs.append(out)
                h_last.append(h_n)
                c_last.append(c_n)
            layer_input = outputs[0] if directions == 1 else ops.cat(outputs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        output = layer_input
        h_n = ops.stack(h_last, 0)
        c_n = ops.stack(c_last, 0) if lstm else None
        if not batched:
            output = ops.squeeze(output, 1)
            h_n = ops.squeeze(h_n, 1)
            c_n = None if c_n is None else ops.squeeze(c_n, 1)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, h_n, c_n

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN, h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh or relu.

    forward(input, hx=None): input (L, N, H_in) ((N, L, H_in) with batch_first) or unbatched
    (L, H_in); hx (D * num_layers, N, H) or (D * num_layers, H), zeros if None. Returns
    (output (L, N, D * H), h_n (D * num_layers, N, H)).

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        num_layers: the number of stacked layers.
        nonlinearity: 'tanh' or 'relu'.
        bias: learn the biases b_ih and b_hh.
        batch_first: input and output are (N, L, *) instead of (L, N, *).
        dropout: the dropout probability between layers, while training.
        bidirectional: also run backward in time (D = 2).
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        self.nonlinearity = _nonlinearity("RNN", nonlinearity)
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Run the RNN over the sequence `input` from the state `hx` (zeros when None).

        Returns:
            (output, h_n): the last layer's output at every step, and each layer's final state.
        """
        output, h_n, _ = self._run(input, hx)
        return output, h_n


class LSTM(RNNBase):
    """Long short-term memory, PyTorch's gates (i, f, g, o) and parameter layout.

    forward(input, hx=None): hx = (h_0, c_0), zeros if None. Returns
    (output (L, N, D * H), (h_n, c_n)), each (D * num_layers, N, H) (no N for unbatched input).

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        num_layers: the number of stacked layers.
        bias: learn the biases b_ih and b_hh.
        batch_first: input and output are (N, L, *) instead of (L, N, *).
        dropout: the dropout probability between layers, while training.
        bidirectional: also run backward in time (D = 2).
        proj_size: P > 0: h = (o tanh(c)) W_hr^T of size P, with PyTorch's `weight_hr_l{k}`
            (P, hidden_size); h_0 and the output have size P, c_0 hidden_size. 0: none.
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device=device, dtype=dtype)

    def forward(self, input: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Run the LSTM over the sequence `input` from the states `hx = (h_0, c_0)` (zeros when None).

        Returns:
            (output, (h_n, c_n)): the last layer's output at every step, and each layer's final
            hidden and cell states.
        """
        output, h_n, c_n = self._run(input, hx)
        assert c_n is not None
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit, PyTorch's gates (r, z, n): n = tanh(W_in x + b_in + r (W_hn h +
    b_hn)), h' = (1 - z) n + z h.

    forward(input, hx=None) -> (output, h_n), as RNN.

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        num_layers: the number of stacked layers.
        bias: learn the biases b_ih and b_hh.
        batch_first: input and output are (N, L, *) instead of (L, N, *).
        dropout: the dropout probability between layers, while training.
        bidirectional: also run backward in time (D = 2).
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Run the GRU over the sequence `input` from the state `hx` (zeros when None).

        Returns:
            (output, h_n): the last layer's output at every step, and each layer's final state.
        """
        output, h_n, _ = self._run(input, hx)
        return output, h_n


class RNNCellBase(Module):
    """The common machinery of the cells: one step, parameters `weight_ih` (G, input_size),
    `weight_hh` (G, hidden_size), `bias_ih`, `bias_hh` (G,).

    Args:
        mode: 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'.
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        bias: learn the biases b_ih and b_hh.
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    input_size: int
    hidden_size: int
    bias: bool

    def __init__(self, mode: str, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        check_device(device, name)
        self.input_size = _check_size(name, "input_size", input_size, 0)
        self.hidden_size = _check_size(name, "hidden_size", hidden_size, 1)
        self.bias = bool(bias)
        self._mode = mode
        dtype = np.dtype(dtype or _dtypes.get_default_dtype())
        gates = _GATES[mode] * self.hidden_size
        self.weight_ih = Parameter(np.empty((gates, self.input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((gates, self.hidden_size), dtype=dtype))
        if self.bias:
            self.bias_ih = Parameter(np.empty((gates,), dtype=dtype))
            self.bias_hh = Parameter(np.empty((gates,), dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _input(self, input: Any) -> tuple[Tensor, bool]:
        name = type(self).__name__
        x = ops.tensor_arg(input, name)
        if x.ndim not in (1, 2):
            raise ShapeError(f"{name}: Expected input to be 1D or 2D, got {x.ndim}D instead")
        if x.data.dtype.kind != "f" or x.dtype != self.weight_ih.dtype:
            raise TypeError(f"{name}: input of dtype {x.dtype} does not match the weights' dtype "
                            f"{self.weight_ih.dtype}")
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input has inconsistent input_size: got {x.shape[-1]} "
                             f"expected {self.input_size}")
        batched = x.ndim == 2
        return (x if batched else ops.unsqueeze(x, 0)), batched

    def _state(self, what: str, h: Any, batched: bool, batch: int) -> Tensor:
        name = type(self).__name__
        if h is None:
            return Tensor._make(np.zeros((batch, self.hidden_size), dtype=self.weight_ih.dtype))
        h = ops.tensor_arg(h, name)
        if h.ndim != (2 if batched else 1):
            raise ShapeError(f"{name}: Expected {what} to be {2 if batched else 1}D, got "
                             f"{h.ndim}D instead")
        if not batched:
            h = ops.unsqueeze(h, 0)
        if h.shape != (batch, self.hidden_size):
            raise ShapeError(f"{name}: {what} has shape {h.shape}, expected "
                             f"{(batch, self.hidden_size)}")
        if h.dtype != self.weight_ih.dtype:
            raise TypeError(f"{name}: {what} dtype {h.dtype} does not match the weights' dtype "
                            f"{self.weight_ih.dtype}")
        return h

    def _weights(self) -> list:
        weights = [self.weight_ih, self.weight_hh]
        if self.bias:
            weights += [self.bias_ih, self.bias_hh]
        return weights

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """One Elman RNN step: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu.

    forward(input (N, input_size) or (input_size,), hx=None (zeros)) -> h' (N, hidden_size).

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        bias: learn the biases b_ih and b_hh.
        nonlinearity: 'tanh' or 'relu'.
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        self.nonlinearity = _nonlinearity("RNNCell", nonlinearity)
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step from `input`, (N, input_size) or (input_size,), and `hx` (zeros when None): h'."""
        x, batched = self._input(input)
        h = self._state("hx", hx, batched, x.shape[0])
        _, h_n, _ = _run_direction(self._mode, ops.unsqueeze(x, 0), h, None, self._weights(),
                                   False)
        return h_n if batched else h_n[0]


class LSTMCell(RNNCellBase):
    """One LSTM step. forward(input, hx=None): hx = (h, c), zeros if None; returns (h', c').

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        bias: learn the biases b_ih and b_hh.
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """One step from `input` and `hx = (h, c)` (zeros when None): (h', c')."""
        x, batched = self._input(input)
        if hx is None:
            h = c = self._state("hx[0]", None, batched, x.shape[0])
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"LSTMCell: hx must be a tuple (h, c), got {type(hx).__name__}")
            h = self._state("hx[0]", hx[0], batched, x.shape[0])
            c = self._state("hx[1]", hx[1], batched, x.shape[0])
        _, h_n, c_n = _run_direction("LSTM", ops.unsqueeze(x, 0), h, c, self._weights(), False)
        return (h_n, c_n) if batched else (h_n[0], c_n[0])


class GRUCell(RNNCellBase):
    """One GRU step. forward(input, hx=None (zeros)) -> h'.

    Args:
        input_size: the number of input features H_in.
        hidden_size: the number of hidden features H.
        bias: learn the biases b_ih and b_hh.
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step from `input`, (N, input_size) or (input_size,), and `hx` (zeros when None): h'."""
        x, batched = self._input(input)
        h = self._state("hx", hx, batched, x.shape[0])
        _, h_n, _ = _run_direction("GRU", ops.unsqueeze(x, 0), h, None, self._weights(), False)
        return h_n if batched else h_n[0]
