"""Differentiation machinery: custom `Function`s, `grad`, `backward`, anomaly detection, and
`functional` (jacobian, hessian, vjp, jvp, hvp, vhp of whole functions, as PyTorch's)."""

from . import functional
from .anomaly import detect_anomaly
from .engine import backward, grad, retain_grads
from .function import Function
from .node import Node

__all__ = ["Function", "Node", "backward", "detect_anomaly", "functional", "grad",
           "retain_grads"]
