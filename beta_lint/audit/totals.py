"""The audit's totals: per status, per owner, per repository, production code against tests."""

from __future__ import annotations

from dataclasses import dataclass

from beta_lint.audit.inventory import Report, Use

NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class Count:
    key: str
    betas: int
    send_sites: int
    definitions: int
    production: int
    tests: int

    def to_json(self) -> dict[str, object]:
        return {
            "betas": self.betas,
            "send_sites": self.send_sites,
            "definitions": self.definitions,
            "production": self.production,
            "tests": self.tests,
        }


@dataclass(frozen=True)
class Totals:
    by_status: tuple[Count, ...]  # in urgency order of the statuses present
    by_owner: tuple[Count, ...]  # most uses first; files no rule owns under NO_OWNER
    by_repository: tuple[Count, ...]  # only when audits were merged
    overall: Count


def _count(key: str, pairs: list[tuple[str, Use]]) -> Count:
    uses = [use for _name, use in pairs]
    return Count(
        key,
        len({name for name, _use in pairs}),
        sum(1 for use in uses if not use.definition),
        sum(1 for use in uses if use.definition),
        sum(1 for use in uses if not use.test),
        sum(1 for use in uses if use.test),
    )


def totals(report: Report) -> Totals:
    pairs = [(beta.name, use) for beta in report.betas for use in beta.uses]
    statuses: dict[str, list[tuple[str, Use]]] = {}
    for beta in report.betas:  # betas come in urgency order, so do their statuses
        statuses.setdefault(beta.status, []).extend((beta.name, use) for use in beta.uses)
    owners: dict[str, list[tuple[str, Use]]] = {}
    repositories: dict[str, list[tuple[str, Use]]] = {}
    for name, use in pairs:
        for owner in use.owners or (NO_OWNER,):
            owners.setdefault(owner, []).append((name, use))
        if use.repository:
            repositories.setdefault(use.repository, []).append((name, use))
    by_owner = sorted((_count(k, v) for k, v in owners.items()), key=lambda c: (-(c.send_sites + c.definitions), c.key))
    return Totals(
        tuple(_count(k, v) for k, v in statuses.items()),
        tuple(by_owner),
        tuple(_count(k, v) for k, v in sorted(repositories.items())),
        _count("all", pairs),
    )
