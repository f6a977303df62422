"""Deterministic benchmark corpora: N entries grown from the demo papers in content/.

Each generated paper reuses a demo paper's title, abstract (with its sentences
rotated), tags and links, gets its own slug and a date that advances one day
per 30 papers, and every tenth abstract gains a TeX span, so the corpus has
the shape of a real feed at any size.

    python tests/benchmarks/corpus.py 10000 /tmp/corpus-10k
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from generator.content.entry import format_entry, load_entries  # noqa: E402

START = dt.date(2024, 1, 1)
PER_DAY = 30


def make_corpus(size: int, root: Path) -> list:
    """Write a paperfeed project of `size` papers to `root` and return its entries."""
    demo, problems = load_entries(REPO / "content" / "papers", REPO)
    assert not problems, problems
    if root.exists():
        shutil.rmtree(root)
    papers = root / "content" / "papers"
    papers.mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "themes", root / "themes")
    entries = []
    for i in range(size):
        base = demo[i % len(demo)]
        round_ = i // len(demo)
        sentences = base.body.split(". ")
        shift = round_ % max(1, len(sentences))
        body = ". ".join(sentences[shift:] + sentences[:shift])
        if i % 10 == 0:
            body += f" The cost is $\\mathcal{{O}}(n^{{{1 + i % 3}}} \\log n)$."
        entry = replace(
            base,
            slug=f"{base.slug[:70]}-{round_}" if round_ else base.slug,
            title=f"{base.title} ({round_ + 1})" if round_ else base.title,
            date=START + dt.timedelta(days=i // PER_DAY),
            body=body,
            sources=(),
        )
        (papers / f"{entry.slug}.md").write_text(format_entry(entry), encoding="utf-8")
        entries.append(entry)
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    make_corpus(args.size, args.root)
    print(f"wrote {args.size} entries to {args.root}/content/papers/")


if __name__ == "__main__":
    main()
