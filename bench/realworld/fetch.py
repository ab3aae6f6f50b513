#!/usr/bin/env python3
"""Download and unpack the pinned packages of packages.toml into bench/work/realworld/.

Standard library only; pip runs as a subprocess (`python -m pip download --no-deps`).

    python3 bench/realworld/fetch.py                 # all packages
    python3 bench/realworld/fetch.py litellm dspy    # some of them
    python3 bench/realworld/fetch.py --print-sha256  # digests of what is downloaded (to record new ones)

Idempotent: an archive already downloaded is not fetched again, a package already unpacked
(a `.fetched` stamp holding the archive's digest) is left alone. Every archive is checked against
the sha256 that packages.toml records; a mismatch is an error and nothing is unpacked.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORK = REPO / "bench" / "work" / "realworld"
DOWNLOADS = WORK / "dl"
STAMP = ".fetched"


def load_packages(path: Path = HERE / "packages.toml") -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["package"]


def package_root(pkg: dict) -> Path:
    return WORK / f"{pkg['name']}-{pkg['version']}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(pkg: dict) -> Path:
    target = DOWNLOADS / pkg["kind"]
    archive = target / pkg["file"]
    if archive.exists():
        return archive
    target.mkdir(parents=True, exist_ok=True)
    binary = ["--only-binary", ":all:"] if pkg["kind"] == "wheel" else ["--no-binary", ":all:"]
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        *binary,
        "-d",
        str(target),
        f"{pkg['name']}=={pkg['version']}",
    ]
    subprocess.run(command, check=True)
    if not archive.exists():
        found = ", ".join(sorted(p.name for p in target.iterdir()))
        raise SystemExit(f"{pkg['name']}: pip did not produce {pkg['file']} (have: {found})")
    return archive


def _safe_members_tar(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            continue
        members.append(member)
    return members


def unpack(pkg: dict, archive: Path, digest: str) -> Path:
    root = package_root(pkg)
    stamp = root / STAMP
    if stamp.exists() and stamp.read_text().strip() == digest:
        return root
    if root.exists():
        shutil.rmtree(root)
    staging = root.with_name(root.name + ".partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    if pkg["kind"] == "wheel":
        with zipfile.ZipFile(archive) as wheel:
            for info in wheel.infolist():
                parts = Path(info.filename).parts
                if info.filename.startswith("/") or ".." in parts:
                    continue
                wheel.extract(info, staging)
        shutil.move(str(staging), root)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, members=_safe_members_tar(tar))
        tops = list(staging.iterdir())
        # An sdist has one top folder (name-version/); the package root is its content.
        source = tops[0] if len(tops) == 1 and tops[0].is_dir() else staging
        shutil.move(str(source), root)
        if staging.exists():
            shutil.rmtree(staging)
    stamp.write_text(digest + "\n")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these packages (default: all)")
    parser.add_argument("--print-sha256", action="store_true", help="print the digests of the archives and stop")
    args = parser.parse_args(argv)
    packages = load_packages()
    if args.names:
        unknown = set(args.names) - {p["name"] for p in packages}
        if unknown:
            parser.error(f"not in packages.toml: {', '.join(sorted(unknown))}")
        packages = [p for p in packages if p["name"] in args.names]
    failures = 0
    for pkg in packages:
        archive = download(pkg)
        digest = sha256(archive)
        if args.print_sha256:
            print(f'{pkg["name"]} {pkg["version"]} {pkg["file"]} sha256 = "{digest}"')
            continue
        expected = pkg.get("sha256", "")
        if not expected:
            print(f"{pkg['name']}: no sha256 recorded; record this one: {digest}", file=sys.stderr)
            failures += 1
            continue
        if digest != expected:
            print(
                f"{pkg['name']}: sha256 mismatch for {archive.name}: got {digest}, expected {expected}", file=sys.stderr
            )
            failures += 1
            continue
        root = unpack(pkg, archive, digest)
        missing = [s for s in pkg.get("scope", []) if not (root / s).exists()]
        if missing:
            print(f"{pkg['name']}: scope entries not in the package: {', '.join(missing)}", file=sys.stderr)
            failures += 1
        print(f"{pkg['name']} {pkg['version']}: {root.relative_to(REPO)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
