"""Optimizers (`SGD`, `Adam`, `AdamW`, `RMSprop`) and `lr_scheduler`, shaped like torch.optim.

Updates are NumPy arithmetic on each parameter's `.data`, in place, outside the graph.
"""

from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler"]
