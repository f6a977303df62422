"""Real records, as services publish them and tools export them, parsed field by field.

The files in `../shared/real-sources/` are unedited public files (its README names each one's
repository and path). Each test reads one and checks, for several records, what the file says:
title, authors (repeats kept, in order), arXiv id, DOI, publication date and its precision, and
abstract with its TeX converted; and the counts: records in, papers out, problems and notes.
The cases they lack are small fixtures of the same shapes in `tests/fixtures/real/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import os

import bibtexparser
import pytest
from conftest import FIXTURES, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ingest.registry import ParseOptions, ParseResult, read_source
from generator.ingest.tex import detex, with_parser, without_parser
from generator.model.cite import format_bibtex
from generator.model.records import Paper, clean_text, published_text

REAL = REPO.parent / "shared" / "real-sources"
needs_real = pytest.mark.skipif(
    not REAL.is_dir() and not os.environ.get("CI"), reason="../shared/real-sources is not here"
)
TODAY = dt.date(2026, 11, 30)


def read(path) -> ParseResult:
    return read_source(path, path.name, ParseOptions(today=TODAY))


def real(relative: str) -> ParseResult:
    return read(REAL / relative)


def own(name: str) -> ParseResult:
    return read(FIXTURES / "real" / name)


def published(paper: Paper) -> str:
    """The publication date as an entry writes it: `1998`, `1998-05` or `1998-05-04`."""
    return published_text(paper.published, paper.published_precision) if paper.published else ""


def counts(result: ParseResult) -> tuple[int, int, int]:
    return len(result.papers), len(result.problems), len(result.notes)


# -- arXiv API (Atom) -----------------------------------------------------------------------------


@needs_real
def test_arxiv_api_2016_response_field_by_field():
    result = real("arxiv-atom/arxivpy_del_maestro_2016.xml")
    assert counts(result) == (10, 0, 0)  # 10 entries in the file
    first, old_style, wrapped = result.papers[:3]
    assert first.title == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
    assert first.authors == ("Adrian Del Maestro",)
    assert (first.arxiv, first.doi) == ("1201.4869", "10.1142/s021797921244002x")  # arxiv:doi, lower-case
    assert published(first) == "2012-01-23" and first.date == dt.date(2012, 1, 23)
    assert first.abstract.startswith("As helium-4 is cooled below 2.17 K it undergoes a phase transition to a ")
    assert first.journal_ref == "Int. J. Mod. Phys. B, 26, 1244002 (2012)" and first.comment == "26 pages, 10 figures"
    assert old_style.arxiv == "cond-mat/0412498" and old_style.authors == ("Adrian Del Maestro", "Subir Sachdev")
    assert old_style.doi == "10.1103/physrevb.71.184511" and published(old_style) == "2004-12-19"
    assert '"p x p" density wave ordering on the square lattice (p >= 3, integer)' in old_style.abstract
    assert (
        wrapped.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    )
    assert wrapped.categories == ("cond-mat.str-el", "cond-mat.supr-con")
    renyi = next(p for p in result.papers if p.arxiv == "1412.6529")
    assert renyi.abstract.startswith("We consider the Rényi entanglement entropy of bosonic Luttinger liquids")
    assert "Lieb-Liniger model of $\\delta$-function interacting bosons" in renyi.abstract
    assert published(renyi) == "2014-12-19"  # the first version, not the update of 2015-02-25
    assert renyi.authors == ("C. M. Herdman", "A. Del Maestro")


@needs_real
def test_arxiv_api_versioned_id_query():
    [paper] = real("arxiv-atom/arxivpy_id_1111.2011v2_2016.xml").papers
    assert paper.arxiv == "1111.2011" and published(paper) == "2011-11-08"
    assert paper.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")
    assert paper.doi == "10.1103/physrevb.85.115117"


@needs_real
def test_arxiv_api_2026_format_keeps_tex_outside_math_and_percent_signs():
    result = real("arxiv-atom/arxivpy_id_astro-ph_0601001_2026.body.xml")
    assert counts(result) == (1, 0, 0)
    [paper] = result.papers
    assert paper.title == (
        "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward the "
        "Galactic Bulge and Carina"
    )
    assert paper.authors == ("Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski")
    assert (paper.arxiv, paper.doi, published(paper)) == ("astro-ph/0601001", "", "2006-01-02")
    assert "hot Jupiters (HJs) with 3–5 day periods and very hot Jupiters (VHJs) with 1-3 day periods" in paper.abstract
    assert "is only 4–16% of those in the OGLE-III fields" in paper.abstract  # `%` is a per cent sign
    assert "limit of V_max<17.5" in paper.abstract and "(1/310)(1^{+1.39}_{-0.59}) for HJs" in paper.abstract
    assert paper.comment.endswith("http://www.astronomy.ohio-state.edu/~gould/ogle_hot_jupiters.ps.gz")
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"


# -- arXiv announcements, RSS 1.0 ------------------------------------------------------------------


@needs_real
def test_arxiv_rss_1_0_feed_of_2012_every_item_in():
    result = real("arxiv-rss/arxivhaiku_math_rdf_2012-09-12.xml")
    assert result.format == "arxiv-rss"
    assert counts(result) == (126, 0, 0)  # 126 items: 71 new, 54 UPDATED, 1 CROSS LISTED
    assert sum(p.update_only for p in result.papers) == 54
    assert {p.date for p in result.papers} == {dt.date(2012, 9, 12)}  # the channel's dc:date
    first = result.papers[0]
    assert first.title == "On the first time that an Ito process hits a barrier"  # arXiv's `. (arXiv:...)` gone
    assert (first.arxiv, first.categories, first.authors) == (
        "1209.2411",
        ("math.PR",),
        ("Gerardo Hernandez-del-Valle",),
    )
    assert published(first) == "2012-09"  # the month of the id; the feed gives no day
    paragraphs = first.abstract.split("\n\n")
    assert len(paragraphs) == 2 and paragraphs[0].startswith("This work deals with first hitting time densities")
    assert "classified as of class $\\mathcal{B}^2$." in paragraphs[1]
    kahler = next(p for p in result.papers if p.arxiv == "1209.2440")
    assert kahler.abstract.startswith("Let X be a Kähler manifold, and E be a Hermitian vector bundle on X.")
    bottou = next(p for p in result.papers if p.authors[:1] == ("Léon Bottou",))
    assert len(bottou.authors) == 9 and bottou.authors[2] == "Joaquin Quiñonero-Candela"
    updated = next(p for p in result.papers if p.arxiv == "0909.2017")
    assert updated.title == "Sparsity and `Something Else': An Approach to Encrypted Image Folding"
    assert updated.update_only and published(updated) == "2009-09"
    cross = next(p for p in result.papers if p.arxiv == "0901.1155")
    assert cross.title == "Balanced allocation: Memory performance tradeoffs" and not cross.update_only
    assert "[SIAM J. Comput. 29 (1999) 180–200]" in cross.abstract and "${\\sim}\\log n/\\log\\log n$" in cross.abstract
    matrix = next(p for p in result.papers if p.arxiv == "1209.2480")
    assert "the case p>1 and the case 0<p<1." in matrix.abstract  # escaped HTML, once unescaped
    schrodinger = next(p for p in result.papers if p.arxiv == "1209.2522")
    assert "Coupled Schrödinger Equations" in schrodinger.title  # `Schr\x7fodinger`: an old TeX font's diaeresis


def test_arxiv_rss_1_0_kinds_creators_and_tex():
    result = own("math_rdf.xml")
    assert counts(result) == (3, 0, 0)
    new, updated, cross = result.papers
    assert new.title == "Nearly holomorphic sections on Kähler manifolds with $\\alpha$-twists"
    assert new.authors == ("Léa Ekwueme", "Ana Da Costa", "Léa Ekwueme")  # a repeat is the source's
    assert new.abstract == (
        "Let X be a Kähler manifold and 0<p<1. We investigate the space $N(X,E)$ of sections – see Shimura."
        "\n\nAs an application, we determine 10% of the decomposition."
    )
    assert (updated.title, updated.update_only, published(updated)) == (
        "Sharp local estimates for the Szegö-Weinberger profile",
        True,
        "2011-10",
    )
    assert (cross.arxiv, cross.categories, cross.update_only, published(cross)) == (
        "math/0307200",
        ("math.QA",),
        False,
        "2003-07",
    )
    skipping = read_source(
        FIXTURES / "real/math_rdf.xml", "math_rdf.xml", ParseOptions(today=TODAY, skip_cross=True, skip_replace=True)
    )
    assert [p.arxiv for p in skipping.papers] == ["1209.9440"]


# -- Hugging Face api/daily_papers -----------------------------------------------------------------


@needs_real
def test_hugging_face_2024_items():
    result = real("hf-json/hfnews_2024-05-29.json")
    assert counts(result) == (8, 0, 0)
    first = result.papers[0]
    assert first.title == "Phased Consistency Model" and first.arxiv == "2405.18407"
    assert len(first.authors) == 12 and (first.authors[0], first.authors[-1]) == ("Fu-Yun Wang", "Xiaogang Wang")
    assert published(first) == "2024-05-28" and first.date == dt.date(2024, 5, 29)  # paper vs. daily item
    assert first.abstract.startswith("The consistency model (CM) has recently made significant progress")
    assert first.upvotes == 18 and first.doi == ""


@needs_real
def test_hugging_face_2025_items_convert_tex_and_keep_ai_keywords_as_keywords():
    result = real("hf-json/hfnews_2025-12-17.json")
    assert counts(result) == (25, 0, 0)
    first = result.papers[0]
    assert first.title == "MMGR: Multi-Modal Generative Reasoning" and first.arxiv == "2512.14691"
    assert published(first) == "2025-12-16" and first.date == dt.date(2025, 12, 17)
    assert first.keywords[:2] == ("Frechet Video Distance (FVD)", "MMGR") and first.tags == ()
    percent = [p for p in result.papers if "+8.6" in p.abstract]
    assert percent and all("+8.6% on long-horizon tasks" in p.abstract for p in percent)
    assert all("\\%" not in p.abstract for p in result.papers)


# -- BibTeX ----------------------------------------------------------------------------------------


@needs_real
def test_biblatex_examples_every_entry_with_a_title_in():
    result = real("bibtex/biblatex-examples.bib")
    # 100 blocks: 8 @string and 2 @set (groups of other entries, not papers: a note each), 90 entries.
    assert counts(result) == (90, 0, 2)
    assert [note.message for note in result.notes] == [
        "@set entry 'set' groups other entries, which are read one by one; it is not a paper",
        "@set entry 'stdmodel' groups other entries, which are read one by one; it is not a paper",
    ]
    by_line = {p.line: p for p in result.papers}
    aksin = by_line[37]
    assert aksin.authors == (
        "Özge Aksın",
        "Hayati Türkmen",
        "Levent Artok",
        "Bekir Çetinkaya",
        "Chaoying Ni",
        "Orhan Büyükgüngör",
        "Erhan Özkal",
    )
    assert published(aksin) == "2006" and aksin.journal_ref == "J. Organomet. Chem."  # date = 2006; @string jomch
    baez = by_line[68]
    assert (baez.arxiv, published(baez), baez.title) == (
        "math/0307200",
        "2004",
        "Higher-Dimensional Algebra V: 2-Groups",
    )
    assert published(by_line[1386]) == "2004-10-27" and by_line[1386].arxiv == "math/0307200"  # @online, same paper
    kastenholz = by_line[172]
    assert kastenholz.title == (
        "Computation of methodology-independent ionic solvation free energies from molecular simulations: "
        "I. The electrostatic potential in molecular liquids"
    )
    assert kastenholz.doi == "10.1063/1.2172593" and kastenholz.abstract.startswith("The computation of ionic")
    assert published(by_line[267]) == "1991-03"  # shore: date = {1991-03}
    assert published(by_line[10]) == "2000" and by_line[10].journal_ref == "Space and Beyond"  # via crossref
    itzhaki = by_line[1420]
    assert itzhaki.title == "Some remarks on 't Hooft's S-matrix for black holes"
    assert (itzhaki.arxiv, published(itzhaki)) == ("hep-th/9603067", "1996-03-11")
    wassenberg = by_line[1457]
    assert (wassenberg.arxiv, wassenberg.categories) == ("1008.2849", ("cs.DS",))
    assert by_line[282].doi == "10.1002/(sici)1096-987x(199803)19:4<377::aid-jcc1>3.0.co;2-p"
    assert by_line[978].authors == ("Arnold van Gennep",) and by_line[978].surnames == ("van Gennep",)
    parga = by_line[1049]
    assert parga.authors == ("Luis Vázques de Parga", "José María Lacarra", "Juan Uría Ríu")
    assert parga.surnames == ("Vázques de Parga", "Uría Ríu")
    assert all(p.date == TODAY and not p.dated for p in result.papers)  # a bibliography dates no feed


@needs_real
def test_zotero_bibtex_export():
    result = real("bibtex/zotero_rosati_exported_items.bib")
    assert counts(result) == (50, 0, 0)
    vitamin, demszky = result.papers[:2]
    assert vitamin.title == "Get Your Vitamin C! Robust Fact Verification with Contrastive Evidence"
    assert vitamin.authors == ("Tal Schuster", "Adam Fisch", "Regina Barzilay")
    assert (vitamin.doi, vitamin.arxiv, published(vitamin)) == ("10.18653/v1/2021.naacl-main.52", "", "2021-06")
    assert "improving accuracy by 10% on adversarial fact verification and 6% on" in vitamin.abstract
    assert vitamin.journal_ref.startswith("Proceedings of the 2021 Conference of the North American Chapter")
    assert demszky.arxiv == "1809.02922" and demszky.doi == "10.48550/arxiv.1809.02922"
    assert published(demszky) == "2018-09" and demszky.keywords == ("Computer Science - Computation and Language",)
    assert demszky.tags == ()  # Zotero's automatic tags are keywords, not the site's tags
    wolf = next(p for p in result.papers if p.arxiv == "1910.03771")
    assert "Patrick von Platen" in wolf.authors and "von Platen" in wolf.surnames


@needs_real
def test_google_scholar_bibtex():
    result = real("bibtex/distill_circuits_bibliography.bib")
    # 80 entries, one key used twice: both are read (the merge makes them one paper), with a note.
    assert counts(result) == (80, 0, 1)
    assert str(result.notes[0]) == (
        "distill_circuits_bibliography.bib:436: entry key 'jo2017measuring' is used twice; this entry is read as well"
    )
    lecun, _, karpathy = result.papers[:3]
    assert lecun.authors == ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton") and published(lecun) == "2015"
    assert karpathy.title == "Visualizing and understanding recurrent networks"
    assert (karpathy.arxiv, karpathy.journal_ref, published(karpathy)) == ("1506.02078", "", "2015")
    jo = [p for p in result.papers if p.arxiv == "1711.11561"]
    assert [p.line for p in jo] == [56, 436]


def test_bibtex_cases():
    result = own("bibliography_cases.bib")
    assert [str(p) for p in result.problems] == ["bibliography_cases.bib:90: entry 'untitled' has no title; skipped"]
    assert [str(n) for n in result.notes] == [
        "bibliography_cases.bib:4: @set entry 'set' groups other entries, which are read one by one; it is not a paper",
        "bibliography_cases.bib:50: entry 'An Online Preprint': year 'in press' is not a date; kept without it",
        "bibliography_cases.bib:56: entry 'A Paper Known by Its PDF': month '13' is not a month; kept the year",
        "bibliography_cases.bib:83: entry key 'scholar' is used twice; this entry is read as well",
    ]
    ranged, scholar, corr, zotero, online, pdf, dated, parent, child, again = result.papers
    assert ranged.title == "Computation of methodology-independent energies: I. The potential in Özkal's liquids"
    assert ranged.authors == (
        "Adrian Del Maestro",
        "Ludwig van Beethoven",
        "World Health Organization",
        "Martin Luther King Jr.",
    )
    assert ranged.surnames == ("Del Maestro", "van Beethoven", "World Health Organization")
    assert (ranged.arxiv, published(ranged)) == ("math/0307200", "1998-05")  # a range's start
    assert ranged.doi == "10.1002/(sici)1096-987x(199803)19:4<377::aid-jcc1>3.0.co;2-p"
    assert ranged.abstract == (
        "We get 10% of persistent homology – at ~25 fps, see [other2020] and http://x.org/~a; $\\delta$-functions stay."
    )
    assert (scholar.arxiv, scholar.journal_ref, published(scholar)) == ("1506.09991", "", "2015")
    assert (corr.arxiv, corr.journal_ref, published(corr)) == ("1506.09991", "", "2015-06")
    assert (zotero.arxiv, published(zotero)) == ("1809.09993", "2018-09")
    assert (online.arxiv, published(online)) == ("2106.09685", "2021-06")  # no year: the id's month
    assert (pdf.arxiv, published(pdf)) == ("1209.2411", "2012")
    assert (dated.arxiv, dated.doi, published(dated)) == ("2310.07240", "10.48550/arxiv.2310.07240", "2021-03-04")
    assert (parent.authors, published(parent)) == ((), "1990")
    assert (child.journal_ref, published(child)) == ("Contemporary Literary Criticism", "1990")
    assert again.title == "Probing and Explaining Recurrent Taggers" and again.arxiv == "1506.09991"


# -- Zotero CSV ------------------------------------------------------------------------------------


@needs_real
def test_zotero_csv_export():
    result = real("csv/zotero_pybiblio_exported_items.csv")
    assert result.format == "csv" and counts(result) == (106, 0, 0)
    first, second, third = result.papers[:3]
    assert first.title == "Meditation and Its Regulatory Role on Sleep"
    assert first.authors == ("Ravindra P. Nagendra", "Nirmala Maruthai", "Bindu M. Kutty")
    assert (first.doi, published(first), first.journal_ref) == (
        "10.3389/fneur.2012.00054",
        "2012-04-18",
        "Frontiers in Neurology",
    )
    assert first.abstract.startswith("Intense meditation practices help to achieve a harmony between body and mind.")
    assert first.keywords[:2] == ("autonomic activity", "brain functions") and first.tags == ()
    assert first.date == TODAY and not first.dated  # Zotero's Date is the publication date, not the feed's
    assert (second.authors, published(second)) == (("P N Bindu", "T Desiraju"), "1988-05")
    assert published(third) == "2022"
    alone = next(p for p in result.papers if p.line == 49)
    assert alone.authors == ("Bindu M. Kutty",)  # `Kutty, Bindu M.` is one author, not two
    shankar = next(p for p in result.papers if "B. S. Shankaranarayana Rao" in p.authors)
    assert "Shankaranarayana Rao" in shankar.surnames
    # A malformed Author cell: `Madhavadas, Sowmya; , Kapgal ,Vijaya Kumar; , Kutty ,Bindu M.; and Subramanian, Sarada`
    chocolate = next(p for p in result.papers if "Dark Chocolate" in p.title)
    assert chocolate.authors == ("Sowmya Madhavadas", "Vijaya Kumar Kapgal", "Bindu M. Kutty", "Sarada Subramanian")


# Invented records in the shape of a Zotero CSV export: the columns its cases use (the export has 87,
# tested from ../shared/real-sources), matched by name, so in an order of their own.
ZOTERO_ROWS = [
    {
        "Title": "Melting of stripe order on a frustrated lattice",
        "Author": "De la Cruz, Marta; Okafor, Chidi",
        "Item Type": "journalArticle",
        "Date": "2005-05",
        "Publication Year": "2005",
        "Publication Title": "Physical Review B",
        "DOI": "https://doi.org/10.1103/PhysRevB.99.000001",
        "Url": "https://link.aps.org/doi/10.1103/PhysRevB.99.000001",
        "Abstract Note": (
            "We present the theory of $p \\times p$ density wave ordering; 10\\% of the R\\'{e}nyi entropy -- in short."
        ),
        "Manual Tags": "#reading; superfluids",
        "Automatic Tags": "Luttinger liquids; Density waves",
        "Extra": "",
        "Key": "A1B2C3D4",
    },
    {  # `Extra` on two lines: the record's next one starts on line 4
        "Title": "Breathing in Long-Distance Runners",
        "Author": "Lindqvist, Maja K.",
        "Item Type": "journalArticle",
        "Date": "2025",
        "Publication Year": "2025",
        "Publication Title": "Sleep",
        "Extra": "arXiv: 2301.00001\nPublisher: Example",
        "Key": "E5F6G7H8",
    },
    {
        "Title": "Global Report on Breathing",
        "Author": "International Union of Example Studies",
        "Item Type": "report",
        "Date": "2024-03-11",
        "Publication Year": "2024",
        "Abstract Note": "A report.",
        "Key": "J9K0L1M2",
    },
    {
        "Title": "A Chapter Dated by Season",
        "Author": "Ivanova, T.; Van der Berg, A. B.",
        "Item Type": "bookSection",
        "Date": "Spring 2020",
        "Publication Year": "2020",
        "Key": "N3O4P5Q6",
    },
    {
        "Title": "Turning Reading Comprehension Sets Into Entailment Sets",
        "Author": "Moreau, Léa; Tanaka, Hiro; Novak, Petra",
        "Item Type": "preprint",
        "Url": "http://arxiv.org/abs/1811.00002v2",
        "Abstract Note": "Existing sets for entailment.",
        "Key": "R7S8T9U0",
    },
]


def zotero_export(folder) -> ParseResult:
    """`ZOTERO_ROWS` written as Zotero writes its export (a BOM, every cell quoted), and read."""
    path = folder / "zotero_export.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(ZOTERO_ROWS[0]), quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ZOTERO_ROWS)
    return read(path)


def test_zotero_csv_cases(tmp_path):
    result = zotero_export(tmp_path)
    assert counts(result) == (5, 0, 1)
    assert str(result.notes[0]) == (
        "zotero_export.csv:6: record 'A Chapter Dated by Season': date 'Spring 2020' is not a date; kept without it"
    )
    melting, sleep, report, chapter, preprint = result.papers
    assert melting.authors == ("Marta De la Cruz", "Chidi Okafor") and melting.surnames == ("De la Cruz",)
    assert (melting.doi, published(melting)) == ("10.1103/physrevb.99.000001", "2005-05")
    assert melting.keywords == ("#reading", "superfluids", "Luttinger liquids", "Density waves")
    assert melting.abstract == (
        "We present the theory of $p \\times p$ density wave ordering; 10% of the Rényi entropy – in short."
    )
    assert (sleep.authors, sleep.arxiv, published(sleep)) == (("Maja K. Lindqvist",), "2301.00001", "2025")
    assert (report.authors, report.surnames, published(report)) == (
        ("International Union of Example Studies",),
        ("International Union of Example Studies",),
        "2024-03-11",
    )
    assert (chapter.line, published(chapter)) == (6, "2020")  # Publication Year, when Date is not a date
    assert (preprint.arxiv, published(preprint)) == ("1811.00002", "2018-11")


# -- JSON Lines ------------------------------------------------------------------------------------


@needs_real
def test_arxiv_front_page_json_lines():
    result = real("jsonl/koaning_frontpage_2025-06-19-08h.jsonl")
    assert counts(result) == (94, 0, 0)
    first = result.papers[0]
    assert first.title == "Nabla-R2D3: Effective and Efficient 3D Diffusion Alignment with 2D Rewards"
    assert (first.authors, first.arxiv, published(first)) == ((), "2506.15684", "2025-06-18")  # `created`
    assert first.abstract.startswith("Generating high-quality and photorealistic 3D assets remains a longstanding")
    assert first.date == TODAY and not first.dated
    cited = result.papers[29]
    assert "in human subject experiments [rapoport_choice_2009]. Despite" in cited.abstract


def test_json_lines_date_fields_and_aliases():
    result = own("front_page.jsonl")
    assert counts(result) == (5, 0, 1)
    assert str(result.notes[0]) == (
        "front_page.jsonl:5: record 'A Record With a Date That Is Not One': "
        "created 'soon' is not a date; kept without it"
    )
    created, month, year, seen, bad = result.papers
    assert created.abstract == "We get 10% gains – see [ito2021gentle] and $\\mathcal{O}(n)$."
    assert published(created) == "2025-06-18" and created.arxiv == "2506.19997"
    assert (month.authors, month.surnames, published(month)) == (
        ("Adrian Del Maestro", "Subir Sachdev"),
        ("Del Maestro",),
        "2025-08",
    )
    assert (month.keywords, month.tags) == (("superfluids", "density waves"), ("physics",))
    assert year.authors == ("Yann LeCun", "Yoshua Bengio", "Yann LeCun") and published(year) == "2015"
    assert year.abstract == "From a table." and year.doi == "10.1038/nature14539"
    assert (seen.date, seen.dated, published(seen), seen.arxiv) == (
        dt.date(2024, 3, 11),
        True,
        "1998",
        "hep-th/9603067",
    )
    assert (bad.arxiv, published(bad), bad.date) == ("2403.07001", "2025-08", TODAY)  # a partial `date` is no feed date


# -- BibTeX out of real records --------------------------------------------------------------------


def test_bibtex_out_of_a_parsed_record_names_surnames_escapes_and_arxiv_fields():
    ranged = own("bibliography_cases.bib").papers[0]
    bib = format_bibtex(
        slug="computation",
        title=ranged.title,
        authors=ranged.authors,
        surnames=ranged.surnames,
        date=ranged.published,
        precision=ranged.published_precision,
        url="https://example.org/papers/computation/",
        arxiv=ranged.arxiv,
        doi=ranged.doi,
        journal_ref=ranged.journal_ref,
        categories=("math.QA",),
    )
    [entry] = bibtexparser.parse_string(bib).entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.key == "delmaestro1998computation"
    assert fields["author"] == (
        "Del Maestro, Adrian and van Beethoven, Ludwig and {World Health Organization} and King, Jr., Martin Luther"
    )
    assert (fields["year"], fields["month"]) == ("1998", "may")
    assert (fields["eprint"], fields["archivePrefix"], fields["primaryClass"]) == ("math/0307200", "arXiv", "math.QA")
    assert fields["doi"] == "10.1002/(sici)1096-987x(199803)19:4<377::aid-jcc1>3.0.co;2-p"
    assert fields["title"] == "Computation of methodology-independent energies: I. The potential in Özkal's liquids"


@pytest.mark.parametrize(
    "title, field",
    [
        ("SciTaiL: A Textual Entailment Dataset", "{SciTaiL}: A Textual Entailment Dataset"),
        ("PixArt-$\\alpha$: 10% of GPT-4's cost & more", "{PixArt-$\\alpha$}: 10\\% of {GPT-4's} cost \\& more"),
        ("Get Your Vitamin C! Robust Fact", "Get Your Vitamin C! Robust Fact"),
        ("a_b \\mymethod {x}", "a\\_b \\textbackslash{}mymethod \\{x\\}"),
    ],
)
def test_bibtex_titles_are_escaped_and_keep_inner_capitals_in_braces(title, field):
    bib = format_bibtex(slug="s", title=title, authors=(), date=None, url="https://example.org/s/")
    assert bib.splitlines()[1] == f"  title = {{{field}}},"


# -- TeX conversion ----------------------------------------------------------------------------------

# Pieces that chunks of metadata are made of (no spaces: `detex` cuts text at spaces outside braces).
_PIECES = [
    "a", "B", "x", "é", "1", ".", ",", "-", "--", "---", "``", "''", "~", "{", "}", "{}",
    "\\alpha", "\\ldots", "\\ss", "\\o", "\\i", "\\ae", "\\L", '\\"', "\\'", "\\`", "\\^", "\\c", "\\v",
    "\\%", "\\&", "\\_", "\\#", "\\$", "\\,", "\\\\", "\\foo", "\\emph", "\\textbf", "\\LaTeX",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8))
def test_tex_without_the_parser_is_what_the_parser_gives(pieces):
    chunk = "".join(pieces)
    quick = without_parser(chunk)
    if quick is not None:
        assert clean_text(quick) == clean_text(with_parser(chunk)), chunk


@pytest.mark.parametrize(
    "text, plain",
    [
        ('M{\\"u}ller and {\\c{C}}etinkaya, Aks{\\i}n', "Müller and Çetinkaya, Aksın"),
        ("10\\% in 3--5 days; 4--16% of 90%", "10% in 3–5 days; 4–16% of 90%"),
        ("about ~25 fps, Fig.~3", "about ~25 fps, Fig. 3"),
        ("methodology\\hyphen independent", "methodology-independent"),
        ("simplicial complex \\Delta and \\kappa < 8", "simplicial complex Δ and κ < 8"),
        ("dubbed \\mymethodname. Then", "dubbed \\mymethodname. Then"),
        ("see \\cite{a_b} and \\citep[p. 3]{c}", "see [a_b] and [c]"),
        ("{\\em persistent homology} and \\texttt{code}", "persistent homology and code"),
        ("$\\mathcal{O}(10\\%)$ and (1^{+1.39}_{-0.59})", "$\\mathcal{O}(10\\%)$ and (1^{+1.39}_{-0.59})"),
        ("\\url{http://x.org/~a} and https://y.org/~b", "http://x.org/~a and https://y.org/~b"),
        ("a ``memory wall'' -- e.g.\\ here", "a “memory wall” – e.g. here"),
    ],
)
def test_tex_in_metadata(text, plain):
    assert detex(text) == plain
