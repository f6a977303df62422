"""Deterministic benchmark corpora: N paperfeed entries, shaped like a real feed or grown from the demo.

Two shapes (`make_corpus(size, root, shape=...)`, `--shape` here):

- `real`, the default: every paper has an arXiv id (`YYMM.NNNNN`, of its
  date's month, unique), 70% have authors (1 to 12, drawn from a pool
  with a long tail, so that a few authors have many papers), each has 2 to
  5 of 60 topics with a Zipf skew (the top topic on about 58% of papers),
  an abstract of 120 to 250 words and, in a quarter of them, inline TeX.
  Titles and abstracts are recombined from the sentences, titles and words
  of the real records in ../shared/real-sources/ (the demo entries in
  content/papers/ when that folder is absent): each topic owns the records
  that paperfeed's own auto-tagging gives it, and a paper draws most of its
  sentences from its topics' records, with some words swapped for others of
  the same records. So the words are distributed as in real abstracts, no
  two papers are copies, and papers that share topics share words, which is
  what related papers (TF-IDF over title and abstract) find. The corpus has
  its own site.yaml: the demo's settings with a taxonomy of these 60 topics
  (so that every tag is a taxonomy tag) and a base_url that is not loopback.
  The entry format has no `summary` field (listings and feeds cut their
  excerpt from the abstract), so the corpus has none.
- `demo`: each paper reuses a demo paper's title, abstract (its sentences
  rotated), tags and links, and every tenth abstract gains a TeX span; the
  demo's site.yaml. No authors, no arXiv ids, the demo's 46 topics.

In both, dates advance one day per 30 papers from 2024-01-01, or per more
above 30,000 papers (`per_day`), so that every paper is dated within 1,000
days and none lies in the future, which paperfeed's build leaves out. The same size
and shape give byte-identical files (every draw comes from a `random.Random`
seeded with the paper's number or, for the author pool, the size).

    python tests/benchmarks/corpus.py 10000 /tmp/corpus-10k
    python tests/benchmarks/corpus.py 10000 /tmp/corpus-10k --shape demo --stats
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import re
import shutil
import statistics
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from generator.config import TagSpec, parse_config  # noqa: E402
from generator.content.entry import Entry, format_entry, load_entries  # noqa: E402
from generator.content.taxonomy import Tagger  # noqa: E402
from generator.ids import paper_key, slugify, unique_slug  # noqa: E402
from generator.ingest.base import ParseOptions  # noqa: E402
from generator.ingest.registry import read_source  # noqa: E402
from generator.scaffold import EXAMPLE_TAXONOMY  # noqa: E402

SHAPES = ("real", "demo")
START = dt.date(2024, 1, 1)
PER_DAY = 30
DAYS = 1000  # the most days a corpus spans: past it, more papers a day (`per_day`)


def per_day(size: int) -> int:
    """Papers a day in a corpus of `size`: PER_DAY, or enough to date them all within DAYS days
    (a million papers at 30 a day would run past 2100, and builds leave out future papers)."""
    return max(PER_DAY, -(-size // DAYS))


REAL_SOURCES = REPO.parent / "shared" / "real-sources"  # ../shared/real-sources from the repository root

TOPICS = 60
TOPIC_SKEW = 1.07  # topic r is drawn with weight 1 / r**TOPIC_SKEW: the top topic lands on ~58% of papers
TOPICS_PER_PAPER = {2: 30, 3: 35, 4: 22, 5: 13}  # how many topics a paper has -> weight
AUTHORED = 0.7  # share of papers with authors
AUTHORS_PER_PAPER = dict(zip(range(1, 13), (8, 12, 14, 14, 12, 10, 8, 6, 5, 4, 3, 4)))
AUTHOR_POOL_PER_PAPER = 3  # names in the pool per paper of the corpus
AUTHOR_SKEW = 100  # author r is drawn with weight 1 / (r + AUTHOR_SKEW): the first few have many papers
TEX_SHARE = 0.25
ABSTRACT_WORDS = (120, 250)
TOPIC_TEXT = 0.85  # share of a paper's sentences drawn from its own topics' records (the rest from any)
SWAP_WORD = 0.15  # chance that a content word of an abstract sentence is swapped for another of its pool
SWAP_TITLE_WORD = 0.6  # chance that a content word of a title is swapped for a word of its abstract
MIN_POOL = 6  # records each topic owns at least

# Words of four letters or more that are not swapped: they carry a sentence's grammar, not its topic.
FUNCTION_WORDS = frozenset(
    "about above across after also although among based been before being between both could does each "
    "either from have however into itself more most much must only other over such than that their them "
    "then there these they this those through thus under upon very were what when where whether which "
    "while will with within without would show shows using paper propose proposed present".split()
)
STOP_WORDS = frozenset("a an and are as at be by for in is it its of on or the to we our".split())
CONTENT_WORD = re.compile(r"\b[A-Za-z][a-z]{3,}\b")
PLAIN_WORD = re.compile(r"^([A-Za-z][a-z]{3,})([,;:]?)$")
TITLE_WORD = re.compile(r"^([A-Za-z][A-Za-z-]{2,}[a-z])([,;:]?)$")  # `Post-training` too
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
# Sentences with markup or math in their source are left out: the TeX of this corpus is its own, and
# Markdown or HTML from a source (emphasis, code, links) would change what a page shows.
NOT_PLAIN = re.compile(r"[$\\{}*_`<>|#\[\]~^]|https?:|www\.")
NAME_PART = re.compile(r"^[^\W\d_][\w'’-]*[^\W\d_]$")

# Inline TeX of the kinds abstracts use ($\mathcal{O}(n^2)$, subscripts, fractions), filled in per paper.
TEX_CLAUSES = (
    r"at a cost of $\mathcal{{O}}({n}^{{{e}}} \log {n})$",
    r"where $\frac{{1}}{{\sqrt{{d_{{{k}}}}}}}$ scales the scores",
    r"with $\mathcal{{L}} = \mathcal{{L}}_{{\mathrm{{{a}}}}} + \lambda \mathcal{{L}}_{{\mathrm{{{b}}}}}$",
    r"for $x_{{t+1}} = x_t - \eta \nabla f(x_t)$",
    r"with error $\mathcal{{O}}(\frac{{1}}{{\sqrt{{{n}}}}})$",
    r"under $p_\theta(x_{{t-1}} \mid x_t)$",
    r"whenever $\epsilon \leq \frac{{{k}}}{{{n}^{{{e}}}}}$",
    r"with $\sum_{{i=1}}^{{{n}}} w_i^{{{e}}}$",
    r"on $\mathcal{{D}} = \{{(x_i, y_i)\}}_{{i=1}}^{{{N}}}$",
)
TEX_FILL = {
    "n": "nmdkT",
    "N": "NMK",
    "e": "2345",
    "k": "kdhr",
    "a": ("ce", "task", "rec", "kl"),
    "b": ("kl", "reg", "aux", "distill"),
}

# Names for the fallback without ../shared/real-sources (the demo entries have no authors).
FALLBACK_GIVEN = (
    "Ana Bo Chen Dana Emil Fatima Hiro Ines Jun Kai Lena Mei Nora Omar Priya Ravi Sara Tomas Wei Yuki".split()
)
FALLBACK_FAMILY = "Alvarez Brandt Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kim Li Moreau Novak".split()


@dataclass(frozen=True)
class Record:
    """One real paper record, as text to recombine: its title, its plain sentences and its authors."""

    title: str
    abstract: str
    sentences: tuple[str, ...]
    authors: tuple[str, ...]
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Pool:
    """What a topic (or the whole corpus) draws text from: sentences, and the words to swap in."""

    sentences: tuple[str, ...]
    words: dict[str, tuple[str, ...]]  # content words by their last two letters, repeated as often as they occur
    titles: tuple[str, ...]


def make_corpus(size: int, root: Path, shape: str = "real") -> list[Entry]:
    """Write a paperfeed project of `size` papers of the given shape to `root`; return its entries."""
    if shape not in SHAPES:
        raise ValueError(f"unknown corpus shape {shape!r}: {', '.join(SHAPES)}")
    if root.exists():
        shutil.rmtree(root)
    papers = root / "content" / "papers"
    papers.mkdir(parents=True)
    shutil.copytree(REPO / "themes", root / "themes")
    if shape == "real":
        config_text = real_site_yaml()
        entries = real_entries(size, config_text)
    else:
        config_text = (REPO / "site.yaml").read_text(encoding="utf-8")
        entries = demo_entries(size)
    (root / "site.yaml").write_text(config_text, encoding="utf-8")
    for entry in entries:
        (papers / f"{entry.slug}.md").write_text(format_entry(entry), encoding="utf-8")
    return entries


# -- the demo shape ----------------------------------------------------------


def demo_entries(size: int) -> list[Entry]:
    """Copies of the demo papers, each with its own slug and date."""
    demo, problems = load_entries(REPO / "content" / "papers", REPO)
    assert not problems, problems
    entries = []
    for i in range(size):
        base = demo[i % len(demo)]
        round_ = i // len(demo)
        sentences = base.body.split(". ")
        shift = round_ % max(1, len(sentences))
        body = ". ".join(sentences[shift:] + sentences[:shift])
        if i % 10 == 0:
            body += f" The cost is $\\mathcal{{O}}(n^{{{1 + i % 3}}} \\log n)$."
        entries.append(
            replace(
                base,
                slug=f"{base.slug[:70]}-{round_}" if round_ else base.slug,
                title=f"{base.title} ({round_ + 1})" if round_ else base.title,
                date=START + dt.timedelta(days=i // per_day(size)),
                body=body,
                sources=(),
            )
        )
    return entries


# -- the real shape ----------------------------------------------------------


def real_site_yaml() -> str:
    """The demo's site.yaml with a taxonomy of TOPICS topics (the demo's, then `paperfeed init`'s
    others) and base_url https://example.org/, as Hugo's and Pelican's."""
    settings = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    taxonomy = dict(settings.pop("taxonomy"))
    for slug, spec in yaml.safe_load(EXAMPLE_TAXONOMY)["taxonomy"].items():
        # speech-audio would be a second name for the demo's speech and audio
        if len(taxonomy) < TOPICS and slug not in taxonomy and slug != "speech-audio":
            taxonomy[slug] = spec
    assert len(taxonomy) == TOPICS, len(taxonomy)
    settings["taxonomy"] = taxonomy
    settings["base_url"] = "https://example.org/"  # a published site's (the demo's loopback address is warned about)
    head = "# The real-shaped benchmark corpus: the demo's settings, 60 topics (tests/benchmarks/corpus.py).\n"
    return head + yaml.safe_dump(settings, sort_keys=False, allow_unicode=True, width=120)


