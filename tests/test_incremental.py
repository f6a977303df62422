"""Incremental builds: the cache, the up-to-date check, and equivalence with clean builds."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project, stable_files, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main


def make_project(root: Path) -> Path:
    shutil.copytree(FIXTURES / "sample_site", root, dirs_exist_ok=True)
    shutil.copytree(REPO / "themes", root / "themes", dirs_exist_ok=True)
    return root


def backdate(root: Path, seconds: float = 60) -> None:
    """Make every input look older than the racy-mtime window, as if time had passed."""
    past = time.time() - seconds
    for path in [*root.joinpath("content").rglob("*"), *root.joinpath("themes").rglob("*"), root / "site.yaml"]:
        os.utime(path, (past, past))


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1", *args])


def assert_same_as_clean_build(root: Path, scratch: Path) -> None:
    """The project's site is byte for byte what a clean build of a copy of it gives."""
    scratch.mkdir()
    clean = copy_project(root, scratch)
    assert build(clean, "--clean") == 0
    assert tree(root / "site") == tree(clean / "site")


def test_nothing_changed_means_nothing_rebuilt(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    backdate(root)
    # Setting the times set every ctime to now: within 2 s, a stat cannot vouch for a file and its bytes
    # are stamped instead, so a first build on a slow machine and a second one past the window would
    # stamp the same files differently (and rebuild, safely). Both builds stamp them by their stats.
    time.sleep(2.1)
    assert build(root) == 0
    before = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*.html")}
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    assert "site/ is up to date" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*.html")} == before


def test_an_edit_is_picked_up_and_the_clean_flag_and_a_lost_cache_change_nothing(tmp_path):
    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("WavThruVec:", "WavThruVec 2:"))
    backdate(root)
    assert build(root) == 0
    assert "WavThruVec 2:" in (root / "site/papers/wavthruvec/index.html").read_text()
    incremental = tree(root / "site")
    assert build(root, "--clean") == 0
    assert tree(root / "site") == incremental
    shutil.rmtree(root / ".paperfeed-cache")
    assert build(root) == 0
    assert tree(root / "site") == incremental


def test_a_deleted_output_folder_is_rebuilt(tmp_path):
    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    shutil.rmtree(root / "site")
    assert build(root) == 0 and (root / "site/index.html").is_file()


ENTRY = "---\ntitle: {title}\ndate: 2024-0{month}-1{day}\ntags: [{tags}]\n---\n{body}\n"
titles = st.sampled_from(["Speech Codecs", "LLM Serving at Scale", "KV Cache Tricks", "A: B", "Ünïcode $x^2$"])
operations = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, 20),
        titles,
        st.integers(1, 9),
        st.integers(0, 9),
        st.sampled_from(["speech", "llm", "llm, speech", ""]),
    ),
    st.tuples(st.just("edit"), st.integers(0, 50), titles),
    # Words other papers hold, or none does: the related papers of many papers may change.
    st.tuples(
        st.just("words"),
        st.integers(0, 50),
        st.sampled_from(["Diffusion transformer image generation.", "Speech codec tokens.", "KV cache.", "Zyzzyva."]),
    ),
    st.tuples(st.just("retitle"), st.integers(0, 50), titles),
    st.tuples(st.just("retag"), st.integers(0, 50), st.sampled_from(["speech", "llm", "kv-cache", ""])),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(
        st.just("config"),
        st.sampled_from(
            ["per_page: 1", "per_page: 3", "title: Other Feed", "feed_items: 1", "base_url: https://example.org/sub/"]
        ),
    ),
    st.tuples(st.just("theme"), st.sampled_from(["<!-- a -->", "<!-- b -->"])),
    st.tuples(st.just("clean")),  # a --clean build between the others
)


