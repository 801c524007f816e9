"""The vocabulary every layer shares: errors and exit codes, the data model of cases, the clock,
the document kinds, where the built-in files are, where a key stands in TOML text.

May import: nothing else in xsk (the lowest layer).
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
