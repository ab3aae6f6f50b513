"""The rule documentation pages in `rules/pages/`: one Markdown file per rule code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from beta_lint.checks.base import Rule
from beta_lint.checks.rules import RULES
from beta_lint.knowledge.data import rules_dir

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")
_SECTION_RE = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_CODE_RE = re.compile(r"```python\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class RulePage:
    code: str
    title: str
    text: str
    sections: dict[str, str]

    def example(self, section: str) -> str | None:
        """The first ```python block of a section."""
        match = _CODE_RE.search(self.sections.get(section, ""))
        return match.group(1) if match else None

    @property
    def summary(self) -> str:
        body = self.sections.get("What it does", "").strip()
        return body.split("\n\n")[0].replace("\n", " ") if body else ""


@cache
def page(code: str) -> RulePage:
    path = rules_dir() / "pages" / f"{code}.md"
    text = path.read_text(encoding="utf-8")
    title = text.splitlines()[0].lstrip("# ").strip() if text else ""
    sections: dict[str, str] = {}
    matches = list(_SECTION_RE.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sections[match.group(1)] = text[match.end() : end].strip("\n")
    return RulePage(code, title, text, sections)


def rules() -> list[Rule]:
    return [RULES[code] for code in sorted(RULES)]
