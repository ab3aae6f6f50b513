"""The registry of known betas: loading, validating, extending and looking names up."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

from beta_lint.knowledge.data import TOMLDecodeError, load_toml, rules_dir
from beta_lint.model import escape_surrogates

Status = Literal["active", "ga", "superseded", "retired", "unknown"]
STATUSES: tuple[Status, ...] = ("active", "ga", "superseded", "retired", "unknown")
PLATFORMS = ("anthropic", "bedrock", "vertex", "foundry")
CONFIDENCES = ("high", "medium", "low")

# feature-name-YYYY-MM-DD: lowercase letters and digits in single-hyphen-separated words.
BETA_NAME_RE = re.compile(r"^(?P<feature>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<date>\d{4}-\d{2}-\d{2})$")
# The year must look like one (19xx/20xx): the byte prefilter asks the same, so nothing the
# extractor would call beta-shaped can be skipped by it. Month and day may be malformed.
_DATE_TAIL_RE = re.compile(r"-((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})$")


class RegistryError(Exception):
    """A registry file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Beta:
    name: str
    status: Status
    successor: str | None = None
    ga_date: str | None = None
    retired_date: str | None = None
    retires: str | None = None
    changes_behaviour: bool = False
    endpoints: tuple[str, ...] = ()
    required_on: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    platforms_unsupported: tuple[str, ...] = ()
    sdk_added_by: tuple[str, ...] = ()
    in_sdk_literal: bool = False
    confidence: str = "low"
    source: str = ""
    note: str | None = None
    origin: str = "registry"  # registry | config | allow

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "successor": self.successor,
            "ga_date": self.ga_date,
            "retired_date": self.retired_date,
            "retires": self.retires,
            "changes_behaviour": self.changes_behaviour,
            "endpoints": list(self.endpoints),
            "required_on": list(self.required_on),
            "conflicts": list(self.conflicts),
            "models": list(self.models),
            "platforms_unsupported": list(self.platforms_unsupported),
            "sdk_added_by": list(self.sdk_added_by),
            "in_sdk_literal": self.in_sdk_literal,
            "confidence": self.confidence,
            "source": self.source,
            "note": self.note,
            "origin": self.origin,
        }


_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "status": str,
    "successor": str,
    "ga-date": str,
    "retired-date": str,
    "retires": str,
    "changes-behaviour": bool,
    "endpoints": list,
    "required-on": list,
    "conflicts": list,
    "models": list,
    "platforms-unsupported": list,
    "sdk-added-by": list,
    "in-sdk-literal": bool,
    "confidence": str,
    "source": str,
    "note": str,
}


