"""Turns on autograd_mini's pytest plugin for this suite: the `gradcheck` fixture and
`--gradcheck-examples N`. The plugin is opt-in; a project enables it once, here or with
`pytest -p autograd_mini.testing.plugin`."""

pytest_plugins = ["autograd_mini.testing.plugin"]
