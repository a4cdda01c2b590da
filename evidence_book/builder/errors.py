"""Errors the builder reports to the user as one clear message (no traceback)."""


class BuildError(Exception):
    """A build cannot go on; the message says what and where. Nothing is published."""
