"""The layers of `am.nn`: thin Modules holding parameters and options, calling `nn.functional`."""

from .activation import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .conv import Conv2d, MaxPool2d
from .linear import Dropout, Embedding, Flatten, Identity, Linear
from .normalization import BatchNorm1d, LayerNorm

__all__ = [
    "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "SiLU", "Softmax", "Softplus", "Tanh",
    "Conv2d", "MaxPool2d", "Dropout", "Embedding", "Flatten", "Identity", "Linear", "BatchNorm1d",
    "LayerNorm",
]
