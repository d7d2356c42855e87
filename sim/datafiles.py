"""The error every data-file reader raises: the file, where in it, and what is wrong."""

from __future__ import annotations

from pathlib import Path


class DataFileError(ValueError):
    """A data file is malformed: the message names the file, the row (or section) and the problem."""

    def __init__(self, path: Path | str, where: str, problem: str):
        self.path, self.where, self.problem = Path(path), where, problem
        super().__init__(f"{self.path}: {where}: {problem}")
