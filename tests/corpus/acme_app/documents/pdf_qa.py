"""Question answering over uploaded contract PDFs."""

from __future__ import annotations

import base64
from pathlib import Path

import anthropic


class ContractQA:
    """Answers questions about a contract, sent inline or through the Files API."""

    MODEL = "claude-opus-4-7"
    BETAS = ["pdfs-2024-09-25"]

    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def ask_inline(self, pdf_path: Path, question: str) -> str:
        data = base64.standard_b64encode(pdf_path.read_bytes()).decode()
        document = {"type": "base64", "media_type": "application/pdf", "data": data}
        response = self.client.beta.messages.create(
            model=self.MODEL,
            max_tokens=1024,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "document", "source": document},
                        {"type": "text", "text": question},
                    ],
                }
            ],
            betas=self.BETAS,
        )
        return response.content[0].text

    def upload(self, pdf_path: Path) -> str:
        with pdf_path.open("rb") as handle:
            uploaded = self.client.beta.files.upload(
                file=(pdf_path.name, handle, "application/pdf"),
                betas=["files-api-2025-04-14"],
            )
        return uploaded.id

    def ask_file(self, file_id: str, question: str) -> str:
        response = self.client.beta.messages.create(
            model=self.MODEL,
            max_tokens=1024,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "document", "source": {"type": "file", "file_id": file_id}},
                        {"type": "text", "text": question},
                    ],
                }
            ],
        )
        return response.content[0].text

    def forget(self, file_id: str) -> None:
        self.client.files.delete(file_id)
