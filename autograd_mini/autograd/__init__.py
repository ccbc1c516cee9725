"""Differentiation machinery: custom `Function`s, `grad`, `backward`, and anomaly detection."""

from .anomaly import detect_anomaly
from .engine import backward, grad, retain_grads
from .function import Function
from .node import Node

__all__ = ["Function", "Node", "backward", "detect_anomaly", "grad", "retain_grads"]
