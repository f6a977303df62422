"""The ingest pipeline, as a table of contents: find sources, parse, merge with content/, write.

The analogue of `build.py` for the other half of paperfeed. An input is a
file, a folder (every file in it, recursively, in name order), a glob, `-`
for standard input, or an http(s) URL.
"""

from __future__ import annotations

import glob
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Config
from ..content.entry import Entry, load_entries, remove_temporary_files, write_entries
from ..content.taxonomy import Tagger
from ..errors import Problem, SourceError
from ..model.records import Paper
from .fetch import Fetcher
from .merge import MergePlan, plan_merge
from .registry import ParseOptions, ParseResult, decode, parse_source, read_source


@dataclass
class SourceReport:
    """One source: its name, the format read, how many papers it gave and how many records it rejected."""

    name: str
    format: str
    records: int
    rejected: int = 0

    @property
    def all_rejected(self) -> bool:
        """Whether the source had records and every one was rejected (an empty source is not)."""
        return self.records == 0 and self.rejected > 0


@dataclass
class IngestReport:
    """What an ingest found and did.

    `failed` holds one problem per source that could not be read at all;
    `problems` the records skipped in sources that were read, one each. `removed`
    counts the temporary files an earlier, killed ingest had left in content/papers/.
    Every record read is exactly one of: the first of a new entry, merged into
    an entry, unchanged, a duplicate of another record, or skipped.
    """

    sources: list[SourceReport] = field(default_factory=list)
    plan: MergePlan = field(default_factory=MergePlan)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # values dropped from records that were kept
    failed: list[Problem] = field(default_factory=list)
    written: int = 0
    removed: int = 0

    @property
    def records(self) -> int:
        """Every record read: papers and rejected records."""
        return sum(s.records + s.rejected for s in self.sources)

    @property
    def skipped(self) -> int:
        """Records rejected by their parser, and papers the merge skipped."""
        return len(self.problems) + len(self.plan.skipped)

    @property
    def unusable(self) -> list[SourceReport]:
        """Sources that were read but whose every record was rejected."""
        return [source for source in self.sources if source.all_rejected]

    @property
    def succeeded(self) -> bool:
        """Whether every source was read and gave its records: an empty one ('0 records') counts as read."""
        return not self.failed and not self.unusable


def expand_inputs(inputs: list[str]) -> Iterator[str]:
    """Inputs with folders and globs replaced by the files they name, each once."""
    seen: set[str] = set()
    for item in inputs:
        if item == "-" or item.startswith(("http://", "https://")):
            names = [item]
        elif Path(item).is_dir():
            names = [
                str(p)
                for p in sorted(Path(item).rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(item).parts)
            ]
        elif not Path(item).exists() and any(ch in item for ch in "*?["):
            names = sorted(glob.glob(item, recursive=True)) or [item]
        else:
            names = [item]
        for name in names:
            if name not in seen:
                seen.add(name)
                yield name


def _read(
    item: str, options: ParseOptions, format: str | None, fetcher: Fetcher, stdin: Callable[[], bytes]
) -> ParseResult:
    if item == "-":
        text = decode(stdin(), "<stdin>")
        return parse_source(text, "<stdin>", replace(options, source_name="stdin"), format=format)
    if item.startswith(("http://", "https://")):
        text = decode(fetcher.fetch(item), item)
        return parse_source(text, item, replace(options, source_name=item), format=format)
    path = Path(item)
    return read_source(path, item, replace(options, source_name=path.name), format=format)


def ingest(
    root: Path,
    config: Config,
    inputs: list[str],
    options: ParseOptions,
    *,
    format: str | None = None,
    dry_run: bool = False,
    refresh: bool = False,
    debug: bool = False,
    fetcher: Fetcher | None = None,
    stdin: Callable[[], bytes] | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestReport:
    """Parse every input, merge with the entries in content/, and write what changed.

    Each source succeeds or fails on its own: one that cannot be read is
    reported and the others still go in. Every record of every source is
    parsed, cleaned and merged, and every entry encoded, before the first
    file is written. A broken entry already in content/ stops the ingest,
    since merging into it could lose what it holds. Temporary files a killed
    ingest left in content/papers/ are removed first.
    """
    fetcher = fetcher or Fetcher()
    stdin = stdin or sys.stdin.buffer.read
    report = IngestReport()
    papers: list[Paper] = []
    progress = progress or (lambda message: None)
    papers_dir = root / config.content_dir / "papers"
    if not dry_run:
        report.removed = remove_temporary_files(papers_dir)
    items = list(expand_inputs(inputs))
    if not items:
        report.failed.append(Problem(", ".join(inputs), "no source files found"))
    for number, item in enumerate(items, start=1):
        progress(f"reading {number}/{len(items)}: {item}")
        try:
            result = _read(item, options, format, fetcher, stdin)
        except SourceError as exc:
            report.failed.extend(exc.problems)
            continue
        except Exception as exc:  # noqa: BLE001 - a crash in one source must not lose the others
            if debug:
                raise
            report.failed.append(_crash(item, exc))
            continue
        report.sources.append(SourceReport(item, result.format, len(result.papers), len(result.problems)))
        report.problems.extend(result.problems)
        report.notes.extend(result.notes)
        papers.extend(result.papers)

    merge_and_write(root, config, papers, report, dry_run=dry_run, refresh=refresh, progress=progress)
    return report


def merge_and_write(
    root: Path,
    config: Config,
    papers: list[Paper],
    report: IngestReport,
    *,
    dry_run: bool = False,
    refresh: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> list[Entry]:
    """Merge `papers` with content/papers/ into `report.plan` and, unless `dry_run`, write what changed.

    Returns the entries as they were before. A broken entry stops the merge
    (`SourceError`), since merging into it could lose what it holds.
    """
    papers_dir = root / config.content_dir / "papers"
    progress(f"merging {len(papers)} records with {config.content_dir}/papers/")
    entries, broken = load_entries(papers_dir, root)
    if broken:
        raise SourceError(broken)
    tagger = Tagger.from_taxonomy(config.taxonomy, config.max_tags)
    report.plan = plan_merge(papers, entries, tagger, refresh=refresh)
    if not dry_run:
        progress(f"writing {len(report.plan.writes)} entries")
        report.written = write_entries(papers_dir, report.plan.writes, report.plan.before)
    return entries


def _crash(item: str, exc: Exception) -> Problem:
    """A source that made a parser fail unexpectedly, as one line."""
    detail = " ".join(str(exc).split())
    detail = detail if len(detail) <= 200 else detail[:197] + "..."
    return Problem(item, f"cannot be read: {type(exc).__name__}: {detail} (a paperfeed bug; --debug shows where)")
