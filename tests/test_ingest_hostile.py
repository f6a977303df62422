"""Hostile sources: one bad record or source never sinks an ingest, and nothing is half-written.

Deep nesting, wrong types, huge numbers and lone surrogates each skip one
record (or fail one source) with a one-line message; JSON parses in linear
time; a trickling server hits the fetch deadline; a killed ingest leaves no
temporary file behind for long.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, TODAY

from generator.cli import main
from generator.config import load_config
from generator.content.entry import Entry, load_entries, read_entry, write_entries
from generator.errors import Problem, SourceError
from generator.ingest import jsonl
from generator.ingest.fetch import Fetcher
from generator.ingest.pipeline import ingest
from generator.ingest.registry import ParseOptions

DEEP = "[" * 100_000 + "]" * 100_000
DIGITS = "9" * 5000
GOOD = '{"title": "A Good Paper", "abstract": "It is fine."}\n'


@pytest.fixture
def here(project, monkeypatch):
    """The project as the working folder, so messages name sources as given: `papers.json:3: ...`."""
    monkeypatch.chdir(project)
    return project


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, data in files.items():
        (folder / name).write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["-C", ".", "ingest", "--date", "2026-11-21", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def entries(project: Path) -> dict[str, Entry]:
    found, problems = load_entries(project / "content/papers", project)
    assert problems == []
    return {e.slug: e for e in found}


# -- one bad record skips that record ------------------------------------------------------------


def test_json_nested_a_hundred_thousand_levels_skips_that_item_and_the_rest_goes_in(here, capsys):
    write(
        here,
        {
            "deep.json": '[{"paper": {"id": "2401.00001", "title": "Deep", "x": ' + DEEP + "}},\n"
            ' {"paper": {"id": "2401.00002", "title": "After the Deep One", "summary": "Read."}}]',
            "deep.jsonl": GOOD + '{"title": "Deep", "x": ' + DEEP + "}\n"
            '{"title": "Last Line", "abstract": "Read too."}\n',
        },
    )
    code, out, err = run(capsys, "deep.json", "deep.jsonl")
    assert code == 0
    assert err == (
        "warning: deep.json:1:2: JSON nested 100003 levels deep; skipped\n"
        "warning: deep.jsonl:2:1: JSON nested 100001 levels deep; skipped\n"
    )
    assert sorted(entries(here)) == ["a-good-paper", "after-the-deep-one", "last-line"]


def test_json_nested_deeply_and_never_closed_fails_its_source_in_one_line(here, capsys):
    write(here, {"open.json": "[" * 100_000, "good.jsonl": GOOD})
    code, out, err = run(capsys, "--format", "hf-json", "open.json")
    assert code == 1
    assert err == "error: open.json:1:2: JSON nested 100000 levels deep and never closed\n"


def test_a_field_of_the_wrong_type_skips_its_record_with_the_field_named(here, capsys):
    write(
        here,
        {
            "authors.jsonl": '{"title": "Five Authors", "abstract": "x", "authors": 5}\n'
            '{"title": "Listed Title", "abstract": "x", "title": ["a", "list"]}\n'
            '{"title": "Tagged", "abstract": "x", "tags": {"a": 1}}\n'
            '{"title": "Odd Author", "abstract": "x", "authors": ["Ada", [1]]}\n' + GOOD,
            "authors.json": '[{"paper": {"id": "2401.00003", "title": "Five", "authors": 5}},\n'
            ' {"paper": {"id": "2401.00004", "title": "Named", "authors": [{"name": ["x"]}]}},\n'
            ' {"paper": [1, 2]},\n'
            ' {"paper": {"id": "2401.00005", "title": "Fine", "authors": [{"name": "Ada Lovelace"}]}}]',
        },
    )
    code, out, err = run(capsys, "authors.jsonl", "authors.json")
    assert code == 0
    assert err.splitlines() == [
        'warning: authors.jsonl:1: "authors" is a number, not a list; skipped',
        'warning: authors.jsonl:2: "title" is a list, not text; skipped',
        'warning: authors.jsonl:3: "tags" is an object, not a list; skipped',
        'warning: authors.jsonl:4: "authors" item 2 is a list, not a name; skipped',
        'warning: authors.json:1: "paper.authors" is a number, not a list; skipped',
        'warning: authors.json:2: "paper.authors[1].name" is a list, not text; skipped',
        'warning: authors.json:3: "paper" is a list, not an object; skipped',
    ]
    assert sorted(entries(here)) == ["a-good-paper", "fine"]
    assert "9 records from 2 source(s) -> 2 new, 0 merged, 0 unchanged, 0 duplicates, 7 skipped" in out


def test_a_five_thousand_digit_number_skips_its_record_or_is_kept_as_written(here, capsys):
    write(
        here,
        {
            "big.json": '[{"paper": {"id": "2401.00006", "title": "Big", "upvotes": ' + DIGITS + "}},\n"
            ' {"paper": {"id": "2401.00007", "title": "Small", "upvotes": 7}}]',
            "big.jsonl": '{"title": "Big Date", "abstract": "x", "date": ' + DIGITS + "}\n"
            '{"title": "Big Unused Field", "abstract": "x", "stars": ' + DIGITS + "}\n" + DIGITS + "\n"
            '{"title": "An Id Written as a Number", "abstract": "x", "arxiv": 2310.07240}\n',
        },
    )
    code, out, err = run(capsys, "big.json", "big.jsonl")
    assert code == 0
    assert [line for line in err.splitlines() if line.endswith("skipped")] == [
        'warning: big.json:1: "paper.upvotes" is a 5000-digit number, not a count; skipped',
        "warning: big.jsonl:3: line is not a JSON object; skipped",
    ]
    found = entries(here)
    assert "big-date" in found  # a date that is not one is dropped (with a note), never the record
    assert found["small"].upvotes == 7
    assert "big-unused-field" in found
    assert found["an-id-written-as-a-number"].arxiv == "2310.07240"  # not 2310.0724, as a float would have it


# -- lone surrogates ------------------------------------------------------------------------------

SURROGATE_BYTES = b"\xed\xa0\xbd"  # the UTF-8 form of U+D83D, half of an emoji, as a UTF-16 program writes it


def test_a_lone_surrogate_in_a_json_escape_becomes_a_replacement_character_in_every_field(here, capsys):
    write(
        here,
        {
            "cut.json": '[{"paper": {"id": "2401.00008", "title": "Cut \\ud83d Emoji",'
            ' "summary": "An \\ud83d abstract.", "authors": [{"name": "Ada \\udc00"}], "ai_keywords": ["k\\ud83d"],'
            ' "githubRepo": "https://github.com/a/b\\ud83d"}}]',
            "cut.jsonl": '{"title": "Pair \\ud83d\\ude00 and Half \\ud83d", "abstract": "x", "tags": ["t\\ud83d"]}\n',
            "site.yaml": "title: No taxonomy, so a source's tags are all kept\n",
        },
    )
    code, out, err = run(capsys, "cut.json", "cut.jsonl")
    assert (code, err) == (0, "")
    papers = here / "content/papers"
    texts = {p.name: p.read_bytes().decode("utf-8") for p in papers.glob("*.md")}  # strict: all valid UTF-8
    assert sorted(texts) == ["cut-emoji.md", "pair-grinning-and-half.md"]
    cut = read_entry(papers / "cut-emoji.md", here)
    assert (cut.title, cut.body, cut.authors) == ("Cut \ufffd Emoji", "An \ufffd abstract.", ("Ada \ufffd",))
    assert cut.links["code"] == "https://github.com/a/b\ufffd"
    pair = read_entry(papers / "pair-grinning-and-half.md", here)
    assert pair.title == "Pair \U0001f600 and Half \ufffd" and "t\ufffd" in pair.tags


@pytest.mark.parametrize(
    "name, text",
    [
        ("raw.jsonl", '{"title": "Raw @ Cut", "abstract": "An @ abstract.", "authors": "Jörg"}\n'),
        ("raw.csv", 'title,abstract,authors\n"Raw @ Cut","An @ abstract.","Jörg"\n'),
        ("raw.bib", "@article{a, title={Raw @ Cut}, abstract={An @ abstract.}, author={Jörg}}\n"),
    ],
)
def test_a_lone_surrogate_as_raw_bytes_becomes_a_replacement_character(here, capsys, name, text):
    write(here, {name: text.encode().replace(b" @ ", b" " + SURROGATE_BYTES + b" ")})
    code, out, err = run(capsys, name)
    assert (code, err) == (0, "")
    entry = read_entry(here / "content/papers/raw-cut.md", here)
    assert (entry.title, entry.body, entry.authors) == ("Raw \ufffd Cut", "An \ufffd abstract.", ("Jörg",))


def test_an_emoji_cut_in_half_keeps_the_rest_of_a_utf8_file_utf8(here, capsys):
    cut = "\U0001f600".encode()[:2]
    write(here, {"cut.jsonl": b'{"title": "J\xc3\xb6rg Cut ' + cut + b'", "abstract": "Gr\xc3\xbc\xc3\x9fe."}\n'})
    code, out, err = run(capsys, "cut.jsonl")
    assert (code, err) == (0, "")
    [entry] = entries(here).values()
    assert (entry.title, entry.body) == ("Jörg Cut \ufffd", "Grüße.")  # not cp1252's "JÃ¶rg"


def test_every_entry_is_encoded_before_the_first_is_written(tmp_path):
    day = dt.date(2026, 11, 21)
    good, bad = Entry(slug="a", title="A", date=day), Entry(slug="b", title="B \ud83d", date=day)
    with pytest.raises(SourceError) as err:
        write_entries(tmp_path, [good, bad])
    assert str(err.value) == "b.md: cannot be written as UTF-8: \\ud83d"
    assert list(tmp_path.iterdir()) == []


# -- each source on its own -----------------------------------------------------------------------


def test_a_bad_source_beside_good_ones_fails_alone_in_one_line(here, capsys):
    write(
        here,
        {
            "good.jsonl": GOOD,
            "broken.json": '[{"paper": {"id": "2401.00009", "title": "Never Read"}}, {"paper": ',
            "good.csv": "title,abstract\nA CSV Paper,Also fine.\n",
        },
    )
    code, out, err = run(capsys, "good.jsonl", "broken.json", "missing.txt", "good.csv")
    assert code == 1
    assert err == (
        "error: broken.json:1:68: invalid JSON: Expecting value\n"
        "error: missing.txt: cannot read: No such file or directory\n"
    )
    assert out == (
        "2 records from 2 source(s) -> 2 new, 0 merged, 0 unchanged, 0 duplicates, 0 skipped; "
        "wrote 2 entries in content/papers/; 2 source(s) not read\n"
    )
    assert sorted(entries(here)) == ["a-csv-paper", "a-good-paper"]


def test_a_parser_crash_fails_its_source_in_one_line_and_debug_shows_the_traceback(here, capsys, monkeypatch):
    def crash(text: str, name: str, options: ParseOptions):
        raise TypeError("unsupported operand\ntype(s)")

    write(here, {"crash.jsonl": GOOD, "good.csv": "title,abstract\nA CSV Paper,Also fine.\n"})
    monkeypatch.setattr(jsonl, "parse", crash)
    code, out, err = run(capsys, "crash.jsonl", "good.csv")
    assert code == 1
    assert err == (
        "error: crash.jsonl: cannot be read: TypeError: unsupported operand type(s)"
        " (a paperfeed bug; --debug shows where)\n"
    )
    assert sorted(entries(here)) == ["a-csv-paper"]
    with pytest.raises(TypeError):
        main(["-C", ".", "--debug", "ingest", "crash.jsonl"])


# -- linear time ----------------------------------------------------------------------------------


def test_a_five_megabyte_single_line_json_file_ingests_in_linear_time(here, capsys):
    # Small items make the most of them: counting lines from the start for each item took about a minute.
    # Linear time, not a number of seconds: five times the bytes may take about five times as long (a
    # quadratic reader, 25 times), however fast this machine is today.
    paper = json.loads((FIXTURES / "hf_json/daily_papers.json").read_text())[0]["paper"]
    item = json.dumps({"paper": {"id": paper["id"], "title": paper["title"], "summary": paper["summary"][:80]}})
    took = {}
    for megabytes in (1, 5):
        text = "[" + ",".join([item] * (megabytes * 1_000_000 // (len(item) + 1))) + "]"
        assert "\n" not in text and len(text) > megabytes * 980_000
        write(here, {f"one-line-{megabytes}.json": text})
        started = time.process_time()  # CPU time: a busy machine does not count
        code, out, err = run(capsys, f"one-line-{megabytes}.json")
        took[megabytes] = time.process_time() - started
        assert (code, err) == (0, "")
    assert took[5] < 10 * took[1], f"1 MB took {took[1]:.2f} s, 5 MB {took[5]:.2f} s"
    assert took[5] < 30, f"a 5 MB single-line file took {took[5]:.1f} s"


# -- fetch deadline -------------------------------------------------------------------------------


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Promises 100 KB and sends a byte every 20 ms: each read is quick, the download never ends."""

    def do_GET(self):  # noqa: N802 - http.server's API
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(250):
                self.wfile.write(b"x")
                time.sleep(0.02)
        except OSError:  # the client gave up
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def trickle():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    httpd.shutdown()
    httpd.server_close()


