"""Backup and restore stream files through in chunks: a file larger than the memory the command may
use goes through without being read whole (measured on the command's own process)."""

from tests.ops.installation import Installation

BIG = 160 * 1024 * 1024  # a whole-file read would add this to the ~120 MiB a manage.py command uses


def test_a_file_larger_than_the_memory_used_streams_through_backup_and_restore(tmp_path):
    source = Installation("sqlite", tmp_path / "source").create()
    big = source.media / "attachments" / "big.bin"
    big.parent.mkdir(parents=True)
    block = bytes(range(256)) * 4096  # compresses well: the test measures memory, not gzip
    with big.open("wb") as out:
        for _ in range(BIG // len(block)):
            out.write(block)
    archive = tmp_path / "big.tar.gz"
    assert source.manage_peak_memory("backup", "--output", str(archive)) < BIG
    target = Installation("sqlite", tmp_path / "target").create()
    assert target.manage_peak_memory("restore", str(archive)) < BIG
    assert target.files() == source.files()
