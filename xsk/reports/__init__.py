"""Reports: statistics (``stats``), the ledger spreadsheet (``ledger``), charts, the report
document, the 督办单 (``supervision``) and the bundle ``xsk demo`` writes.

May import: ``xsk.documents`` and every layer below it.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
