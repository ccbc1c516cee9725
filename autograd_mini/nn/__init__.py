"""Neural-network building blocks: `Module`, layers, losses, `functional`, `init` and `utils`.

    import autograd_mini as am
    from autograd_mini import nn
    import autograd_mini.nn.functional as F

    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    loss = nn.CrossEntropyLoss()(model(x), y)
"""

from . import functional, init, utils
from .containers import ModuleDict, ModuleList, ParameterList, Sequential
from .layers import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    BatchNorm1d,
    Conv2d,
    CosineSimilarity,
    Dropout,
    Embedding,
    Flatten,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    Identity,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSigmoid,
    LogSoftmax,
    MaxPool2d,
    Mish,
    PairwiseDistance,
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
from .layers.attention import MultiheadAttention, TransformerEncoder, TransformerEncoderLayer
from .layers.conv1d import Conv1d
from .layers.pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
)
from .layers.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    TripletMarginLoss,
)
from .module import Module
from .parameter import Parameter

__all__ = [
    "functional", "init", "utils", "Module", "Parameter", "Sequential", "ModuleList", "ModuleDict",
    "ParameterList", "Linear", "Identity", "Flatten", "Dropout", "Embedding", "ReLU", "LeakyReLU",
    "Sigmoid", "Tanh", "GELU", "SiLU", "Softplus", "Softmax", "LogSoftmax", "LayerNorm",
    "BatchNorm1d", "Conv2d", "MaxPool2d", "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss",
    "BCELoss", "BCEWithLogitsLoss",
    # PyTorch's further activations, distances and losses
    "ELU", "SELU", "CELU", "ReLU6", "Hardtanh", "Hardsigmoid", "Hardswish", "Mish", "Softsign",
    "LogSigmoid", "Softmin", "GLU", "PReLU", "Tanhshrink", "Threshold", "CosineSimilarity",
    "PairwiseDistance", "HuberLoss", "SmoothL1Loss", "KLDivLoss", "CosineEmbeddingLoss",
    "MarginRankingLoss", "HingeEmbeddingLoss", "TripletMarginLoss", "PoissonNLLLoss",
    "GaussianNLLLoss",
]
# attention, recurrent layers, 1-D convolution and pooling (nn/layers/attention.py, rnn.py, ...)
__all__ += [
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "RNNBase", "RNN",
    "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "Conv1d", "MaxPool1d",
    "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
]
# more normalisation, channel dropout, Unflatten and ZeroPad2d (nn/layers/normalization2.py)
from .layers.normalization2 import (  # noqa: E402
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
from .layers import (  # noqa: E402
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    ConvTranspose1d,
    ConvTranspose2d,
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
# the CTC loss (nn/_ctc.py)
from .losses import CTCLoss  # noqa: E402

__all__ += ["CTCLoss"]
