"""The one interface through which xsk asks a person anything (``base.Prompter``), its
no-input and scripted versions, and the terminal one (questionary, imported lazily).

May import: ``xsk.core``.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
