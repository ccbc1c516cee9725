"""The random-program fuzzer: hypothesis draws differentiable programs over every op, and each
leaf's gradient is checked against finite differences (see `programs`).

Test code, not part of the installed package: `import autograd_mini.testing` never loads it. It is
imported as `fuzz.programs` with tests/ on sys.path: pytest puts it there (tests/ has a
conftest.py and no __init__.py), and the stress tools in benchmarks/stress/ insert it themselves.

- `programs.py`: the `Program`, the `OPS` table of the core ops, the `programs()` and
  `focused_programs(op)` strategies, `check_program`, `minimize`, `primitives_used`.
- `programs_nn.py`: the ops of `am.nn.functional`, registered into the same `OPS` on import.
"""
