"""The composite parts of a case, each in its own files: meetings (``meetings/*.toml``),
outcomes (``outcomes.toml``) and events (``events/*.toml``); reading, validating and
writing them.

May import: ``xsk.procedure``, ``xsk.workspace``, ``xsk.store``, ``xsk.prompts``, ``xsk.core``,
``xsk.rules``.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
