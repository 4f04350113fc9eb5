"""Demo and scale data for every module: fictional, deterministic, safe to run twice.

- ``accounts``: one demo account per role (the README lists them) and the demo password;
- ``fake``: one fictional OSC (``fake_osc``), shared by the demo registry and the scale data;
- ``profiles``, ``events``, ``forums``: ``seed()`` writes each module's demo data through the
  real services, inside ``aftercommit.quiet()`` (no mail, no live push);
- ``scale``: tens of thousands of OSCs written directly, for benchmarks;
- ``cli``: ``flask seed-demo`` and ``flask seed-scale``.

Only the CLI registration of the app factory imports this package, and ``cli`` imports the data
modules only when a command runs, so a web worker never loads them. No view or service
imports ``community.demo`` (``tests/demo/test_layout.py`` holds that).
"""

SEED = 2026  # the demo registry's random seed, and seed-scale's default
