"""Days, weeks and months (generator/model/days.py): ranking within a day, the day, week and month
pages, the home page by day, the archive's calendar, drafts and future dates."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, broken_links, copy_project, tree, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build.pipeline import build
from generator.cli import main
from generator.config import Config, load_config, parse_config
from generator.content.check import check_site
from generator.content.entry import Entry, format_entry, parse_entry
from generator.errors import ConfigError, SourceError
from generator.model.site import Site, build_site
from generator.model.visibility import Visibility

D = dt.date
CONFIG = Config(title="Test Feed", base_url="https://example.org/", per_page=2, top_papers=2)


def entry(slug: str, date: dt.date, **fields) -> Entry:
    return Entry(slug=slug, title=fields.pop("title", slug.capitalize()), date=date, body=f"About {slug}.", **fields)


# Five papers on Monday 2024-03-11 (ranked, upvoted or neither), one on Tuesday, one a week before.
ENTRIES = [
    entry("zeta", D(2024, 3, 11), rank=1),
    entry("alpha", D(2024, 3, 11), rank=2, upvotes=1),
    entry("gamma", D(2024, 3, 11), upvotes=40),
    entry("beta", D(2024, 3, 11), upvotes=40),
    entry("delta", D(2024, 3, 11)),
    entry("tuesday", D(2024, 3, 12)),
    entry("early", D(2024, 3, 4), rank=3),
]
RANKED = ["tuesday", "zeta", "alpha", "beta", "gamma", "delta", "early"]


def site_of(entries=ENTRIES, config=CONFIG) -> Site:
    return build_site(entries, config, bodies={}, assets={"style.css": "/static/style.css"})


def pages_of(site: Site, template: str):
    return [page for page in site.pages if page.template == template]


def slugs(papers) -> list[str]:
    return [paper.slug for paper in papers]


# -- ranking -----------------------------------------------------------------


def test_a_day_is_ranked_by_the_sources_rank_then_upvotes_then_slug_whatever_the_input_order():
    assert slugs(site_of().papers) == RANKED
    assert slugs(site_of(list(reversed(ENTRIES))).papers) == RANKED


def test_the_sort_setting_orders_a_day_by_title_or_publication_date():
    titled = [replace(e, title=t) for e, t in zip(ENTRIES, ["B", "c", "A", "d", "E", "x", "y"])]
    assert slugs(site_of(titled, replace(CONFIG, sort="title")).papers) == [
        "tuesday", "gamma", "zeta", "alpha", "beta", "delta", "early",
    ]  # fmt: skip
    published = [
        replace(e, published=D(2023, 1, i + 1)) if e.slug in ("beta", "alpha") else e for i, e in enumerate(ENTRIES)
    ]
    # Without a publication date the feed date stands in: the newest there is.
    assert slugs(site_of(published, replace(CONFIG, sort="date")).papers) == [
        "tuesday", "delta", "gamma", "zeta", "beta", "alpha", "early",
    ]  # fmt: skip


def test_sort_accepts_only_its_values_with_a_hint():
    assert parse_config("sort: title\n").sort == "title"
    with pytest.raises(ConfigError) as err:
        parse_config("title: x\nsort: rnak\n")
    assert (
        str(err.value)
        == "site.yaml:2: `sort` must be one of rank, date, title, not 'rnak'\n  hint: did you mean 'rank'?"
    )


entries_strategy = st.lists(
    st.builds(
        entry,
        st.text("abcdefgh", min_size=1, max_size=5),
        st.dates(D(2023, 12, 25), D(2024, 1, 10)),
        rank=st.none() | st.integers(1, 4),
        upvotes=st.none() | st.integers(0, 3),
    ),
    max_size=15,
    unique_by=lambda e: e.slug,
)


@settings(max_examples=80, deadline=None)
@given(entries=entries_strategy, per_page=st.integers(1, 4))
def test_every_paper_is_on_its_days_pages_once_in_listing_order(entries, per_page):
    site = site_of(entries, replace(CONFIG, per_page=per_page))
    days = pages_of(site, "day.html")
    listed = [paper for page in days for paper in page.pager.items]
    assert slugs(listed) == slugs(site.papers)  # days newest first, each in the listing's order
    assert all(paper.date == page.period.first for page in days for paper in page.pager.items)
    assert all(paper.day_url == f"/days/{paper.date.isoformat()}/" for paper in site.papers)
    # The home pages hold the same papers, by day, with what comes before and after each part.
    homes = pages_of(site, "list.html")
    assert [p.slug for page in homes for section in page.days for p in section.papers] == slugs(site.papers)
    for page in homes:
        for section in page.days:
            assert section.before + len(section.papers) + section.rest == section.day.count
    weeks, months = pages_of(site, "week.html"), pages_of(site, "month.html")
    assert sum(page.period.count for page in weeks) == sum(page.period.count for page in months) == len(entries)


# -- day, week and month pages -----------------------------------------------------


def test_day_pages_paginate_with_the_newer_and_older_day_on_every_page():
    days = pages_of(site_of(), "day.html")
    assert [(p.path, p.url, p.title) for p in days] == [
        ("days/2024-03-12/index.html", "/days/2024-03-12/", "Tuesday, March 12, 2024"),
        ("days/2024-03-11/index.html", "/days/2024-03-11/", "Monday, March 11, 2024"),
        ("days/2024-03-11/page/2/index.html", "/days/2024-03-11/page/2/", "Monday, March 11, 2024, page 2"),
        ("days/2024-03-11/page/3/index.html", "/days/2024-03-11/page/3/", "Monday, March 11, 2024, page 3"),
        ("days/2024-03-04/index.html", "/days/2024-03-04/", "Monday, March 4, 2024"),
    ]
    assert [slugs(p.pager.items) for p in days] == [
        ["tuesday"],
        ["zeta", "alpha"],
        ["beta", "gamma"],
        ["delta"],
        ["early"],
    ]
    monday = days[1:4]
    assert {(p.newer.key, p.older.key) for p in monday} == {("2024-03-12", "2024-03-04")}
    assert (days[0].newer, days[-1].older) == (None, None)
    assert [p.key for p in days[1].parents] == ["2024-W11", "2024-03"]
    assert days[1].description == "The 5 papers of Monday, March 11, 2024."


def test_week_and_month_pages_list_their_days_with_counts_and_top_papers():
    site = site_of()
    weeks = pages_of(site, "week.html")
    assert [(p.path, p.title, p.period.count, p.period.first, p.period.last) for p in weeks] == [
        ("weeks/2024-W11/index.html", "Week 11, 2024", 6, D(2024, 3, 11), D(2024, 3, 17)),
        ("weeks/2024-W10/index.html", "Week 10, 2024", 1, D(2024, 3, 4), D(2024, 3, 10)),
    ]
    w11 = weeks[0]
    assert [(s.day.key, slugs(s.papers), s.rest) for s in w11.days] == [
        ("2024-03-12", ["tuesday"], 0),
        ("2024-03-11", ["zeta", "alpha"], 3),  # top_papers: 2
    ]
    assert (w11.newer, w11.older.key) == (None, "2024-W10")
    assert [p.key for p in w11.parents] == ["2024-03"]
    [month] = pages_of(site, "month.html")
    assert (month.path, month.url, month.title, month.period.count) == (
        "months/2024-03/index.html", "/months/2024-03/", "March 2024", 7,
    )  # fmt: skip
    assert [s.day.key for s in month.days] == ["2024-03-12", "2024-03-11", "2024-03-04"]
    assert [g.month.key for g in month.months] == ["2024-03"]


def test_weeks_are_iso_weeks_across_the_new_year():
    site = site_of([entry("a", D(2024, 12, 30)), entry("b", D(2025, 1, 5)), entry("c", D(2024, 12, 29))])
    assert [(p.period.key, p.period.count) for p in pages_of(site, "week.html")] == [("2025-W01", 2), ("2024-W52", 1)]
    assert [p.period.key for p in pages_of(site, "month.html")] == ["2025-01", "2024-12"]
    week = next(p for p in pages_of(site, "week.html") if p.period.key == "2025-W01")
    assert [p.key for p in week.parents] == ["2025-01", "2024-12"]


def test_the_home_page_heads_each_day_with_a_link_to_its_page_and_the_previous_day():
    homes = pages_of(site_of(), "list.html")
    parts = [[(s.day.url, slugs(s.papers), s.before, s.rest, s.older and s.older.key) for s in p.days] for p in homes]
    assert parts == [
        [("/days/2024-03-12/", ["tuesday"], 0, 0, "2024-03-11"), ("/days/2024-03-11/", ["zeta"], 0, 4, "2024-03-04")],
        [("/days/2024-03-11/", ["alpha", "beta"], 1, 2, "2024-03-04")],
        [("/days/2024-03-11/", ["gamma", "delta"], 3, 0, "2024-03-04")],
        [("/days/2024-03-04/", ["early"], 0, 0, None)],
    ]


def test_the_archive_is_a_calendar_of_months_without_the_papers():
    site = site_of()
    [archive] = pages_of(site, "archive.html")
    [march] = archive.months
    assert (march.month.key, march.month.label, march.month.count) == ("2024-03", "March 2024", 7)
    assert [row.number for row in march.weeks] == [9, 10, 11, 12, 13]
    assert [row.week and row.week.url for row in march.weeks] == [
        None,
        "/weeks/2024-W10/",
        "/weeks/2024-W11/",
        None,
        None,
    ]
    first = march.weeks[0].days  # March 2024 starts on a Friday
    assert [cell.date and cell.date.day for cell in first] == [None, None, None, None, 1, 2, 3]
    linked = [(cell.date, cell.day.count) for row in march.weeks for cell in row.days if cell.day]
    assert linked == [(D(2024, 3, 4), 1), (D(2024, 3, 11), 5), (D(2024, 3, 12), 1)]
    assert "PaperView" not in repr(archive)  # its size grows with days, not papers


def test_an_empty_site_has_no_day_week_or_month_pages_and_an_empty_archive():
    site = site_of([])
    assert pages_of(site, "day.html") == pages_of(site, "week.html") == pages_of(site, "month.html") == []
    assert pages_of(site, "archive.html")[0].months == ()
    assert pages_of(site, "list.html")[0].days == ()


# -- entries: rank and draft -----------------------------------------------------


def test_rank_and_draft_round_trip_and_bad_values_name_their_line():
    text = "---\ntitle: A\ndate: 2024-03-11\ndraft: true\nupvotes: 3\nrank: 2\n---\nBody.\n"
    parsed = parse_entry(text, "a", "a.md")
    assert (parsed.rank, parsed.draft, parsed.extra) == (2, True, {})
    assert format_entry(parsed) == text
    assert "draft" not in format_entry(replace(parsed, draft=False))
    with pytest.raises(SourceError) as err:
        parse_entry("---\ntitle: A\ndate: 2024-03-11\ndraft: maybe\nrank: 0\n---\n", "a", "a.md")
    assert str(err.value) == (
        "a.md:4: `draft` must be true or false, not 'maybe'\n  hint: draft: true\n"
        "a.md:5: `rank` must be a whole number of at least 1 (1 first), not 0"
    )


def test_check_knows_the_draft_and_rank_keys(project):
    write_files(project, {"content/papers/a.md": "---\ntitle: A\ndate: 2024-03-11\ndraft: true\nrank: 1\n---\nA.\n"})
    assert check_site(project) == []


def test_drafts_and_future_entries_are_left_out_unless_asked_for():
    today = D(2024, 3, 11)
    entries = [entry("draft", today, draft=True), entry("future", D(2024, 3, 12)), entry("now", today)]

    def shown(visibility: Visibility) -> list[str]:
        return [e.slug for e in entries if visibility.shows(e)]

    assert shown(Visibility(today)) == ["now"]
    assert shown(Visibility(today, drafts=True)) == ["draft", "now"]
    assert shown(Visibility(today, future=True)) == ["future", "now"]
    # The day matters to the output only when future entries are left out.
    assert Visibility(today).key != Visibility(today + dt.timedelta(1)).key
    assert Visibility(today, future=True).key == Visibility(today + dt.timedelta(1), future=True).key


# -- builds ----------------------------------------------------------------------


def make_project(root: Path) -> Path:
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    return root


def cli_build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1", *args])


def assert_same_as_clean_build(root: Path, scratch: Path) -> None:
    scratch.mkdir()
    clean = copy_project(root, scratch)
    assert cli_build(clean, "--clean") == 0
    assert tree(root / "site") == tree(clean / "site")


def test_the_sample_site_has_linked_day_week_and_month_pages(tmp_path):
    root = make_project(tmp_path / "p")
    assert cli_build(root) == 0
    site = root / "site"
    for path in ("days/2024-03-11/", "days/2024-01-15/", "weeks/2024-W11/", "weeks/2024-W03/", "months/2024-03/"):
        assert (site / path / "index.html").is_file(), path
    home = (site / "index.html").read_text()
    assert '<a href="/days/2024-03-12/"><time datetime="2024-03-12">Mar 12, 2024</time></a>' in home
    assert '<a href="/days/2024-02-01/">Previous day: Feb 1, 2024 →</a>' in home  # Mar 11 goes on past page 1
    day = (site / "days/2024-03-11/index.html").read_text()
    assert 'href="/days/2024-03-12/"' in day and 'href="/days/2024-02-01/"' in day
    assert day.index("CacheGen") < day.index("WavThruVec")
    archive = (site / "archive/index.html").read_text()
    assert 'href="/days/2024-03-11/"' in archive and 'href="/months/2024-03/"' in archive
    assert "CacheGen" not in archive
    assert broken_links(site, "https://example.org/") == []


def test_drafts_and_future_entries_join_with_their_flags(tmp_path):
    root = make_project(tmp_path / "p")
    write_files(
        root,
        {
            "content/papers/draft.md": "---\ntitle: Draft Paper\ndate: 2024-03-11\ndraft: true\n---\nNot yet.\n",
            "content/papers/later.md": "---\ntitle: Later Paper\ndate: 2999-01-01\n---\nNot yet.\n",
        },
    )
    assert cli_build(root) == 0
    assert not (root / "site/papers/draft").exists() and not (root / "site/papers/later").exists()
    assert "Draft Paper" not in (root / "site/days/2024-03-11/index.html").read_text()
    assert cli_build(root, "--drafts") == 0
    assert (root / "site/papers/draft/index.html").is_file() and not (root / "site/papers/later").exists()
    assert '<span class="draft">Draft</span>' in (root / "site/days/2024-03-11/index.html").read_text()
    assert cli_build(root, "--future", "--drafts") == 0
    assert (root / "site/days/2999-01-01/index.html").is_file()
    assert "Later Paper" in (root / "site/index.html").read_text()
    assert cli_build(root) == 0  # and back: the incremental build equals a clean one
    assert not (root / "site/papers/draft").exists() and not (root / "site/days/2999-01-01").exists()
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_an_entry_appears_on_its_day_though_nothing_else_changed(tmp_path):
    root = make_project(tmp_path / "p")
    write_files(root, {"content/papers/soon.md": "---\ntitle: Soon\ndate: 2024-03-13\n---\nTomorrow.\n"})
    config = load_config(root)
    first = build(root, config, search=False, jobs=1, today=D(2024, 3, 12))
    assert first.papers == 5 and not (root / "site/days/2024-03-13").exists()
    assert build(root, config, search=False, jobs=1, today=D(2024, 3, 12)).up_to_date
    later = build(root, config, search=False, jobs=1, today=D(2024, 3, 13))
    assert not later.up_to_date and later.papers == 6
    assert (root / "site/days/2024-03-13/index.html").is_file()
    assert "Soon" in (root / "site/index.html").read_text()


def test_editing_a_title_patches_its_day_week_and_month_pages(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    assert cli_build(root) == 0
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("title: 'WavThruVec:", "title: 'WavThruVec Renamed:"))
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search", "--jobs", "1"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    for page in ("days/2024-03-11/", "weeks/2024-W11/", "months/2024-03/", "page/2/"):
        assert "WavThruVec Renamed:" in (root / "site" / page / "index.html").read_text(), page
    assert_same_as_clean_build(root, tmp_path / "clean")


@pytest.mark.parametrize("change", ["rank: 1", "upvotes: 9", "draft: true"])
def test_an_edit_that_may_reorder_a_day_takes_a_full_build(tmp_path, capsys, change):
    root = make_project(tmp_path / "p")
    assert cli_build(root) == 0
    path = root / "content/papers/wavthruvec.md"
    path.write_text(path.read_text().replace("tags: [speech]", f"tags: [speech]\n{change}"))
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search", "--jobs", "1"]) == 0
    assert not capsys.readouterr().out.startswith("updated ")
    day = (root / "site/days/2024-03-11/index.html").read_text()
    if change == "draft: true":
        assert "WavThruVec" not in day
    else:
        assert day.index("WavThruVec") < day.index("CacheGen")  # ranked or upvoted: before the unranked
    assert_same_as_clean_build(root, tmp_path / "clean")


def test_a_huge_day_takes_one_click_to_the_day_before(project):
    files = {
        f"content/papers/p{i:02d}.md": f"---\ntitle: P{i:02d}\ndate: 2024-03-11\nrank: {i + 1}\n---\nA.\n"
        for i in range(7)
    }
    files["content/papers/old.md"] = "---\ntitle: Old\ndate: 2024-03-08\n---\nB.\n"
    write_files(project, files)
    assert cli_build(project) == 0
    home = (project / "site/index.html").read_text()
    assert re.search(r'<a href="/days/2024-03-08/">Previous day: Mar 8, 2024 →</a>', home)
    assert home.index("P00") < home.index("P01")  # the source's rank
    last = (project / "site/days/2024-03-11/page/4/index.html").read_text()
    assert 'href="/days/2024-03-08/"' in last and "P06" in last
