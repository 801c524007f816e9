"""``xsk walk``: the guided, interactive walk through a case.

May import: ``xsk.actions`` and every layer below it.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
