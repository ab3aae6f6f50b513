"""Runs the support-triage agent on Claude Managed Agents."""

from __future__ import annotations

from anthropic import Anthropic

TRIAGE_AGENT_NAME = "support-triage"
AGENT_MODEL = "claude-opus-4-8"
TRIAGE_SYSTEM = "You triage incoming support tickets and route them to the right team."


class AgentRunner:
    def __init__(self) -> None:
        self.client = Anthropic()

    def ensure_agent(self) -> str:
        for agent in self.client.beta.agents.list():
            if agent.name == TRIAGE_AGENT_NAME:
                return agent.id
        agent = self.client.beta.agents.create(
            name=TRIAGE_AGENT_NAME,
            model=AGENT_MODEL,
            system=TRIAGE_SYSTEM,
            betas=["managed-agents-2026-04-01"],
        )
        return agent.id

    def ensure_environment(self) -> str:
        environment = self.client.beta.environments.create(name="triage-sandbox", config={"type": "cloud"})
        return environment.id

    def start_session(self, agent_id: str, environment_id: str, ticket: str) -> str:
        session = self.client.beta.sessions.create(agent=agent_id, environment_id=environment_id)
        self.client.beta.sessions.events.send(
            session.id,
            events=[{"type": "user.message", "content": [{"type": "text", "text": ticket}]}],
        )
        return session.id

    def retire(self, agent_id: str) -> None:
        self.client.beta.agents.archive(agent_id)


def list_user_agents(token: str) -> list[str]:
    """Agents visible to a signed-in user (OAuth token instead of an API key)."""
    client = Anthropic(auth_token=token)
    page = client.beta.agents.list(extra_headers={"anthropic-beta": "oauth-2025-04-20"})
    return [agent.id for agent in page]


def list_user_sessions(token: str) -> list[str]:
    client = Anthropic(auth_token=token)
    return [session.id for session in client.beta.sessions.list(betas=["oauth-2025-04-20"])]


class UserSessions:
    """Sessions started on behalf of a signed-in user."""

    def __init__(self, token: str) -> None:
        self.client = Anthropic(
            auth_token=token,
            default_headers={"anthropic-beta": "oauth-2025-04-20"},
        )

    def recent(self) -> list[str]:
        return [session.id for session in self.client.beta.sessions.list(limit=20)]
