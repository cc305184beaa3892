"""`make run` (honcho and the Procfile): a worker or the scheduler that stops is started again, so the
web server goes on (honcho stops every process once one of them exits). Ctrl-C still stops all: honcho
signals each process's whole group."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def _count(starts: Path) -> int:
    return len(starts.read_text().split()) if starts.exists() else 0


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_a_worker_or_the_scheduler_that_stops_is_started_again(name, tmp_path):
    fake = tmp_path / "bin" / "celery"  # stands in for Celery: notes each start, then stops at once
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho started >> {tmp_path / 'starts'}\nexit 1\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}"}
    process = subprocess.Popen(
        ["/bin/sh", "-c", _procfile()[name]], env=env, start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    starts = tmp_path / "starts"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _count(starts) < 2:
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # as honcho stops it on Ctrl-C
        output, _ = process.communicate(timeout=10)
    assert _count(starts) >= 2
    assert f"{name} stopped (1); starting it again in 2 s" in output
    assert process.returncode != 0  # the loop itself ended on the signal
