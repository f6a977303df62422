"""Ingest from files, folders, globs, stdin and http(s) URLs, and merging the same paper across sources."""

from __future__ import annotations

import http.server
import io
import re
import threading
from functools import partial
from pathlib import Path

import pytest
from conftest import FIXTURES, TODAY

from generator.cli import main
from generator.config import load_config
from generator.content.entry import load_entries, read_entry
from generator.errors import SourceError
from generator.ingest.fetch import USER_AGENT, Fetcher
from generator.ingest.pipeline import ingest
from generator.ingest.registry import ParseOptions

CACHEGEN_DUMP = FIXTURES / "hf_page" / "001_57bc9e7ee142a0d4.txt"
CACHEGEN = "content/papers/cachegen-fast-context-loading-for-language-model-applications.md"
ALL_FORMATS = [
    "hf_json/daily_papers.json",
    "arxiv_atom/query.xml",
    "arxiv_rss/cs.LG.rss",
    "arxiv_rss/cs.LG.atom",
    "bibtex/refs.bib",
    "tabular/papers.jsonl",
    "tabular/papers.csv",
]


class _Handler(http.server.SimpleHTTPRequestHandler):
    failures: dict[str, int] = {}
    agents: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's API
        self.agents.append(self.headers.get("User-Agent", ""))
        left = self.failures.get(self.path, 0)
        if left:
            self.failures[self.path] = left - 1
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    handler = partial(_Handler, directory=str(FIXTURES))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.failures = {}
    _Handler.agents = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def run(project: Path, inputs: list[str], **kwargs):
    options = ParseOptions(today=TODAY, **kwargs.pop("options", {}))
    fetcher = kwargs.pop("fetcher", Fetcher(backoff=0.0))
    return ingest(project, load_config(project), inputs, options, fetcher=fetcher, **kwargs)


def snapshot(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "content/papers").glob("*.md"))}


def test_the_same_paper_from_every_source_is_one_entry_with_the_union_of_its_data(project):
    # With --year the dump's page date ("Mar 11") is a date the source gave, not a guess, so it stays.
    report = run(project, [str(CACHEGEN_DUMP)], options={"year": 2026})
    entry = read_entry(project / CACHEGEN, project)
    assert entry.arxiv == "" and str(entry.date) == "2026-03-11"
    run(
        project,
        [
            str(FIXTURES / name)
            for name in ("hf_json/daily_papers.json", "arxiv_atom/query.xml", "arxiv_rss/cs.LG.rss", "bibtex/refs.bib")
        ],
    )
    matches = [e for e in load_entries(project / "content/papers", project)[0] if "CacheGen" in e.title]
    assert len(matches) == 1
    entry = read_entry(project / CACHEGEN, project)
    assert str(entry.date) == "2026-03-11"  # the slug and date of the first sighting stay
    assert entry.arxiv == "2310.07240"
    assert entry.authors == ("Yuhan Liu", "Hanchen Li", "Junchen Jiang", "Yihua Cheng", "Siddhant Ray")
    assert entry.upvotes == 14 and entry.comment == "SIGCOMM 2024"
    assert entry.categories == ("cs.NI", "cs.LG") and str(entry.published) == "2023-10-11"
    assert entry.links == {
        "arxiv": "https://arxiv.org/abs/2310.07240",
        "pdf": "https://arxiv.org/pdf/2310.07240",
        "code": "https://github.com/UChi-JCL/CacheGen",
    }
    assert [s.name for s in entry.sources] == [
        "001_57bc9e7ee142a0d4.txt",
        "daily_papers.json",
        "query.xml",
        "cs.LG.rss",
        "refs.bib",
    ]
    assert entry.tags == ("llm",)  # BibTeX keywords that are not in the taxonomy are not tags
    assert entry.body.startswith(
        "As large language models (LLMs) take on more complex tasks, their inputs "
        "incorporate longer contexts to respond to questions that require domain knowledge"
    )
    assert report.sources[0].format == "hf-page"


