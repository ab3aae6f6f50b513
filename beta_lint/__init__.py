"""beta-lint: find and check Anthropic API beta names in Python code."""

__version__ = "0.1.0"
