"""Work on cases: running one step (``steps``), recording events (``recording``), the roster,
answers files, the status list and the index cache that status and reports read.

May import: ``xsk.parts``, ``xsk.procedure``, ``xsk.workspace``, ``xsk.store``, ``xsk.prompts``,
``xsk.core``, ``xsk.rules``.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
