"""`paperfeed init`: a new site that builds at once.

Writes site.yaml (every key, commented), one example entry, a .gitignore,
a GitHub Pages workflow and, on request, a copy of the default theme. A file
that is already there is overwritten only with `force`.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from . import __version__
from .config import Config
from .content.entry import Entry, format_entry
from .errors import PaperfeedError, UsageError
from .model.records import Source
from .render.theme import builtin_theme
from .schema import SCHEMA_NAME, schema_text

# Broad enough that most papers of any field get a topic, by the words of their title and abstract
# or by their arXiv categories; a site narrows or extends it (`paperfeed tags` shows what it misses).
EXAMPLE_TAXONOMY = """taxonomy:
  llm:
    name: Language models
    description: Large language models, how they are built, adapted and used.
    keywords: [large language model, language model, LLM, GPT, instruction tuning, in-context learning,
      prompting]
  nlp:
    name: Natural language processing
    description: Text and language, from parsing and translation to question answering.
    keywords: [natural language, NLP, machine translation, question, question answering,
      reading comprehension, machine comprehension, dialogue, summarization, sentiment, text classification,
      named entity, textual entailment, linguistic, corpus, word embedding, words and phrases]
    categories: [cs.CL]
  machine-learning:
    name: Machine learning
    description: Learning from data, and the networks and methods that do it.
    keywords: [machine learning, deep learning, neural network, deep network, convolutional, CNN,
      recurrent network, reinforcement learning, representation learning, supervised learning,
      self-supervised, continual learning, federated learning, transfer learning, mixture of experts,
      interpretability, interpretable, saliency, attribution, generalization, gradient descent, optimizer,
      training]
    categories: [cs.LG, stat.ML, cs.NE]
  vision:
    name: Computer vision
    description: Images, video and 3D scenes, seen and generated.
    keywords: [computer vision, image, images, ImageNet, video, visual, object detection, object detector,
      segmentation, point cloud, 3D, diffusion model, text-to-image, feature visualization,
      human-object interaction]
    categories: [cs.CV, eess.IV]
  speech-audio:
    name: Speech and audio
    description: Speech recognition and synthesis, music and sound.
    keywords: [speech, audio, ASR, TTS, text-to-speech, speaker, music, sound]
    categories: [cs.SD, eess.AS]
  robotics:
    name: Robotics
    description: Robots, manipulation, locomotion and autonomous vehicles.
    keywords: [robot, robotic, robotics, robotic manipulation, grasping, locomotion, autonomous driving,
      navigation, embodied]
    categories: [cs.RO]
  agents:
    name: AI and agents
    description: Reasoning, planning, knowledge and agents that act.
    keywords: [artificial intelligence, agent, agents, multi-agent, planning, reasoning, knowledge graph,
      knowledge representation]
    categories: [cs.AI, cs.MA]
  security:
    name: Security and privacy
    description: Attacks, defences, cryptography and privacy.
    keywords: [security, privacy, attack, attacks, adversarial, cryptography, cryptographic, malware,
      jailbreak, vulnerability]
    categories: [cs.CR]
  systems:
    name: Systems and networks
    description: Hardware, distributed systems, networks and performance.
    keywords: [distributed system, GPU, GPUs, cloud, datacenter, operating system, compiler, hardware,
      accelerator, network protocol, latency, throughput, serving, inference system, parallelism,
      high-performance computing, HPC, storage, SSD, CXL, workflows]
    categories: [cs.DC, cs.OS, cs.AR, cs.NI, cs.PF, cs.ET]
  software:
    name: Software and programming
    description: Programs, programming languages and how software is built and tested.
    keywords: [software, programming language, code generation, program synthesis, program verification,
      software testing, bug, bugs, compiler optimization, source code]
    categories: [cs.SE, cs.PL]
  theory:
    name: Theory and algorithms
    description: Algorithms, complexity, logic and information theory.
    keywords: [algorithm, algorithms, complexity, approximation, combinatorial, automata, graph theory,
      information theory, game theory, mechanism design, lower bound, randomness, Chernoff]
    categories: [cs.CC, cs.DS, cs.DM, cs.FL, cs.LO, cs.CG, cs.GT, cs.IT]
  data:
    name: Data, search and recommendation
    description: Databases, retrieval, search engines and recommender systems.
    keywords: [database, databases, information retrieval, retrieval, search engine, recommendation,
      recommender, metadata]
    categories: [cs.DB, cs.IR, cs.DL]
  society:
    name: People and society
    description: How people use computing, and what it does to them.
    keywords: [human-computer interaction, user study, users, participatory design, input devices, fairness,
      equality of opportunity, ethics, ethical, education, classroom, social media, social network,
      misinformation, society, policy]
    categories: [cs.HC, cs.CY, cs.SI, physics.soc-ph]
  graphics:
    name: Graphics and visualization
    description: Rendering, animation, visualization, type and media.
    keywords: [computer graphics, rendering, animation, mesh, visualization, visualizing,
      graphical presentation, grammar of graphics, typesetting, typeface, typefaces, font, fonts, TeX, LaTeX,
      METAFONT, multimedia]
    categories: [cs.GR, cs.MM]
  signals-control:
    name: Signals, electronics and control
    description: Signal processing, circuits, communications and control systems.
    keywords: [signal processing, wireless, communication system, radar, sensor, control system,
      optimal control, power grid, MIMO, integrated circuit, circuits, RF, converter, modulator,
      accelerometer, electronics]
    categories: [eess.SP, eess.SY, cs.SY, math.OC]
  mathematics:
    name: Mathematics
    description: Algebra, analysis, geometry, topology, number theory and the rest.
    keywords: [theorem, algebra, algebras, algebraic, geometry, topology, manifold, manifolds, equation,
      equations, conjecture, number theory, combinatorics, category theory, mathematics, mathematical]
    categories: [math, cs.NA, cs.MS, cs.SC]
  statistics:
    name: Statistics
    description: Statistical theory and methods, inference and causality.
    keywords: [statistics, statistical, Bayesian, regression, estimation, estimator, hypothesis testing,
      causal inference, time series, probability]
    categories: [stat]
  physics:
    name: Physics
    description: Matter, particles, fields, fluids and light.
    keywords: [physics, particle, leptons, weak interactions, electromagnetic, condensed matter,
      superconductivity, superconducting, magnetic, plasma, fluid, optics, optical, laser, thermodynamics,
      phase transition, lattice, spin, electrons, gravity, gravitational]
    categories: [physics, cond-mat, hep-th, hep-ph, hep-ex, hep-lat, nucl-th, nucl-ex, gr-qc, math-ph, nlin]
  quantum:
    name: Quantum
    description: Quantum physics, information and computing.
    keywords: [quantum]
    categories: [quant-ph]
  chemistry:
    name: Chemistry
    description: Molecules, materials, reactions and catalysts.
    keywords: [chemistry, chemical, chemist, catalyst, catalysts, catalysis, catalytic, molecules, crystal,
      crystallography, diffraction, ligand, complexes, inorganic, organic, atomic charges, materials science]
    categories: [physics.chem-ph, cond-mat.mtrl-sci]
  astronomy:
    name: Astronomy
    description: Stars, planets, galaxies and the universe.
    keywords: [astronomy, astrophysics, galaxy, galaxies, star, stars, stellar, planet, planets, exoplanet,
      Jupiter, cosmology, cosmological, cosmic, telescope, black hole, supernova, dark matter]
    categories: [astro-ph]
  biology:
    name: Biology
    description: Molecules, cells, genomes, organisms and ecosystems.
    keywords: [biology, biological, protein, proteins, gene, genes, genomic, genomics, cell, cells, DNA, RNA,
      molecular, evolution, species, ecology, bacteria, rats, mice]
    categories: [q-bio]
  neuroscience:
    name: Neuroscience and psychology
    description: The brain, the mind and behaviour.
    keywords: [neuroscience, brain, neuron, neurons, neural activity, cortex, hippocampus, cognition,
      cognitive, sleep, psychology, psychological, mental health, behaviour, behavior, emotion, meditation,
      yoga, anxiety, depression]
    categories: [q-bio.NC]
  medicine:
    name: Medicine and health
    description: Health, disease, patients and treatment.
    keywords: [medicine, medical, clinical, patient, patients, disease, diseases, health, healthcare, therapy,
      treatment, diagnosis, cancer, drug, hospital, Parkinson, dementia, stroke, symptoms]
    categories: [physics.med-ph]
  economics:
    name: Economics and finance
    description: Markets, prices, firms and policy.
    keywords: [economics, economic, economy, market, markets, finance, financial, trading, price, prices,
      auction]
    categories: [econ, q-fin]
  humanities:
    name: Humanities
    description: History, philosophy, literature, language and culture.
    keywords: [history, historical, philosophy, philosophical, Aristotle, intellect, rhetoric, poetics,
      tragedy, comedy, literature, literary, narration, stories, poetry, poem, myth, religion, religious,
      pilgrim, pilgrims, ancient, medieval, mediaeval, culture, cultural, modernities, anthropology,
      sociology, diplomacy]
