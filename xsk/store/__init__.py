"""Files on disk: atomic writes (temp file, fsync, rename) and TOML in and out (tomllib to
read, tomlkit to write so hand-edited files keep their comments and order).

May import: ``xsk.core``, ``xsk.rules``.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
