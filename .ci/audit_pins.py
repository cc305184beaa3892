#!/usr/bin/env python3
"""Audit the pinned requirements against a snapshot of security advisories kept in the repository.

pip-audit needs a network to reach its advisory database, and CI here has none; so the advisories
for our pinned packages are kept in `.ci/advisories.json` (OSV format, https://ossf.github.io/osv-schema/)
and this check reads only that file. It fails (exit 1) when any `name==version` pin of
requirements*.txt lies inside an advisory's affected versions or ranges.

Check (offline, what CI runs):     python .ci/audit_pins.py
Refresh (needs network, then commit the file):
                                   python .ci/audit_pins.py --refresh
  asks the OSV API (api.osv.dev, the database pip-audit uses by `--vulnerability-service osv`) about
  every pin and stores each advisory found in full. Refresh whenever a pin changes, and at least
  monthly; the check warns when the snapshot is older than 45 days.
"""

import argparse
import json
import re
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / ".ci" / "advisories.json"
REQUIREMENTS = sorted(ROOT.glob("requirements*.txt"))
OSV_API = "https://api.osv.dev/v1"
STALE_DAYS = 45
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def normalize(name: str) -> str:
    """PEP 503: `Django`, `django_filter` and `django.filter` are the same project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(files: list[Path]) -> dict[str, str]:
    """{normalized name: version} of every `name==version` line (comments, -r lines and markers skipped)."""
    pins: dict[str, str] = {}
    for path in files:
        for line in path.read_text().splitlines():
            match = _PIN.match(line)
            if match:
                pins[normalize(match.group(1))] = match.group(2)
    return pins


def _in_range(version: Version, events: list[dict]) -> bool:
    """OSV ECOSYSTEM range: events in order; `introduced` opens, `fixed` (excluded) or
    `last_affected` (included) closes."""
    affected = False
    for event in sorted(events, key=lambda e: _event_version(e)):
        if "introduced" in event:
            if event["introduced"] == "0" or version >= Version(event["introduced"]):
                affected = True
            continue
        closed = ("fixed" in event and version >= Version(event["fixed"])) or (
            "last_affected" in event and version > Version(event["last_affected"])
        )
        if closed:
            affected = False
    return affected


def _event_version(event: dict) -> Version:
    value = next(iter(event.values()))
    return Version("0") if value == "0" else Version(value)


def findings(pins: dict[str, str], advisories: list[dict]) -> list[str]:
    """One line per (pin, advisory) where the pinned version is affected."""
    found = []
    for advisory in advisories:
        for affected in advisory.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem", "PyPI") != "PyPI":
                continue
            name = normalize(package.get("name", ""))
            if name not in pins:
                continue
            try:
                version = Version(pins[name])
            except InvalidVersion:
                continue
            hit = pins[name] in affected.get("versions", []) or any(
                _in_range(version, r.get("events", [])) for r in affected.get("ranges", []) if r.get("type") != "GIT"
            )
            if hit:
                summary = advisory.get("summary") or advisory.get("details", "")[:120]
                found.append(f"{name}=={pins[name]}: {advisory['id']} {summary}".rstrip())
    return found


def check(snapshot: Path, files: list[Path]) -> int:
    data = json.loads(snapshot.read_text())
    pins = read_pins(files)
    found = findings(pins, data.get("vulns", []))
    generated = datetime.fromisoformat(data["generated_at"])
    age = (datetime.now(UTC) - generated).days
    print(
        f"{len(pins)} pins in {', '.join(f.name for f in files)} checked against {len(data.get('vulns', []))}"
        f" advisories of {snapshot.name} (generated {data['generated_at']}, {age} days ago)"
    )
    if not data.get("vulns"):
        print(f"NOTE: the snapshot holds no advisories ({data.get('source', 'source unknown')})")
    if age > STALE_DAYS:
        print(f"WARNING: the advisory snapshot is {age} days old; refresh it: python .ci/audit_pins.py --refresh")
    for line in found:
        print(f"VULNERABLE {line}")
    return 1 if found else 0


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 - a fixed https URL
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - a fixed https URL
        return json.load(response)


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a fixed https URL
        return json.load(response)


def refresh(snapshot: Path, files: list[Path]) -> int:
    """Ask OSV about every pin; store each advisory found, in full (needs network)."""
    pins = read_pins(files)
    queries = [{"package": {"ecosystem": "PyPI", "name": n}, "version": v} for n, v in sorted(pins.items())]
    ids: set[str] = set()
    for start in range(0, len(queries), 100):
        answer = _post(f"{OSV_API}/querybatch", {"queries": queries[start : start + 100]})
        ids.update(v["id"] for result in answer.get("results", []) for v in result.get("vulns", []))
    vulns = [_get(f"{OSV_API}/vulns/{vuln_id}") for vuln_id in sorted(ids)]
    data = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": f"{OSV_API} (querybatch for every pin of {', '.join(f.name for f in files)})",
        "refresh": "python .ci/audit_pins.py --refresh",
        "vulns": vulns,
    }
    snapshot.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"{snapshot}: {len(vulns)} advisories for {len(pins)} pins")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    parser.add_argument("--requirements", type=Path, nargs="*", default=REQUIREMENTS)
    parser.add_argument("--refresh", action="store_true", help="fetch the snapshot from OSV (needs network)")
    args = parser.parse_args(argv)
    if args.refresh:
        return refresh(args.snapshot, args.requirements)
    return check(args.snapshot, args.requirements)


if __name__ == "__main__":
    sys.exit(main())
