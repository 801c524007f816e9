"""Procedures: their model, the loader that reads and validates procedure files, the pure step
engine (no I/O), and the views ``xsk procedures`` shows.

May import: ``xsk.workspace``, ``xsk.store``, ``xsk.core``, ``xsk.rules``.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
