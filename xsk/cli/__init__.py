"""The command line: the typer app (``app``, ``common``), one module per command group, and
screen output (``output``). The only package that imports typer or click.

May import: any package of xsk (the top layer); nothing imports it but ``xsk.__main__``.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
