#!/usr/bin/env bash
# Upload a knowledge-base PDF and print its file id.
# The files beta (files-api-2025-04-14) is GA now; drop the header when we upgrade.
set -euo pipefail

curl -sS https://api.anthropic.com/v1/files \
  -H "x-api-key: $ANTHROPIC_API_KEY" \
  -H "anthropic-version: 2023-06-01" \
  -H "anthropic-beta: files-api-2025-04-14,pdfs-2024-09-25" \
  -F "file=@$1" | jq -r .id
