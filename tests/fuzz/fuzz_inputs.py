"""Fuzz the ingest parsers and the entry reader for a while, by hand (not in CI).

Each round takes a valid sample of a format (the test fixtures), mutates it
(byte flips, slice deletions and duplications, insertions of control
characters, quotes, brackets and odd Unicode) and parses it. Anything but a
clean result or a `SourceError` is a bug: the input is saved to
tests/fuzz/crashes/ and reported.

    python tests/fuzz/fuzz_inputs.py --seconds 300
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

FIXTURES = HERE.parent / "fixtures"
SAMPLES = {
    "hf-page": ["hf_page/001_57bc9e7ee142a0d4.txt"],
    "hf-json": ["hf_json/daily_papers.json"],
    "arxiv-atom": ["arxiv_atom/query.xml", "arxiv_atom/error.xml"],
    "arxiv-rss": ["arxiv_rss/cs.LG.rss", "arxiv_rss/cs.LG.atom"],
    "bibtex": ["bibtex/refs.bib", "bibtex/broken.bib"],
    "jsonl": ["tabular/papers.jsonl"],
    "csv": ["tabular/papers.csv"],
    "entry": ["sample_site/content/papers/cachegen.md", "sample_site/content/papers/xss.md"],
}
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
    b"\ud800".decode("utf-8", "surrogatepass").encode("utf-8", "surrogatepass"),
]
OPTIONS = ParseOptions(today=dt.date(2026, 11, 21))


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not data:
            data += rng.choice(NASTY)
            continue
        i = rng.randrange(len(data))
        op = rng.randrange(5)
        if op == 0:
            data[i] = rng.randrange(256)
        elif op == 1:
            del data[i : i + rng.randint(1, 64)]
        elif op == 2:
            j = rng.randrange(len(data))
            data[i:i] = data[j : j + rng.randint(1, 128)]
        elif op == 3:
            data[i:i] = rng.choice(NASTY)
        else:
            data = data[:i]
    return bytes(data)


def run_one(kind: str, data: bytes) -> None:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    random.seed(args.seed)
    samples = {kind: [(FIXTURES / path).read_bytes() for path in paths] for kind, paths in SAMPLES.items()}
    assert set(samples) - {"entry"} == set(PARSERS)
    counts = dict.fromkeys(samples, 0)
    crashes = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        kind = rng.choice(sorted(samples))
        data = mutate(rng.choice(samples[kind]), rng)
        counts[kind] += 1
        try:
            run_one(kind, data)
        except Exception:  # noqa: BLE001 - any escape is the bug this script looks for
            crashes += 1
            folder = HERE / "crashes"
            folder.mkdir(exist_ok=True)
            (folder / f"{kind}-{crashes}.bin").write_bytes(data)
            print(f"crash in {kind}:\n{traceback.format_exc()}", file=sys.stderr)
    total = sum(counts.values())
    print(
        f"{total} inputs in {args.seconds:.0f} s, {crashes} crashes: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