"""

EXAMPLE_SOURCES = """sources:
  hf daily:
    hf_daily: latest  # the newest day of Hugging Face Daily Papers
  # arxiv cs.LG:
  #   arxiv: {categories: [cs.LG], keywords: [diffusion, language model]}
  #   max_results: 200
  # new in cs.CL:
  #   arxiv_feed: [cs.CL]
  #   cross_lists: false
  #   replacements: false
  # reading list:
  #   url: https://example.org/reading-list.bib
  #   required: false  # its failure does not fail the run
"""

GITIGNORE = """# paperfeed build output and cache
/site/
/.paperfeed-cache/
/.site.*/
"""

PAGES_WORKFLOW = """# The daily run: fetch the sources site.yaml lists, commit the new entries, build, publish
# on GitHub Pages. In the repository settings, set Pages > Source to "GitHub Actions".
# paperfeed is installed from requirements.txt.
name: Daily paper feed
on:
  schedule:
    - cron: "17 6 * * *"  # every day at 06:17 UTC, after arXiv's and Hugging Face's daily lists are out
  workflow_dispatch:
  push:
    branches: [main]
permissions:
  contents: read
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  update:
    runs-on: ubuntu-latest
    permissions:
      contents: write  # to commit new entries
    outputs:
      fetched: ${{ steps.update.outcome }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install paperfeed
        run: |
          if ! grep -qvE '^[[:space:]]*(#|$)' requirements.txt; then
            echo "::error file=requirements.txt::requirements.txt names no paperfeed to install (see the comment in it)"
            exit 1
          fi
          python -m pip install -r requirements.txt
      - name: Restore the build and fetch cache
        uses: actions/cache/restore@v4
        with:
          path: .paperfeed-cache
          key: paperfeed-${{ github.run_id }}
          restore-keys: paperfeed-
      - name: Fetch new papers
        id: update
        continue-on-error: true  # the site is still built and published from the sources that answered
        run: paperfeed update --no-build
      - name: Commit new entries
        run: |
          git add content
          if git diff --cached --quiet; then
            echo "No new or changed entries."
          else
            git config user.name "github-actions[bot]"
            git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
            git commit -q -m "New papers, $(date -u +%Y-%m-%d)"
            git pull -q --rebase  # on top of anything pushed meanwhile
            git push -q
          fi
      - id: pages
        uses: actions/configure-pages@v5
      - name: Build
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: paperfeed build --base-url "$BASE_URL/"
      - name: Save the build and fetch cache
        if: always()  # a red run's cache is still worth keeping
        uses: actions/cache/save@v4
        with:
          path: .paperfeed-cache
          key: paperfeed-${{ github.run_id }}
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
  deploy:
    needs: update
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
      - name: Fail the run when paperfeed update failed
        if: needs.update.outputs.fetched == 'failure'
        run: |
          echo "::error::paperfeed update failed (a required source could not be read, or site.yaml has a problem:"\\
            "see Fetch new papers in the update job); the site was published from what came in"
          exit 1
"""

REQUIREMENTS_HEAD = """# What the daily workflow (.github/workflows/pages.yml) installs: paperfeed, pinned,
# so that every run builds with the same code. Change the line to upgrade.
"""

REQUIREMENTS_UNKNOWN = """# What the daily workflow (.github/workflows/pages.yml) installs: paperfeed, pinned.
# `paperfeed init` could not tell where the paperfeed that made this site can be installed from:
# {why}.
# Add one line naming a paperfeed a fresh machine can install, for example:
#   paperfeed @ git+https://github.com/OWNER/paperfeed@v{version}
#   paperfeed @ https://example.org/paperfeed-{version}-py3-none-any.whl
"""


def install_requirement(direct_url: dict[str, Any] | None, git: Callable[[Path, str], str]) -> tuple[str, str]:
    """A pinned requirement line for this paperfeed, and '' or why there is none.

    From the install's PEP 610 record (`direct_url`): a git install keeps its
    URL and commit; an install from a local git checkout (editable or not)
    uses the checkout's remote and commit; a wheel or archive at an http(s)
    URL is used as is. Anything else has no address another machine can use.
    `git(folder, args)` runs git and returns its output ('' on failure).
    """
    if direct_url is None:
        return "", "it was not installed from a git repository or a URL"
    url = str(direct_url.get("url", ""))
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        public = _public_git_url(url)
        if public:
            return f"paperfeed @ git+{public}@{vcs['commit_id']}", ""
        return "", f"it was installed from the git repository {url}, which is not public"
    if url.startswith(("https://", "http://")) and "archive_info" in direct_url:
        return f"paperfeed @ {url}", ""
    if url.startswith("file://") and "dir_info" in direct_url:
        folder = Path(url2pathname(url[len("file://") :]))
        remote = _public_git_url(git(folder, "config --get remote.origin.url"))
        commit = git(folder, "rev-parse HEAD")
        if not (remote and commit):
            return "", f"it was installed from the folder {folder}, which has no public git remote"
        if git(folder, "status --porcelain --untracked-files=no"):
            return "", f"it was installed from {folder}, which has changes not committed (commit and push them)"
        if not git(folder, "branch -r --contains HEAD"):
            return "", f"it was installed from {folder}, whose commit {commit[:12]} is not on {remote} (push it)"
        return f"paperfeed @ git+{remote}@{commit}", ""
    return "", f"it was installed from {url}"


def _public_git_url(url: str) -> str:
    """`url` as an https URL pip can clone anywhere ('' for a local path or an unknown form)."""
    url = url.strip()
    scp = re.fullmatch(r"git@([\w.-]+):(.+)", url)
    if scp:
        return f"https://{scp.group(1)}/{scp.group(2)}"
    if url.startswith("ssh://git@"):
        return "https://" + url[len("ssh://git@") :]
    return url if url.startswith("https://") else ""


def requirements_txt() -> tuple[str, str]:
    """requirements.txt for a new site, and '' or why it names no paperfeed."""
    try:
        text = importlib.metadata.distribution("paperfeed").read_text("direct_url.json")
        direct_url = json.loads(text) if text else None
    except (importlib.metadata.PackageNotFoundError, ValueError):
        direct_url = None
    line, why = install_requirement(direct_url if isinstance(direct_url, dict) else None, _git)
    if line:
        return REQUIREMENTS_HEAD + line + "\n", ""
    return REQUIREMENTS_UNKNOWN.format(why=why, version=__version__), why


def _git(folder: Path, args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args.split()], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def site_yaml(title: str) -> str:
    """site.yaml text with every key, each commented with its description."""
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_NAME}",
        "# paperfeed site configuration. Every key is optional; the values shown are the defaults.",
        "",
    ]
    for f in fields(Config):
        if f.name in ("taxonomy", "sources", "extra"):
            continue
        value = title if f.name == "title" else f.default
        lines.append(f"# {f.metadata['doc']}")
        lines.append(f"{f.name}: {_yaml_scalar(value)}")
        lines.append("")
    lines.append(f"# {Config.__dataclass_fields__['extra'].metadata['doc']}")
    lines.append("# extra:")
    lines.append("#   logo: static/logo.svg   # a file in the project's static/ folder")
    lines.append("")
    lines.append(f"# {Config.__dataclass_fields__['sources'].metadata['doc']}")
    lines.append(EXAMPLE_SOURCES)
    lines.append(f"# {Config.__dataclass_fields__['taxonomy'].metadata['doc']}")
    lines.append("# A tag is given when its phrases score 2 points (3 per hit in a title or source keyword, 1 per hit")
    lines.append("# in an abstract), and always to a paper in one of its arXiv categories (cs.CL, or all of math).")
    lines.append(EXAMPLE_TAXONOMY)
    return "\n".join(lines)


def _yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
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


def init_site(
    target: Path, *, title: str, theme_copy: bool, force: bool, today: dt.date, requirements: str
) -> tuple[list[Path], list[Path]]:
    """Create a site in `target`; returns the files written new and those overwritten (with `force`).
    `requirements` is requirements.txt's text.

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
        "requirements.txt": requirements,
        SCHEMA_NAME: schema_text(),
    }
    theme = builtin_theme("default")
    copied = sorted(p.relative_to(theme) for p in theme.rglob("*") if p.is_file()) if theme_copy else []
    if not force:
        _refuse_to_overwrite(target, [*files, *(f"themes/default/{p.as_posix()}" for p in copied)])
    written: list[Path] = []
    overwritten = [target / r for r in files if os.path.lexists(target / r)]
    if theme_copy and any(os.path.lexists(target / "themes/default" / p) for p in copied):
        overwritten.append(target / "themes" / "default")
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
        raise PaperfeedError(f"cannot write {exc.filename or target}: {exc.strerror or exc}") from exc
    return [path for path in written if path not in overwritten], overwritten


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