def load_records() -> list[Record]:
    """The real records in ../shared/real-sources/ with enough plain sentences, in file order;
    the demo entries when that folder is absent."""
    if REAL_SOURCES.is_dir():
        options = ParseOptions(today=START)
        raw = []
        for path in sorted(p for p in REAL_SOURCES.rglob("*") if p.is_file() and p.name != "README.md"):
            for paper in read_source(path, path.name, options).papers:
                raw.append((paper.title, paper.abstract, paper.authors, paper.categories))
    else:
        demo, problems = load_entries(REPO / "content" / "papers", REPO)
        assert not problems, problems
        raw = [(e.title, e.body, e.authors, e.categories) for e in demo]
    records, seen = [], set()
    for title, abstract, authors, categories in raw:
        title, abstract = " ".join(title.split()), " ".join(abstract.split())
        sentences = tuple(s for s in SENTENCE_END.split(abstract) if _plain_sentence(s))
        if paper_key(title) in seen or NOT_PLAIN.search(title):
            continue
        seen.add(paper_key(title))
        records.append(Record(title.rstrip("."), abstract, sentences, tuple(authors), tuple(categories)))
    return records


def _plain_sentence(sentence: str) -> bool:
    return 6 <= len(sentence.split()) <= 60 and sentence[-1] in ".!?" and not NOT_PLAIN.search(sentence)


