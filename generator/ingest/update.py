"""`paperfeed update`: fetch every source `site.yaml` declares, and merge what came in.

Each source is read on its own: one that cannot be read is reported and the
others still go in, so one bad source never blanks a day. An empty answer
(a weekend's arXiv feed, `[]` from Hugging Face) is an answer: 0 records.
The arXiv API is asked page by page, newest submissions first, until the
source's `max_results` or the end of the results; the fetcher keeps the
polite pause between requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Config
from ..content.entry import Entry
from ..errors import Problem, SourceError
from ..model.identity import PaperIndex, identity
from ..model.records import Paper
from .fetch import Fetcher
from .pipeline import IngestReport, SourceReport, expand_inputs, merge_and_write
from .registry import ParseOptions, ParseResult, decode, parse_source, read_source
from .sources import PAGE_SIZE, SourceSpec

_TOTAL = re.compile(r"<opensearch:totalResults[^>]*>\s*(\d+)\s*<")


@dataclass
class SourceOutcome:
    """What one configured source gave: records read (after its filter), how many are new to the site,
    records its parser rejected, papers its filter left out, and why it could not be read, if it could not."""

    spec: SourceSpec
    records: int = 0
    new: int = 0
    skipped: int = 0  # papers the merge left out (arXiv replacements of papers the site does not have)
    rejected: int = 0
    filtered: int = 0
    problem: Problem | None = None
    papers: list[Paper] = field(default_factory=list, repr=False)

    @property
    def failed(self) -> bool:
        """Not read, or read with every record rejected (an empty answer is not a failure)."""
        return self.problem is not None or (self.records == 0 and self.rejected > 0 and not self.filtered)


@dataclass
class UpdateReport:
    """Every source's outcome, and the ingest that merged what they gave."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)

    @property
    def succeeded(self) -> bool:
        """Whether every required source was read: what a scheduler's exit status says."""
        return not any(outcome.failed and outcome.spec.required for outcome in self.outcomes)


def update(
    root: Path,
    config: Config,
    options: ParseOptions,
    *,
    fetcher: Fetcher,
    dry_run: bool = False,
    debug: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> UpdateReport:
    """Read every configured source, merge their papers with content/ and, unless `dry_run`, write."""
    report = UpdateReport()
    papers: list[Paper] = []
    for spec in config.sources:
        outcome = SourceOutcome(spec)
        report.outcomes.append(outcome)
        source_options = replace(options, skip_cross=not spec.cross_lists, skip_replace=not spec.replacements)
        try:
            for result in _results(spec, root, source_options, fetcher, progress):
                outcome.rejected += len(result.problems)
                report.ingest.problems.extend(result.problems)
                report.ingest.notes.extend(result.notes)
                kept = [paper for paper in result.papers if _wanted(paper, spec.filter)]
                outcome.filtered += len(result.papers) - len(kept)
                outcome.papers.extend(kept)
        except SourceError as exc:
            outcome.problem = exc.problems[0]
        except Exception as exc:  # noqa: BLE001 - a crash in one source must not lose the others
            if debug:
                raise
            outcome.problem = Problem(spec.name, f"cannot be read: {type(exc).__name__}: {exc} (a paperfeed bug)")
        outcome.records = len(outcome.papers)
        report.ingest.sources.append(SourceReport(spec.name, spec.kind, outcome.records, outcome.rejected))
        if outcome.problem:
            report.ingest.failed.append(outcome.problem)
        papers.extend(outcome.papers)
    entries = merge_and_write(root, config, papers, report.ingest, dry_run=dry_run, progress=progress)
    for outcome in report.outcomes:
        outcome.new, outcome.skipped = _count_new(outcome.papers, entries, report.ingest.plan.new)
    return report


def _results(
    spec: SourceSpec, root: Path, options: ParseOptions, fetcher: Fetcher, progress: Callable[[str], None]
) -> Iterator[ParseResult]:
    """The parse results of one source, a page or file at a time."""
    if spec.kind == "path":
        for item in expand_inputs([str(root / pattern) for pattern in spec.value]):
            path = Path(item)
            shown = str(path.relative_to(root)) if path.is_relative_to(root) else item
            yield read_source(path, shown, replace(options, source_name=path.name), format=spec.format)
        return
    if spec.kind != "arxiv":
        for url in spec.urls(options.today):
            progress(f"{spec.name}: fetching {url}")
            text = decode(fetcher.fetch(url), url)
            yield parse_source(text, url, replace(options, source_name=url), format=spec.format)
        return
    # Every page is one source to the entries: a paper that moves to another page is no new sighting.
    named = replace(options, source_name=spec.arxiv_query_url())
    start = 0
    while start < spec.max_results:
        asked = min(PAGE_SIZE, spec.max_results - start)
        url = spec.arxiv_page(start)
        progress(f"{spec.name}: results {start + 1}-{start + asked}")
        text = decode(fetcher.fetch(url), url)
        result = parse_source(text, url, named, format=spec.format or "arxiv-atom")
        yield result
        got = len(result.papers) + len(result.problems)
        start += got
        total = _TOTAL.search(text[:20000])
        if got < asked or (total and start >= int(total.group(1))):
            return


def _wanted(paper: Paper, phrases: tuple[str, ...]) -> bool:
    """Whether the paper's title or abstract has one of the phrases, as words (no phrases: every paper)."""
    if not phrases:
        return True
    text = f"{paper.title}\n{paper.abstract}"
    return any(re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) for phrase in phrases)


def _count_new(papers: list[Paper], entries: list[Entry], made: list[Entry]) -> tuple[int, int]:
    """How many of a source's papers made new entries (each entry once), and how many the merge left out:
    papers that are neither an entry that was there nor one that was made."""
    there: PaperIndex[str] = PaperIndex()
    for entry in entries:
        there.add(entry.slug, identity(entry))
    new: PaperIndex[str] = PaperIndex()
    for entry in made:
        new.add(entry.slug, identity(entry))
    counted: set[str] = set()
    skipped = 0
    for paper in papers:
        known = identity(paper)
        if there.find(known)[0] is not None:
            continue
        slug = new.find(known)[0]
        if slug is None:
            skipped += 1
        else:
            counted.add(slug)
    return len(counted), skipped
