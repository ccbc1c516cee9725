"""Draw the computation graph of a small MLP after one backward pass: the README's picture.

Run:
    python examples/draw_mlp.py docs/mlp_graph.svg                # the README's picture
    python examples/draw_mlp.py out/mlp.png --dpi 150             # .svg, .png, .pdf or .dot
    python examples/draw_mlp.py out/mlp_modules.svg --collapse    # one box per layer
    python examples/draw_mlp.py out/mlp_memory.svg --saved        # what backward keeps

Rendering images needs Graphviz's `dot` program (`make graphviz`, or apt/brew/conda install
graphviz); a path ending in .dot needs nothing.
"""

from __future__ import annotations

import argparse

import numpy as np

import autograd_mini as am
from autograd_mini import nn


class MLP(nn.Module):
    """2 inputs -> 16 hidden units (ReLU) -> 3 class scores."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(2, 16)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x: am.Tensor) -> am.Tensor:
        return self.fc2(self.act(self.fc1(x)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", help="output file: .svg, .png, .pdf or .dot")
    parser.add_argument("--collapse", action="store_true", help="draw each layer as one box")
    parser.add_argument("--saved", action="store_true",
                        help="list the arrays each op saves for backward (drawn before backward)")
    parser.add_argument("--no-grads", action="store_true", help="leave gradients out")
    parser.add_argument("--dpi", type=float, default=None, help="resolution of a PNG")
    parser.add_argument("--rankdir", default="TB", choices=["TB", "LR", "BT", "RL"])
    args = parser.parse_args()

    am.manual_seed(0)
    model = MLP()
    x = am.randn(8, 2)
    x.name = "x"
    y = am.tensor(np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    y.name = "y"
    loss = nn.CrossEntropyLoss()(model(x), y)
    loss.name = "loss"
    show_grads = not (args.no_grads or args.saved)
    if show_grads:  # keep every interior gradient on the graph, so each node shows its own
        loss.backward(retain_grads=True)
    result = am.viz.render(loss, args.path, params=model, show_grads=show_grads,
                           show_saved=args.saved, collapse="module" if args.collapse else None,
                           rankdir=args.rankdir, dpi=args.dpi)
    print(f"wrote {result}")


if __name__ == "__main__":
    main()