def topic_pools(records: list[Record], taxonomy: Mapping[str, TagSpec], tagger: Tagger) -> tuple[dict[str, Pool], Pool]:
    """Each topic's pool, and the pool of all records (with the titles of those without an abstract
    too). A topic owns the records paperfeed's auto-tagging gives it; one that gets fewer than
    MIN_POOL is topped up with the records that share the most words with its name, description
    and keywords."""
    texts = [r for r in records if len(r.sentences) >= 2]
    owned: dict[str, list[int]] = {t: [] for t in taxonomy}
    for i, record in enumerate(texts):
        for tag in sorted({*tagger.tags_for(record.title, record.abstract), *tagger.category_tags(record.categories)}):
            owned[tag].append(i)
    vocabularies = [_stems(f"{r.title} {r.abstract}") for r in texts]
    for topic, spec in taxonomy.items():
        if len(owned[topic]) < MIN_POOL:
            words = _stems(" ".join((spec.name, spec.description, *spec.keywords)))
            ranked = sorted(range(len(texts)), key=lambda i: (-len(words & vocabularies[i]), i))
            owned[topic] += [i for i in ranked if i not in owned[topic]][: MIN_POOL - len(owned[topic])]
    pools = {topic: _pool([texts[i] for i in owned[topic]]) for topic in taxonomy}
    return pools, replace(_pool(texts), titles=tuple(r.title for r in records))


