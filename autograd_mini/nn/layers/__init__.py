"""The layers of `am.nn`: thin Modules holding parameters and options, calling `nn.functional`."""

from .activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .attention import MultiheadAttention, TransformerEncoder, TransformerEncoderLayer
from .conv import Conv2d, MaxPool2d
from .conv1d import Conv1d
from .distance import CosineSimilarity, PairwiseDistance
from .linear import Dropout, Embedding, Flatten, Identity, Linear
from .normalization import BatchNorm1d, LayerNorm
from .pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase

__all__ = [
    "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "SiLU", "Softmax", "Softplus", "Tanh",
    "Conv2d", "MaxPool2d", "Dropout", "Embedding", "Flatten", "Identity", "Linear", "BatchNorm1d",
    "LayerNorm",
    # PyTorch's further activations and the distance layers
    "CELU", "ELU", "GLU", "SELU", "Hardsigmoid", "Hardswish", "Hardtanh", "LogSigmoid", "Mish",
    "PReLU", "ReLU6", "Softmin", "Softsign", "Tanhshrink", "Threshold", "CosineSimilarity",
    "PairwiseDistance",
]
# attention, recurrent layers, 1-D convolution and pooling
__all__ += [
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "RNNBase", "RNN",
    "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "Conv1d", "MaxPool1d",
    "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
]
# more normalisation, channel dropout, Unflatten and ZeroPad2d (nn/layers/normalization2.py)
from .normalization2 import (  # noqa: E402
    BatchNorm2d,
    Dropout2d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    RMSNorm,
    Unflatten,
    ZeroPad2d,
)

__all__ += [
    "BatchNorm2d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "RMSNorm", "Dropout2d",
    "Unflatten", "ZeroPad2d",
]
# transposed convolutions, adaptive max pooling, upsampling and pixel shuffle (vision)
from .conv import ConvTranspose2d  # noqa: E402
from .conv1d import ConvTranspose1d  # noqa: E402
from .pooling import AdaptiveMaxPool1d, AdaptiveMaxPool2d  # noqa: E402
from .upsampling import (  # noqa: E402
    PixelShuffle,
    PixelUnshuffle,
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)

__all__ += [
    "ConvTranspose1d", "ConvTranspose2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "Upsample",
    "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle",
]