def test_a_paper_seen_by_title_then_by_id_merges_even_with_a_different_title_spelling(project):
    run(project, [str(FIXTURES / "hf_json/daily_papers.json")])
    run(project, [str(FIXTURES / "bibtex/refs.bib")])
    pixart = [e for e in load_entries(project / "content/papers", project)[0] if "PixArt" in e.title]
    assert len(pixart) == 1  # "$α$" vs "$\alpha$": matched by the arXiv id behind the DOI
    assert pixart[0].title.startswith("PixArt-$α$")
    assert pixart[0].authors[-1] == "Jörg Müller"


def test_replacements_update_but_never_announce(project):
    report = run(project, [str(FIXTURES / "arxiv_rss/cs.LG.rss")])
    slugs = [e.slug for e in report.plan.new]
    assert "an-old-paper-revised" not in slugs and not any("cachegen" in s for s in slugs)
    assert [title for title, _ in report.plan.skipped] == [
        "CacheGen: Fast Context Loading for Language Model Applications",
        "An Old Paper Revised",
    ]


def test_refresh_lets_sources_overwrite_fields_but_not_slug_date_or_tags(project):
    run(project, [str(FIXTURES / "arxiv_atom/query.xml")])
    path = project / "content/papers/lora-low-rank-adaptation-of-large-language-models.md"
    path.write_text(
        path.read_text()
        .replace("comment: Draft V2 includes better baselines", "comment: mine")
        .replace("tags: [", "tags: [curated, ")
    )
    run(project, [str(FIXTURES / "arxiv_atom/query.xml")])
    assert read_entry(path, project).comment == "mine"
    run(project, [str(FIXTURES / "arxiv_atom/query.xml")], refresh=True)
    entry = read_entry(path, project)
    assert entry.comment == "Draft V2 includes better baselines"
    assert entry.tags[0] == "curated" and str(entry.date) == "2021-06-17"


def test_removed_tags_are_not_put_back_by_a_reingest(project):
    with (project / "site.yaml").open("a") as config:  # a source's tag is a tag when the taxonomy has it
        config.write("  speculative-decoding:\n    name: Speculative decoding\n")
    run(project, [str(FIXTURES / "tabular/papers.jsonl")])
    path = project / "content/papers/sparse-speculative-decoding-with-draft-trees.md"
    text = path.read_text()
    assert "speculative-decoding" in text
    path.write_text(text.replace("tags: [speculative-decoding", "tags: [mine"))
    run(project, [str(FIXTURES / "tabular/papers.jsonl")])
    assert "speculative-decoding" not in read_entry(path, project).tags


def test_every_input_kind_folder_glob_stdin_url(project, server):
    folder = run(project, [str(FIXTURES / "tabular")])
    assert sorted(s.format for s in folder.sources) == ["csv", "jsonl"]
    glob = run(project, [str(FIXTURES / "arxiv_rss" / "*.rss")])
    assert [s.format for s in glob.sources] == ["arxiv-rss"]
    data = (FIXTURES / "bibtex/refs.bib").read_bytes()
    stdin = run(project, ["-"], stdin=lambda: data)
    assert stdin.sources[0].format == "bibtex" and stdin.records == 3
    url = run(project, [f"{server}/arxiv_atom/query.xml"])
    assert url.sources[0].format == "arxiv-atom" and url.records == 2
    assert _Handler.agents == [USER_AGENT]
    entry = read_entry(project / "content/papers/lora-low-rank-adaptation-of-large-language-models.md", project)
    assert f"{server}/arxiv_atom/query.xml" in [s.name for s in entry.sources]


def test_fetch_retries_server_errors_then_succeeds(server):
    _Handler.failures = {"/arxiv_atom/query.xml": 2}
    sleeps: list[float] = []
    data = Fetcher(backoff=0.5, sleep=sleeps.append).fetch(f"{server}/arxiv_atom/query.xml")
    assert data.startswith(b"<?xml") and len(_Handler.agents) == 3
    assert sleeps == [0.0, 0.0]  # the server's Retry-After: 0 wins over the backoff