def _stems(text: str) -> set[str]:
    words = (w.lower() for w in re.findall(r"[^\W_]{2,}", text))
    return {w[:-1] if w.endswith("s") else w for w in words if w not in FUNCTION_WORDS and w not in STOP_WORDS}


def _pool(records: list[Record]) -> Pool:
    sentences = tuple(s for r in records for s in r.sentences)
    return Pool(sentences=sentences, words=content_words(" ".join(sentences)), titles=tuple(r.title for r in records))


def content_words(text: str) -> dict[str, tuple[str, ...]]:
    """The content words of `text`, lower-cased, by their last two letters (a cheap stand-in for
    the part of speech: -ed, -ly, -ng, -on ...), each as often as it occurs."""
    groups: dict[str, list[str]] = {}
    for word in CONTENT_WORD.findall(text):
        word = word.lower()
        if word not in FUNCTION_WORDS:
            groups.setdefault(word[-2:], []).append(word)
    return {end: tuple(words) for end, words in groups.items()}


def author_pool(records: list[Record], size: int) -> list[str]:
    """AUTHOR_POOL_PER_PAPER names per paper: the real authors' names, then their given names and
    surnames recombined, in a seeded order (the first names in it are drawn most)."""
    names = sorted({" ".join(a.split()) for r in records for a in r.authors if len(a.split()) >= 2})
    given = sorted({n.split()[0] for n in names if NAME_PART.match(n.split()[0])}) or FALLBACK_GIVEN
    family = sorted({n.split()[-1] for n in names if NAME_PART.match(n.split()[-1])}) or FALLBACK_FAMILY
    rng = random.Random(f"authors-{size}")
    want = max(200, AUTHOR_POOL_PER_PAPER * size)
    pool = dict.fromkeys(names[:want])
    while len(pool) < min(want, len(given) * len(family)):
        pool.setdefault(f"{rng.choice(given)} {rng.choice(family)}")
    out = list(pool)
    rng.shuffle(out)
    return out


