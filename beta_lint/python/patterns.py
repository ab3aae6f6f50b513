"""The words and patterns the Python front end recognises: header keys, suppression comments,
collection methods, calls that are never requests, and the limits that keep resolution finite."""

from __future__ import annotations

import re

HEADER_KEY = "anthropic-beta"
# Keys that were meant to be the anthropic-beta header but are not (in a headers mapping).
NEAR_HEADER_KEY_RE = re.compile(r"^\s*(x-)?anthropic[-_ ]?betas?\s*:?\s*$", re.IGNORECASE)
# "anthropic-beta: a,b" inside any string (curl lines, raw HTTP, subprocess arguments).
RAW_HEADER_RE = re.compile(r"anthropic-beta\s*:[ \t]*(?P<value>[^\"'\r\n\\]*)", re.IGNORECASE)
TOKEN_RE = re.compile(r"[^,;\s]+")
SUPPRESS_RE = re.compile(
    r"#\s*(?:noqa(?::\s*(?P<noqa>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?"
    r"|beta-lint:\s*ignore(?:\[(?P<ignore>[^\]]*)\])?)",
    re.IGNORECASE,
)
COLLECTION_METHODS = {"append": "append", "extend": "extend", "add": "append", "insert": "insert", "update": "update"}
PASSTHROUGH_ATTRS = {"with_raw_response", "with_streaming_response"}
CLIENT_COPIES = {"with_options", "copy"}
DYNAMIC = "dynamic"  # placeholder word for an unresolved part of a header value
MAX_ALTERNATIVES = 16
DATED_RE = re.compile(r"[a-z0-9]-\d{4}-\d{1,2}-\d{1,2}")
LOG_CALLS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"})
# Method names that are never API requests: skip resolving their receivers (the common case).
COMMON_NON_REQUESTS = frozenset(
    {
        "append",
        "extend",
        "add",
        "update",
        "join",
        "split",
        "format",
        "strip",
        "replace",
        "startswith",
        "endswith",
        "items",
        "keys",
        "values",
        "get",
        "pop",
        "lower",
        "upper",
        "encode",
        "decode",
        "info",
        "debug",
        "warning",
        "error",
        "exception",
        "setdefault",
        "insert",
        "remove",
        "copy",
        "with_options",
    }
)
MAX_DEPTH = 24