def _check_date(value: str, where: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise RegistryError(f"{where}: {value!r} is not a YYYY-MM-DD date") from None
    return value


# What a registry may name as a beta (its name, successor, conflicts): letters, digits, dots,
# hyphens and underscores. A fix writes a successor into a string literal as it is, so a name
# holding a quote, a backslash, a brace or a space could turn into code; such a file is refused.
_ENTRY_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _check_names(raw: Mapping[str, Any], where: str) -> None:
    for key in ("name", "successor", "conflicts"):
        value = raw.get(key)
        for item in value if isinstance(value, list) else [value] if isinstance(value, str) else []:
            if not _ENTRY_NAME_RE.fullmatch(item):
                raise RegistryError(
                    f"{where}: key {key!r}: {escape_surrogates(item)!r} is not a beta name "
                    "(letters, digits, '.', '-', '_')"
                )


def parse_entry(raw: Mapping[str, Any], where: str, origin: str = "registry") -> Beta:
    """Validate one `[[beta]]` table; `where` names the file and entry for error messages."""
    for key, value in raw.items():
        expected = _KEYS.get(key)
        if expected is None:
            raise RegistryError(f"{where}: unknown key {key!r} (expected one of {', '.join(_KEYS)})")
        if not isinstance(value, expected) or (expected is str and value == ""):
            raise RegistryError(f"{where}: key {key!r} must be a non-empty {getattr(expected, '__name__', '')}")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise RegistryError(f"{where}: key {key!r} must be a list of strings")
    name = raw.get("name")
    if not isinstance(name, str):
        raise RegistryError(f"{where}: missing key 'name'")
    _check_names(raw, where)
    where = f"{where} ({name})"
    status = raw.get("status", "unknown" if origin != "registry" else None)
    if status not in STATUSES:
        raise RegistryError(f"{where}: 'status' must be one of {', '.join(STATUSES)}")
    confidence = raw.get("confidence", "high" if origin != "registry" else "low")
    if confidence not in CONFIDENCES:
        raise RegistryError(f"{where}: 'confidence' must be one of {', '.join(CONFIDENCES)}")
    platforms = tuple(raw.get("platforms-unsupported", ()))
    for platform in platforms:
        if platform not in PLATFORMS:
            raise RegistryError(f"{where}: unknown platform {platform!r} (expected {', '.join(PLATFORMS)})")
    dates = {
        key: _check_date(raw[key], f"{where} {key}") for key in ("ga-date", "retired-date", "retires") if key in raw
    }
    return Beta(
        name=name,
        status=cast(Status, status),
        successor=raw.get("successor"),
        ga_date=dates.get("ga-date"),
        retired_date=dates.get("retired-date"),
        retires=dates.get("retires"),
        changes_behaviour=bool(raw.get("changes-behaviour", False)),
        endpoints=tuple(raw.get("endpoints", ())),
        required_on=tuple(raw.get("required-on", ())),
        conflicts=tuple(raw.get("conflicts", ())),
        models=tuple(raw.get("models", ())),
        platforms_unsupported=platforms,
        sdk_added_by=tuple(raw.get("sdk-added-by", ())),
        in_sdk_literal=bool(raw.get("in-sdk-literal", False)),
        confidence=str(confidence),
        source=str(raw.get("source", "user configuration" if origin != "registry" else "")),
        note=raw.get("note"),
        origin=origin,
    )


@dataclass(frozen=True)
class SdkInUse:
    """The anthropic SDK whose facts a run uses, and how beta-lint came to it."""

    version: str
    path: str | None  # the package folder read statically; None when none was found
    origin: str  # "VIRTUAL_ENV", ".venv", "config", "uv.lock", "shipped table" ...
    stamp: str = ""  # identifies the files read (sizes and times), for cache keys
    # Per platform, the client paths no client class of it has (`beta.compliance` on Bedrock).
    missing: tuple[tuple[str, tuple[str, ...]], ...] = ()

    # (route template, betas) of every SDK method that sends betas by itself.
    sent_on: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def sends_itself(self, endpoint: str, name: str) -> bool:
        """Whether an SDK method going to `endpoint` (a route, `{}` for dynamic parts) adds `name` itself."""
        actual = endpoint.strip("/").split("/")
        for route, names in self.sent_on:
            pattern = route.strip("/").split("/")
            if name in names and len(pattern) == len(actual):
                if all(p == a or p.startswith("{") or a.startswith("{") for p, a in zip(pattern, actual, strict=True)):
                    return True
        return False

    def missing_on(self, platform: str | None, target: str) -> str | None:
        """The path (`target` or a resource above it) that the platform's clients lack."""
        for name, paths in self.missing:
            if name == platform:
                return next((p for p in paths if target == p or target.startswith(p + ".")), None)
        return None

    def describe(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"anthropic {self.version}{where} ({self.origin})"

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "path": self.path, "origin": self.origin}

    def named(self) -> str:
        """How a message names it: the version, and where it came from when no package was read."""
        return f"anthropic {self.version}" + ("" if self.path else f" ({self.origin})")


@dataclass(frozen=True)
class Registry:
    betas: Mapping[str, Beta]
    updated: str
    allowed: frozenset[str] = field(default_factory=frozenset)
    sdk: SdkInUse | None = None

    def get(self, name: str) -> Beta | None:
        return self.betas.get(name)

    def is_known(self, name: str) -> bool:
        return name in self.betas or name in self.allowed

    def names(self) -> list[str]:
        return sorted(self.betas)

    def versions_of(self, name: str) -> list[str]:
        """Other dated versions of the same feature (`computer-use-*`)."""
        feature = feature_of(name)
        if feature is None:
            return []
        return sorted(n for n in self.betas if n != name and feature_of(n) == feature)

    def near_misses(self, name: str) -> list[str]:
        """Known names `name` is probably a typo of: other dates of its feature, else edit distance 2."""
        return self.versions_of(name) or self.closest(name, limit=2)

    def closest(self, name: str, limit: int = 2) -> list[str]:
        """Registry names within edit distance `limit` of `name` (case-insensitive)."""
        lowered = name.lower()
        scored = []
        for known in self.betas:
            # Asked once per unknown name sent: a full distance to each of hundreds of names
            # was a fifth of a pre-commit run on a file sending two unknown betas.
            if abs(len(known) - len(lowered)) <= limit:
                distance = edit_distance(lowered, known, limit)
                if distance <= limit:
                    scored.append((distance, known))
        return [known for _distance, known in sorted(scored)]

    def extended(self, extra: Iterable[Beta], allow: Iterable[str]) -> Registry:
        merged = dict(self.betas)
        for beta in extra:
            merged[beta.name] = beta
        return replace(self, betas=merged, allowed=self.allowed | frozenset(allow))

    def fingerprint(self) -> str:
        """Identifies the registry content, for cache keys."""
        import hashlib

        digest = hashlib.sha256(self.updated.encode())
        for name in sorted(self.betas):
            digest.update(repr(self.betas[name].to_json()).encode())
        digest.update(repr(sorted(self.allowed)).encode())
        digest.update(repr(self.sdk).encode())
        return digest.hexdigest()[:16]


def feature_of(name: str) -> str | None:
    match = BETA_NAME_RE.match(name)
    return match.group("feature") if match else None


def is_well_formed(name: str) -> bool:
    """`feature-name-YYYY-MM-DD` with a real calendar date."""
    match = BETA_NAME_RE.match(name)
    if match is None:
        return False
    try:
        dt.date.fromisoformat(match.group("date"))
    except ValueError:
        return False
    return True


def looks_like_beta(text: str) -> bool:
    """Loosely beta-shaped: words and a dated tail, even a malformed one (`files-api-2025-4-14`)."""
    stripped = text.strip()
    if not stripped or len(stripped) > 100 or any(ch.isspace() for ch in stripped):
        return False
    return bool(_DATE_TAIL_RE.search(stripped)) and stripped[0].isalpha()


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance (short strings only); with `limit`, any answer above it stands
    for every distance above it (the rows stop once no path can come back under it)."""
    if a == b:
        return 0
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if limit is not None and min(current) > limit:
            return limit + 1  # a row never has a smaller minimum than the row before it
        previous = current
    return previous[-1]


def load_registry_file(path: Path, origin: str = "registry") -> Registry:
    if origin != "registry" and not path.is_file():
        raise RegistryError(f"{path}: registry file not found (from --registry or registry.file)")
    try:
        data = load_toml(path)
    except (OSError, TOMLDecodeError) as error:
        raise RegistryError(f"{path}: cannot read registry: {error}") from None
    entries = data.get("beta", [])
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: 'beta' must be an array of tables ([[beta]])")
    betas: dict[str, Beta] = {}
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict):
            raise RegistryError(f"{path}: beta[{index}] must be a table")
        beta = parse_entry(raw, f"{path}: beta[{index}]", origin)
        betas[beta.name] = beta
    for beta in betas.values():
        for other in (beta.successor, *beta.conflicts):
            if other is not None and other not in betas and origin == "registry":
                raise RegistryError(f"{path}: {beta.name} names {other!r}, which is not in the registry")
    allow = data.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        raise RegistryError(f"{path}: 'allow' must be a list of strings")
    return Registry(betas=betas, updated=str(data.get("updated", "")), allowed=frozenset(allow))


def default_registry() -> Registry:
    return load_registry_file(rules_dir() / "registry.toml")
