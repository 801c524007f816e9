"""What a facilitator does, composed from the layers below: init, new, edit, check, sync
(``workflow``), running a step with its documents (``stepping``), answers files
(``stepfile``), ledger import, vote tallies and the sample-case replay of ``xsk demo``.

May import: ``xsk.reports`` and every layer below it.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
