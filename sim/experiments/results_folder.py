"""A results folder is complete or visibly not, and a command only writes where it may.

Each file of a folder is written atomically, but a command writes several; a run killed half way
over an older folder would leave the old manifest beside new tables. So a command first removes the
old ``manifest.json`` and last writes the new one, listing every data file with its SHA-256 hash
(``seal``). ``check_complete`` — called by every reader of a folder (``report``, ``analyze``,
``validate --results``, the notebooks through ``read_manifest``) — refuses a folder without a
manifest, or whose files do not match what it lists.

Before anything runs, ``claim`` checks the output folder: it must be a folder (or creatable), be
writable, and hold nothing but an earlier result of the same command unless ``--force`` is given.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from sim.atomic import PARTIAL_SUFFIX

MANIFEST = "manifest.json"
RESULT_FILE = re.compile(r"[a-z0-9_-]+\.(parquet|npz|png)")  # what run, compare and sweep write beside it
RESULT_FOLDERS = ("runs", "analysis")  # a sweep's runs and its analysis
HASH_CHUNK_BYTES = 1 << 20


class FolderError(ValueError):
    """An output folder cannot take a command's results, or a results folder is not complete."""


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def seal(folder: Path, names: list[str]) -> dict[str, str]:
    """The files a manifest covers, each with its hash (the manifest lists them)."""
    return {name: file_hash(Path(folder) / name) for name in names}


def unseal(folder: Path) -> None:
    """Mark a folder as being rewritten: remove its manifest and the temporary files of killed writes."""
    folder = Path(folder)
    (folder / MANIFEST).unlink(missing_ok=True)
    for leftover in folder.glob(f".*{PARTIAL_SUFFIX}"):
        leftover.unlink(missing_ok=True)


def read_json_manifest(folder: Path) -> dict:
    """The folder's manifest, or FolderError if it is missing or unreadable."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir():
        raise FolderError(f"{folder} is not a folder")
    if not path.is_file():
        raise FolderError(f"{path} does not exist: is {folder} a results folder, or was the command that wrote "
                          "it interrupted? (its manifest is written last)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FolderError(f"{path} cannot be read: {error}") from None
    if not isinstance(manifest, dict):
        raise FolderError(f"{path} is not a manifest (not a JSON object)")
    return manifest


def check_complete(folder: Path) -> dict:
    """The manifest of a complete folder; FolderError when the folder is incomplete or mixed."""
    folder = Path(folder)
    manifest = read_json_manifest(folder)
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise FolderError(f"{folder}/{MANIFEST} lists no files with their hashes: the folder was written by an "
                          "older version or by hand; run the command again")
    for name, expected in files.items():
        path = folder / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise FolderError(f"{folder} is not complete: {name}, listed in its manifest, is missing")
        if file_hash(path) != expected:
            raise FolderError(f"{folder} mixes two runs: {name} is not the file its manifest lists (changed after "
                              "the manifest was written, or a later command was interrupted); run it again")
    return manifest


def interrupted_results(folder: Path) -> bool:
    """Whether a folder without a manifest holds only what this project's commands write (tables,
    snapshots, figures, a sweep's runs/): the remains of an interrupted command, safe to write over."""
    entries = [p for p in Path(folder).iterdir() if not p.name.startswith(".")]
    return all((p.is_file() and RESULT_FILE.fullmatch(p.name)) or (p.is_dir() and p.name in RESULT_FOLDERS)
               for p in entries)


def manifest_kind(manifest: dict) -> str:
    """What wrote a manifest: "run", "compare", "sweep" (older manifests: told from their fields)."""
    if isinstance(manifest.get("kind"), str):
        return manifest["kind"]
    if "sweep" in str(manifest.get("tool", "")):
        return "sweep"
    scenarios = manifest.get("scenarios")
    return "compare" if isinstance(scenarios, list) and len(scenarios) > 1 else "run"


def claim(folder: Path, kind: str, owner: str, *, force: bool = False) -> Path:
    """Check, before anything runs, that ``folder`` may take the results of command ``kind`` for
    ``owner`` (its scenario names, or a sweep's name): create it if missing and check it is writable.
    A folder already holding files may only be rewritten by the same command for the same owner,
    unless ``force``."""
    folder = Path(folder)
    try:
        if folder.is_dir() and any(not p.name.startswith(".") for p in folder.iterdir()) and not force:
            _check_same_owner(folder, kind, owner)
    except OSError as error:
        raise FolderError(f"output folder {folder} cannot be read: {error.strerror or error}") from None
    return writable(folder)


def writable(folder: Path) -> Path:
    """``folder``, created if missing, once a file could be written in it (checked by writing one)."""
    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise FolderError(f"output folder {folder} exists and is not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".write-test.", suffix=PARTIAL_SUFFIX)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise FolderError(f"output folder {folder} cannot be written: {error.strerror or error}") from None
    return folder


def _check_same_owner(folder: Path, kind: str, owner: str) -> None:
    try:
        manifest = read_json_manifest(folder)
    except FolderError:
        if interrupted_results(folder):
            return  # a command killed after it removed the manifest: running it again is how it heals
        raise FolderError(f"output folder {folder} already holds files and no results of this project; choose a new "
                          "--out, or pass --force to write into it anyway") from None
    theirs = manifest_kind(manifest)
    their_owner = manifest_owner(manifest)
    older = "kind" not in manifest and theirs != "sweep" and kind != "sweep"  # run, compare and validate alike
    if (theirs != kind and not older) or their_owner != owner:
        raise FolderError(f"output folder {folder} holds the results of another command ({theirs} {their_owner}); "
                          f"choose a new --out, or pass --force to replace them")


def manifest_owner(manifest: dict) -> str:
    """Whose results a manifest holds: its scenarios' names, or its sweep's name."""
    if manifest_kind(manifest) == "sweep":
        return str(manifest.get("name"))
    scenarios = manifest.get("scenarios")
    if not isinstance(scenarios, list):
        return "?"
    return " ".join(str(s.get("name")) if isinstance(s, dict) else "?" for s in scenarios)
