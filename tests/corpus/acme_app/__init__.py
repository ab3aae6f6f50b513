"""Acme support assistant: chat, triage agents and nightly reports on Claude."""

__version__ = "3.4.1"
