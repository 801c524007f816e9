"""Pure decision rules: vote thresholds, working-day calendar, privacy masking.

Nothing in this package does I/O, reads the clock or prints. Submodules are not imported here
so that importing one rule module does not pay for the others (``workdays`` loads the holiday
schedule).

May import: ``xsk.core`` only.
Layers, lowest first: core, rules/prompts, store, workspace, procedure, parts, casework,
documents, reports, actions, walk, cli (docs/architecture.md; tests/test_architecture.py).
"""


class RuleError(ValueError):
    """Bad input to a rule; the message is in Chinese and fit to show to the facilitator."""
