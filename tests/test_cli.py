"""The command line: help, version, errors as one clean line, `python -m generator`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO, write_files

from generator.cli import main


def test_help_lists_commands_with_examples(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for word in ("ingest", "build", "serve", "examples:"):
        assert word in out


@pytest.mark.parametrize("command", ["ingest", "build", "serve"])
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "examples:" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0 and result.stdout.startswith("paperfeed ")


def test_config_errors_are_listed_together_with_hints(tmp_path, capsys):
    write_files(tmp_path, {"site.yaml": "titel: X\nper_page: zero\nbase_url: example.org\n"})
    assert main(["-C", str(tmp_path), "build"]) == 1
    err = capsys.readouterr().err
    assert "site.yaml:1: unknown key 'titel'\n  hint: did you mean 'title'?" in err
    assert "site.yaml:2: `per_page` must be a whole number" in err
    assert "site.yaml:3: `base_url` must be an absolute http(s) URL" in err
    assert "Traceback" not in err


def test_bad_flag_values_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", "--date", "yesterday", "x.txt"])
    assert exit_.value.code == 2
    assert "not a date like 2024-03-11" in capsys.readouterr().err


def test_missing_theme_is_one_clear_line(tmp_path, capsys):
    write_files(tmp_path, {"site.yaml": "theme: nope\nbase_url: https://example.org/\n"})
    assert main(["-C", str(tmp_path), "build"]) == 1
    assert capsys.readouterr().err == "error: theme 'nope' not found: no folder themes/nope/\n"


def test_a_project_without_themes_uses_the_built_in_theme(tmp_path):
    write_files(tmp_path, {"site.yaml": "", "content/papers/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n"})
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search"]) == 0
    assert (tmp_path / "site/papers/a/index.html").is_file()


@pytest.mark.parametrize("command", ["build", "check", "ingest x.bib", "update", "serve", "tags", "retag"])
def test_a_folder_without_site_yaml_is_refused_with_a_hint(tmp_path, capsys, command):
    write_files(tmp_path, {"content/papers/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n"})
    assert main(["-C", str(tmp_path), *command.split()]) == 2
    assert capsys.readouterr().err == (
        f"error: no site.yaml in {tmp_path}: it is not a paperfeed site\n"
        f"  hint: make one with `paperfeed init {tmp_path}`, or name a config file with --config\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]  # nothing built, no cache


def test_config_names_another_config_file(tmp_path, capsys):
    write_files(
        tmp_path,
        {
            "configs/public.yaml": "title: Public\nbase_url: https://example.org/feed/\n",
            "content/papers/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n",
        },
    )
    assert main(["-C", str(tmp_path), "--config", str(tmp_path / "configs/public.yaml"), "build", "--no-search"]) == 0
    assert "<title>Public</title>" in (tmp_path / "site/index.html").read_text()
    assert capsys.readouterr().err == ""  # no loopback warning: base_url is public
    assert main(["-C", str(tmp_path), "--config", str(tmp_path / "nope.yaml"), "check"]) == 1
    assert f"{tmp_path / 'nope.yaml'}: no such config file" in capsys.readouterr().out


def test_build_warns_when_base_url_is_this_machine(tmp_path, capsys):
    write_files(tmp_path, {"site.yaml": "base_url: http://localhost:8000/\n"})
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: base_url is http://localhost:8000/, this machine's own address:")
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search", "--base-url", "https://example.org/"]) == 0
    assert capsys.readouterr().err == ""


def test_unknown_format_flag_is_rejected(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", "--format", "nope", "x"])
    assert exit_.value.code == 2
    assert "paperfeed ingest: error: argument --format: invalid choice: 'nope'" in capsys.readouterr().err


def test_retag_adds_taxonomy_tags_and_takes_none_away(project, capsys):
    write_files(
        project,
        {
            "content/papers/a.md": "---\ntitle: Fast ASR for speech\ndate: 2024-01-01\n"
            "tags: [my-tag, llm]  # mine\n---\nSpeech recognition.\n"
        },
    )
    assert main(["-C", str(project), "retag", "--dry-run"]) == 0
    assert "a: [my-tag, llm] -> [my-tag, llm, speech]" in capsys.readouterr().out
    assert "tags: [my-tag, llm]  # mine" in (project / "content/papers/a.md").read_text()
    assert main(["-C", str(project), "retag"]) == 0  # an entry with no ingest record counts as ingest's
    assert (project / "content/papers/a.md").read_text() == (
        "---\ntitle: Fast ASR for speech\ndate: 2024-01-01\ntags: [my-tag, llm, speech]\n---\nSpeech recognition.\n"
    )


def test_readme_documents_every_source_format():
    from generator.ingest.registry import PARSERS

    readme = (REPO / "README.md").read_text()
    for name in PARSERS:
        assert f"**`{name}`" in readme or f"`{name}` and" in readme or f"and `{name}`" in readme, name


def test_format_names_match_the_parsers():
    from generator.ingest.formats import FORMAT_NAMES
    from generator.ingest.registry import PARSERS

    assert sorted(FORMAT_NAMES) == sorted(PARSERS)


def test_verbose_prints_each_build_step(project, capsys):
    write_files(project, {"content/papers/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n"})
    assert main(["-C", str(project), "-v", "build", "--no-search"]) == 0
    err = capsys.readouterr().err
    for step in (
        "reading entries",
        "finding related papers for 1 papers",
        "building the site model",
        "rendering 9 pages and 3 feeds",  # home, paper, 2 tag indexes, archive, 404; its day, week and month
    ):
        assert step in err, step


def test_global_flags_work_after_the_command_too(tmp_path, capsys):
    write_files(tmp_path, {"site.yaml": "base_url: https://example.org/\n"})
    assert main(["build", "-C", str(tmp_path), "-q", "--no-search"]) == 0
    assert capsys.readouterr() == ("", "")
    # Given before the command, a flag is not undone by its absence after it.
    assert main(["-q", "-C", str(tmp_path), "build", "--no-search"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["-C", str(tmp_path), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("site/ is up to date")


def test_new_then_check_passes(tmp_path, capsys):
    site = tmp_path / "s"
    assert main(["-q", "init", str(site)]) == 0
    capsys.readouterr()
    args = ["-C", str(site), "new", "Flash  Attention", "--arxiv", "arXiv:2205.14135v2", "--tag", "llm"]
    assert main([*args, "--author", "Tri Dao", "--date", "2026-12-01"]) == 0
    assert capsys.readouterr().out == f"created {site}/content/papers/flash-attention.md\n"
    text = (site / "content/papers/flash-attention.md").read_text()
    assert text.startswith(
        "---\ntitle: Flash Attention\ndate: 2026-12-01\ntags: [llm]\nauthors: [Tri Dao]\narxiv: '2205.14135'\n"
    )
    assert main(["-C", str(site), "check"]) == 0
    assert capsys.readouterr().out == "no problems found\n"
    # A second paper of the same title never replaces the first: wrong usage, exit 2.
    assert main(["-C", str(site), "new", "Flash Attention"]) == 2
    assert "flash-attention.md already exists; choose another file name with --slug" in capsys.readouterr().err
    assert main(["-C", str(site), "new", "X", "--arxiv", "nope"]) == 2
    assert "not an arXiv id: 'nope'" in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["-q", "init", str(tmp_path)]) == 0
    assert main(["init", str(tmp_path)]) == 2
    assert "already holds a site (site.yaml); use --force" in capsys.readouterr().err


def test_labels_are_coloured_on_a_terminal_unless_no_color(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["-C", str(tmp_path / "nope"), "build"]) == 2
    assert capsys.readouterr().err == f"\033[1;31merror:\033[0m no such project folder: {tmp_path / 'nope'}\n"
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["-C", str(tmp_path / "nope"), "build"]) == 2
    assert capsys.readouterr().err == f"error: no such project folder: {tmp_path / 'nope'}\n"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "paperfeed" in script and "_ARGCOMPLETE" in script
    if shell == "bash":
        assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0


@pytest.mark.parametrize(
    ("line", "expected"),
    [("paperfeed bu", {"build"}), ("paperfeed build --no-s", {"--no-search"}), ("paperfeed up", {"update"})],
)
def test_completion_answers_the_shell(line, expected):
    # The protocol argcomplete's shell functions use: the line in COMP_LINE, the answers on descriptor 8.
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n", "COMP_LINE": line, "COMP_POINT": str(len(line))}
    done = subprocess.run(
        f"{sys.executable} -m generator 8>&1 9>/dev/null", shell=True, env=env, capture_output=True, text=True
    )
    assert {word.strip() for word in done.stdout.split("\n") if word.strip()} == expected


def test_check_runs_the_builds_model_checks(tmp_path, capsys, monkeypatch):
    from generator.errors import BuildError
    from generator.model import site

    write_files(tmp_path, {"site.yaml": "", "content/papers/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n"})

    def clash(model):
        raise BuildError("two pages would be written to the same file:\n  tags/x/index.html: tag.html, term.html")

    monkeypatch.setattr(site, "check_collisions", clash)
    assert main(["-C", str(tmp_path), "check"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("site.yaml: the site cannot be built: two pages would be written to the same file:")
    assert not (tmp_path / "site").exists() and not (tmp_path / ".paperfeed-cache").exists()
