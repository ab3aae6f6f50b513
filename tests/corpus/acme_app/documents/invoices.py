"""Invoice extraction: the contract QA flow with another prompt and a cheaper model."""

from __future__ import annotations

import json
from typing import Any

from acme_app.documents.pdf_qa import ContractQA

EXTRACTION_PROMPT = "Return the invoice number, the issue date and the total amount as a JSON object."


class InvoiceQA(ContractQA):
    MODEL = "claude-sonnet-4-6"

    def extract(self, file_id: str) -> dict[str, Any]:
        response = self.client.beta.messages.create(
            model=self.MODEL,
            max_tokens=512,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "document", "source": {"type": "file", "file_id": file_id}},
                        {"type": "text", "text": EXTRACTION_PROMPT},
                    ],
                }
            ],
            betas=self.BETAS,
        )
        return json.loads(response.content[0].text)

    def extract_many(self, file_ids: list[str]) -> list[dict[str, Any]]:
        return [self.extract(file_id) for file_id in file_ids]
