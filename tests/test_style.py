"""The code passes the project's linter (ruff, configured in pyproject.toml)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "sim", "tests", "run.py", "benchmarks", "scripts", "notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_never_reads_the_shared_folder():
    """Facts are copied into the project; nothing under sim/ may point at ../shared."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "sim").rglob("*")
        if path.is_file() and path.suffix in (".py", ".toml", ".csv", ".md")
        and re.search(r"\.\./shared|shared/facts", path.read_text("utf-8"))
    ]
    assert not offenders
