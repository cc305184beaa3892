"""The offline advisory check of CI (.ci/audit_pins.py): pinned versions against an OSV snapshot."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "audit_pins.py"


def _advisory(advisory_id: str, name: str, events: list[dict], versions: list[str] | None = None) -> dict:
    return {
        "id": advisory_id,
        "summary": "Fabricated for the test",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
                "versions": versions or [],
            }
        ],
    }


def _run(tmp_path, vulns: list[dict], requirements: str = "") -> subprocess.CompletedProcess:
    snapshot = tmp_path / "advisories.json"
    snapshot.write_text(json.dumps({"generated_at": "2026-01-01T00:00:00+00:00", "vulns": vulns}))
    args = [sys.executable, str(SCRIPT), "--snapshot", str(snapshot)]
    if requirements:
        (tmp_path / "requirements.txt").write_text(requirements)
        args += ["--requirements", str(tmp_path / "requirements.txt")]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=ROOT)


def _pinned(name: str) -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.lower().startswith(name.lower() + "=="):
            return line.split("==")[1].strip()
    raise AssertionError(name)


def test_a_pinned_version_inside_an_advisory_range_fails_the_check(tmp_path):
    django = _pinned("Django")
    result = _run(tmp_path, [_advisory("GHSA-test-0000-0001", "django", [{"introduced": "0"}, {"fixed": "999"}])])
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"VULNERABLE django=={django}: GHSA-test-0000-0001" in result.stdout


@pytest.mark.parametrize(
    ("events", "versions", "affected"),
    [
        ([{"introduced": "1.0"}, {"fixed": "2.0"}], None, True),
        ([{"introduced": "1.0"}, {"fixed": "1.5"}], None, False),  # fixed before the pin
        ([{"introduced": "1.8"}, {"last_affected": "1.9.0"}], None, True),  # the last affected is the pin
        ([{"introduced": "1.9.1"}], None, False),  # introduced after the pin
        ([], ["1.9.0"], True),  # listed by version
    ],
)
def test_ranges_and_version_lists_are_read_as_osv_defines_them(tmp_path, events, versions, affected):
    result = _run(
        tmp_path,
        [_advisory("PYSEC-test-1", "Some_Package", events, versions)],
        requirements="# comment\n-r other.txt\nsome.package[extra]==1.9.0 ; python_version >= '3.11'\n",
    )
    assert result.returncode == (1 if affected else 0), result.stdout
    assert ("VULNERABLE some-package==1.9.0: PYSEC-test-1" in result.stdout) is affected


def test_the_snapshot_in_the_repository_passes_and_says_how_old_it_is():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pins in requirements-dev.txt, requirements.txt checked against" in result.stdout
    snapshot = json.loads((ROOT / ".ci" / "advisories.json").read_text())
    assert snapshot["generated_at"] and "--refresh" in snapshot["refresh"]


def test_an_old_snapshot_is_reported(tmp_path):
    result = _run(tmp_path, [])
    assert "WARNING: the advisory snapshot is" in result.stdout and "--refresh" in result.stdout