def apply(root: Path, op: tuple) -> None:
    papers = sorted((root / "content/papers").glob("*.md"))
    kind = op[0]
    if kind == "add":
        _, n, title, month, day, tags = op
        (root / f"content/papers/new-{n}.md").write_text(
            ENTRY.format(title=f"'{title} {n}'", month=month, day=day, tags=tags, body=f"About {title}.")
        )
    elif kind == "edit" and papers:
        path = papers[op[1] % len(papers)]
        text = path.read_text()
        path.write_text(text.replace("\n---\n", f"\n---\nEdited: {op[2]}.\n", 1))
    elif kind == "words" and papers:
        path = papers[op[1] % len(papers)]
        path.write_text(path.read_text() + f"\n{op[2]}\n")
    elif kind == "retitle" and papers:
        path = papers[op[1] % len(papers)]
        lines = [f"title: '{op[2]}'" if line.startswith("title:") else line for line in path.read_text().split("\n")]
        path.write_text("\n".join(lines))
    elif kind == "retag" and papers:
        path = papers[op[1] % len(papers)]
        lines = [f"tags: [{op[2]}]" if line.startswith("tags:") else line for line in path.read_text().split("\n")]
        path.write_text("\n".join(lines))
    elif kind == "delete" and len(papers) > 1:
        papers[op[1] % len(papers)].unlink()
    elif kind == "config":
        key = op[1].split(":")[0]
        lines = [line for line in (root / "site.yaml").read_text().split("\n") if not line.startswith(key + ":")]
        (root / "site.yaml").write_text("\n".join([op[1], *lines]))
    elif kind == "theme":
        path = root / "themes/default/templates/404.html"
        path.write_text(path.read_text() + op[1] + "\n")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(operations, st.booleans()), min_size=1, max_size=4))
def test_incremental_builds_equal_clean_builds(tmp_path_factory, steps):
    root = make_project(tmp_path_factory.mktemp("incremental"))
    assert build(root) == 0
    for op, time_passes in steps:
        apply(root, op)
        if time_passes:
            backdate(root)
        assert build(root, *(["--clean"] if op[0] == "clean" else [])) == 0
        clean = tmp_path_factory.mktemp("clean")
        copy_project(root, clean)
        assert build(clean, "--clean") == 0
        assert tree(root / "site") == tree(clean / "site"), op


