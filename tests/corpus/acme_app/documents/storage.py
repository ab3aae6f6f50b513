"""Generated reports, kept in the Files API so agents can read them later.

Requests no longer send ``anthropic-beta: files-api-2025-04-14``: since the
Files API went GA that header only selects the legacy response format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from anthropic import Anthropic

REPORT_MIME = "text/markdown"


class ReportStore:
    def __init__(self, client: Anthropic) -> None:
        self._client = client

    def save(self, name: str, markdown: str) -> str:
        uploaded = self._client.files.upload(file=(name, markdown.encode(), REPORT_MIME))
        return uploaded.id

    def ids(self) -> Iterator[str]:
        for item in self._client.files.list(limit=100):
            yield item.id

    def read(self, file_id: str) -> str:
        return self._client.files.download(file_id).text()

    def metadata(self, file_id: str) -> dict[str, object]:
        info = self._client.beta.files.retrieve_metadata(file_id)
        return {"name": info.filename, "size": info.size_bytes, "created": info.created_at}

    def prune(self, older_than: dt.timedelta) -> int:
        cutoff = dt.datetime.now(dt.timezone.utc) - older_than
        removed = 0
        for item in self._client.files.list(limit=100):
            if item.created_at < cutoff:
                self._client.files.delete(item.id)
                removed += 1
        return removed


def check_header_hygiene(headers: dict[str, str]) -> None:
    """Refuse request headers that still carry the old Files API beta."""
    value = headers.get("anthropic-beta", "")
    if "files-api" in value:
        raise RuntimeError("files-api-2025-04-14 is no longer needed; remove it from ACME_EXTRA_BETAS")
