"""Documents: which ones a case or meeting has and their contexts, the public view
(``plan``), rendering .docx from templates (``docx`` and its helpers), building many at
once with the incremental manifest (``build``), output listing and PDF (``outputs``), and
template export (``templates``).

May import: ``xsk.casework`` and every layer below it.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""