def test_unchanged_files_keep_their_mtime_and_changed_ones_are_rewritten(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    site = root / "site"
    before = {p.relative_to(site): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    time.sleep(0.05)
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("two-stage pipelines", "two-stage pipelines, mostly"))
    assert build(root) == 0
    after = {p.relative_to(site): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    changed = {str(p) for p in after if after[p] != before.get(p)}
    assert "papers/wavthruvec/index.html" in changed
    assert "papers/cachegen/index.html" not in changed and "static/style.css" not in changed
    assert len(changed) < len(after) / 2


def test_a_small_change_updates_the_site_folder_in_place(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    site = root / "site"
    inode = site.stat().st_ino
    untouched = (site / "papers/cachegen/index.html").stat().st_ino
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("two-stage pipelines", "two-stage pipelines, mostly"))
    assert build(root) == 0
    assert site.stat().st_ino == inode and (site / "papers/cachegen/index.html").stat().st_ino == untouched
    assert "mostly" in (site / "papers/wavthruvec/index.html").read_text()
    assert not list(tmp_path.glob("p/.site.new-*"))
    path.unlink()
    assert build(root) == 0
    assert not (site / "papers/wavthruvec").exists()
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_an_update_killed_midway_is_redone_whole(tmp_path, monkeypatch):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("two-stage pipelines", "two-stage pipelines, mostly"))
    real_replace, calls = os.replace, []

    def dies_on_the_second_file(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr("generator.build.output.os.replace", dies_on_the_second_file)
    assert build(root) == 130  # the command line reports the interrupt as its exit status
    monkeypatch.undo()
    assert len(calls) == 2
    assert build(root) == 0
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_an_update_never_follows_a_link_out_of_the_site(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    outside = tmp_path / "outside"
    shutil.move(root / "site/papers/wavthruvec", outside)
    (root / "site/papers/wavthruvec").symlink_to(outside, target_is_directory=True)
    before = tree(outside)
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("two-stage pipelines", "two-stage pipelines, mostly"))
    assert build(root) == 0
    assert tree(outside) == before
    assert not (root / "site/papers/wavthruvec").is_symlink()
    assert "mostly" in (root / "site/papers/wavthruvec/index.html").read_text()


def test_edited_entries_patch_the_site_and_give_a_clean_builds_bytes(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    past = time.time() - 60
    for entry in (root / "content/papers").glob("*.md"):
        os.utime(entry, (past, past))  # as if time had passed; the theme is untouched
    path = root / "content/papers/wavthruvec.md"  # the body
    path.write_text(path.read_text().replace("two-stage pipelines", "two-stage pipelines, mostly"))
    path = root / "content/papers/cachegen.md"  # the title, shown on other papers' pages too
    path.write_text(
        re.sub(
            r"title: .*",
            "title: 'CacheGen: Fast Context Loading for Language Model Applications, Revisited'",
            path.read_text(),
            count=1,
        )
    )
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    assert_same_as_clean_build(root, tmp_path / "clean")
    assert "Applications, Revisited" in (root / "site/index.html").read_text()


@pytest.mark.parametrize("change", ["date", "tags", "broken"])
def test_edits_that_change_the_sites_shape_take_a_full_build(tmp_path, capsys, change):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    path = root / "content/papers/wavthruvec.md"
    text = path.read_text()
    if change == "date":
        text = re.sub(r"date: \S+", "date: 2001-01-01", text, count=1)
    elif change == "tags":
        text = re.sub(r"tags: .*", "tags: [other]", text, count=1)
    else:
        text = text.replace("title:", "title: [", 1)
    path.write_text(text)
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search"]) == 0  # a broken entry is skipped, not fatal
    out, err = capsys.readouterr()
    assert not out.startswith("updated ")
    if change == "broken":
        assert "content/papers/wavthruvec.md" in err and not (root / "site/papers/wavthruvec").exists()
    assert_same_as_clean_build(root, tmp_path / "clean")


def related_on(page: Path) -> list[str]:
    section = page.read_text().partition('class="related"')[2].partition("</section>")[0]
    return re.findall(r'href="[^"]*/papers/([^/"]+)/"', section)


@pytest.mark.parametrize("everywhere", [False, True])
def test_edits_that_change_related_papers_are_patched_as_a_clean_build_makes_them(tmp_path, capsys, everywhere):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    page = root / "site/papers/speech-only/index.html"
    before = related_on(page)
    # Words of the PixArt paper in the speech paper: both papers' related papers change.
    path = root / "content/papers/speech-only.md"
    path.write_text(path.read_text() + "\nDiffusion transformer image generation, text-to-image training cost.\n")
    if everywhere:  # a word every paper gains: its weight changes in all of them
        for other in (root / "content/papers").glob("*.md"):
            other.write_text(other.read_text() + "\nZyzzyva.\n")
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    assert related_on(page) != before
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_word_edits_with_search_on_give_a_clean_builds_site_and_search_index(tmp_path, capsys):
    # With search on, an edit is patched, and on a site of a few papers the index is made again in
    # full (see `search.update_index`; tests/test_search.py has the edits' own index): the site and
    # the Pagefind index (its fragments, words and pages) after each edit are a clean build's,
    # outside what Pagefind itself writes in a varying order.
    root = make_project(tmp_path / "p")
    assert main(["-C", str(root), "-q", "build", "--jobs", "1"]) == 0
    path = root / "content/papers/speech-only.md"
    for i, words in enumerate(["Diffusion transformer image generation.", "Speech codec tokens, zyzzyva."]):
        path.write_text(path.read_text() + f"\n{words}\n")
        capsys.readouterr()
        assert main(["-C", str(root), "build", "--jobs", "1"]) == 0
        assert re.match(r"updated \d+ files? in site/ .*\(search index [\d.]+ s\)$", capsys.readouterr().out)
        (tmp_path / f"clean-{i}").mkdir()
        clean = copy_project(root, tmp_path / f"clean-{i}")
        assert main(["-C", str(clean), "-q", "build", "--clean", "--jobs", "1"]) == 0
        site = tree(root / "site")
        assert any(name.startswith("pagefind/fragment/") for name in site)
        assert stable_files(site) == stable_files(tree(clean / "site"))


def test_a_theme_leaving_the_racy_window_keeps_its_stamp_and_edits_are_patched(tmp_path, capsys, monkeypatch):
    from generator.build import incremental

    root = make_project(tmp_path / "p")  # the theme's files were just written: within the racy window
    assert build(root) == 0
    monkeypatch.setattr(incremental, "RACY_NS", 0)  # as if time had passed: no file is racy any more
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("two-stage pipelines", "two-stage pipelines, mostly"))
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search", "--jobs", "1"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_a_clean_build_between_edits_leaves_no_stale_record(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    path = root / "content/papers/wavthruvec.md"
    original = path.read_text()
    path.write_text(original.replace("two-stage pipelines", "two-stage pipelines, mostly"))
    assert build(root, "--clean") == 0
    path.write_text(original)
    assert build(root) == 0
    assert "mostly" not in (root / "site/papers/wavthruvec/index.html").read_text()


@pytest.mark.parametrize(
    "template, addition",
    [
        (
            "month.html",
            "{% for day in page.days %}{% for p in day.papers %}{{ p.summary }}{% endfor %}{% endfor %}",
        ),
        ("week.html", "{% for day in page.days %}{{ day.papers|map(attribute='abstract')|join(' ') }}{% endfor %}"),
        ("paper.html", "{% if page.next %}{{ page.next.html|length }}{% endif %}"),
        ("tag.html", "{{ page.pager.items|string }}"),
    ],
)
def test_a_patch_renders_every_output_that_reads_what_changed(tmp_path, capsys, template, addition):
    root = make_project(tmp_path / "p")
    path = root / "themes/default/templates" / template
    path.write_text(path.read_text().replace("{% endblock %}", addition + "\n{% endblock %}", 1))
    assert build(root) == 0
    for entry in (root / "content/papers").glob("*.md"):
        text = entry.read_text()
        entry.write_text(
            text.replace("\n---\n", "\n---\nPrefaced in a patch.\n", 1) if "wavthruvec" in entry.name else text
        )
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_a_failed_strict_build_leaves_the_next_build_equal_to_a_clean_one(tmp_path):
    root = make_project(tmp_path / "p")
    build(root)
    edited = root / "content/papers/wavthruvec.md"
    edited.write_text(edited.read_text().replace("WavThruVec:", "WavThruVec 2:"))
    broken = root / "content/papers/broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    assert build(root, "--strict") == 1
    broken.unlink()
    assert build(root) == 0
    assert "WavThruVec 2:" in (root / "site/papers/wavthruvec/index.html").read_text()
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_files_deleted_or_changed_in_the_site_folder_are_written_again(tmp_path):
    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    page = root / "site/papers/wavthruvec/index.html"
    page.unlink()
    assert build(root) == 0 and page.is_file()
    feed = root / "site/feed.xml"
    feed.write_bytes(b"not a feed")
    assert build(root) == 0
    assert_same_as_clean_build(root, tmp_path / "clean")


@pytest.mark.parametrize("share", ["none", "some", "all"])
def test_the_site_check_in_a_child_agrees_with_the_check_in_place(tmp_path, monkeypatch, share):
    """The parent checks `share` of the files, a forked child the rest: each split agrees with the
    check in one process, whichever side a changed file falls on."""
    from generator.build import incremental
    from generator.build.cache import BuildCache

    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    site = root / "site"
    with BuildCache(root) as cache:
        paths = (cache.get_meta("paths") or "").split("\n")
    changed = paths.index("papers/wavthruvec/index.html")
    split = {"none": 0, "some": changed + 1, "all": len(paths)}[share]  # "some": the page is the parent's last
    monkeypatch.setattr(incremental, "parent_share", lambda files, inputs: split)

    def both() -> tuple[bool, bool]:
        with BuildCache(root) as cache:
            forked = incremental._site_check(cache, site)
            with monkeypatch.context() as m:
                m.setattr(incremental.threading, "active_count", lambda: 2)  # as under `serve`
                in_place = incremental._site_check(cache, site)
            return forked(), in_place()

    assert both() == (True, True)
    page = site / "papers/wavthruvec/index.html"
    data = page.read_bytes()
    stat = page.stat()
    page.write_bytes(data.replace(b"<", b">", 1))  # the same size and times
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert both() == (False, False)
    page.unlink()
    assert both() == (False, False)
    page.write_bytes(data)
    (site / paths[-1]).unlink()  # the child's last file, or the parent's when it checks all
    assert both() == (False, False)


def test_the_early_site_check_agrees_and_answers_once(tmp_path, monkeypatch):
    from generator.build import incremental

    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    site = root / "site"
    check = incremental.early_site_check(root, site)
    assert check is not None
    assert (check(), check()) == (True, True)  # the second call answers from the first
    page = site / "papers/wavthruvec/index.html"
    page.write_bytes(page.read_bytes() + b" ")
    check = incremental.early_site_check(root, site)
    assert check is not None
    assert (check(), check()) == (False, False)
    with monkeypatch.context() as m:
        m.setattr(incremental.threading, "active_count", lambda: 2)  # as under `serve`
        assert incremental.early_site_check(root, site) is None
    assert incremental.early_site_check(tmp_path / "no-project", site) is None  # no cache, no record


def begun_checks(monkeypatch) -> list[Path]:
    """Record each early check `paperfeed build` begins."""
    from generator import cli

    begun: list[Path] = []
    original = cli.early_site_check

    def early(root: Path, output: Path):
        begun.append(root)
        return original(root, output)

    monkeypatch.setattr(cli, "early_site_check", early)
    return begun


def test_a_build_reaps_an_early_check_it_did_not_use(tmp_path, monkeypatch):
    from generator.build.cache import BuildCache

    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    with BuildCache(root) as cache:
        cache.mark_building()  # as a killed build leaves it: the next build is a full one
    begun = begun_checks(monkeypatch)
    assert build(root) == 0
    assert begun
    with pytest.raises(ChildProcessError):  # no child left, running or unreaped
        os.waitpid(-os.getpgid(0), os.WNOHANG)  # (a detached removal of old files runs in a group of its own)
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_a_build_that_fails_before_it_plans_reaps_its_early_check(tmp_path, monkeypatch):
    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    config = root / "site.yaml"
    config.write_text(config.read_text() + "\ntheme: no-such-theme\n")
    begun = begun_checks(monkeypatch)
    assert build(root) == 1  # the theme is looked for before the build's cache is opened
    assert begun
    with pytest.raises(ChildProcessError):  # no child left, running or unreaped
        os.waitpid(-os.getpgid(0), os.WNOHANG)  # (a detached removal of old files runs in a group of its own)


def test_an_early_check_called_again_after_an_interruption_does_not_reuse_its_pipe(tmp_path, monkeypatch):
    from generator.build import incremental

    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    check = incremental.early_site_check(root, root / "site")
    assert check is not None
    real_waitpid = os.waitpid
    calls = []

    def interrupted(pid: int, options: int):
        calls.append(pid)
        real_waitpid(pid, options)
        if len(calls) == 1:
            raise KeyboardInterrupt  # Ctrl-C as the child is reaped

    monkeypatch.setattr(incremental.os, "waitpid", interrupted)
    with pytest.raises(KeyboardInterrupt):
        check()
    assert check() is True  # the answer read before the interruption, without the closed pipe or the reaped child
    assert len(calls) == 1


def test_the_theme_stamp_sees_a_file_replaced_in_a_linked_folder(tmp_path):
    from generator.build.incremental import tree_stamp

    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "part.html").write_text("a")
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "page.html").write_text("p")
    (theme / "inc").symlink_to(shared)  # Jinja's loader follows it
    before = tree_stamp([theme], contents=True)
    (shared / "new.html").write_text("b")
    os.replace(shared / "new.html", shared / "part.html")  # an editor's atomic save
    assert tree_stamp([theme], contents=True) != before


