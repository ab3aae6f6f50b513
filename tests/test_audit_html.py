"""`beta-lint audit --format html`, opened in a real headless browser.

The page is rendered by Chromium (Debian's `chromium`, installed by .ci/run) with the network
off; the DOM it builds is checked for the tables and the retirement timeline, and a screenshot
is kept in tests/artifacts/ (ignored by git) for a person to look at. Without a chromium binary
the browser tests skip and say why; CI always has one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli
from test_audit_plan import TODAY, make_repo

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium; .ci/run installs it)"
)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = make_repo(tmp_path_factory.mktemp("html") / "shop")
    result = run_cli(
        "audit", "--today", TODAY, "--registry", "registry.toml", "--format", "html", "-o", "audit.html", ".", cwd=repo
    )
    assert result.returncode == 0, result.stderr
    return repo / "audit.html"


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


class _Loads(HTMLParser):
    """Everything a page would fetch: scripts, styles, images, frames, fonts by url()."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio") and values.get("src"):
            self.fetches.append(f"{tag} {values['src']}")
        if tag == "link":
            self.fetches.append(f"link {values.get('href')}")


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    parser = _Loads()
    parser.feed(text)
    assert parser.fetches == []
    assert not re.search(r"url\(|@import", text)  # nothing pulled in by the style sheet


def test_page_has_the_tables_and_the_timeline(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for heading in ("Retirement timeline", "Betas", "Owners", "Statuses", "What to do, beta by beta"):
        assert f"<h2>{heading}</h2>" in text
    # Two betas have a date: the retired one (278 days ago) and the one with 10 days left.
    bars = re.findall(r'data-beta="([^"]+)" data-days-left="(-?\d+)"', text)
    assert bars == [("acme-gone-2025-02-01", "-278"), ("acme-chain-2025-01-01", "10")]


@needs_browser
def test_browser_renders_the_report(page: Path) -> None:
    dom = chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "<h2>Retirement timeline</h2>" in html
    assert "retired 278 days ago (2026-02-19), 1 use" in html
    assert "10 days left (2026-12-04), 3 uses" in html
    assert "@acme/billing @carol" in html and "Bob Baker 2026-03-05" in html
    assert "acme-loop-2025-04-01 (cycle)" in html


@needs_browser
def test_browser_screenshot_is_kept(page: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "audit.png"
    shot.unlink(missing_ok=True)
    result = chromium(f"--screenshot={shot}", "--window-size=1400,2000", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000  # a page, not a blank tile
    (ARTIFACTS / "audit.html").write_bytes(page.read_bytes())
