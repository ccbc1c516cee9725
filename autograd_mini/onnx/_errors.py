"""The errors of am.onnx.export (in a module of their own, so the exporter's modules can raise them
without importing the package's __init__)."""


class ExportError(RuntimeError):
    """The model cannot be exported as traced (see the message for what and where)."""


class UnsupportedOperatorError(ExportError):
    """A registry primitive the forward used has no ONNX mapping."""