def real_entries(size: int, config_text: str) -> list[Entry]:
    """`size` papers recombined from the real records (see the module docstring)."""
    config = parse_config(config_text)
    topics = list(config.taxonomy)
    tagger = Tagger.from_taxonomy(config.taxonomy, config.max_tags)
    records = load_records()
    pools, everything = topic_pools(records, config.taxonomy, tagger)
    authors = author_pool(records, size)
    topic_weights = list(itertools.accumulate(1 / r**TOPIC_SKEW for r in range(1, len(topics) + 1)))
    author_weights = list(itertools.accumulate(1 / (r + AUTHOR_SKEW) for r in range(1, len(authors) + 1)))
    entries: list[Entry] = []
    slugs: set[str] = set()
    titles: set[str] = set()
    numbers: dict[str, int] = {}
    for i in range(size):
        rng = random.Random(f"paper-{i}")
        date = START + dt.timedelta(days=i // per_day(size))
        tags = _draw_distinct(rng, topics, topic_weights, _weighted(rng, TOPICS_PER_PAPER))
        body = _abstract(rng, [pools[t] for t in tags], everything)
        title = _title(rng, everything, body, titles)
        titles.add(paper_key(title))
        slug = unique_slug(slugify(title), slugs)
        slugs.add(slug)
        month = date.strftime("%y%m")
        numbers[month] = numbers.get(month, 0) + rng.randint(1, 40)  # rising within the month: unique
        names = ()
        if rng.random() < AUTHORED:
            names = _draw_distinct(rng, authors, author_weights, _weighted(rng, AUTHORS_PER_PAPER))
        entries.append(
            Entry(
                slug=slug,
                title=title,
                date=date,
                body=body,
                tags=tuple(tags),
                authors=tuple(names),
                arxiv=f"{month}.{numbers[month]:05d}",
            )
        )
    return entries


def _weighted(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _draw_distinct(rng: random.Random, items: list[str], cum_weights: list[float], k: int) -> list[str]:
    """`k` distinct items, each drawn by its weight among those not drawn yet."""
    k = min(k, len(items))
    drawn: dict[str, None] = {}
    while len(drawn) < k:
        drawn.setdefault(items[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])])
    return list(drawn)


def _swap_words(
    rng: random.Random, text: str, words: dict[str, tuple[str, ...]], chance: float, pattern: re.Pattern = PLAIN_WORD
) -> str:
    """`text` with each plain content word, by `chance`, replaced by one of `words` with the same
    last two letters (drawn by frequency), keeping its capital and the punctuation after it."""
    out = []
    for token in text.split(" "):
        match = pattern.match(token)
        if match and match[1].lower() not in FUNCTION_WORDS and rng.random() < chance:
            choices = words.get(match[1][-2:].lower())
            if choices:
                word = rng.choice(choices)
                token = (word.capitalize() if match[1][0].isupper() else word) + match[2]
        out.append(token)
    return " ".join(out)


def _title(rng: random.Random, pool: Pool, abstract: str, taken: set[str]) -> str:
    """A title of the pool with most words swapped for words of the paper's abstract, as a real
    title shares words with its abstract, and a name before a colon (`CacheGen: ...`) made of two
    of them; never a title already taken."""
    words = content_words(re.sub(r"\$[^$]*\$", "", abstract))  # not the words of its TeX
    names = [w for group in words.values() for w in group if len(w) >= 5]
    for attempt in range(20):
        title = _swap_words(rng, rng.choice(pool.titles), words, SWAP_TITLE_WORD + attempt * 0.05, TITLE_WORD)
        head, colon, rest = title.partition(": ")
        if colon and " " not in head and names:
            head = (
                rng.choice(names)[: rng.randint(3, 5)].capitalize()
                + rng.choice(names)[: rng.randint(3, 5)].capitalize()
            )
            title = f"{head}: {rest}"
        if paper_key(title) not in taken:
            return title
    return f"{title} {len(taken)}"


