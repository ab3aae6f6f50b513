"""The audit as JSON (`--format json`), and reading such files back for `audit --merge`.

Version 1. New keys may be added; existing ones keep their meaning, and a change of meaning
bumps `version`:

    {
      "version": 1,
      "today": "YYYY-MM-DD",                   # the day days_left counts from (--today)
      "repositories": ["name", ...],           # the repository audited, or every one merged
      "codeowners": ".github/CODEOWNERS" | null,
      "blame": true,                           # whether last changes were looked up
      "files_scanned": 12,
      "betas": [                               # most urgent first (retired, fewest days left),
        {                                      # "<dynamic>" last
          "name": "computer-use-2024-10-22",   # or "<dynamic>"
          "status": "retired",                 # active|ga|superseded|retired|unknown|dynamic
          "confidence": "medium" | null,
          "successor": "computer-use-2025-01-24" | null,
          "successors": ["computer-use-2025-01-24", ...],  # the chain followed, in order
          "final_successor": "..." | null,     # the last of them: what to move to
          "successor_cycle": false,            # the registry's successors loop
          "ga_date": "YYYY-MM-DD" | null,
          "retires": "YYYY-MM-DD" | null,      # registry `retires`, else `retired-date`
          "days_left": -392 | null,            # retires - today; negative: already past
          "note": "..." | null,                # the registry's note: what to do
          "sources": [{"text": "[RN] 2026-08-19", "url": "https://..." | null}],
          "send_sites": 3, "definitions": 1,
          "uses": [                            # sorted by repository, path, cell, line, column
            {"repository": "name" | null,      # set in merged audits
             "path": "app/agent.py", "cell": null, "line": 3, "column": 9,
             "kind": "betas-argument",         # betas-argument|header|header-string|text (sent)
                                               # constant|added (definitions)
             "endpoint": "/v1/messages" | null,
             "role": "sent",                   # sent|bound|mentioned (mentioned: --include-mentions)
             "test": false,                    # in test code
             "function": "Agent.run" | null,   # the enclosing function or class
             "code": "betas=[...]" | null,     # the line of code
             "owners": ["@team"],              # CODEOWNERS, last matching rule
             "author": "A. Name" | null, "changed": "YYYY-MM-DD" | null}  # git blame
          ]
        }
      ],
      "totals": {"status": {...}, "owners": {...}, "repositories": {...}, "all": {...}}
    }

`cell` is the 1-based notebook cell for `.ipynb` files (lines then count from the cell's
start) and null elsewhere. Columns count Unicode code points, from 1.
"""

from __future__ import annotations

import json
from typing import Any

from beta_lint.audit.inventory import BetaUses, Report, Use
from beta_lint.audit.totals import totals


def use_json(u: Use) -> dict[str, Any]:
    return {
        "repository": u.repository,
        "path": u.path,
        "cell": u.cell,
        "line": u.line,
        "column": u.column,
        "kind": u.kind,
        "endpoint": u.endpoint,
        "role": u.role,
        "test": u.test,
        "function": u.function,
        "code": u.code,
        "owners": list(u.owners),
        "author": u.author,
        "changed": u.changed,
    }


def beta_json(b: BetaUses) -> dict[str, Any]:
    return {
        "name": b.name,
        "status": b.status,
        "confidence": b.confidence,
        "successor": b.successor,
        "successors": list(b.chain),
        "final_successor": b.final_successor,
        "successor_cycle": b.cycle,
        "ga_date": b.ga_date,
        "retires": b.retires,
        "days_left": b.days_left,
        "note": b.note,
        "sources": [{"text": text, "url": url} for text, url in b.sources],
        "send_sites": b.send_sites,
        "definitions": b.definitions,
        "uses": [use_json(u) for u in b.uses],
    }


def render_json(report: Report) -> str:
    summary = totals(report)
    data = {
        "version": 1,
        "today": report.today.isoformat(),
        "repositories": list(report.repositories),
        "codeowners": report.codeowners,
        "blame": report.blame,
        "files_scanned": report.files_scanned,
        "betas": [beta_json(b) for b in report.betas],
        "totals": {
            "status": {c.key: c.to_json() for c in summary.by_status},
            "owners": {c.key: c.to_json() for c in summary.by_owner},
            "repositories": {c.key: c.to_json() for c in summary.by_repository},
            "all": summary.overall.to_json(),
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
