"""Feeding data to a model, as `torch.utils.data` for map-style datasets.

    from autograd_mini.utils.data import DataLoader, TensorDataset, random_split

    dataset = TensorDataset(images, labels)          # am Tensors or NumPy arrays
    train, val = random_split(dataset, [0.8, 0.2], generator=am.Generator().manual_seed(0))
    for x, y in DataLoader(train, batch_size=64, shuffle=True):
        loss = F.cross_entropy(model(x), y)
        ...

- datasets: `Dataset` (`ds1 + ds2` is a `ConcatDataset`), `TensorDataset`, `Subset`,
  `ConcatDataset`, `random_split`;
- samplers: `Sampler`, `SequentialSampler`, `RandomSampler`, `SubsetRandomSampler`,
  `WeightedRandomSampler`, `BatchSampler`;
- `DataLoader`, with `default_collate` / `default_convert` (extensible through `collate` and
  `default_collate_fn_map`, as PyTorch's).

Random draws (shuffling, samplers, random_split) come from an `am.Generator` given as
`generator=`, or from the global stream (`am.manual_seed`): the same seed gives the same order
every time, but not PyTorch's order (the streams are NumPy's). Iterable-style datasets are not
supported; `num_workers > 0` is accepted but loads in the main process (see `DataLoader`).
"""

from ._collate import (
    collate,
    default_collate,
    default_collate_fn_map,
    default_convert,
)
from .dataloader import DataLoader, get_worker_info
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "Dataset", "TensorDataset", "ConcatDataset", "Subset", "random_split",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler",
    "DataLoader", "get_worker_info", "default_collate", "default_convert", "collate",
    "default_collate_fn_map",
]