def test_a_server_trickling_bytes_fails_at_the_deadline_and_the_other_sources_go_in(project, trickle):
    (project / "good.jsonl").write_text(GOOD)
    started = time.perf_counter()
    report = ingest(
        project,
        load_config(project),
        [trickle, str(project / "good.jsonl")],
        ParseOptions(today=TODAY),
        fetcher=Fetcher(timeout=5.0, deadline=0.5, backoff=0.0),
    )
    assert time.perf_counter() - started < 3.0  # not 5 s per read, nor 250 bytes at 20 ms
    assert report.failed == [Problem(trickle, "cannot fetch: not complete after 0.5 s")]
    assert [e.slug for e in report.plan.new] == ["a-good-paper"]


class _TrickledHeaders(http.server.BaseHTTPRequestHandler):
    """Sends its status line and then a header byte every 20 ms, never reaching the body."""

    def do_GET(self):  # noqa: N802 - http.server's API
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(250):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.02)
        except OSError:  # the client gave up
            pass

    def log_message(self, *args):
        pass


def test_a_server_trickling_its_headers_fails_at_the_deadline():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TrickledHeaders)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    try:
        started = time.perf_counter()
        with pytest.raises(SourceError) as err:
            Fetcher(timeout=5.0, deadline=0.5, backoff=0.0).fetch(url)
        assert time.perf_counter() - started < 3.0
        assert err.value.problems == [Problem(url, "cannot fetch: not complete after 0.5 s")]
    finally:
        httpd.shutdown()
        httpd.server_close()


