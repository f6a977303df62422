"""The ingest pipeline, as a table of contents: read sources, merge with content/, write entries.

The analogue of `build.py` for the other half of paperfeed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Config
from .content import load_entries, write_entry
from .errors import Problem, SourceError
from .ingest import ParseOptions, decode, parse_source, read_source
from .merge import MergePlan, plan_merge
from .records import Paper
from .taxonomy import Tagger


@dataclass
class IngestReport:
    """What an ingest found and did."""

    records: int = 0
    sources: int = 0
    plan: MergePlan = field(default_factory=MergePlan)
    problems: list[Problem] = field(default_factory=list)
    written: int = 0


def ingest(root: Path, config: Config, inputs: list[str], options: ParseOptions, *,
           format: str | None = None, dry_run: bool = False) -> IngestReport:
    """Parse every input, merge with the entries in content/, and write what changed.

    A source that cannot be read is reported and the others still go in; a
    broken entry already in content/ stops the ingest, since merging into it
    could lose what it holds.
    """
    report = IngestReport()
    papers: list[Paper] = []
    for item in inputs:
        try:
            if item == "-":
                text = decode(sys.stdin.buffer.read(), "<stdin>")
                result = parse_source(text, "<stdin>", _named(options, "stdin"), format=format)
            else:
                path = Path(item)
                if path.is_dir():
                    raise SourceError(Problem(item, "is a folder; name the files to ingest"))
                result = read_source(path, item, _named(options, path.name), format=format)
        except SourceError as exc:
            report.problems.extend(exc.problems)
            continue
        report.sources += 1
        report.records += len(result.papers)
        report.problems.extend(result.problems)
        papers.extend(result.papers)

    papers_dir = root / config.content_dir / "papers"
    entries, broken = load_entries(papers_dir, root)
    if broken:
        raise SourceError(broken)
    report.plan = plan_merge(papers, entries, Tagger.from_taxonomy(config.taxonomy, config.max_tags))
    if not dry_run:
        report.written = sum(write_entry(papers_dir, entry) for entry in report.plan.writes)
    return report


def _named(options: ParseOptions, name: str) -> ParseOptions:
    return replace(options, source_name=name)
