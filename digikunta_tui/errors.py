"""Errors meant for people: the CLI prints their message as one line, the app in a dialog."""

from __future__ import annotations


class UserError(Exception):
    """A failure caused by input or state the user can fix; the message says how."""


class CommandError(UserError):
    """A command could not do what was asked (bad argument, unknown record, …)."""
