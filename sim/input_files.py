"""Reading a user's file (a scenario, a sweep spec, the record, geography data) without letting the file
crash the reader.

Whatever the file holds — a folder or a device in its place, bytes that are not UTF-8, a size past
``INPUT_MAX_BYTES``, arrays nested past what the parser can recurse into, a number too long to
convert — comes back as one error naming the file and what is wrong, raised by the caller's own
error class (``ScenarioError``, ``SweepError``, ``ValidationDataError``, ``GeographyDataError``), never
as a traceback.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Callable
from pathlib import Path

INPUT_MAX_BYTES = 1_000_000  # a scenario or spec is a few kilobytes; a megabyte is far past any real one

FileError = Callable[[Path, str, str], Exception]  # (path, key, problem) -> the caller's error


def read_toml(path: str | Path, error: FileError) -> dict:
    """The parsed TOML of ``path``, or ``error(path, "file", problem)`` raised."""
    path = Path(path)
    text = read_text(path, error)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise error(path, "file", "is not valid TOML: arrays or tables are nested too deeply") from None
    except ValueError as problem:  # TOMLDecodeError, and integers past Python's digit limit
        raise error(path, "file", f"is not valid TOML: {problem}") from None


def read_csv_rows(path: str | Path, error: FileError) -> tuple[list[str], list[dict]]:
    """The header and the rows of a CSV file read as ``read_text`` reads it."""
    path = Path(path)
    try:
        reader = csv.DictReader(io.StringIO(read_text(path, error), newline=""))
        return list(reader.fieldnames or ()), list(reader)
    except csv.Error as problem:  # e.g. a field past the csv module's size limit
        raise error(path, "file", f"is not valid CSV: {problem}") from None


def read_text(path: str | Path, error: FileError) -> str:
    """The UTF-8 text of a regular file of at most ``INPUT_MAX_BYTES``, or ``error(path, "file", problem)``."""
    path = Path(path)
    try:
        if not path.exists():
            raise error(path, "file", "does not exist")
        if path.is_dir():
            raise error(path, "file", "is a folder, not a file")
        if not path.is_file():
            raise error(path, "file", "is not a regular file (a device, a pipe or a socket)")
        if path.stat().st_size > INPUT_MAX_BYTES:
            raise error(path, "file", f"is {path.stat().st_size} bytes; at most {INPUT_MAX_BYTES} are read")
        with open(path, "rb") as handle:
            raw = handle.read(INPUT_MAX_BYTES + 1)
    except OSError as problem:
        raise error(path, "file", f"cannot be read: {problem.strerror or problem}") from None
    if len(raw) > INPUT_MAX_BYTES:
        raise error(path, "file", f"is over {INPUT_MAX_BYTES} bytes; at most {INPUT_MAX_BYTES} are read")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise error(path, "file", f"is not UTF-8 text (byte {problem.start} is {raw[problem.start]:#04x})") from None