def test_fetch_gives_up_with_a_clear_error(server):
    _Handler.failures = {"/tabular/papers.csv": 10}
    with pytest.raises(SourceError) as err:
        Fetcher(retries=2, backoff=0.0).fetch(f"{server}/tabular/papers.csv")
    assert str(err.value) == f"{server}/tabular/papers.csv: HTTP 503 Service Unavailable"
    with pytest.raises(SourceError, match="HTTP 404"):
        Fetcher(backoff=0.0).fetch(f"{server}/missing.xml")
    with pytest.raises(SourceError, match="larger than"):
        Fetcher(max_bytes=1024 * 1024 // 2**20 or 1).fetch(f"{server}/arxiv_atom/query.xml")


def test_polite_delay_spaces_requests_to_the_same_host():
    now = [100.0]
    sleeps: list[float] = []
    fetcher = Fetcher(
        delays={"example.org": 3.0},
        sleep=lambda s: sleeps.append(s) or now.__setitem__(0, now[0] + s),
        clock=lambda: now[0],
    )
    fetcher._wait_turn("example.org")
    now[0] += 1.0
    fetcher._wait_turn("example.org")
    fetcher._wait_turn("other.org")
    assert sleeps == [2.0]


def test_reingesting_everything_twice_changes_nothing(project):
    inputs = [str(CACHEGEN_DUMP)] + [str(FIXTURES / name) for name in ALL_FORMATS]
    run(project, inputs)
    first = snapshot(project)
    assert len(first) > 10
    second = run(project, inputs)
    assert second.plan.new == [] and second.plan.updated == []
    assert snapshot(project) == first


def test_cli_ingest_from_stdin_and_dry_run_table(project, monkeypatch, capsys):
    data = (FIXTURES / "tabular/papers.jsonl").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["-C", str(project), "ingest", "--dry-run", "-"]) == 0
    out = capsys.readouterr().out
    assert "new        sparse-speculative-decoding-with-draft-trees" in out
    assert "rejected   -" in out and "stdin" not in out.split("rejected")[0][-5:]
    assert not (project / "content").exists()


def test_a_site_built_from_every_format_shows_the_scholarly_fields(project):
    import feedparser
    from conftest import broken_links

    with (project / "site.yaml").open("a") as config:  # refs.bib's keyword kv-cache is a tag when the taxonomy has it
        config.write("  kv-cache:\n    name: KV cache\n")
    run(project, [str(CACHEGEN_DUMP)] + [str(FIXTURES / name) for name in ALL_FORMATS])
    assert main(["-C", str(project), "-q", "build"]) == 0
    site = project / "site"
    page = (site / "papers/lora-low-rank-adaptation-of-large-language-models/index.html").read_text()
    # The arXiv id sits in a span that search indexes; categories link to their pages.
    shown = re.sub(r"</?(span|a|abbr)( [^>]*)?>", "", page)
    for text in (
        "arXiv:2106.09685",
        "ICLR 2022",
        "Draft V2 includes better baselines",
        "cs.CL, cs.AI, cs.LG",
        "Edward J. Hu",
    ):
        assert text in shown, text
    assert 'href="https://arxiv.org/pdf/2106.09685"' in page
    assert '<a href="/categories/cs.CL/" title="Computation and Language">cs.CL</a>' in page
    assert "▲ 14" in (site / CACHEGEN.replace("content/", "").replace(".md", "/index.html")).read_text()
    assert "▲ 14" in (site / "tags/kv-cache/index.html").read_text()
    assert broken_links(site, "https://example.org/") == []
    for feed in site.rglob("*.xml"):
        if feed.name in ("feed.xml", "atom.xml"):
            assert not feedparser.parse(feed.read_bytes()).bozo, feed