def _abstract(rng: random.Random, topics: list[Pool], everything: Pool) -> str:
    """Sentences of the paper's topics (TOPIC_TEXT of them) and of any record, some words swapped,
    up to a length between ABSTRACT_WORDS; in TEX_SHARE of abstracts one or two TeX clauses."""
    tex = rng.randint(1, 2) if rng.random() < TEX_SHARE else 0
    low, high = ABSTRACT_WORDS
    high -= 10 * tex  # the room the TeX clauses take
    target = round(rng.triangular(low, high, 170))
    sentences: list[str] = []
    used: set[str] = set()
    total = 0
    while total < target:
        pool = rng.choice(topics) if rng.random() < TOPIC_TEXT else everything
        sentence = rng.choice(pool.sentences)
        if sentence in used and len(used) < len(pool.sentences):
            continue
        used.add(sentence)
        words = _swap_words(rng, sentence, pool.words, SWAP_WORD).split(" ")
        if total + len(words) > high:
            keep = min(high - total, max(4, target - total))
            if keep < 4:
                break
            words = words[:keep]
            words[-1] = words[-1].rstrip(",;:.!?") + "."
        sentences.append(" ".join(words))
        total += len(words)
    for _ in range(tex):
        j = rng.randrange(len(sentences))
        clause = rng.choice(TEX_CLAUSES).format(**{k: rng.choice(v) for k, v in TEX_FILL.items()})
        sentences[j] = f"{sentences[j][:-1].rstrip(',;:')} {clause}{sentences[j][-1]}"
    return " ".join(sentences)


# -- measuring a corpus ------------------------------------------------------


def corpus_stats(entries: list[Entry]) -> dict[str, str]:
    """The measured shape of a corpus, as printable values."""
    n = len(entries)
    tags = Counter(t for e in entries for t in e.tags)
    top, top_count = tags.most_common(1)[0]
    per_paper = [len(e.tags) for e in entries]
    authored = [e for e in entries if e.authors]
    by_author = Counter(a for e in entries for a in e.authors)
    words = [len(e.body.split()) for e in entries]
    vocabulary = {w.lower() for e in entries for w in re.findall(r"[^\W\d_]+", f"{e.title} {e.body}")}
    arxiv = [e.arxiv for e in entries if e.arxiv]

    def spread(values: list[int]) -> str:
        return f"mean {statistics.mean(values):.1f}, median {statistics.median(values):g}, {min(values)}-{max(values)}"

    return {
        "papers": f"{n:,}",
        "topics": f"{len(tags)} used; top {top!r} on {top_count / n:.1%} of papers",
        "topics per paper": spread(per_paper),
        "with authors": f"{len(authored) / n:.1%}"
        + (f"; {spread([len(e.authors) for e in authored])} a paper" if authored else ""),
        "distinct authors": f"{len(by_author):,}"
        + (
            f"; most papers by one author {by_author.most_common(1)[0][1]}; "
            f"{sum(1 for c in by_author.values() if c >= 5):,} with 5 or more"
            if by_author
            else ""
        ),
        "with arXiv id": f"{len(arxiv) / n:.1%}, {len(set(arxiv)):,} distinct",
        "with TeX": f"{sum(1 for e in entries if '$' in e.body) / n:.1%}",
        "words per abstract": spread(words),
        "distinct words": f"{len(vocabulary):,} (titles and abstracts, case folded)",
        "distinct titles": f"{len({paper_key(e.title) for e in entries}):,}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("root", type=Path)
    parser.add_argument("--shape", choices=SHAPES, default="real", help="corpus shape (default: real)")
    parser.add_argument("--stats", action="store_true", help="print the measured shape of the corpus")
    args = parser.parse_args()
    entries = make_corpus(args.size, args.root, args.shape)
    print(f"wrote {args.size} entries ({args.shape} shape) to {args.root}/content/papers/")
    if args.stats:
        for key, value in corpus_stats(entries).items():
            print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
