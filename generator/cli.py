"""The command line: parses arguments, runs a pipeline, prints, and chooses the exit code.

Exit codes: 0 success; 1 the command ran into problems (bad input, build
error); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import load_config, with_overrides
from .errors import PaperfeedError, Problem, SourceError
from .formats import FORMAT_NAMES

EPILOG = """examples:
  paperfeed ingest dumps/*.txt          parse page dumps into content/papers/
  paperfeed build                       render content/ into site/
  paperfeed serve                       build, then preview on http://127.0.0.1:8000/
"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2024-03-11: {text!r}") from None


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 9999:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperfeed", description="Turn paper records into a static site with tag pages and feeds.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"paperfeed {__version__}")
    parser.add_argument("-C", "--root", type=Path, default=Path("."),
                        help="project folder holding site.yaml, content/ and themes/ (default: .)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ingest = sub.add_parser(
        "ingest", help="parse sources into entries in content/papers/",
        description="Parse sources into Markdown entries in content/papers/, merging papers already there.",
        epilog="examples:\n  paperfeed ingest dumps/001.txt dumps/002.txt\n"
               "  paperfeed ingest --date 2024-03-11 undated-dump.txt\n"
               "  paperfeed ingest --dry-run 'dumps/*.txt' refs.bib\n"
               "  paperfeed ingest 'https://export.arxiv.org/api/query?search_query=cat:cs.LG&max_results=50'\n"
               "  paperfeed ingest --skip-cross https://rss.arxiv.org/rss/cs.LG\n"
               "  curl -s https://huggingface.co/api/daily_papers | paperfeed ingest -",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ingest.add_argument("inputs", nargs="+", metavar="SOURCE",
                        help="a file, folder, glob, http(s) URL, or - for standard input")
    ingest.add_argument("--date", type=_date, help="date for records whose source has none (default: today)")
    ingest.add_argument("--year", type=_year, help="year of page dates written without one "
                                                   "(default: the latest such date not in the future)")
    ingest.add_argument("--format", choices=FORMAT_NAMES, help="skip detection and read every input as this format")
    ingest.add_argument("--dry-run", action="store_true", help="show what would change as a table, write nothing")
    ingest.add_argument("--refresh", action="store_true",
                        help="let the sources' values replace fields an entry already has (slug, date and tags stay)")
    ingest.add_argument("--skip-cross", action="store_true", help="skip arXiv cross-lists")
    ingest.add_argument("--skip-replace", action="store_true", help="skip arXiv replacements")

    retag = sub.add_parser(
        "retag", help="re-apply the taxonomy to every entry",
        description="Re-apply the taxonomy in site.yaml to every entry: taxonomy tags are recomputed from "
                    "title and abstract; tags that are not in the taxonomy are kept.",
        epilog="examples:\n  paperfeed retag --dry-run\n  paperfeed retag",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    retag.add_argument("--dry-run", action="store_true", help="list the changes, write nothing")

    build = sub.add_parser(
        "build", help="render content/ into the output folder",
        description="Render the entries in content/ with the theme into the output folder (site/).",
        epilog="examples:\n  paperfeed build\n  paperfeed build --base-url https://example.org/reading-group/",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _build_flags(build)

    serve = sub.add_parser(
        "serve", help="build, then serve the site on 127.0.0.1 for a preview",
        description="Build the site, then serve the output folder locally (Ctrl-C stops).",
        epilog="examples:\n  paperfeed serve\n  paperfeed serve --port 8080",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _build_flags(serve)
    serve.add_argument("--bind", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    return parser


def _build_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", help="override base_url from site.yaml")
    parser.add_argument("-o", "--output", help="override output_dir from site.yaml")
    parser.add_argument("--strict", action="store_true", help="fail on any broken entry instead of skipping it")
    parser.add_argument("--no-search", action="store_true", help="skip the search index (Pagefind)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="processes to render with (default: all cores)")
    parser.add_argument("--clean", action="store_true", help="ignore the build cache and build everything")


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        return _run(args)
    except PaperfeedError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    root: Path = args.root
    if not root.is_dir():
        print(f"error: no such project folder: {root}", file=sys.stderr)
        return 2
    config = load_config(root)
    if args.command == "ingest":
        return _ingest(args, root, config)
    if args.command == "retag":
        return _retag(args, root, config)
    config = with_overrides(config, base_url=args.base_url, output_dir=args.output)
    if args.command == "build":
        return _build(args, root, config)
    return _serve(args, root, config)


def _print_problems(problems: list[Problem], prefix: str = "") -> None:
    for problem in problems:
        print(f"{prefix}{problem}", file=sys.stderr)


def _ingest(args: argparse.Namespace, root: Path, config) -> int:
    from .ingest import ParseOptions
    from .intake import ingest

    options = ParseOptions(today=dt.date.today(), date=args.date, year=args.year,
                           skip_cross=args.skip_cross, skip_replace=args.skip_replace)
    report = ingest(root, config, args.inputs, options, format=args.format, dry_run=args.dry_run,
                    refresh=args.refresh)
    plan = report.plan
    if args.dry_run:
        rows = [("new", e.slug, e.title) for e in plan.new]
        rows += [("merged", e.slug, e.title) for e in plan.updated]
        rows += [("unchanged", slug, "") for slug in plan.unchanged]
        rows += [("skipped", "-", f"{title}: {reason}") for title, reason in plan.skipped]
        rows += [("rejected", "-", str(p).split("\n")[0]) for p in report.problems]
        width = max([len(r[1]) for r in rows] + [4])
        print(f"{'action':9}  {'slug':{width}}  title or reason")
        for action, slug, text in rows:
            print(f"{action:9}  {slug:{width}}  {text}")
    else:
        _print_problems(report.problems, "warning: ")
        for title, reason in plan.skipped:
            print(f"warning: skipped {title!r}: {reason}", file=sys.stderr)
    if not args.quiet:
        verb = "would write" if args.dry_run else "wrote"
        count = len(plan.writes) if args.dry_run else report.written
        print(f"{report.records} records from {len(report.sources)} source(s) -> {len(plan.new)} new, "
              f"{len(plan.updated)} merged, {len(plan.unchanged)} unchanged, "
              f"{len(plan.skipped) + len(report.problems)} skipped; "
              f"{verb} {count} entries in {config.content_dir}/papers/")
    return 1 if not report.sources else 0


def _retag(args: argparse.Namespace, root: Path, config) -> int:
    from .retag import retag

    changes = retag(root, config, dry_run=args.dry_run)
    for slug, before, after in changes:
        print(f"{slug}: [{', '.join(before)}] -> [{', '.join(after)}]")
    if not args.quiet:
        verb = "would retag" if args.dry_run else "retagged"
        print(f"{verb} {len(changes)} entries")
    return 0


def _build(args: argparse.Namespace, root: Path, config) -> int:
    from .build import build

    if args.jobs is not None and args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return 2
    report = build(root, config, strict=args.strict, search=not args.no_search, jobs=args.jobs, clean=args.clean)
    _print_problems(report.skipped, "warning: skipped ")
    if report.up_to_date:
        if not args.quiet:
            print(f"{config.output_dir}/ is up to date ({report.seconds:.2f} s)")
        return 0
    if not args.quiet:
        search = f" (search index {report.search_seconds:.2f} s)" if report.search_seconds else ""
        print(f"built {report.papers} papers, {report.tags} tags: {report.pages} pages, {report.feeds} feeds, "
              f"{report.files} files in {config.output_dir}/ in {report.seconds:.2f} s{search}")
    return 0


def _serve(args: argparse.Namespace, root: Path, config) -> int:
    from .server import serve

    code = _build(args, root, config)
    if code:
        return code
    return serve(root / config.output_dir, config.base_path, bind=args.bind, port=args.port)
