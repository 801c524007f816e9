"""The workspace around the cases: finding and loading it and its settings (``settings``),
the case folders (``cases``), git (``git``), the crash journal (``journal``), case numbering
and numbering series.

May import: ``xsk.store``, ``xsk.core``, ``xsk.rules``.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
