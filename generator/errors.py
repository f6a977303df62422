"""The exceptions paperfeed raises, and the one format they are shown in.

Library code raises these or returns them as lists of problems; only
`cli.py` prints them and picks exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one file: `path:line:col: message`, an optional hint and source line.

    Raised by nobody; collected by parsers, loaders and the config check, and
    carried by `SourceError` and `PaperfeedError` subclasses.
    """

    path: str
    message: str
    line: int = 0
    col: int = 0
    hint: str = ""
    source_line: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        if self.source_line:
            shown = self.source_line if len(self.source_line) <= 120 else self.source_line[:117] + "..."
            text += f"\n    {shown}"
        return text


class PaperfeedError(Exception):
    """Base class: any error the command line reports as one clean message."""


class SourceError(PaperfeedError):
    """A file that cannot be used at all. Raised by parsers, loaders and the config reader."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(SourceError):
    """`site.yaml` is missing, malformed or has invalid keys. Raised by `config.load_config`."""


class BuildError(PaperfeedError):
    """The site cannot be built: output collisions, template errors. Raised by `build` and `render`."""


class UsageError(PaperfeedError):
    """A command was called with inputs that cannot work (no such file, bad flag value). Raised by `cli`."""
