"""The command line: parses arguments, runs a pipeline, prints, and chooses the exit code.

Exit codes: 0 success; 1 the command ran into problems (bad input, build
error); 2 wrong usage.

Each command's handler imports the pipeline it runs when it runs, so a
command loads only its own (see `generator.lazy` for what is loaded on use).
Nothing sets up `logging` (importing it alone costs start-up time): with no
handler configured, a library's warning reaches standard error as its bare
message through logging's last-resort handler.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from . import __version__
from .build.incremental import early_site_check
from .build.lock import project_lock
from .config import CONFIG_NAME, Config, is_loopback, load_config, with_overrides
from .errors import PaperfeedError, Problem, UsageError
from .ids import tag_slug
from .ingest.formats import FORMAT_NAMES

if TYPE_CHECKING:
    from .ingest.pipeline import IngestReport

    # What `add_subparsers` returns: the commands' parsers are added to it.
    _Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    # A parser or an argument group: what flags are added to.
    _Flags: TypeAlias = argparse._ActionsContainer

EPILOG = """examples:
  paperfeed init mysite                 create a new site
  paperfeed ingest dumps/*.txt          parse sources into content/papers/
  paperfeed update                      fetch the sources site.yaml lists, ingest, build
  paperfeed check                       lint content/ and site.yaml
  paperfeed build                       render content/ into site/
  paperfeed serve                       build, preview on http://127.0.0.1:8000/ and rebuild on change
  paperfeed tags                        tag counts, and title words no tag covers
"""


# ANSI colours of the labels, on a terminal only (https://no-color.org: NO_COLOR turns them off).
_COLOURS = {"error": "1;31", "warning": "33"}


def _label(kind: str) -> str:
    """'error: ' or 'warning: ', in colour when standard error is a terminal and NO_COLOR is not set."""
    if os.environ.get("NO_COLOR") or not sys.stderr.isatty():
        return f"{kind}: "
    return f"\033[{_COLOURS[kind]}m{kind}:\033[0m "


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
    """The `paperfeed` parser: the global options, then one subparser per command, added by `_COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="paperfeed",
        description="Turn paper records into a static site with tag pages and feeds.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"paperfeed {__version__}")
    _global_flags(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_command in _COMMANDS:
        add_command(sub)
    return parser


def _global_flags(parser: _Flags, *, after_command: bool = False) -> None:
    """The flags every command takes, before the command or after it (`paperfeed build -q`).

    After the command they default to SUPPRESS, so they never undo the same flag given before it.
    """
    unset = argparse.SUPPRESS if after_command else None
    root_help = "project folder holding site.yaml, content/ and themes/ (default: the --config file's folder, or .)"
    parser.add_argument("-C", "--root", type=Path, default=unset, help=root_help)
    parser.add_argument(
        "-c",
        "--config",
        type=Path,
        metavar="FILE",
        default=unset,
        help="config file instead of the project's site.yaml",
    )
    parser.add_argument("-q", "--quiet", action="store_true", default=unset or False, help="print only problems")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=unset or False,
        help="print each step as it starts, with the time",
    )
    parser.add_argument("--debug", action="store_true", default=unset or False, help="show tracebacks")


def _command(sub: _Subparsers, name: str, *, help: str, description: str, epilog: str) -> argparse.ArgumentParser:
    # Raw formatting keeps each command's "examples:" epilog as written.
    parser = sub.add_parser(
        name, help=help, description=description, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _global_flags(parser.add_argument_group("global options"), after_command=True)
    return parser


def _ingest_parser(sub: _Subparsers) -> None:
    ingest = _command(
        sub,
        "ingest",
        help="parse sources into entries in content/papers/",
        description="Parse sources into Markdown entries in content/papers/, merging papers already there.",
        epilog="examples:\n  paperfeed ingest dumps/001.txt dumps/002.txt\n"
        "  paperfeed ingest --date 2024-03-11 undated-dump.txt\n"
        "  paperfeed ingest --dry-run 'dumps/*.txt' refs.bib\n"
        "  paperfeed ingest 'https://export.arxiv.org/api/query?search_query=cat:cs.LG&max_results=50'\n"
        "  paperfeed ingest --skip-cross https://rss.arxiv.org/rss/cs.LG\n"
        "  curl -s https://huggingface.co/api/daily_papers | paperfeed ingest -",
    )
    ingest.add_argument(
        "inputs", nargs="+", metavar="SOURCE", help="a file, folder, glob, http(s) URL, or - for standard input"
    )
    ingest.add_argument("--date", type=_date, help="date for records whose source has none (default: today)")
    ingest.add_argument(
        "--year",
        type=_year,
        help="year of page dates written without one (default: the latest such date not in the future)",
    )
    ingest.add_argument("--format", choices=FORMAT_NAMES, help="skip detection and read every input as this format")
    ingest.add_argument("--dry-run", action="store_true", help="show what would change as a table, write nothing")
    ingest.add_argument(
        "--refresh",
        action="store_true",
        help="let the sources' values replace fields an entry already has (slug, date and tags stay)",
    )
    ingest.add_argument("--skip-cross", action="store_true", help="skip arXiv cross-lists")
    ingest.add_argument("--skip-replace", action="store_true", help="skip arXiv replacements")


def _update_parser(sub: _Subparsers) -> None:
    update = _command(
        sub,
        "update",
        help="fetch the sources site.yaml lists, ingest them, and build",
        description="Fetch every source under `sources:` in site.yaml (arXiv queries and feeds, Hugging Face "
        "days, URLs, files), merge their papers into content/papers/, then build. One line per source. "
        "Exits 0 when every required source answered (an empty answer is 0 records), 1 when a required "
        "source could not be read; the site is built from what came in either way.",
        epilog="examples:\n  paperfeed update\n  paperfeed update --dry-run\n"
        "  paperfeed update --no-build && git add content && git commit -m 'New papers'\n"
        "  paperfeed update --source 'arxiv cs.LG' --base-url https://example.org/feed/",
    )
    update.add_argument("--dry-run", action="store_true", help="fetch and show what would change, write nothing")
    update.add_argument("--no-build", action="store_true", help="only fetch and ingest; build later")
    update.add_argument(
        "--source", action="append", metavar="NAME", help="only this source (repeat for more; default: all)"
    )
    update.add_argument("--date", type=_date, help="date for records whose source has none (default: today)")
    _build_flags(update)


def _new_parser(sub: _Subparsers) -> None:
    new = _command(
        sub,
        "new",
        help="write one hand entry, dated today",
        description="Write content/papers/<slug>.md for a paper no source has, dated today, with the title "
        "and what else is given. Opens nothing: edit the file, then `paperfeed check`.",
        epilog="examples:\n  paperfeed new 'Attention Is All You Need' --arxiv 1706.03762 --tag llm\n"
        "  paperfeed new 'Our group notes' --author 'A. Reader' --url https://example.org/notes",
    )
    new.add_argument("title", metavar="TITLE")
    new.add_argument("--tag", action="append", default=[], help="a tag (repeat for more)")
    new.add_argument("--author", action="append", default=[], help="an author (repeat for more, in order)")
    new.add_argument("--arxiv", default="", help="the paper's arXiv id: links to its abstract and PDF")
    new.add_argument("--url", default="", help="a link to the paper")
    new.add_argument("--date", type=_date, help="the entry's date (default: today)")
    new.add_argument("--slug", default="", help="file name without .md (default: from the title)")


def _completion_parser(sub: _Subparsers) -> None:
    completion = _command(
        sub,
        "completion",
        help="print the shell completion script for bash, zsh or fish",
        description="Print a script that completes paperfeed's commands, flags and file names "
        "(argcomplete). Load it from your shell's start-up file.",
        epilog="examples:\n  echo 'eval \"$(paperfeed completion bash)\"' >> ~/.bashrc\n"
        "  echo 'eval \"$(paperfeed completion zsh)\"' >> ~/.zshrc\n"
        "  paperfeed completion fish > ~/.config/fish/completions/paperfeed.fish",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))


def _schema_parser(sub: _Subparsers) -> None:
    _command(
        sub,
        "schema",
        help="print the JSON Schema of site.yaml, for editors",
        description="Print the JSON Schema of site.yaml for this paperfeed. `init` writes it as "
        "site.schema.json; print it again after an upgrade.",
        epilog="examples:\n  paperfeed schema > site.schema.json",
    )


def _init_parser(sub: _Subparsers) -> None:
    init = _command(
        sub,
        "init",
        help="create a new site that builds at once",
        description="Create a new paperfeed site in DIR: site.yaml with every key commented, one example "
        "entry, a .gitignore and a GitHub Pages workflow.",
        epilog="examples:\n  paperfeed init mysite\n  paperfeed init --theme-copy --title 'Reading group' mysite",
    )
    init.add_argument("directory", type=Path, metavar="DIR")
    init.add_argument("--title", default="My paper feed", help="site title (default: My paper feed)")
    init.add_argument("--theme-copy", action="store_true", help="copy the default theme into DIR/themes/ to customise")
    init.add_argument("--force", action="store_true", help="overwrite files that DIR already holds (default: refuse)")


def _check_parser(sub: _Subparsers) -> None:
    _command(
        sub,
        "check",
        help="lint content/ and site.yaml without building",
        description="Report problems in site.yaml and the entries, one `path:line: message` per problem: "
        "broken front matter, missing titles, bad dates, misspelt keys, tags missing from the "
        "taxonomy, duplicate papers, broken links. Exits 1 when there are any.",
        epilog="examples:\n  paperfeed check\n  paperfeed -C mysite check",
    )


def _tags_parser(sub: _Subparsers) -> None:
    tags = _command(
        sub,
        "tags",
        help="list tags with counts, and title words no tag covers",
        description="List every tag with its paper count, then the most frequent title words that no taxonomy "
        "tag covers, as candidates for new tags.",
        epilog="examples:\n  paperfeed tags\n  paperfeed tags --limit 40",
    )
    tags.add_argument("--limit", type=int, default=20, help="how many uncovered title words to show (default: 20)")


def _retag_parser(sub: _Subparsers) -> None:
    retag = _command(
        sub,
        "retag",
        help="apply the taxonomy again, adding tags to entries",
        description="Apply the taxonomy in site.yaml again: each entry gains the taxonomy's tags for its "
        "title and abstract; no tag is taken away. Entries whose tags you changed are left alone.",
        epilog="examples:\n  paperfeed retag --dry-run\n  paperfeed retag\n  paperfeed retag --edited",
    )
    retag.add_argument("--dry-run", action="store_true", help="list the changes, write nothing")
    retag.add_argument("--edited", action="store_true", help="also add tags to entries whose tags you changed")


def _build_parser(sub: _Subparsers) -> None:
    build = _command(
        sub,
        "build",
        help="render content/ into the output folder",
        description="Render the entries in content/ with the theme into the output folder (site/).",
        epilog="examples:\n  paperfeed build\n  paperfeed build --base-url https://example.org/reading-group/",
    )
    _build_flags(build)


def _serve_parser(sub: _Subparsers) -> None:
    serve = _command(
        sub,
        "serve",
        help="build, then serve the site on 127.0.0.1 for a preview",
        description="Build the site, serve the output folder locally, rebuild when content/, themes/ or "
        "site.yaml change, and reload open pages. The site's absolute links (feeds, canonical links) "
        "lead to the served address unless --base-url is given. A failed rebuild keeps the last good "
        "site and shows the error on every page. Ctrl-C stops.",
        epilog="examples:\n  paperfeed serve\n  paperfeed serve --port 8080 --no-search\n"
        "  paperfeed serve --bind 0.0.0.0   # reachable from other machines: only on a trusted network",
    )
    _build_flags(serve)
    serve.add_argument("--bind", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")


def _build_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", help="override base_url from site.yaml")
    parser.add_argument(
        "-o",
        "--output",
        help="override output_dir from site.yaml: a folder anywhere that is empty, new or an earlier site "
        "(relative to the project folder)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on any broken entry instead of skipping it")
    parser.add_argument("--no-search", action="store_true", help="skip the search index (Pagefind)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="processes to render with (default: all cores)")
    parser.add_argument("--clean", action="store_true", help="ignore the build cache and build everything")
    parser.add_argument("-D", "--drafts", action="store_true", help="include entries marked `draft: true`")
    parser.add_argument("-F", "--future", action="store_true", help="include entries dated after today")


# The commands in the order `paperfeed --help` lists them.
_COMMANDS: tuple[Callable[[_Subparsers], None], ...] = (
    _ingest_parser,
    _update_parser,
    _new_parser,
    _init_parser,
    _check_parser,
    _tags_parser,
    _retag_parser,
    _build_parser,
    _serve_parser,
    _completion_parser,
    _schema_parser,
)


def run() -> None:
    """The `paperfeed` command: `main`, then a quick exit.

    After a build the process holds the whole site model; tearing it down
    object by object takes longer than the last phases of a small rebuild,
    and the operating system frees it at once. Output is flushed first.
    """
    code = main()
    if _TERMINATED and code == 0:
        code = 128 + _TERMINATED[0]  # the SIGTERM's exception was swallowed: the command did not stop as asked
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # a profiler or coverage tool writes its results at exit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _terminate(signum: int, frame: object) -> None:
    # Unwinds like Ctrl-C: staging folders are removed and worker processes stopped on the way out.
    # A signal that lands in a finalizer has its exception swallowed ("Exception ignored in ..."):
    # the process then ends anyway, a little later and without that cleanup (the next build does it).
    # It is also remembered, so that a build which finishes before then still exits with it.
    _TERMINATED.append(signum)
    deadline = threading.Timer(5.0, os._exit, args=(128 + signum,))
    deadline.daemon = True
    deadline.start()
    raise SystemExit(128 + signum)


# The signal that asked this process to stop, if one did (see `_terminate`).
_TERMINATED: list[int] = []


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions: answer and exit
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(args)
    except UsageError as exc:
        if args.debug:
            raise
        print(f"{_label('error')}{exc}", file=sys.stderr)
        return 2
    except PaperfeedError as exc:
        if args.debug:
            raise
        print(f"{_label('error')}{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    # As `mkdocs -f`: a config file named without a project folder brings its own folder.
    root: Path = args.root if args.root is not None else args.config.parent if args.config else Path(".")
    if args.command == "init":
        return _init(args)
    if args.command == "schema":
        from .schema import schema_text

        print(schema_text(), end="")
        return 0
    if args.command == "completion":
        import argcomplete

        print(argcomplete.shellcode(["paperfeed"], shell=args.shell), end="")
        return 0
    if not root.is_dir():
        print(f"{_label('error')}no such project folder: {root}", file=sys.stderr)
        return 2
    if args.config is None and not (root / CONFIG_NAME).is_file():
        where = "this folder" if root == Path(".") else str(root)
        print(
            f"{_label('error')}no {CONFIG_NAME} in {where}: it is not a paperfeed site\n"
            f"  hint: make one with `paperfeed init {'.' if root == Path('.') else root}`, "
            "or name a config file with --config",
            file=sys.stderr,
        )
        return 2
    if args.command == "check":
        return _check(args, root)
    config = load_config(root, args.config)
    if args.command == "ingest":
        return _ingest(args, root, config)
    if args.command == "update":
        return _update(args, root, config)
    if args.command == "new":
        return _new(args, root, config)
    if args.command == "retag":
        return _retag(args, root, config)
    if args.command == "tags":
        return _tags(args, root, config)
    config = with_overrides(config, base_url=args.base_url, output_dir=args.output)
    if args.command == "build":
        return _build(args, root, config)
    return _serve(args, root, config)


def _print_problems(problems: list[Problem], prefix: str = "") -> None:
    for problem in problems:
        print(f"{prefix}{problem}", file=sys.stderr)


def _ingest(args: argparse.Namespace, root: Path, config: Config) -> int:
    from .ingest.pipeline import ingest
    from .ingest.registry import ParseOptions

    options = ParseOptions(
        today=dt.date.today(),
        date=args.date,
        year=args.year,
        skip_cross=args.skip_cross,
        skip_replace=args.skip_replace,
    )
    with project_lock(root, "ingest"):
        report = ingest(
            root,
            config,
            args.inputs,
            options,
            format=args.format,
            dry_run=args.dry_run,
            refresh=args.refresh,
            debug=args.debug,
            progress=_progress(args),
        )
    if sys.stderr.isatty() and not args.quiet and not args.verbose:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    if args.dry_run:
        _print_plan(report)
    else:
        _print_ingest_problems(report, verbose=args.verbose)
    if report.removed and not args.quiet:
        print(
            f"note: removed {report.removed} temporary file(s) an interrupted ingest left in "
            f"{config.content_dir}/papers/",
            file=sys.stderr,
        )
    if not args.quiet:
        plan = report.plan
        verb = "would write" if args.dry_run else "wrote"
        count = len(plan.writes) if args.dry_run else report.written
        by_title = f" ({len(plan.title_matches)} matched by title alone)" if plan.title_matches else ""
        print(
            f"{report.records} records from {len(report.sources)} source(s) -> {len(plan.new)} new, "
            f"{len(plan.updated)} merged, {len(plan.unchanged)} unchanged, {plan.duplicates} duplicates, "
            f"{report.skipped} skipped{by_title}; {verb} {count} entries in {config.content_dir}/papers/"
            + (f"; {len(report.failed)} source(s) not read" if report.failed else "")
            + (f"; {len(report.unusable)} source(s) with every record rejected" if report.unusable else "")
        )
    return 0 if report.succeeded else 1


def _print_plan(report: IngestReport) -> None:
    """What an ingest would do, as a table: one row per record or problem."""
    plan = report.plan
    rows = [("new", e.slug, e.title) for e in plan.new]
    rows += [("merged", e.slug, e.title) for e in plan.updated]
    rows += [
        ("by title", m.slug, f"{m.record}: {m.title} (same title, no shared id or DOI)") for m in plan.title_matches
    ]
    rows += [("unchanged", slug, "") for slug in plan.unchanged]
    rows += [("skipped", "-", f"{title}: {reason}") for title, reason in plan.skipped]
    rows += [("rejected", "-", str(p).split("\n")[0]) for p in report.problems]
    rows += [("failed", "-", str(p).split("\n")[0]) for p in report.failed]
    rows += [("failed", "-", f"{source.name}: every record was rejected") for source in report.unusable]
    width = max([len(r[1]) for r in rows] + [4])
    print(f"{'action':9}  {'slug':{width}}  title or reason")
    for action, slug, text in rows:
        print(f"{action:9}  {slug:{width}}  {text}")


def _print_ingest_problems(report: IngestReport, *, verbose: bool, failed: bool = True, skipped: bool = True) -> None:
    if failed:
        _print_problems(report.failed, _label("error"))
    _print_problems(report.problems, _label("warning"))
    _print_problems(report.notes, "note: ")
    for title, reason in report.plan.skipped if skipped else ():
        print(f"{_label('warning')}skipped {title!r}: {reason}", file=sys.stderr)
    if failed:
        for source in report.unusable:
            print(f"{_label('error')}{source.name}: every record was rejected", file=sys.stderr)
    if verbose:
        for match in report.plan.title_matches:
            print(f"note: {match.record}: {match.title!r} merged into {match.slug} by title alone", file=sys.stderr)


def _update(args: argparse.Namespace, root: Path, config: Config) -> int:
    from .build.cache import CACHE_DIR
    from .ingest.fetch import Fetcher
    from .ingest.registry import ParseOptions
    from .ingest.update import update

    if not config.sources:
        print(
            _label("error") + "site.yaml lists no sources for `paperfeed update`\n"
            "  hint: add `sources:` (README, Sources), or ingest files with `paperfeed ingest`",
            file=sys.stderr,
        )
        return 1
    if args.source:
        unknown = [name for name in args.source if name not in {s.name for s in config.sources}]
        if unknown:
            known = ", ".join(repr(s.name) for s in config.sources)
            print(f"{_label('error')}no source named {unknown[0]!r} in site.yaml (it has {known})", file=sys.stderr)
            return 2
        config = with_overrides(config, sources=tuple(s for s in config.sources if s.name in args.source))
    fetcher = Fetcher(cache=root / CACHE_DIR / "http")
    with project_lock(root, "update"):
        report = update(
            root,
            config,
            ParseOptions(today=dt.date.today(), date=args.date),
            fetcher=fetcher,
            dry_run=args.dry_run,
            debug=args.debug,
            progress=_progress(args) or (lambda message: None),
        )
    if sys.stderr.isatty() and not args.quiet and not args.verbose:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    if args.dry_run:
        _print_plan(report.ingest)
    else:
        # Skipped replacements are routine in an arXiv feed: counted per source below, listed with -v.
        _print_ingest_problems(report.ingest, verbose=args.verbose, failed=False, skipped=args.verbose)
    for outcome in report.outcomes:
        if outcome.problem is not None:
            level = "error" if outcome.spec.required else "warning"
            note = "" if outcome.spec.required else " (required: false, so the update goes on)"
            print(f"{_label(level)}{outcome.spec.name}: {outcome.problem}{note}", file=sys.stderr)
        elif outcome.failed:
            level = "error" if outcome.spec.required else "warning"
            print(f"{_label(level)}{outcome.spec.name}: every record was rejected", file=sys.stderr)
        elif not args.quiet:
            counts = f"{outcome.records} record{'' if outcome.records == 1 else 's'}, {outcome.new} new"
            counts += f", {outcome.skipped} replacements of papers not on the site" if outcome.skipped else ""
            counts += f", {outcome.rejected} rejected" if outcome.rejected else ""
            counts += f", {outcome.filtered} left out by its filter" if outcome.filtered else ""
            print(f"{outcome.spec.name}: {counts}")
    ingest = report.ingest
    if not args.quiet:
        verb = "would write" if args.dry_run else "wrote"
        count = len(ingest.plan.writes) if args.dry_run else ingest.written
        print(
            f"{verb} {count} entries in {config.content_dir}/papers/ ({len(ingest.plan.new)} new, "
            f"{len(ingest.plan.updated)} merged)"
        )
    code = 0 if report.succeeded else 1
    if args.dry_run or args.no_build:
        return code
    config = with_overrides(config, base_url=args.base_url, output_dir=args.output)
    return _build(args, root, config) or code


def _new(args: argparse.Namespace, root: Path, config: Config) -> int:
    from .content.new import new_entry

    path = new_entry(
        root / config.content_dir / "papers",
        args.title,
        date=args.date or dt.date.today(),
        tags=tuple(args.tag),
        authors=tuple(args.author),
        arxiv=args.arxiv,
        url=args.url,
        slug=args.slug,
    )
    if not args.quiet:
        print(f"created {path}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from .scaffold import init_site, requirements_txt

    requirements, why = requirements_txt()
    written, overwritten = init_site(
        args.directory,
        title=args.title,
        theme_copy=args.theme_copy,
        force=args.force,
        today=dt.date.today(),
        requirements=requirements,
    )
    if not args.quiet:
        for path in written:
            print(f"created {path}")
        for path in overwritten:
            print(f"overwrote {path}")
        print(
            f"new site in {args.directory}/: build it with `paperfeed -C {args.directory} build`, "
            f"preview it with `paperfeed -C {args.directory} serve`"
        )
    if why:
        print(
            f"note: {args.directory}/requirements.txt names no paperfeed to install yet ({why}); "
            "the daily workflow needs one: see the comment in it",
            file=sys.stderr,
        )
    return 0


def _check(args: argparse.Namespace, root: Path) -> int:
    from .content.check import check_site

    problems = check_site(root, args.config)
    for problem in problems:
        print(problem)
    if not args.quiet:
        print(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} found" if problems else "no problems found")
    return 1 if problems else 0


def _tags(args: argparse.Namespace, root: Path, config: Config) -> int:
    from .content.entry import load_entries
    from .content.taxonomy import uncovered_terms
    from .model.related import STOP_WORDS

    entries, problems = load_entries(root / config.content_dir / "papers", root)
    _print_problems(problems, _label("warning") + "skipped ")
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for entry in entries:
        for tag in entry.tags:
            slug = tag_slug(tag)
            counts[slug] = counts.get(slug, 0) + 1
            names.setdefault(slug, config.taxonomy[slug].name if slug in config.taxonomy else tag)
    width = max([len(s) for s in counts] + [3])
    for slug, count in sorted(counts.items(), key=lambda sc: (-sc[1], sc[0])):
        note = "" if slug in config.taxonomy or not config.taxonomy else "  (not in the taxonomy)"
        print(f"{count:6}  {slug:{width}}  {names[slug]}{note}")
    untagged = sum(1 for e in entries if not e.tags)
    print(f"{len(counts)} tags over {len(entries)} papers; {untagged} papers have no tag")
    terms = uncovered_terms((e.title for e in entries), config.taxonomy, limit=args.limit, stop_words=STOP_WORDS)
    if terms:
        print("\nfrequent title words no tag covers:")
        for word, count in terms:
            print(f"{count:6}  {word}")
    return 0


def _retag(args: argparse.Namespace, root: Path, config: Config) -> int:
    from .content.retag import retag

    with project_lock(root, "retag"):
        changes = retag(root, config, dry_run=args.dry_run, edited=args.edited)
    for slug, before, after in changes:
        print(f"{slug}: [{', '.join(before)}] -> [{', '.join(after)}]")
    if not args.quiet:
        verb = "would retag" if args.dry_run else "retagged"
        print(f"{verb} {len(changes)} entries")
    return 0


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    """Step messages: one line each with --verbose, one updating status line on a terminal, else none."""
    started = time.perf_counter()
    if args.quiet:
        return None
    if args.verbose:
        return lambda message: print(f"[{time.perf_counter() - started:6.2f} s] {message}", file=sys.stderr, flush=True)
    if sys.stderr.isatty():

        def status(message: str) -> None:
            print(f"\r\033[K{message}...", end="", file=sys.stderr, flush=True)

        return status
    return None


def _build(args: argparse.Namespace, root: Path, config: Config) -> int:
    if args.jobs is not None and args.jobs < 1:
        print(_label("error") + "--jobs must be at least 1", file=sys.stderr)
        return 2
    if args.command != "serve" and is_loopback(config.base_url):
        print(
            f"{_label('warning')}base_url is {config.base_url}, this machine's own address: the site's feeds, "
            "sitemap and canonical links will not work anywhere else\n"
            "  hint: set base_url in site.yaml to the address the site is served from, or pass --base-url",
            file=sys.stderr,
        )
    with project_lock(root, "build"):
        # Begun before the build loads, which it overlaps (see `early_site_check`).
        site_check = None if args.clean else early_site_check(root, root / config.output_dir)
        try:
            from .build.pipeline import build

            report = build(
                root,
                config,
                strict=args.strict,
                search=not args.no_search,
                jobs=args.jobs,
                clean=args.clean,
                drafts=args.drafts,
                future=args.future,
                progress=_progress(args),
                site_check=site_check,
            )
        finally:
            if site_check is not None:
                site_check()  # answered even when unused or the build failed: its child must not outlive it
    if sys.stderr.isatty() and not args.quiet and not args.verbose:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    _print_problems(report.skipped, _label("warning") + "skipped ")
    for note in report.notes:
        print(note, file=sys.stderr)
    if report.up_to_date:
        if not args.quiet:
            print(f"{config.output_dir}/ is up to date ({report.seconds:.2f} s)")
        return 0
    search = f" (search index {report.search_seconds:.2f} s)" if report.search_seconds else ""
    if report.patched is not None:
        if not args.quiet:
            files = f"{report.patched} file{'' if report.patched == 1 else 's'}"
            print(
                f"updated {files} in {config.output_dir}/ for edited entries "
                f"({report.papers} papers) in {report.seconds:.2f} s{search}"
            )
        return 0
    if not args.quiet:
        print(
            f"built {report.papers} papers, {report.tags} tags: {report.pages} pages, {report.feeds} feeds, "
            f"{report.files} files in {config.output_dir}/ in {report.seconds:.2f} s{search}"
        )
    return 0


def _serve(args: argparse.Namespace, root: Path, config: Config) -> int:
    from .build.pipeline import build
    from .server import LiveState, make_server, preview_url, serve
    from .watch import Watcher

    # Listen first, so that the site is built for the port the server got (`--port 0` included):
    # unless --base-url says otherwise, the preview's address is the base_url of the site it serves.
    # A busy port moves to the next free one, as `hugo server` does.
    live = LiveState()
    for port in range(args.port, args.port + 20) if args.port else [0]:
        try:
            server = make_server(root / config.output_dir, config.base_path, bind=args.bind, port=port, live=live)
            break
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or port == args.port + 19:
                print(f"{_label('error')}cannot listen on {args.bind}:{port}: {exc.strerror}", file=sys.stderr)
                return 1
    if server.server_address[1] != args.port and args.port and not args.quiet:
        print(f"note: port {args.port} is busy; serving on {server.server_address[1]}", flush=True)
    url = preview_url(args.bind, server.server_address[1], config.base_path)
    base_url = args.base_url or url
    if base_url != config.base_url and not args.quiet:
        print(
            f"note: links in pages and feeds lead to {base_url} while serving; "
            f"`paperfeed build` makes the site for {config.base_url}",
            flush=True,
        )
    config = with_overrides(config, base_url=base_url)
    # Strict, as every rebuild is: a broken entry keeps the last good site served instead of dropping the
    # paper, and the rebuilds (same settings) can patch the site instead of building it whole.
    args.strict = True
    error = ""
    try:
        code = _build(args, root, config)
    except PaperfeedError as exc:  # served anyway: the page shows the error until an edit fixes it
        print(f"{_label('error')}{exc}", file=sys.stderr, flush=True)
        error, code = str(exc), 0
    if code:
        server.server_close()
        return code
    content = (root / config.content_dir).absolute()
    watcher = Watcher(
        root,
        [content, root / "themes", root / "static"],
        [args.config or root / CONFIG_NAME],
        wanted=lambda path: not path.is_relative_to(content) or path.suffix == ".md" or path.is_dir(),
    )
    failed = [bool(error)]  # whether the last build failed: its error is on every page until one succeeds
    reloaded: list[bool] = []  # whether this rebuild reloaded open pages before its search index

    def pages_ready() -> None:
        # The search index follows the new pages (see `build`): readers need not wait for it.
        live.built("")
        reloaded.append(True)
        failed[0] = False
        if not args.quiet:
            print(
                f"{time.strftime('%H:%M:%S')} new pages in place; reloading open pages, indexing for search", flush=True
            )

    def rebuild() -> str | None:
        started = time.perf_counter()
        try:
            current = with_overrides(load_config(root, args.config), base_url=base_url, output_dir=args.output)
            # Strict: a broken entry keeps the last good site served instead of dropping the paper.
            reloaded.clear()
            with project_lock(root, "build"):
                report = build(
                    root,
                    current,
                    strict=True,
                    search=not args.no_search,
                    jobs=args.jobs,
                    drafts=args.drafts,
                    future=args.future,
                    pages_ready=pages_ready,
                )
        except (PaperfeedError, OSError) as exc:
            message = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) and exc.filename else str(exc)
            print(f"{time.strftime('%H:%M:%S')} rebuild failed:\n{message}", file=sys.stderr, flush=True)
            failed[0] = True
            return message
        seconds = time.perf_counter() - started
        if report.up_to_date:
            what = "no change to the site"
        elif report.patched is not None:
            what = f"patched {report.patched} file{'' if report.patched == 1 else 's'} in {seconds:.2f} s"
        else:
            what = f"rebuilt the site ({report.pages} pages, {report.files} files) in {seconds:.2f} s"
        reload = (not report.up_to_date or failed[0]) and not reloaded
        failed[0] = False
        if not args.quiet:
            print(f"{time.strftime('%H:%M:%S')} {what}" + ("; reloading open pages" if reload else ""), flush=True)
        return "" if reload else None

    return serve(server, root / config.output_dir, url, live=live, watcher=watcher, rebuild=rebuild, error=error)