# -- temporary files ------------------------------------------------------------------------------


def test_a_temporary_file_a_killed_ingest_left_is_ignored_by_the_build_and_removed_by_the_next_ingest(here, capsys):
    papers = here / "content/papers"
    write(here, {"good.jsonl": GOOD})
    assert run(capsys, "good.jsonl")[0] == 0
    left = papers / ".half-written.md.k3x_9a2b.tmp"
    left.write_text("---\ntitle: Half Writ")
    swap = papers / ".a-good-paper.md.swp"  # an editor's file: not ours to remove
    swap.write_text("swap")
    assert main(["-C", ".", "-q", "build", "--no-search"]) == 0
    assert not (here / "site/papers/half-written").exists()
    assert (here / "site/papers/a-good-paper/index.html").exists()
    capsys.readouterr()
    code, out, err = run(capsys, "good.jsonl")
    assert code == 0
    assert err == "note: removed 1 temporary file(s) an interrupted ingest left in content/papers/\n"
    assert not left.exists() and swap.exists()


def test_an_ingest_killed_while_writing_leaves_whole_entries_and_the_next_one_cleans_up(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text("title: Killed\nbase_url: https://example.org/\n")
    records = [{"title": f"Paper Number {i}", "abstract": f"Abstract {i}. " * 40} for i in range(1500)]
    (root / "many.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", "-C", str(root), "-q", "ingest", str(root / "many.jsonl")]
    papers = root / "content/papers"
    proc = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and not any(papers.glob("*.md")):
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = [p for p in papers.iterdir() if not p.name.startswith(".")]
    assert 0 < len(written) < 1500, "the kill did not land while entries were being written"
    for path in written:
        read_entry(path, root)  # each entry is whole, never half-written
    subprocess.run(command, env=env, check=True)
    assert [p.name for p in papers.iterdir() if p.name.startswith(".")] == []
    assert len(list(papers.iterdir())) == 1500
