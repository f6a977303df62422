"""`paperfeed init`: a new site that builds at once.

Writes site.yaml (every key, commented), one example entry, a .gitignore,
a GitHub Pages workflow and, on request, a copy of the default theme.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import fields
from pathlib import Path

from .config import Config
from .content.entry import Entry, format_entry
from .errors import UsageError
from .model.records import Source
from .render.theme import builtin_theme

EXAMPLE_TAXONOMY = """taxonomy:
  llm:
    name: LLMs
    description: Large language models, how they are built, adapted and used.
    keywords: [large language model, language model, LLM]
  speech:
    name: Speech
    description: Speech recognition, synthesis and enhancement.
    keywords: [speech, ASR, TTS, text-to-speech]
"""

GITIGNORE = """# paperfeed build output and cache
/site/
/.paperfeed-cache/
/.site.*/
"""

PAGES_WORKFLOW = """# Builds the site and publishes it with GitHub Pages on every push to main.
# In the repository settings, set Pages > Source to "GitHub Actions".
name: Publish site
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: true
env:
  # What pip installs as paperfeed: a package name, a git URL (git+https://...) or a path.
  PAPERFEED: paperfeed
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$PAPERFEED"
      - id: pages
        uses: actions/configure-pages@v5
      - run: paperfeed build --base-url "${{ steps.pages.outputs.base_url }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def site_yaml(title: str) -> str:
    """site.yaml text with every key, each commented with its description."""
    lines = ["# paperfeed site configuration. Every key is optional; the values shown are the defaults.", ""]
    for f in fields(Config):
        if f.name == "taxonomy":
            continue
        value = title if f.name == "title" else f.default
        lines.append(f"# {f.metadata['doc']}")
        lines.append(f"{f.name}: {_yaml_scalar(value)}")
        lines.append("")
    lines.append(f"# {Config.__dataclass_fields__['taxonomy'].metadata['doc']}")
    lines.append("# A tag is given when its phrases score 2 points: 3 per hit in a title, 1 per hit in an abstract.")
    lines.append(EXAMPLE_TAXONOMY)
    return "\n".join(lines)


def _yaml_scalar(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"' if (not value or ":" in value or value.strip() != value) else value
    return str(value)


def example_entry(today: dt.date) -> Entry:
    return Entry(
        slug="attention-is-all-you-need",
        title="Attention Is All You Need",
        date=today,
        tags=("llm",),
        authors=(
            "Ashish Vaswani",
            "Noam Shazeer",
            "Niki Parmar",
            "Jakob Uszkoreit",
            "Llion Jones",
            "Aidan N. Gomez",
            "Łukasz Kaiser",
            "Illia Polosukhin",
        ),
        arxiv="1706.03762",
        links={"arxiv": "https://arxiv.org/abs/1706.03762", "pdf": "https://arxiv.org/pdf/1706.03762"},
        sources=(Source("paperfeed init", today),),
        body=(
            "The dominant sequence transduction models are based on complex recurrent or convolutional "
            "neural networks. We propose a new simple network architecture, the Transformer, based solely "
            "on attention mechanisms, dispensing with recurrence and convolutions entirely. Self-attention "
            "costs $O(n^2 \\cdot d)$ per layer.\n\nThis is an example entry: edit it, or replace it with "
            "`paperfeed ingest`."
        ),
    )


def init_site(target: Path, *, title: str, theme_copy: bool, force: bool, today: dt.date) -> list[Path]:
    """Create a site in `target`; returns the files written. Refuses to overwrite a site unless `force`."""
    if (target / "site.yaml").exists() and not force:
        raise UsageError(f"{target} already holds a site (site.yaml); use --force to overwrite it")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder")
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    write("site.yaml", site_yaml(title))
    entry = example_entry(today)
    write(f"content/papers/{entry.slug}.md", format_entry(entry))
    write(".gitignore", GITIGNORE)
    write(".github/workflows/pages.yml", PAGES_WORKFLOW)
    if theme_copy:
        destination = target / "themes" / "default"
        if destination.exists():
            if not force:
                raise UsageError(f"{destination} exists; use --force to replace it")
            shutil.rmtree(destination)
        shutil.copytree(builtin_theme("default"), destination)
        written.append(destination)
    return written
