"""Theme inheritance: a site overrides single templates and static files; the rest comes from the built-in theme."""

from __future__ import annotations

import filecmp
import shutil

from conftest import REPO, write_files

from generator.cli import main

ENTRY = "---\ntitle: A Paper\ndate: 2024-01-01\ntags: [speech]\n---\nAn abstract.\n"


def site(tmp_path, files: dict[str, str]):
    write_files(tmp_path, {"site.yaml": "base_url: https://example.org/\n", "content/papers/a.md": ENTRY, **files})
    return tmp_path


def build(root, *flags: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", *flags])


def test_one_overridden_template_and_the_rest_from_the_default_theme(tmp_path):
    root = site(
        tmp_path,
        {
            "themes/default/templates/paper.html": """
            {% extends "base.html" %}
            {% block main %}<h1 class="mine">{{ page.paper.title }}</h1>{% endblock %}
            """
        },
    )
    assert build(root) == 0
    paper = (root / "site/papers/a/index.html").read_text()
    assert '<h1 class="mine">A Paper</h1>' in paper
    assert '<link rel="stylesheet" href="/static/style.css?v=' in paper  # base.html: the built-in one
    home = (root / "site/index.html").read_text()
    assert "A Paper" in home and 'class="mine"' not in home  # list.html: the built-in one


def test_an_override_extends_the_original_and_reads_extra(tmp_path):
    root = site(
        tmp_path,
        {
            "site.yaml": "base_url: https://example.org/\nextra:\n  meeting: Thursday reading group\n",
            "themes/default/templates/paper.html": """
            {% extends "default/paper.html" %}
            {% block main %}{{ super() }}<p class="note">Discussed at {{ site.extra.meeting }}.</p>{% endblock %}
            """,
        },
    )
    assert build(root) == 0
    paper = (root / "site/papers/a/index.html").read_text()
    assert '<p class="note">Discussed at Thursday reading group.</p>' in paper
    assert 'data-pagefind-meta="title">A Paper</h1>' in paper  # the original block, kept by super()


def test_a_new_theme_name_stacks_on_the_default_and_project_static_wins(tmp_path):
    root = site(
        tmp_path,
        {
            "site.yaml": "base_url: https://example.org/\ntheme: mine\n",
            "themes/mine/static/style.css": "body { color: teal; }\n",
            "themes/mine/static/theme.css": "/* the theme's own */\n",
            "static/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
            "static/theme.css": "/* the project's */\n",
        },
    )
    assert build(root) == 0
    assert (root / "site/static/style.css").read_text() == "body { color: teal; }\n"
    assert (root / "site/static/theme.css").read_text() == "/* the project's */\n"
    assert (root / "site/static/logo.svg").is_file()
    assert filecmp.cmp(root / "site/static/site.js", REPO / "themes/default/static/site.js", shallow=False)


def test_editing_an_override_rebuilds_as_a_clean_build_would(tmp_path):
    root = site(tmp_path, {"themes/default/templates/partials/.keep": ""})
    assert build(root) == 0
    override = '{% extends "default/paper.html" %}{% block head %}<meta name="x" content="1">{% endblock %}'
    write_files(root, {"themes/default/templates/paper.html": override})
    assert build(root) == 0
    write_files(root, {"static/extra.css": "p { margin: 0; }\n"})
    assert build(root) == 0
    clean = tmp_path.parent / (tmp_path.name + "-clean")
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".paperfeed-cache"))
    assert build(clean) == 0
    assert '<meta name="x" content="1">' in (root / "site/papers/a/index.html").read_text()
    assert (root / "site/static/extra.css").is_file()
    mismatch = filecmp.dircmp(root / "site", clean / "site")
    assert not mismatch.diff_files and not mismatch.left_only and not mismatch.right_only


def test_an_unknown_theme_is_one_line(tmp_path, capsys):
    root = site(tmp_path, {"site.yaml": "base_url: https://example.org/\ntheme: nope\n"})
    assert build(root) == 1
    assert capsys.readouterr().err == "error: theme 'nope' not found: no folder themes/nope/\n"
