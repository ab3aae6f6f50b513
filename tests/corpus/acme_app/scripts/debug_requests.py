"""Reproduce a failing API request with curl, for support tickets.

Usage: python -m acme_app.scripts.debug_requests payload.json
"""

from __future__ import annotations

import shlex
import subprocess
import sys

API_URL = "https://api.anthropic.com/v1/messages"
HELP = "If the API answers 'Unexpected value(s)', check the anthropic-beta header of the request."

LIST_SKILLS_CURL = 'curl -sS https://api.anthropic.com/v1/skills -H "anthropic-beta: skills-2025-10-02"'


def curl_command(payload_path: str) -> list[str]:
    return [
        "curl",
        "-sS",
        API_URL,
        "-H",
        "x-api-key: $ANTHROPIC_API_KEY",
        "-H",
        "anthropic-version: 2023-06-01",
        "-H",
        "anthropic-beta: context-management-2025-06-27",
        "-H",
        "content-type: application/json",
        "-d",
        f"@{payload_path}",
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        print(HELP, file=sys.stderr)
        return 2
    command = curl_command(argv[1])
    print(" ".join(shlex.quote(part) for part in command))
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        subprocess.run(shlex.split(LIST_SKILLS_CURL), check=False)
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
