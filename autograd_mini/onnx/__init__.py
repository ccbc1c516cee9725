"""ONNX export: `am.onnx.export(model_or_fn, example_inputs, "model.onnx", ...)`.

    import autograd_mini as am
    am.onnx.export(model, am.randn(1, 64), "mlp.onnx", input_names=["x"],
                   output_names=["logits"], dynamic_axes={"x": {0: "batch"}})

The forward runs on the example inputs with every registry primitive recorded (see
`_trace.py`); each recorded primitive becomes ONNX operators (`_ops.py`), parameters and buffers
become initializers named by their state-dict keys, and every value's shape is annotated. The
forward is traced twice, the second time with the dynamic axes resized and other values
changed: dimensions that differ are the dynamic ones, and a constant that differs (a value
computed from the inputs outside the primitives: a comparison, an integer op) is an error, as is
a different sequence of ops (control flow that depends on the inputs). Needs the optional
`onnx` package (`pip install 'autograd_mini[onnx]'`); `onnxruntime` runs the result.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from ._errors import ExportError, UnsupportedOperatorError

__all__ = ["export", "ExportError", "UnsupportedOperatorError", "exportable_primitives"]


def exportable_primitives() -> list[str]:
    """The names of the registry primitives that have an ONNX mapping."""
    from ._ops import HANDLERS

    return sorted(HANDLERS)


def export(model: Any, args: Any, f: str | os.PathLike[str] | BinaryIO, *,
           input_names: list[str] | None = None, output_names: list[str] | None = None,
           dynamic_axes: dict[str, Any] | None = None, opset_version: int = 17,
           check: bool = True) -> Any:
    """Export a Module (or a function of Tensors) to an ONNX file, as `torch.onnx.export`.

    Args:
        model: an `am.nn.Module` (run in eval mode for the export, its mode restored after) or
            a function taking and returning Tensors.
        args: the example input: a Tensor, or a tuple of Tensors (ndarrays are accepted).
        f: the path (or binary file object) to write the model to.
        input_names: the graph's input names (default `input_0`, `input_1`, ...).
        output_names: the graph's output names (default `output_0`, ...).
        dynamic_axes: `{name: {axis: dim_name}}` or `{name: [axis, ...]}` for inputs and
            outputs whose sizes may change (typically the batch axis).
        opset_version: the ONNX opset (17 or later).
        check: run `onnx.checker.check_model` on the result.

    Returns:
        The `onnx.ModelProto` written.

    Raises:
        UnsupportedOperatorError: a primitive without an ONNX mapping (named in the message).
        ExportError: the forward cannot be exported as traced (input-dependent control flow
            or constants, in-place writes, unsupported dynamic shapes).
        ImportError: the `onnx` package is missing.
    """
    try:
        import onnx
    except ImportError:
        raise ImportError("am.onnx.export needs the optional `onnx` package: pip install "
                          "'autograd_mini[onnx]' (or pip install onnx)") from None
    if opset_version < 17:
        raise ValueError(f"export: opset_version must be 17 or later, got {opset_version}")
    from ._export import build_model

    model_proto = build_model(model, args, input_names, output_names, dynamic_axes or {},
                              opset_version)
    if check:
        onnx.checker.check_model(model_proto)
    if hasattr(f, "write"):
        f.write(model_proto.SerializeToString())  # type: ignore[union-attr]
    else:
        onnx.save_model(model_proto, os.fspath(f))
    return model_proto
