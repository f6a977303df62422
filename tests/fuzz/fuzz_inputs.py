"""Fuzz the ingest parsers, the entry reader and the Markdown renderer for a while, by hand (not in CI).

Each round takes a valid sample of a kind of input (the test fixtures and
the demo's entries), mutates it (byte flips, slice deletions, duplications
and long repeats, insertions of control characters, quotes, brackets, list
markers and odd Unicode) and parses or renders it. Anything but a clean
result or a `SourceError` is a bug, and so is an input that takes longer
than SLOW_PER_100KB seconds of CPU per 100 KB (at least MIN_BUDGET): the input is
saved to tests/fuzz/crashes/ (which tests/test_hostile.py replays) and reported.

    python tests/fuzz/fuzz_inputs.py --seconds 600
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from generator.content.entry import parse_entry_bytes  # noqa: E402
from generator.errors import SourceError  # noqa: E402
from generator.ingest.registry import PARSERS, ParseOptions, decode, parse_source  # noqa: E402
from generator.render.markup import Markup  # noqa: E402

FIXTURES = HERE.parent / "fixtures"
DEMO = HERE.parents[1] / "content" / "papers"
SAMPLES = {
    "hf-page": ["hf_page/001_57bc9e7ee142a0d4.txt"],
    "hf-json": ["hf_json/daily_papers.json"],
    "arxiv-atom": ["arxiv_atom/query.xml", "arxiv_atom/error.xml"],
    "arxiv-rss": ["arxiv_rss/cs.LG.rss", "arxiv_rss/cs.LG.atom"],
    "bibtex": ["bibtex/refs.bib", "bibtex/broken.bib"],
    "jsonl": ["tabular/papers.jsonl"],
    "csv": ["tabular/papers.csv"],
    "entry": ["sample_site/content/papers/cachegen.md", "sample_site/content/papers/xss.md"],
    "markdown": ["sample_site/content/papers/cachegen.md", "sample_site/content/papers/xss.md"],
}
# The budget an input of n bytes gets: 1 s per 100 KB, and never less than MIN_BUDGET (start-up noise).
SLOW_PER_100KB = 1.0
MIN_BUDGET = 0.25
NASTY = [
    b"\x00",
    b"\r",
    b"\r\n",
    b"\x1b",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b'"',
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b"<",
    b">",
    b"&",
    b"$",
    b"\\",
    b"---\n",
    b"\n\n",
    b"\xe2\x80\xae",
    b"\xf0\x9f\x92\xa5",
    b"\xc0\xaf",
    b"%",
    b"@article{",
    b"<![CDATA[",
    b"&#0;",
    "\ud800".encode("utf-8", "surrogatepass"),
    b"[",
    b"](",
    b"![",
    b"- ",
    b"    - ",
    b"> ",
    b"1. ",
    b"*",
    b"_",
    b"`",
    b"$",
    b"\\(",
    b"&#106;avascript:",
    b"<javascript:alert(1)>",
]
OPTIONS = ParseOptions(today=dt.date(2026, 11, 21))


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not data:
            data += rng.choice(NASTY)
            continue
        i = rng.randrange(len(data))
        op = rng.randrange(6)
        if op == 0:
            data[i] = rng.randrange(256)
        elif op == 1:
            del data[i : i + rng.randint(1, 64)]
        elif op == 2:
            j = rng.randrange(len(data))
            data[i:i] = data[j : j + rng.randint(1, 128)]
        elif op == 3:
            data[i:i] = rng.choice(NASTY)
        elif op == 4:
            data = data[:i]
        else:  # a long run of one piece: where superlinear parsing shows
            piece = data[i : i + rng.randint(1, 8)] or rng.choice(NASTY)
            data[i:i] = piece * rng.choice((100, 1000, 10000))
    return bytes(data)


def budget(size: int) -> float:
    """Seconds an input of `size` bytes may take."""
    return max(MIN_BUDGET, SLOW_PER_100KB * size / 100_000)


_MARKUP = Markup()


def run_one(kind: str, data: bytes) -> None:
    """Parse or render one input; a SourceError is a clean result, anything else escapes."""
    if kind == "markdown":
        _MARKUP.render(data.decode("utf-8", "replace"))
        return
    if kind == "entry":
        try:
            parse_entry_bytes(data, "x", "x.md")
        except SourceError:
            pass
        return
    try:
        text = decode(data, "fuzz")
        parse_source(text, "fuzz", OPTIONS, format=kind if random.random() < 0.7 else None)
    except SourceError:
        pass


def save(name: str, data: bytes) -> None:
    folder = HERE / "crashes"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.bin").write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    random.seed(args.seed)
    samples = {kind: [(FIXTURES / path).read_bytes() for path in paths] for kind, paths in SAMPLES.items()}
    # Real abstracts: the demo's entry bodies.
    samples["markdown"] += [p.read_bytes().split(b"\n---\n", 1)[-1] for p in sorted(DEMO.glob("*.md"))[:300]]
    assert set(samples) - {"entry", "markdown"} == set(PARSERS)
    counts = dict.fromkeys(samples, 0)
    crashes = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        kind = rng.choice(sorted(samples))
        data = mutate(rng.choice(samples[kind]), rng)
        counts[kind] += 1
        started = time.process_time()  # CPU time: other processes do not count
        try:
            run_one(kind, data)
        except Exception:  # noqa: BLE001 - any escape is the bug this script looks for
            crashes += 1
            save(f"{kind}-{args.seed}-{crashes}", data)
            print(f"crash in {kind}:\n{traceback.format_exc()}", file=sys.stderr)
            continue
        took = time.process_time() - started
        if took > budget(len(data)):
            crashes += 1
            save(f"{kind}-{args.seed}-{crashes}", data)
            print(f"slow {kind}: {len(data)} bytes took {took:.2f} s", file=sys.stderr)
    total = sum(counts.values())
    print(
        f"{total} inputs in {args.seconds:.0f} s, {crashes} crashes or slow inputs: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
