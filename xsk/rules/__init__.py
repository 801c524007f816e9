"""Pure decision rules: vote thresholds, working-day calendar, privacy masking.

Nothing in this package does I/O, reads the clock or prints. Submodules are not imported here
so that importing one rule module does not pay for the others (``workdays`` loads the holiday
schedule).
"""


class RuleError(ValueError):
    """Bad input to a rule; the message is in Chinese and fit to show to the facilitator."""
