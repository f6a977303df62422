"""`paperfeed init`: a new site that builds at once.

Writes site.yaml (every key, commented), one example entry, a .gitignore,
a GitHub Pages workflow and, on request, a copy of the default theme. A file
that is already there is overwritten only with `force`.
"""

from __future__ import annotations

import datetime as dt
import os
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
    """Create a site in `target`; returns the files written.

    Without `force`, nothing is written when any of those files exists: the
    error names them. With it, they are overwritten (files of a copied theme
    that init does not write stay).
    """
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder")
    entry = example_entry(today)
    files = {
        "site.yaml": site_yaml(title),
        f"content/papers/{entry.slug}.md": format_entry(entry),
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": PAGES_WORKFLOW,
    }
    theme = builtin_theme("default")
    copied = sorted(p.relative_to(theme) for p in theme.rglob("*") if p.is_file()) if theme_copy else []
    if not force:
        _refuse_to_overwrite(target, [*files, *(f"themes/default/{p.as_posix()}" for p in copied)])
    written: list[Path] = []
    try:
        for relative, text in files.items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            _replace_link(path)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        if theme_copy:
            destination = target / "themes" / "default"
            for relative_path in copied:
                path = destination / relative_path
                path.parent.mkdir(parents=True, exist_ok=True)
                _replace_link(path)
                shutil.copyfile(theme / relative_path, path)
            written.append(destination)
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or target}: {exc.strerror or exc}") from exc
    return written


def _refuse_to_overwrite(target: Path, relatives: list[str]) -> None:
    """Raise `UsageError` naming the files of `relatives` that exist under `target`."""
    existing = [r for r in relatives if os.path.lexists(target / r)]
    if "site.yaml" in existing:
        raise UsageError(f"{target} already holds a site (site.yaml); use --force to overwrite it")
    if existing:
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        them = "it" if len(existing) == 1 else "them"
        raise UsageError(f"{target} already holds {shown}; use --force to overwrite {them}")


def _replace_link(path: Path) -> None:
    # An existing link is replaced, not written through: --force overwrites the file in the site, not its target.
    if path.is_symlink():
        path.unlink()
