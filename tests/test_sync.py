"""`beta-lint registry sync`: the static SDK scan, the generated file, and its round trip.

Most tests read the REAL installed `anthropic` package (found with `find_sdk()`, never imported).
Facts that depend on the SDK version are guarded by it; the checked values come from the
project's fact sheet (SDK 2.10.0 / 2.12.0) and from reading the 2.13.0, 2.14.0 and 2.15.0 sources.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import textwrap
from pathlib import Path

import pytest

from beta_lint.knowledge.sdk import records
from beta_lint.knowledge.sdk import writer as sync_module
from beta_lint.knowledge.sdk.records import SdkBetaName, SdkClient, SdkMethod, SdkScan, SyncError
from beta_lint.knowledge.sdk.scan import find_sdk, scan_sdk
from beta_lint.knowledge.sdk.writer import diff_scans, load_routes_toml, render_routes_toml, sync

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "rules" / "sdk-routes.toml"
MANAGED = "managed-agents-2026-04-01"


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3] if part.isdigit())


@pytest.fixture(scope="module")
def sdk_dir() -> Path:
    try:
        return find_sdk()
    except SyncError as error:
        pytest.skip(f"the anthropic SDK is not installed: {error}")


@pytest.fixture(scope="module")
def scan(sdk_dir: Path) -> SdkScan:
    return scan_sdk(sdk_dir)


def _method(scan: SdkScan, path: str) -> SdkMethod:
    found = scan.method(path)
    assert found is not None, f"{path} not found"
    return found


def _client(scan: SdkScan, name: str) -> SdkClient:
    found = scan.client(name)
    assert found is not None, f"client {name} not found"
    return found


def _name(scan: SdkScan, name: str) -> SdkBetaName:
    found = scan.beta_name(name)
    assert found is not None, f"beta name {name} not found"
    return found


# --------------------------------------------------------------------------------------------
# Methods, routes and automatic betas


@pytest.mark.parametrize(
    ("path", "verb", "route", "betas_param", "adds"),
    [
        ("beta.agents.create", "POST", "/v1/agents", True, (MANAGED,)),
        ("beta.agents.retrieve", "GET", "/v1/agents/{agent_id}", True, (MANAGED,)),
        ("beta.agents.list", "GET", "/v1/agents", True, (MANAGED,)),
        ("beta.agents.archive", "POST", "/v1/agents/{agent_id}/archive", True, (MANAGED,)),
        ("beta.agents.versions.list", "GET", "/v1/agents/{agent_id}/versions", True, (MANAGED,)),
        (
            "beta.messages.count_tokens",
            "POST",
            "/v1/messages/count_tokens",
            True,
            ("token-counting-2024-11-01",),
        ),
        ("beta.messages.create", "POST", "/v1/messages", True, ()),
        ("beta.messages.batches.list", "GET", "/v1/messages/batches", True, ()),
        ("beta.messages.batches.cancel", "POST", "/v1/messages/batches/{message_batch_id}/cancel", True, ()),
        ("messages.create", "POST", "/v1/messages", False, ()),
        ("messages.count_tokens", "POST", "/v1/messages/count_tokens", False, ()),
        ("messages.batches.create", "POST", "/v1/messages/batches", False, ()),
        ("models.list", "GET", "/v1/models", False, ()),
        ("models.retrieve", "GET", "/v1/models/{model_id}", False, ()),
        ("beta.files.list", "GET", "/v1/files", True, ()),
        ("beta.files.delete", "DELETE", "/v1/files/{file_id}", True, ()),
        ("beta.files.download", "GET", "/v1/files/{file_id}/content", True, ()),
        ("beta.sessions.events.stream", "GET", "/v1/sessions/{session_id}/events/stream", True, (MANAGED,)),
        ("beta.sessions.events.send", "POST", "/v1/sessions/{session_id}/events", True, (MANAGED,)),
        ("beta.dreams.create", "POST", "/v1/dreams", True, ("dreaming-2026-04-21",)),
        ("beta.tunnels.create", "POST", "/v1/tunnels", True, ("mcp-tunnels-2026-06-22",)),
        (
            "beta.organization.users.sign_out",
            "POST",
            "/v1/organizations/users/{user_id}/sign_out",
            True,
            ("admin-user-sign-out-2026-10-08",),
        ),
        ("beta.organization.users.list", "GET", "/v1/organizations/users", False, ()),
        ("beta.organization.retrieve", "GET", "/v1/organizations/me", False, ()),
        (
            "beta.organization.spend_limits.list",
            "GET",
            "/v1/organizations/spend_limits",
            True,
            ("spend-limit-reads-2026-09-26",),
        ),
        (
            "beta.organization.webhooks.create",
            "POST",
            "/v1/organizations/webhooks",
            True,
            ("webhooks-2026-10-07",),
        ),
    ],
)
def test_method_facts(
    scan: SdkScan, path: str, verb: str, route: str, betas_param: bool, adds: tuple[str, ...]
) -> None:
    method = _method(scan, path)
    assert (method.http_method, method.route) == (verb, route)
    assert method.betas_param is betas_param
    assert method.adds == adds
    assert method.helper is False


def test_resources_whose_every_method_adds_a_beta(scan: SdkScan) -> None:
    # prefix -> (betas every method below it adds, prefixes below it that add something else)
    expected: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
        "beta.memory_stores.": (("agent-memory-2026-07-22",), ()),
        # 2.14.0 added user_profiles.providers, which sends another version (tested below).
        "beta.user_profiles.": (("user-profiles-2026-08-18",), ("beta.user_profiles.providers.",)),
        "beta.agents.": ((MANAGED,), ()),
        "beta.vaults.": ((MANAGED,), ()),
        "beta.deployments.": ((MANAGED,), ()),
        "beta.organization.plugins.": (("ce-plugins-2026-09-01",), ()),
        "beta.organization.claude_tag.": (("experimental-claude-tag-2026-10-21",), ()),
    }
    for prefix, (betas, elsewhere) in expected.items():
        methods = [m for m in scan.methods if m.path.startswith(prefix) and not m.path.startswith(elsewhere)]
        assert len(methods) >= 3, prefix
        for method in methods:
            assert method.adds == betas, method.path


# Read in the SDK sources (2.13.0 to 2.15.0): each of these methods sends the beta itself with
# `",".join(chain(betas, [AUTO]))` and the `extra_headers = {"anthropic-beta": AUTO, ...}` default.
# The user-profile data controls send one string, "user-profiles-2026-09-04,google-managed-data-controls-2026-09-01"
# (resources/beta/user_profiles/providers/google/data_controls.py), which the scan splits.
EFS = "efs-2026-10-01"
GOOGLE_DATA_CONTROLS = "google-managed-data-controls-2026-09-01"
ORG_DATA_CONTROLS = "/v1/organizations/providers/google/projects/{project_number}/data_controls"
PROFILE_DATA_CONTROLS = "/v1/user_profiles/{user_profile_id}/providers/google/data_controls"
NEW_IN_2_13_TO_2_15 = [
    # resources/beta/organization/external_storage.py (2.13.0): "requests must send `efs-2026-10-01`"
    ((2, 13), "beta.organization.external_storage.create", "POST", "/v1/organizations/external_storage", (EFS,)),
    ((2, 13), "beta.organization.external_storage.list", "GET", "/v1/organizations/external_storage", (EFS,)),
    (
        (2, 13),
        "beta.organization.external_storage.retrieve",
        "GET",
        "/v1/organizations/external_storage/{external_storage_id}",
        (EFS,),
    ),
    (
        (2, 13),
        "beta.organization.external_storage.update",
        "POST",
        "/v1/organizations/external_storage/{external_storage_id}",
        (EFS,),
    ),
    (
        (2, 13),
        "beta.organization.external_storage.delete",
        "DELETE",
        "/v1/organizations/external_storage/{external_storage_id}",
        (EFS,),
    ),
    (
        (2, 13),
        "beta.organization.external_storage.activate",
        "POST",
        "/v1/organizations/external_storage/{external_storage_id}/activate",
        (EFS,),
    ),
    # resources/beta/organization/providers/google/projects/data_controls.py (2.14.0)
    (
        (2, 14),
        "beta.organization.providers.google.projects.data_controls.retrieve",
        "GET",
        ORG_DATA_CONTROLS,
        (GOOGLE_DATA_CONTROLS,),
    ),
    (
        (2, 14),
        "beta.organization.providers.google.projects.data_controls.update",
        "POST",
        ORG_DATA_CONTROLS,
        (GOOGLE_DATA_CONTROLS,),
    ),
    # resources/beta/user_profiles/providers/google/data_controls.py (2.14.0)
    (
        (2, 14),
        "beta.user_profiles.providers.google.data_controls.retrieve",
        "GET",
        PROFILE_DATA_CONTROLS,
        (GOOGLE_DATA_CONTROLS, "user-profiles-2026-09-04"),
    ),
    (
        (2, 14),
        "beta.user_profiles.providers.google.data_controls.update",
        "POST",
        PROFILE_DATA_CONTROLS,
        (GOOGLE_DATA_CONTROLS, "user-profiles-2026-09-04"),
    ),
    # resources/beta/compliance/review/{cases,items,notices}.py (2.14.0): a `betas` parameter, no beta of their own
    ((2, 14), "beta.compliance.review.cases.list", "GET", "/v1/compliance/review/cases", ()),
    ((2, 14), "beta.compliance.review.cases.retrieve", "GET", "/v1/compliance/review/cases/{case_id}", ()),
    ((2, 14), "beta.compliance.review.cases.respond", "POST", "/v1/compliance/review/cases/{case_id}/respond", ()),
    ((2, 14), "beta.compliance.review.items.retrieve", "GET", "/v1/compliance/review/items/{item_id}", ()),
    ((2, 14), "beta.compliance.review.notices.list", "GET", "/v1/compliance/review/notices", ()),
]


@pytest.mark.parametrize(("since", "path", "verb", "route", "adds"), NEW_IN_2_13_TO_2_15)
def test_methods_new_in_2_13_to_2_15(
    scan: SdkScan, since: tuple[int, int], path: str, verb: str, route: str, adds: tuple[str, ...]
) -> None:
    if _version_tuple(scan.version) < since:
        pytest.skip(f"{path} arrived in {since[0]}.{since[1]}.0; installed {scan.version}")
    method = _method(scan, path)
    assert (method.http_method, method.route) == (verb, route)
    assert method.betas_param is True
    assert method.adds == adds
    assert method.helper is False


def test_the_new_resources_have_exactly_these_methods(scan: SdkScan) -> None:
    if _version_tuple(scan.version) < (2, 14):
        pytest.skip(f"compliance review and the data controls arrived in 2.14.0; installed {scan.version}")
    new_prefixes = (
        "beta.compliance.",
        "beta.organization.external_storage.",
        "beta.organization.providers.",
        "beta.user_profiles.providers.",
    )
    found = {m.path for m in scan.methods if m.path.startswith(new_prefixes)}
    assert found == {path for _, path, *_ in NEW_IN_2_13_TO_2_15}
    assert len(found) == 15


@pytest.mark.parametrize(
    "path",
    [
        # resources/beta/organization/compliance_settings.py and workspaces/workspaces.py (2.14.0):
        # "betas: Optional. Send `efs-2026-10-01` in this header to use this endpoint's beta features"
        "beta.organization.compliance_settings.retrieve",
        "beta.organization.compliance_settings.update",
        "beta.organization.workspaces.retrieve",
        "beta.organization.workspaces.update",
        "beta.organization.workspaces.list",
        "beta.organization.workspaces.archive",
        "beta.organization.workspaces.create",  # took `betas` before 2.14.0 too
    ],
)
def test_compliance_settings_and_workspaces_take_betas_from_2_14(scan: SdkScan, path: str) -> None:
    if _version_tuple(scan.version) < (2, 14):
        pytest.skip(f"betas= on {path} arrived in 2.14.0; installed {scan.version}")
    method = _method(scan, path)
    assert method.betas_param is True
    assert method.adds == ()  # efs-2026-10-01 is optional there: the SDK does not add it


def test_workspace_sub_resources_still_take_no_betas(scan: SdkScan) -> None:
    for path in ("beta.organization.workspaces.members.list", "beta.organization.workspaces.rate_limits.list"):
        assert _method(scan, path).betas_param is False, path


def test_users_sign_out_is_the_only_users_method_adding_a_beta(scan: SdkScan) -> None:
    users = [m for m in scan.methods if m.path.startswith("beta.organization.users.")]
    assert {m.path.rsplit(".", 1)[1] for m in users} >= {"list", "retrieve", "update", "remove", "sign_out"}
    for method in users:
        assert bool(method.adds) is method.path.endswith(".sign_out"), method.path


def test_ga_namespaces_take_no_betas_and_add_none(scan: SdkScan) -> None:
    ga = [m for m in scan.methods if not m.path.startswith("beta.")]
    assert len(ga) > 50
    for method in ga:
        assert method.betas_param is False, method.path
        assert method.adds == (), method.path


def test_claude_code_managed_settings_from_2_12(scan: SdkScan) -> None:
    if _version_tuple(scan.version) < (2, 12):
        pytest.skip(f"managed_settings arrived in 2.12.0; installed {scan.version}")
    prefix = "beta.organization.claude_code.managed_settings."
    methods = [m for m in scan.methods if m.path.startswith(prefix)]
    assert {m.path.split(".")[4] for m in methods} == {"configuration", "rbac_group_default", "rbac_groups"}
    for method in methods:
        assert method.adds == ("ce-claude-code-managed-settings-2026-10-06",), method.path
        assert method.route is not None
        assert method.route.startswith("/v1/organizations/claude_code/managed_settings/")


def test_helpers(scan: SdkScan) -> None:
    stream = _method(scan, "beta.messages.stream")
    assert (stream.helper, stream.http_method, stream.route) == (True, "POST", "/v1/messages")
    assert stream.adds == ()  # the stream accumulator only tests for fine-grained-tool-streaming
    thread = _method(scan, "beta.messages.thread")
    assert thread.helper is True
    assert thread.route == "/v1/messages"
    assert "message-threads-2026-08-12" in thread.adds
    assert _method(scan, "beta.messages.tool_runner").route == "/v1/messages"
    assert _method(scan, "messages.stream").route == "/v1/messages"
    parse = _method(scan, "beta.messages.parse")  # calls self._post itself: not a helper
    assert (parse.helper, parse.route) == (False, "/v1/messages")
    webhooks = _method(scan, "beta.webhooks.unwrap")
    assert webhooks.helper is True
    assert webhooks.route is None


def test_dynamic_route_comes_from_the_span(scan: SdkScan) -> None:
    results = _method(scan, "beta.messages.batches.results")
    assert (results.http_method, results.route) == ("GET", "/v1/messages/batches/{message_batch_id}/results")
    assert any(line.startswith("beta.messages.batches.results:") for line in scan.unresolved)


def test_mirrors_are_recorded_not_walked(scan: SdkScan) -> None:
    assert set(scan.mirror_accessors) == {"with_raw_response", "with_streaming_response"}
    for method in scan.methods:
        assert "with_raw_response" not in method.path
        assert "with_streaming_response" not in method.path
        assert not method.path.split(".")[-1].startswith("_")
    # A client's own plumbing is not an API method.
    assert scan.method("close") is None
    assert scan.method("with_options") is None
    # Nothing is recorded as "the async client differs" except async-only helpers.
    assert not [line for line in scan.unresolved if "differs" in line or "only on the sync" in line]


def test_async_only_helpers_are_marked(scan: SdkScan) -> None:
    async_only = [m for m in scan.methods if m.async_only]
    for method in async_only:
        assert method.helper is True, method.path
    if scan.method("beta.environments.work.poller") is not None:
        poller = _method(scan, "beta.environments.work.poller")
        assert poller.async_only is True
        assert MANAGED in poller.adds


def test_methods_are_sorted_and_unique(scan: SdkScan) -> None:
    paths = [m.path for m in scan.methods]
    assert paths == sorted(set(paths))
    assert len(paths) > 300
    for method in scan.methods:
        assert list(method.adds) == sorted(set(method.adds))
        if method.route is not None:
            assert method.route.startswith("/") and "?" not in method.route, method.path


# --------------------------------------------------------------------------------------------
# Clients


def test_first_party_clients(scan: SdkScan) -> None:
    sync_client = _client(scan, "Anthropic")
    assert sync_client.platform == "anthropic"
    assert sync_client.is_async is False
    assert sync_client.unsupported == ()
    assert "anthropic.Anthropic" in sync_client.qualified_names
    assert "anthropic.Client" in sync_client.qualified_names  # `Client = Anthropic`
    async_client = _client(scan, "AsyncAnthropic")
    assert async_client.is_async is True
    assert async_client.unsupported == ()


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("AnthropicBedrock", "bedrock"),
        ("AsyncAnthropicBedrock", "bedrock"),
        ("AnthropicVertex", "vertex"),
        ("AsyncAnthropicVertex", "vertex"),
        ("AnthropicFoundry", "foundry"),
        ("AsyncAnthropicFoundry", "foundry"),
    ],
)
def test_platform_clients(scan: SdkScan, name: str, platform: str) -> None:
    client = _client(scan, name)
    assert client.platform == platform
    assert client.is_async is name.startswith("Async")
    assert f"anthropic.{name}" in client.qualified_names
    assert any(q.startswith("anthropic.lib.") for q in client.qualified_names)


def test_other_exported_clients_are_found(scan: SdkScan) -> None:
    names = {c.name for c in scan.clients}
    for name in ("AnthropicBedrockMantle", "AnthropicAWS", "AnthropicGoogleCloud"):
        if name in names:
            client = _client(scan, name)
            assert client.platform not in ("", "anthropic"), name
            assert f"Async{name}" in names
    assert all(not c.name.startswith("_") for c in scan.clients)
    assert [c.name for c in scan.clients] == sorted(names)


def test_bedrock_restrictions(scan: SdkScan) -> None:
    bedrock = _client(scan, "AnthropicBedrock")
    assert bedrock.qualified_names == ("anthropic.AnthropicBedrock", "anthropic.lib.bedrock.AnthropicBedrock")
    unsupported = set(bedrock.unsupported)
    # Raised by the client's request preparation ("not supported in Bedrock yet").
    assert {"messages.batches", "messages.count_tokens"} <= set(bedrock.raises)
    # Its `beta` has only `messages`, without batches or count_tokens.
    assert {"beta.messages.batches", "beta.messages.count_tokens", "beta.agents", "models"} <= unsupported
    assert "messages.create" not in unsupported
    assert "beta.messages.create" not in unsupported
    assert set(bedrock.raises) <= unsupported


def test_vertex_and_foundry_restrictions(scan: SdkScan) -> None:
    vertex = _client(scan, "AnthropicVertex")
    assert "messages.batches" in vertex.raises
    assert "beta.messages.count_tokens" not in vertex.unsupported  # the token-counting beta reaches Vertex
    assert "messages.count_tokens" not in vertex.unsupported
    foundry = _client(scan, "AnthropicFoundry")
    assert {"messages.batches", "beta.messages.batches", "models"} <= set(foundry.unsupported)
    assert "beta.agents" not in foundry.unsupported
    assert "messages.create" not in foundry.unsupported


@pytest.mark.parametrize(
    ("name", "supported"),
    [
        # Their `beta` has only `messages`:
        # lib/bedrock/_beta.py, lib/vertex/_beta.py, lib/bedrock/_mantle.py (MantleBeta).
        ("AnthropicBedrock", False),
        ("AsyncAnthropicBedrock", False),
        ("AnthropicVertex", False),
        ("AsyncAnthropicVertex", False),
        ("AnthropicBedrockMantle", False),
        ("AsyncAnthropicBedrockMantle", False),
        # These subclass Anthropic (lib/foundry.py, lib/aws/_client.py, lib/google_cloud/_client.py).
        ("AnthropicFoundry", True),
        ("AnthropicAWS", True),
        ("AnthropicGoogleCloud", True),
        ("Anthropic", True),
    ],
)
def test_compliance_review_is_missing_on_the_messages_only_clients(scan: SdkScan, name: str, supported: bool) -> None:
    if _version_tuple(scan.version) < (2, 14):
        pytest.skip(f"beta.compliance arrived in 2.14.0; installed {scan.version}")
    client = _client(scan, name)
    assert ("beta.compliance" not in client.unsupported) is supported, name


# --------------------------------------------------------------------------------------------
# Beta names


def _literal_names(sdk_dir: Path) -> set[str]:
    """The Literal of `types/anthropic_beta_param.py`, read independently of the scanner."""
    tree = ast.parse((sdk_dir / "types" / "anthropic_beta_param.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal":
            names |= {c.value for c in ast.walk(node.slice) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return names


def test_every_literal_name_is_listed(scan: SdkScan, sdk_dir: Path) -> None:
    literal = _literal_names(sdk_dir)
    assert len(literal) >= 57
    listed = {b.name: b for b in scan.beta_names}
    for name in literal:
        assert name in listed, name
        assert listed[name].in_literal is True, name
    assert {b.name for b in scan.beta_names if b.in_literal} == literal


def test_beta_name_sources(scan: SdkScan) -> None:
    managed = _name(scan, MANAGED)
    assert "beta.agents" in managed.sent_by
    assert any(s.startswith("lib/") for s in managed.sent_by)
    counting = _name(scan, "token-counting-2024-11-01")
    assert counting.sent_by == ("beta.messages.count_tokens",)
    sign_out = _name(scan, "admin-user-sign-out-2026-10-08")
    assert sign_out.sent_by == ("beta.organization.users.sign_out",)
    threads = _name(scan, "message-threads-2026-08-12")
    assert "beta.messages.thread" in threads.sent_by
    # The tool runner runs over a thread unless thread=False (lib/threads/_beta_threads.py, _for_tool_runner).
    assert "beta.messages.tool_runner" in threads.sent_by
    # The fallback middleware's default and the OAuth header are lib values, not resource betas.
    assert any(s.startswith("lib/middleware/") for s in _name(scan, "fallback-credit-2026-07-01").sent_by)
    oauth = _name(scan, "oauth-2025-04-20")
    assert oauth.in_literal is False
    assert any(s.startswith("lib/credentials/") for s in oauth.sent_by)
    # Only tested for by the stream accumulator: mentioned, not sent.
    fine_grained = _name(scan, "fine-grained-tool-streaming-2025-05-14")
    assert fine_grained.sent_by == ()
    assert fine_grained.mentioned_in
    # Never sent automatically any more (SDK history in the fact sheet).
    assert _name(scan, "files-api-2025-04-14").sent_by == ()
    assert _name(scan, "message-batches-2024-09-24").sent_by == ()


def test_beta_names_new_in_2_13_and_2_14(scan: SdkScan, sdk_dir: Path) -> None:
    literal = _literal_names(sdk_dir)
    version = _version_tuple(scan.version)
    if version < (2, 14):
        pytest.skip(
            f"efs and the Google data controls names are in the Literal from 2.13.0/2.14.0; installed {scan.version}"
        )
    assert {"efs-2026-10-01", "google-managed-data-controls-2026-09-01"} <= literal
    assert _name(scan, "efs-2026-10-01").sent_by == ("beta.organization.external_storage",)
    assert _name(scan, "google-managed-data-controls-2026-09-01").sent_by == (
        "beta.organization.providers",
        "beta.user_profiles.providers",
    )
    # Sent by the SDK itself on the user-profile data controls, next to the Google data-controls name.
    assert _name(scan, "user-profiles-2026-09-04").sent_by == ("beta.user_profiles.providers",)
    # Still sent by every other beta.user_profiles method, so no longer by the whole resource.
    profiles = _name(scan, "user-profiles-2026-08-18").sent_by
    assert "beta.user_profiles" not in profiles
    assert {"beta.user_profiles.create", "beta.user_profiles.action_urls"} <= set(profiles)
    assert not [s for s in profiles if s.startswith("beta.user_profiles.providers")]


def test_beta_names_have_the_name_shape(scan: SdkScan) -> None:
    names = [b.name for b in scan.beta_names]
    assert names == sorted(set(names))
    for name in names:
        assert records.BETA_NAME.fullmatch(name), name


# --------------------------------------------------------------------------------------------
# The registry against the generated table (both committed files; no SDK needed)


def _covers(prefix: str, path: str) -> bool:
    """rules/README.md: SDK paths compare whole dotted segments; a path covers everything below it."""
    return path == prefix or path.startswith(prefix + ".")


def test_registry_agrees_with_the_committed_routes_table() -> None:
    from beta_lint.knowledge.registry import load_registry_file

    table = load_routes_toml(COMMITTED.read_text(encoding="utf-8"))
    registry = load_registry_file(ROOT / "rules" / "registry.toml")
    literal = {b.name for b in table.beta_names if b.in_literal}
    assert {b.name for b in registry.betas.values() if b.in_sdk_literal} == literal
    for name in sorted({b.name for b in table.beta_names if b.in_literal or b.sent_by}):
        entry = registry.get(name)
        assert entry is not None, f"{name} is in sdk-routes.toml but not in registry.toml"
        adders = {m.path for m in table.methods if name in m.adds}
        covered = {m.path for m in table.methods if any(_covers(p, m.path) for p in entry.sdk_added_by)}
        # sdk-added-by names exactly the methods that add the beta: none missing, none too wide.
        assert adders - covered == set(), f"{name}: sdk-added-by misses {sorted(adders - covered)}"
        assert covered - adders == set(), f"{name}: sdk-added-by covers {sorted(covered - adders)}"


# --------------------------------------------------------------------------------------------
# The generated file


def test_committed_file_matches_the_installed_sdk(scan: SdkScan) -> None:
    assert COMMITTED.is_file(), "rules/sdk-routes.toml is missing: run `beta-lint registry sync`"
    committed = COMMITTED.read_text(encoding="utf-8")
    version = load_routes_toml(committed).version
    if version != scan.version:
        pytest.skip(f"rules/sdk-routes.toml is for anthropic {version}; installed is {scan.version}")
    assert committed == render_routes_toml(scan)


def test_render_is_deterministic_and_headed(scan: SdkScan) -> None:
    text = render_routes_toml(scan)
    assert text == render_routes_toml(scan)
    first = text.splitlines()[0]
    assert first == f"# Generated by `beta-lint registry sync` from anthropic {scan.version}. Do not edit by hand."
    assert f'sdk-version = "{scan.version}"' in text
    assert text.endswith("\n")


def test_round_trip(scan: SdkScan) -> None:
    assert load_routes_toml(render_routes_toml(scan)) == scan


def test_round_trip_of_odd_values() -> None:
    odd = SdkScan(
        version="9.9.9",
        clients=(
            SdkClient(
                name="Odd",
                qualified_names=("anthropic.Odd",),
                platform='we"ird\\',
                is_async=True,
                unsupported=("a.b",),
                raises=(),
            ),
        ),
        methods=(
            SdkMethod(path="a.helper", http_method=None, route=None, betas_param=False, adds=(), helper=True),
            SdkMethod(
                path="a.x",
                http_method="PUT",
                route="/v1/ünï/{id}",
                betas_param=True,
                adds=("x-2026-01-01", "y-2026-01-02"),
                helper=False,
                async_only=True,
            ),
        ),
        beta_names=(SdkBetaName(name="x-2026-01-01", in_literal=False, sent_by=(), mentioned_in=("lib/a.py",)),),
        mirror_accessors=("with_raw_response",),
        unresolved=('line with "quotes" and\ttab',),
    )
    assert load_routes_toml(render_routes_toml(odd)) == odd


def test_load_rejects_bad_files() -> None:
    with pytest.raises(SyncError):
        load_routes_toml("not = [valid")
    with pytest.raises(SyncError):
        load_routes_toml("sdk-version = 3\n")
    with pytest.raises(SyncError):
        load_routes_toml('sdk-version = "1"\n[[method]]\npath = "a"\nadds = "x"\n')


# --------------------------------------------------------------------------------------------
# Diffs


def test_diff_reports_added_removed_and_changed(scan: SdkScan) -> None:
    dreams = _method(scan, "beta.dreams.create")
    gone = SdkMethod(
        path="beta.gone.create", http_method="POST", route="/v1/gone", betas_param=True, adds=(), helper=False
    )
    files_list = _method(scan, "beta.files.list")
    old_methods = [
        dataclasses.replace(m, adds=("files-api-2025-04-14",)) if m.path == files_list.path else m
        for m in scan.methods
        if m.path != dreams.path
    ]
    old_methods.append(gone)
    old_names = [b for b in scan.beta_names if b.name != "dreaming-2026-04-21"]
    old_names.append(SdkBetaName(name="x-2020-01-01", in_literal=False, sent_by=()))
    old = dataclasses.replace(scan, methods=tuple(old_methods), beta_names=tuple(old_names))
    lines = diff_scans(old, scan)
    assert "+ method beta.dreams.create POST /v1/dreams" in lines
    assert "- method beta.gone.create POST /v1/gone" in lines
    assert "~ method beta.files.list adds: files-api-2025-04-14 -> (none)" in lines
    assert "+ beta name dreaming-2026-04-21 (in Literal)" in lines
    assert "- beta name x-2020-01-01" in lines
    assert diff_scans(scan, scan) == []


def test_diff_from_nothing_adds_everything(scan: SdkScan) -> None:
    lines = diff_scans(None, scan)
    assert lines[0] == f"~ sdk-version (none) -> {scan.version}"
    assert sum(line.startswith("+ method ") for line in lines) == len(scan.methods)
    assert sum(line.startswith("+ client ") for line in lines) == len(scan.clients)
    assert sum(line.startswith("+ beta name ") for line in lines) == len(scan.beta_names)


def test_diff_of_clients_and_version(scan: SdkScan) -> None:
    bedrock = _client(scan, "AnthropicBedrock")
    changed = dataclasses.replace(bedrock, unsupported=("models",))
    old = dataclasses.replace(
        scan,
        version="0.0.1",
        clients=tuple(changed if c.name == bedrock.name else c for c in scan.clients if c.name != "AnthropicVertex"),
    )
    lines = diff_scans(old, scan)
    assert f"~ sdk-version 0.0.1 -> {scan.version}" in lines
    assert "+ client AnthropicVertex (vertex)" in lines
    assert any(line.startswith("~ client AnthropicBedrock unsupported: models -> ") for line in lines)


# --------------------------------------------------------------------------------------------
# Locating the SDK, and sync()


def test_missing_sdk_path_raises(tmp_path: Path) -> None:
    with pytest.raises(SyncError, match="no anthropic package"):
        find_sdk(tmp_path / "nowhere")
    with pytest.raises(SyncError):
        scan_sdk(tmp_path)


def test_sdk_not_installed_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: None)
    with pytest.raises(SyncError) as caught:
        find_sdk()
    assert "\n" not in str(caught.value)


def test_find_sdk_accepts_the_package_or_its_parent(sdk_dir: Path) -> None:
    assert find_sdk(sdk_dir) == sdk_dir
    assert find_sdk(sdk_dir.parent) == sdk_dir


def test_sync_writes_atomically_and_reports(
    tmp_path: Path, scan: SdkScan, sdk_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "scan_sdk", lambda package_dir: scan)  # one real scan is enough
    rules = tmp_path / "rules"
    rules.mkdir()
    assert sync(rules, sdk_dir, write=False)  # a check: everything is new
    assert not (rules / "sdk-routes.toml").exists()
    first = sync(rules, sdk_dir)
    assert any(line.startswith("+ method beta.agents.create POST /v1/agents") for line in first)
    assert (rules / "sdk-routes.toml").read_text(encoding="utf-8") == render_routes_toml(scan)
    assert sync(rules, sdk_dir) == []  # up to date
    assert sorted(p.name for p in rules.iterdir()) == ["sdk-routes.toml"]  # no temp file left
    (rules / "sdk-routes.toml").write_text(render_routes_toml(scan) + "# hand edit\n", encoding="utf-8")
    assert sync(rules, sdk_dir, write=False) == ["~ sdk-routes.toml text differs (unresolved notes or layout only)"]
    assert sync(rules, sdk_dir) and sync(rules, sdk_dir) == []
    (rules / "sdk-routes.toml").write_text("garbage = [", encoding="utf-8")
    lines = sync(rules, sdk_dir)
    assert lines[0].startswith("! the existing file could not be read")
    assert load_routes_toml((rules / "sdk-routes.toml").read_text(encoding="utf-8")) == scan


# --------------------------------------------------------------------------------------------
# A small fake SDK: proves the scan is static (its __init__ raises if imported) and that the
# patterns are read from the code, not from a list of known names.


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_scan_of_a_fake_sdk_never_imports_it(tmp_path: Path) -> None:
    package = tmp_path / "anthropic"
    _write(
        package,
        {
            "__init__.py": """
                raise RuntimeError("the scan imported the SDK")
                from ._client import Anthropic, AsyncAnthropic, Client
                from .lib.acme import AnthropicAcme
            """,
            "_version.py": '__version__ = "0.0.7"\n',
            "_resource.py": "class SyncAPIResource: ...\nclass AsyncAPIResource: ...\n",
            "_base_client.py": """
                class BaseClient:
                    _otel_platform = None
                    _supports_message_threads = False
                class SyncAPIClient(BaseClient):
                    def close(self): ...
                class AsyncAPIClient(BaseClient): ...
            """,
            "_client.py": """
                from functools import cached_property
                from ._base_client import SyncAPIClient, AsyncAPIClient
                class Anthropic(SyncAPIClient):
                    _supports_message_threads = True
                    @cached_property
                    def widgets(self):
                        from .resources.widgets import Widgets
                        return Widgets(self)
                    @cached_property
                    def beta(self) -> "Beta":
                        return Beta(self)
                    @cached_property
                    def with_raw_response(self): ...
                class AsyncAnthropic(AsyncAPIClient):
                    @cached_property
                    def widgets(self):
                        from .resources.widgets import AsyncWidgets
                        return AsyncWidgets(self)
                    @cached_property
                    def beta(self) -> "AsyncBeta":
                        return AsyncBeta(self)
                Client = Anthropic
                from .resources.beta import Beta, AsyncBeta
            """,
            "types/__init__.py": "from .anthropic_beta_param import AnthropicBetaParam\n",
            "types/anthropic_beta_param.py": """
                from typing import Literal, Union
                AnthropicBetaParam = Union[str, Literal["gizmos-2030-01-01", "listed-only-2030-02-02"]]
            """,
            "resources/__init__.py": "",
            "resources/widgets.py": """
                from .._resource import SyncAPIResource, AsyncAPIResource
                from .._utils import path_template
                class Widgets(SyncAPIResource):
                    def list(self, *, extra_headers=None):
                        return self._get_api_list("/v1/widgets")
                    def delete(self, widget_id, *, extra_headers=None):
                        return self._delete(path_template("/v1/widgets/{widget_id}", widget_id=widget_id))
                class AsyncWidgets(AsyncAPIResource):
                    async def list(self, *, extra_headers=None):
                        return await self._get_api_list("/v1/widgets")
                    async def delete(self, widget_id, *, extra_headers=None):
                        path = path_template("/v1/widgets/{widget_id}", widget_id=widget_id)
                        return await self._delete(path)
            """,
            "resources/beta.py": """
                from functools import cached_property
                from itertools import chain
                from .._resource import SyncAPIResource, AsyncAPIResource
                GIZMOS = "gizmos-2030-01-01"
                class Gizmos(SyncAPIResource):
                    def create(self, *, betas=None, extra_headers=None):
                        extra_headers = {"anthropic-beta": ",".join(chain((str(e) for e in betas), [GIZMOS]))}
                        extra_headers = {"anthropic-beta": "gizmos-2030-01-01", **(extra_headers or {})}
                        return self._post("/v1/gizmos", options=extra_headers)
                    def spin(self, **params):
                        from ..lib.spinner import Spinner
                        return Spinner(self._client)
                class AsyncGizmos(AsyncAPIResource):
                    async def create(self, *, betas=None, extra_headers=None):
                        extra_headers = {"anthropic-beta": "gizmos-2030-01-01", **(extra_headers or {})}
                        return await self._post("/v1/gizmos", options=extra_headers)
                    def spin(self, **params): ...
                class Beta(SyncAPIResource):
                    @cached_property
                    def gizmos(self) -> Gizmos:
                        return Gizmos(self._client)
                class AsyncBeta(AsyncAPIResource):
                    @cached_property
                    def gizmos(self) -> AsyncGizmos:
                        return AsyncGizmos(self._client)
            """,
            "lib/__init__.py": "",
            "lib/spinner.py": """
                SPIN_BETA = "spin-2030-03-03"
                class Spinner:
                    def __init__(self, client):
                        if not client._supports_message_threads:
                            raise RuntimeError("no")
                        self._client = client
                    def go(self):
                        if "tested-2030-04-04" in self.betas:
                            pass
                        return self._client.beta.gizmos.create(betas=[SPIN_BETA])
            """,
            "lib/acme/__init__.py": "from ._client import AnthropicAcme\n",
            "lib/acme/_client.py": """
                from ..._base_client import SyncAPIClient
                from ...resources.widgets import Widgets
                class AnthropicAcme(SyncAPIClient):
                    _otel_platform = "acme"
                    widgets: Widgets
                    def __init__(self):
                        self.widgets = Widgets(self)
                def _prepare_options(options):
                    if options.url.startswith("/v1/widgets/"):
                        raise ValueError("not on acme")
                    return options
            """,
        },
    )
    scan = scan_sdk(find_sdk(tmp_path))
    assert scan.version == "0.0.7"
    assert [m.path for m in scan.methods] == [
        "beta.gizmos.create",
        "beta.gizmos.spin",
        "widgets.delete",
        "widgets.list",
    ]
    create = _method(scan, "beta.gizmos.create")
    assert (create.http_method, create.route, create.adds, create.betas_param) == (
        "POST",
        "/v1/gizmos",
        ("gizmos-2030-01-01",),
        True,
    )
    spin = _method(scan, "beta.gizmos.spin")
    assert (spin.helper, spin.http_method, spin.route) == (True, "POST", "/v1/gizmos")
    assert spin.adds == ("gizmos-2030-01-01", "spin-2030-03-03")
    assert _method(scan, "widgets.delete").route == "/v1/widgets/{widget_id}"
    assert _method(scan, "widgets.list").http_method == "GET"

    anthropic = _client(scan, "Anthropic")
    assert anthropic.qualified_names == ("anthropic.Anthropic", "anthropic.Client")
    assert anthropic.platform == "anthropic"
    acme = _client(scan, "AnthropicAcme")
    assert acme.platform == "acme"
    assert acme.qualified_names == ("anthropic.AnthropicAcme", "anthropic.lib.acme.AnthropicAcme")
    assert acme.unsupported == ("beta", "widgets.delete")
    assert acme.raises == ("widgets.delete",)
    assert _client(scan, "AsyncAnthropic").is_async is True

    names = {b.name: b for b in scan.beta_names}
    assert names["gizmos-2030-01-01"].in_literal is True
    # Every method under `beta` adds it, so the whole resource is named.
    assert names["gizmos-2030-01-01"].sent_by == ("beta",)
    assert names["listed-only-2030-02-02"].sent_by == ()
    assert names["spin-2030-03-03"].sent_by == ("beta.gizmos.spin", "lib/spinner.py")
    assert names["tested-2030-04-04"].sent_by == ()
    assert names["tested-2030-04-04"].mentioned_in == ("lib/spinner.py",)
    assert scan.mirror_accessors == ("with_raw_response",)