def test_the_parent_checks_a_share_that_balances_the_inputs_it_stamps():
    from generator.build.incremental import parent_share

    assert parent_share(18_800, 10_000) == 3150  # 10,000 papers: the parent's 10,000 entries and 3,150 files
    assert parent_share(100, 1_000) == 0  # more inputs than files: the child checks them all
    assert parent_share(0, 0) == 0


def test_an_edit_that_keeps_size_and_mtime_is_picked_up(tmp_path):
    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    path = root / "content/papers/wavthruvec.md"
    st = path.stat()
    path.write_text(path.read_text().replace("WavThruVec:", "WavThruVeX:"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert build(root) == 0
    assert "WavThruVeX:" in (root / "site/papers/wavthruvec/index.html").read_text()


def test_template_edits_in_quick_succession_all_reach_the_site(tmp_path):
    root = make_project(tmp_path / "p")
    build(root)
    template = root / "themes/default/templates/base.html"
    original = template.read_text()
    for mark in ("<!-- one -->", "<!-- two -->", "<!-- six -->"):  # same size, within one second
        template.write_text(original.replace("</body>", mark + "</body>"))
        assert build(root) == 0
        assert mark in (root / "site/papers/wavthruvec/index.html").read_text()


def test_a_damaged_cache_is_discarded_with_a_note_and_the_build_succeeds(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    build(root)
    database = root / ".paperfeed-cache/cache.sqlite"
    for name in (database.name + "-wal", database.name + "-shm"):
        (database.parent / name).unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    assert main(["-C", str(root), "build", "--no-search", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: discarded a damaged build cache (") and err.count("\n") == 1
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_clean_builds_forget_every_cached_record(tmp_path):
    root = make_project(tmp_path / "p")
    backdate(root)
    build(root)
    path = root / "content/papers/wavthruvec.md"
    st = path.stat()
    text = path.read_text().replace("WavThruVec:", "WavThruVeX:")
    path.write_text(text)
    assert build(root, "--clean") == 0
    assert "WavThruVeX:" in (root / "site/papers/wavthruvec/index.html").read_text()
    # The clean build's records are the cache now: a later edit is compared with them, not with older ones.
    path.write_text(text.replace("WavThruVeX:", "WavThruVec:"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert build(root) == 0
    assert "WavThruVec:" in (root / "site/papers/wavthruvec/index.html").read_text()


NEW_PAPER = """---
title: A paper added the next day
date: 2024-03-11
tags: [llm]
---
An abstract of words no other paper uses: zyzzyva quixotic.
"""


def test_a_new_paper_renders_again_the_pages_that_show_it_and_leaves_the_rest_as_they_were(tmp_path):
    # Pages do not show the paper count, and an output's key covers only the site-wide fields that
    # change as papers come and go (count, top tags, venues) where it read them: another paper's
    # page is left as it was (the same file), the home page, which shows the count, is made again.
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    site = root / "site"
    before = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    (root / "content/papers/added.md").write_text(NEW_PAPER)
    assert build(root) == 0
    after = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    kept = {path for path in before if after.get(path) == before[path]}
    # (The sample site's other papers are few: the new one is among the related papers of most.)
    assert {"papers/wavthruvec/index.html", "authors/index.html", "tags/speech/index.html"} <= kept
    assert "index.html" not in kept and "tags/index.html" not in kept
    assert_same_as_clean_build(root, tmp_path / "clean")


@pytest.mark.parametrize("shown", ["{{ site.paper_count }}", "{{ site.__repr__() }}", "{{ site|string }}"])
def test_a_page_that_reads_the_paper_count_is_made_again_when_it_changes(tmp_path, shown):
    # A theme whose paper pages show the count (or what holds it): each is made again when a paper
    # is added, though its own model is unchanged.
    root = make_project(tmp_path / "p")
    template = root / "themes/default/templates/paper.html"
    template.write_text(template.read_text().replace("{% block main %}", f"{{% block main %}}<p>{shown} in all</p>", 1))
    assert build(root) == 0
    assert (root / "site/papers/speech-only/index.html").read_text().count(" in all</p>") == 1
    (root / "content/papers/added.md").write_text(NEW_PAPER)
    assert build(root) == 0
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_feeds_and_trusted_filters_read_none_of_the_site_fields_that_change_as_papers_come_and_go():
    # Feeds are rendered by code, not a tracked template: their keys cover no such field.
    import dataclasses
    import datetime as dt

    from generator.build.renderer import VOLATILE
    from generator.config import Config
    from generator.content.entry import Entry
    from generator.model.site import build_site
    from generator.render.feeds import render_feed

    entries = [Entry(slug=f"p{i}", title=f"Paper {i}", date=dt.date(2024, 3, 1 + i), body="x") for i in range(3)]
    site = build_site(entries, Config(base_url="https://example.org/"), bodies={}, assets={})
    other = dataclasses.replace(site.info, paper_count=99, top_tags=site.tags[:0], venue_urls={"x": "/venues/x/"})
    assert {f.name for f in dataclasses.fields(site.info)} >= set(VOLATILE)
    assert all(render_feed(feed, site.info) == render_feed(feed, other) for feed in site.feeds)
    # Nor do the filters that tracking trusts with the site info.
    from generator.build.tracking import STABLE_SITE_FILTERS
    from generator.render.environment import FILTERS

    for name in STABLE_SITE_FILTERS:
        assert all(FILTERS[name](paper, site.info) == FILTERS[name](paper, other) for paper in site.papers)


def test_a_file_where_a_folder_was_takes_the_staged_path(tmp_path):
    # Moving files in place cannot put a file over a folder: the build stages the whole site instead.
    root = make_project(tmp_path / "p")
    (root / "static/x").mkdir(parents=True)
    (root / "static/x/y.css").write_text("p { color: red }")
    assert build(root) == 0
    assert (root / "site/static/x/y.css").is_file()
    shutil.rmtree(root / "static/x")
    (root / "static/x").write_text("now a file")
    assert build(root) == 0
    assert (root / "site/static/x").read_text() == "now a file"
    assert_same_as_clean_build(root, tmp_path / "clean")


@pytest.mark.parametrize(
    "reads",
    [
        {},
        {"a": {"title"}},
        {"/site": {"paper_count"}},
        {"*": {"*"}, "-x": {"a"}, "/site": {"top_tags", "title"}, "z": {"b"}},
    ],
)
def test_site_fields_finds_what_parsing_every_line_finds(reads):
    from generator.build.tracking import SITE, parse_reads, reads_text, site_fields

    text = reads_text(reads)
    assert site_fields(text) == parse_reads(text).get(SITE, set()) == reads.get(SITE, set())
