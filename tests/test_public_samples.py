"""Public samples, ingested and read back field by field against what their source files say.

The files in `tests/fixtures/public/` are excerpts of real files published in public repositories
(its README names each one's repository, path, commit and license, and what was trimmed: whole
records only). Each test ingests one file with `paperfeed ingest` into an empty project and
checks, for several records, the entry's title, authors, arXiv id, DOI, publication date, feed
date, links and categories; a second ingest of the same file changes no byte.

Expected values are written out as the source gives them, with the normalizations the README
documents: links to the paper on https://arxiv.org (not a version, not http), DOIs in lower case,
TeX read as TeX.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import FIXTURES, write_files

from generator.cli import main
from generator.content.entry import Entry, load_entries
from generator.model.records import published_text

PUBLIC = FIXTURES / "public"
INGEST_DAY = dt.date(2026, 11, 21)
SAMPLES = sorted(str(p.relative_to(PUBLIC)) for p in PUBLIC.rglob("*") if p.is_file() and p.name != "README.md")


def ingest(project: Path, source: Path) -> int:
    return main(["-C", str(project), "ingest", "--date", INGEST_DAY.isoformat(), str(source)])


def snapshot(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "content" / "papers").glob("*.md"))}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty project: a site.yaml and nothing else."""
    write_files(
        tmp_path,
        {"site.yaml": "title: Public samples\ndescription: Real records.\nbase_url: https://example.org/\n"},
    )
    return tmp_path


def ingested(site: Path, relative: str) -> dict[str, Entry]:
    """The entries one ingest of the sample writes, by slug."""
    assert ingest(site, PUBLIC / relative) == 0
    entries, broken = load_entries(site / "content" / "papers", site)
    assert broken == []
    return {entry.slug: entry for entry in entries}


def published(entry: Entry) -> str:
    """The publication date as an entry writes it: `2018`, `2018-08` or `2018-08-30`."""
    return published_text(entry.published, entry.published_precision) if entry.published else ""


def arxiv_links(identifier: str) -> dict[str, str]:
    return {"arxiv": f"https://arxiv.org/abs/{identifier}", "pdf": f"https://arxiv.org/pdf/{identifier}"}


def by_arxiv(entries: dict[str, Entry]) -> dict[str, Entry]:
    """The entries by arXiv id (slugs of titles such as `Σ-Mem` are not what a test is about)."""
    return {entry.arxiv: entry for entry in entries.values()}


@pytest.mark.parametrize("relative", SAMPLES)
def test_a_second_ingest_of_a_public_sample_changes_no_byte(site, relative, capsys):
    assert ingest(site, PUBLIC / relative) == 0
    first = snapshot(site)
    assert first
    capsys.readouterr()
    assert ingest(site, PUBLIC / relative) == 0
    assert f"0 new, 0 merged, {len(first)} unchanged" in capsys.readouterr().out
    assert snapshot(site) == first


# -- arXiv announcements, RSS 1.0 (RDF) of 2018 ----------------------------------------------------

RDF = "arxiv-rss-1.0/nim-rss_cs_2018-08-30.rdf"


def test_arxiv_rss_1_0_new_items_become_entries_dated_by_the_channel(site, capsys):
    entries = ingested(site, RDF)
    # Two of the five items are `UPDATED`: replacements create no entry.
    assert "5 records from 1 source(s) -> 3 new, 0 merged, 0 unchanged, 0 duplicates, 2 skipped" in (
        capsys.readouterr().out
    )
    assert sorted(e.arxiv for e in entries.values()) == ["1808.09955", "1808.09964", "1808.10005"]

    quasar = entries["quasarnet-human-level-spectral-classification-and-redshifting-with-deep-neural"]
    assert quasar.title == "QuasarNET: Human-level spectral classification and redshifting with Deep Neural Networks"
    assert quasar.authors == ("Nicolas Busca", "Christophe Balland")
    assert (quasar.arxiv, quasar.doi) == ("1808.09955", "")
    assert quasar.date == dt.date(2018, 8, 30) and quasar.date_from == ""  # the channel's dc:date
    assert published(quasar) == "2018-08"  # the month of the id: the feed gives no day
    assert quasar.categories == ("astro-ph.IM",)  # `[astro-ph.IM]` in a cs feed
    assert dict(quasar.links) == arxiv_links("1808.09955")  # <link>http://arxiv.org/abs/1808.09955</link>
    assert quasar.rank == 1
    assert "as a feature detection problem" in quasar.body  # \emph{feature detection}
    assert "a sample $99.51\\pm0.03$% pure" in quasar.body  # \% outside math

    jain = entries["semi-metrification-of-the-dynamic-time-warping-distance"]
    assert jain.title == "Semi-Metrification of the Dynamic Time Warping Distance"
    assert jain.authors == ("Brijnesh J. Jain",)
    assert (jain.arxiv, jain.doi, jain.date, published(jain)) == ("1808.09964", "", dt.date(2018, 8, 30), "2018-08")
    assert jain.categories == ("cs.LG",) and dict(jain.links) == arxiv_links("1808.09964")
    assert jain.rank == 2

    stick = entries["recognition-and-drawing-of-stick-graphs"]
    assert stick.title == "Recognition and Drawing of Stick Graphs"
    assert stick.authors == ("Felice De Luca", "Md Iqbal Hossain", "Stephen Kobourov", "Anna Lubiw", "Debajyoti Mondal")
    assert (stick.arxiv, stick.date, published(stick)) == ("1808.10005", dt.date(2018, 8, 30), "2018-08")
    assert stick.categories == ("cs.CG",) and dict(stick.links) == arxiv_links("1808.10005")
    first, second = stick.body.split("\n\n")  # two HTML paragraphs
    assert "on a `ground line,' a line with slope $-1$." in first  # &apos; unescaped
    assert second.startswith("We present an algorithm to test whether given orderings of $A$ and $B$ permit")


# -- arXiv announcements, RSS 2.0 of 2026 (rss.arxiv.org) ------------------------------------------

RSS2 = "arxiv-rss-2.0/laya-reader_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24.xml"


def test_arxiv_rss_2_0_new_and_cross_items_field_by_field(site, capsys):
    entries = by_arxiv(ingested(site, RSS2))
    out, err = capsys.readouterr()
    # The fourth item is a `replace` of 2009.13987, a paper this site does not have: no entry.
    assert "4 records from 1 source(s) -> 3 new, 0 merged, 0 unchanged, 0 duplicates, 1 skipped" in out
    assert "skipped 'Random Polytope Descriptors': replacement of a paper that is not in content/" in err
    assert sorted(entries) == ["2205.06398", "2609.26811", "2609.26820"]

    drift = entries["2609.26811"]
    assert drift.title == "The Drift Contract: Spectral Updates for Depth-Robust Local Learning"
    assert drift.authors == ("Fabien Polly",)  # <dc:creator>
    assert drift.doi == "" and drift.journal_ref == ""
    assert drift.date == dt.date(2026, 9, 24) and drift.date_from == ""  # pubDate Thu, 24 Sep 2026 00:00:00 -0400
    assert published(drift) == "2026-09"  # the month of the id: the feed gives no submission day
    assert drift.categories == ("cs.LG",) and drift.rank == 1
    assert dict(drift.links) == arxiv_links("2609.26811")  # <link>https://arxiv.org/abs/2609.26811</link>
    # "arXiv:2609.26811v1 Announce Type: new \nAbstract: Local learning trains ..."
    assert drift.body.startswith("Local learning trains each layer with its own auxiliary loss and no global")
    assert "by a clear margin (48.9 +/- 0.5 vs 46.6 +/- 0.3)." in drift.body
    assert drift.body.endswith("the local advantage concentrates precisely where normalization is absent.")

    signal = entries["2609.26820"]
    assert signal.title == (
        "Signal2Symbol: Neuro-Symbolic Temporal Reasoning for Explainable Physiological Time-Series Anomaly Detection"
    )
    assert signal.authors == ("Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan")
    assert (signal.date, published(signal), signal.rank) == (dt.date(2026, 9, 24), "2026-09", 2)
    assert signal.categories == ("cs.LG", "cs.AI") and dict(signal.links) == arxiv_links("2609.26820")
    assert "a SAX (Symbolic Aggregate approXimation) baseline" in signal.body

    outlier = entries["2205.06398"]  # a cross-list of a 2022 paper, announced again in stat.ML
    assert outlier.title == "Outlier Detection for Multi-Network Data"
    assert outlier.authors == ("Pritam Dey", "Zhengwu Zhang", "David B. Dunson")
    assert (outlier.date, published(outlier), outlier.rank) == (dt.date(2026, 9, 24), "2022-05", 3)
    assert outlier.categories == ("stat.ME", "stat.AP", "stat.ML")
    assert outlier.body.startswith("It has become routine in neuroscience studies to measure brain networks")


def test_arxiv_rss_2_0_doi_of_a_published_paper_is_read(site):
    outlier = by_arxiv(ingested(site, RSS2))["2205.06398"]
    # <arxiv:DOI>10.1093/bioinformatics/btac431</arxiv:DOI>
    assert outlier.doi == "10.1093/bioinformatics/btac431"
    assert dict(outlier.links) == {**arxiv_links("2205.06398"), "doi": "https://doi.org/10.1093/bioinformatics/btac431"}


# -- arXiv API (Atom) -------------------------------------------------------------------------------
# The 2026 format is read from ../shared/real-sources in tests/test_real_sources.py.

ATOM_ZOIA = "arxiv-atom/zoia_id_list_1601.00001_2020.xml"
ATOM_XIV = "arxiv-atom/xiv_cs.RO_neural_2025.xml"
RDD = "rdd-retrieval-based-demonstration-decomposer-for-planner-alignment-in-long"


def test_arxiv_api_answer_of_2020_to_an_id_list_field_by_field(site):
    entries = ingested(site, ATOM_ZOIA)
    assert len(entries) == 1

    probe = entries["inelastic-effects-in-molecular-transport-junctions-the-probe-technique-at-high"]
    # "...: The probe technique\n  at high bias"
    assert probe.title == "Inelastic effects in molecular transport junctions: The probe technique at high bias"
    assert probe.authors == ("Michael Kilgour", "Dvira Segal")
    assert (probe.arxiv, probe.doi) == ("1601.00001", "10.1063/1.4944470")
    # <published>2015-12-26T21:19:45Z</published>: the id says 1601, the first version is of December
    assert probe.date == dt.date(2015, 12, 26) and published(probe) == "2015-12-26"
    assert probe.categories == ("cond-mat.mes-hall",)
    assert dict(probe.links) == {**arxiv_links("1601.00001"), "doi": "https://doi.org/10.1063/1.4944470"}
    assert probe.journal_ref == "J. Chem. Phys. 144, 124107 (2016)"
    assert "We extend the Landauer-B\u00fcttiker probe formalism" in probe.body  # Landauer-B\\"uttiker
    assert 'the commonly used "dephasing probe" (mimicking' in probe.body
    assert "realize fundamentally distinct $I$-$V$ characteristics" in probe.body


def test_arxiv_api_answer_of_2025_to_a_category_query_field_by_field(site):
    entries = ingested(site, ATOM_XIV)
    assert len(entries) == 2

    rdd = entries[RDD]
    assert rdd.title == "RDD: Retrieval-Based Demonstration Decomposer for Planner Alignment in Long-Horizon Tasks"
    assert rdd.authors == ("Mingxuan Yan", "Yuping Wang", "Zechun Liu", "Jiachen Li")
    assert (rdd.arxiv, rdd.doi) == ("2510.14968", "")
    assert rdd.date == dt.date(2025, 10, 16) and published(rdd) == "2025-10-16"
    assert rdd.categories == ("cs.RO", "cs.AI", "cs.CV", "cs.LG", "cs.SY", "eess.SY")
    assert rdd.comment == (
        "39th Conference on Neural Information Processing Systems (NeurIPS 2025); "
        "Project Website: rdd-neurips.github.io"
    )
    assert rdd.journal_ref == ""

    flow = entries["neural-implicit-flow-fields-for-spatio-temporal-motion-mapping"]
    assert flow.title == "Neural Implicit Flow Fields for Spatio-Temporal Motion Mapping"
    assert flow.authors == (
        "Yufei Zhu",
        "Shih-Min Yang",
        "Andrey Rudenko",
        "Tomasz P. Kucner",
        "Achim J. Lilienthal",
        "Martin Magnusson",
    )
    assert (flow.arxiv, flow.doi, flow.date, published(flow)) == ("2510.14827", "", dt.date(2025, 10, 16), "2025-10-16")
    assert flow.categories == ("cs.RO",) and dict(flow.links) == arxiv_links("2510.14827")
    assert flow.comment == "" and "Semi-Wrapped Gaussian Mixture Model" in flow.body


def test_arxiv_api_links_are_the_paper_only(site):
    rdd = ingested(site, ATOM_XIV)[RDD]
    # The only links the entry gives are http://arxiv.org/abs/2510.14968v1 and /pdf/2510.14968v1.
    assert dict(rdd.links) == arxiv_links("2510.14968")


# -- Hugging Face api/daily_papers (2024, without submittedOnDailyAt) -------------------------------

HF = "hf-json/paper-reviewer_daily_papers_2024-10-25.json"


def test_hugging_face_items_are_dated_by_the_day_they_were_on_daily_papers(site):
    entries = ingested(site, HF)
    assert len(entries) == 3

    memory = entries["breaking-the-memory-barrier-near-infinite-batch-size-scaling-for-contrastive"]
    # paper.title is hard-wrapped ("Scaling for\n  Contrastive Loss"); the item's title is not.
    assert memory.title == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    assert memory.authors == (
        "Zesen Cheng",
        "Hang Zhang",
        "Kehan Li",
        "Sicong Leng",
        "Zhiqiang Hu",
        "Fei Wu",
        "Deli Zhao",
        "Xin Li",
        "Lidong Bing",
    )
    assert (memory.arxiv, memory.doi) == ("2410.17243", "")
    assert memory.date == dt.date(2024, 10, 25)  # the item's publishedAt: 2024-10-25T00:57:09.392Z
    assert published(memory) == "2024-10-22"  # paper.publishedAt: 2024-10-22T17:59:30.000Z
    assert memory.upvotes == 64 and memory.rank == 1
    assert dict(memory.links) == arxiv_links("2410.17243") and memory.categories == ()

    editing = entries["can-knowledge-editing-really-correct-hallucinations"]
    assert editing.title == "Can Knowledge Editing Really Correct Hallucinations?"
    assert editing.authors == ("Baixiang Huang", "Canyu Chen", "Xiongxiao Xu", "Ali Payani", "Kai Shu")
    assert (editing.arxiv, editing.date, published(editing)) == ("2410.16251", dt.date(2024, 10, 25), "2024-10-21")
    assert editing.upvotes == 41 and editing.rank == 2 and dict(editing.links) == arxiv_links("2410.16251")

    logo = entries["logo-long-context-alignment-via-efficient-preference-optimization"]
    # The source says "LOGO -- Long cOntext ...": `--` is read as TeX's en dash (tex.detex), as documented.
    assert logo.title == "LOGO \u2013 Long cOntext aliGnment via efficient preference Optimization"
    assert logo.authors == ("Zecheng Tang", "Zechen Sun", "Juntao Li", "Qiaoming Zhu", "Min Zhang")
    assert (logo.arxiv, logo.date, published(logo)) == ("2410.18533", dt.date(2024, 10, 25), "2024-10-24")


# -- Hugging Face api/daily_papers of 2026 (submittedOnDailyAt, organization, githubRepo) -----------

HF_JULY = "hf-json/all-news-ai_daily_papers_2026-07-31.json"
HF_AUGUST = "hf-json/newsassistant_daily_papers_2026-08-03.json"


def test_hugging_face_answer_of_2026_07_31_field_by_field(site):
    entries = by_arxiv(ingested(site, HF_JULY))
    assert sorted(entries) == ["2607.16922", "2607.23193", "2607.27958", "2607.28308", "2607.28582"]

    omni = entries["2607.23193"]
    assert omni.title == "OmniScope: Modality-Decoupled Token Compression for Omnimodal Large Language Models"
    assert omni.authors == ("Jinsen Su", "Yongdong Luo", "Yuexiao Ma", "Yibo Hu", "Meiguang Jin", "Xiaowu Zheng")
    assert omni.date == dt.date(2026, 7, 31) and omni.date_from == ""  # submittedOnDailyAt 2026-07-31T00:00:00.000Z
    assert published(omni) == "2026-07-28"  # paper.publishedAt; the item's publishedAt is 2026-07-27T20:00
    assert (omni.upvotes, omni.rank, omni.doi, omni.categories) == (3, 1, "", ())
    # githubRepo, also named in the abstract's last sentence ("...OmniScope.")
    assert dict(omni.links) == {**arxiv_links("2607.23193"), "code": "https://github.com/MAC-AutoML/OmniScope"}
    assert omni.body.startswith("Existing token compression methods for omnimodal large language models")
    assert "it delivers up to 3.53x prefill speedup" in omni.body

    sigma = entries["2607.27958"]
    assert sigma.title == "\u03a3-Mem: An Online Reliability Memory for LLM-based Multi-Agent Systems"
    assert sigma.authors == ("Peilin Feng", "Suorong Yang", "Soujanya Poria")
    assert (sigma.date, published(sigma), sigma.upvotes, sigma.rank) == (dt.date(2026, 7, 31), "2026-07-30", 11, 2)
    assert dict(sigma.links) == {**arxiv_links("2607.27958"), "code": "https://github.com/declare-lab/sigma-mem"}
    assert "By Weyl's inequality, the spectral change" in sigma.body

    beta = entries["2607.28582"]
    assert beta.title == "\u03b2-OPSD: Deriving with Policy Optimization, Training with Self-Distillation"
    assert beta.authors == ("Jiawei Xu", "Minghui Liu", "Juzheng Zhang", "Tom Goldstein", "Furong Huang")
    assert (published(beta), beta.upvotes, beta.rank) == ("2026-07-30", 17, 3)
    assert dict(beta.links) == {**arxiv_links("2607.28582"), "project": "https://umd-huang-lab.github.io/beta-opsd/"}
    assert "vanilla OPSD is precisely the \u03b2=1 member" in beta.body

    pedestrian = entries["2607.16922"]
    # "Pedestrian Archetypes Extension -- More ...": `--` is TeX's en dash (tex.detex), as documented.
    assert pedestrian.title == (
        "Pedestrian Archetypes Extension \u2013 More Pedestrian Models for Autonomous Vehicle Safety Testing"
    )
    assert len(pedestrian.authors) == 9 and pedestrian.authors[3] == "S M Jubaer"
    # On Daily Papers on 2026-07-31, two weeks after its first version (paper.publishedAt 2026-07-18).
    assert (pedestrian.date, published(pedestrian)) == (dt.date(2026, 7, 31), "2026-07-18")
    assert (pedestrian.upvotes, pedestrian.rank) == (0, 5)  # "upvotes": 0 is a count, not a missing one
    assert dict(pedestrian.links) == arxiv_links("2607.16922")


def test_hugging_face_answer_of_2026_08_03_field_by_field(site):
    entries = by_arxiv(ingested(site, HF_AUGUST))
    assert sorted(entries) == ["2607.26654", "2607.27851", "2607.28229"]

    midtraining = entries["2607.26654"]
    assert midtraining.title == "Constitutional Midtraining: Content Presence Drives Alignment Gains"
    assert midtraining.authors == (
        "Desiree Cho",
        "Cameron Tice",
        "Bernie Hogan",
        "Hunar Batra",
        "Puria Radmard",
        "Jun Zhao",
        "Nigel Shadbolt",
    )
    # submittedOnDailyAt 2026-08-03 (a Monday), four days after paper.publishedAt 2026-07-29
    assert (midtraining.date, published(midtraining)) == (dt.date(2026, 8, 3), "2026-07-29")
    assert (midtraining.upvotes, midtraining.rank) == (3, 1)
    assert dict(midtraining.links) == {
        **arxiv_links("2607.26654"),
        "code": "https://github.com/desBugger/constitutional-mt",  # githubRepo
        "project": "https://www.lesswrong.com/posts/n5htoDGvKKJFAjji2",  # projectPage
    }
    assert "with the advantage surviving benign fine-tuning (-17.5pp)." in midtraining.body

    librarian = entries["2607.28229"]
    assert librarian.title == "EMBL AI Librarian: Life-Sciences Knowledge Layer for AI Agents"
    assert len(librarian.authors) == 12
    assert librarian.authors[9] == "Julio Saez-Rodriguez" and librarian.authors[-1] == "Fabio Petroni"
    assert published(librarian) == "2026-07-30"  # paper.publishedAt 2026-07-30T14:00:27.000Z, to the day
    assert (librarian.date, librarian.upvotes, librarian.rank) == (dt.date(2026, 8, 3), 4, 2)
    assert dict(librarian.links) == {**arxiv_links("2607.28229"), "code": "https://github.com/petroni-lab/librarian"}

    dialogue = entries["2607.27851"]
    assert dialogue.title == (
        "Beyond Feeling Better: Capability-Sustaining Emotional Dialogue as a Longitudinal Research Paradigm"
    )
    assert dialogue.authors == ("Ming Wang", "Jiaqi Wu Young", "Wenfang Wu", "Daling Wang", "Shi Feng")
    assert (dialogue.date, published(dialogue), dialogue.upvotes, dialogue.rank) == (
        dt.date(2026, 8, 3),
        "2026-07-30",
        2,
        3,
    )
    assert dict(dialogue.links) == arxiv_links("2607.27851")  # neither githubRepo nor projectPage


# -- Zotero CSV export ------------------------------------------------------------------------------

ZOTERO_ML = "zotero-csv/annotated-bibliography_my_library.csv"
ZOTERO_ASTRO = "zotero-csv/gabriel-p_arxiv_zotero.csv"


def test_zotero_csv_of_an_ml_library_field_by_field(site):
    entries = ingested(site, ZOTERO_ML)
    assert len(entries) == 3

    pihlgren = entries["pretraining-image-encoders-without-reconstruction-via-feature-prediction-loss"]
    assert pihlgren.title == "Pretraining Image Encoders without Reconstruction via Feature Prediction Loss"
    assert pihlgren.authors == ("Gustav Grund Pihlgren", "Fredrik Sandin", "Marcus Liwicki")
    assert (pihlgren.arxiv, pihlgren.doi) == ("2003.07441", "")  # Url, and `arXiv: 2003.07441` in Extra
    assert published(pihlgren) == "2020-07-15"  # Date
    assert pihlgren.date == INGEST_DAY and pihlgren.date_from == "ingest"  # a library has no feed date
    # Automatic Tags "Computer Science - Computer Vision and Pattern Recognition; Computer Science - Machine Learning"
    assert pihlgren.categories == ("cs.CV", "cs.LG")
    assert dict(pihlgren.links) == {
        **arxiv_links("2003.07441"),
        "code": "https://github.com/guspih/Perceptual-Autoencoders",  # named in the abstract
    }

    stylegan = entries["stylegan2-distillation-for-feed-forward-image-manipulation"]
    assert stylegan.title == "StyleGAN2 Distillation for Feed-Forward Image Manipulation"
    assert stylegan.authors == ("Yuri Viazovetskyi", "Vladimir Ivashkin", "Evgeny Kashin")
    assert (stylegan.arxiv, stylegan.doi) == ("", "10.1007/978-3-030-58542-6_11")
    assert published(stylegan) == "2020" and stylegan.date == INGEST_DAY
    assert stylegan.categories == ()
    assert dict(stylegan.links) == {"doi": "https://doi.org/10.1007/978-3-030-58542-6_11"}
    assert stylegan.journal_ref == "Computer Vision \u2013 ECCV 2020"

    segmentation = entries["towards-cross-modality-medical-image-segmentation-with-online-mutual-knowledge"]
    assert segmentation.authors == ("Kang Li", "Lequan Yu", "Shujun Wang", "Pheng-Ann Heng")
    assert (segmentation.arxiv, segmentation.doi) == ("", "10.1609/aaai.v34i01.5421")
    assert published(segmentation) == "2020-04-03" and segmentation.body == ""  # no Abstract Note
    assert dict(segmentation.links) == {
        "project": "https://ojs.aaai.org/index.php/AAAI/article/view/5421",
        "doi": "https://doi.org/10.1609/aaai.v34i01.5421",
    }


def test_zotero_csv_of_an_astronomy_library_field_by_field(site):
    entries = ingested(site, ZOTERO_ASTRO)
    assert len(entries) == 3

    picacs = entries["picacs-self-consistent-modelling-of-galaxy-cluster-scaling-relations"]
    assert picacs.title == "PICACS: self-consistent modelling of galaxy cluster scaling relations"
    assert picacs.authors == ("B. J. Maughan",)
    assert (picacs.arxiv, picacs.doi, published(picacs)) == ("1212.0858", "", "2012-12-04")
    assert picacs.date == INGEST_DAY and dict(picacs.links) == arxiv_links("1212.0858")

    ezgal = entries["ezgal-a-flexible-interface-for-stellar-population-synthesis-models"]
    assert ezgal.title == "EzGal: A Flexible Interface for Stellar Population Synthesis Models"
    assert ezgal.authors == ("Conor L. Mancone", "Anthony H. Gonzalez")
    assert (ezgal.arxiv, published(ezgal), ezgal.date) == ("", "2012-06-01", INGEST_DAY)
    assert ezgal.links["project"] == "http://adsabs.harvard.edu/abs/2012PASP..124..606M"
    assert "(\u22722 Gyr) and long wavelengths (\u03bb\u22737500 \u00c5)" in ezgal.body

    digitizer = entries["webplotdigitizer-a-polyvalent-and-free-software-to-extract-spectra-from-old"]
    assert digitizer.title == (
        "WebPlotDigitizer, a polyvalent and free software to extract spectra from old astronomical publications: "
        "application to ultraviolet spectropolarimetry"
    )
    assert digitizer.authors == ("F. Marin", "A. Rohatgi", "S. Charlot")
    assert (digitizer.doi, published(digitizer), digitizer.date) == ("", "2017-08-01", INGEST_DAY)
    assert digitizer.categories == ("astro-ph.IM",)  # "Astrophysics - Instrumentation and Methods for Astrophysics"


def test_zotero_csv_doi_with_a_trailing_semicolon_is_the_doi(site):
    ezgal = ingested(site, ZOTERO_ASTRO)["ezgal-a-flexible-interface-for-stellar-population-synthesis-models"]
    assert ezgal.doi == "10.1086/666502"
    assert ezgal.links["doi"] == "https://doi.org/10.1086/666502"


def test_zotero_csv_arxiv_id_in_pages_is_read(site):
    digitizer = ingested(site, ZOTERO_ASTRO)[
        "webplotdigitizer-a-polyvalent-and-free-software-to-extract-spectra-from-old"
    ]
    assert digitizer.arxiv == "1708.02025"  # Pages "arXiv:1708.02025", Url ".../abs/2017arXiv170802025M"
    assert dict(digitizer.links) == {
        **arxiv_links("1708.02025"),
        "project": "http://adsabs.harvard.edu/abs/2017arXiv170802025M",
    }


def test_zotero_csv_former_category_name_is_a_category(site):
    picacs = ingested(site, ZOTERO_ASTRO)["picacs-self-consistent-modelling-of-galaxy-cluster-scaling-relations"]
    assert picacs.categories == ("astro-ph.CO",)


# -- BibTeX exported by Zotero ----------------------------------------------------------------------

BIBTEX = "bibtex/annotated-bibliography_my_library.bib"


def test_zotero_bibtex_field_by_field(site):
    entries = ingested(site, BIBTEX)
    assert len(entries) == 3

    stylegan = entries["stylegan2-distillation-for-feed-forward-image-manipulation"]
    # title = {{StyleGAN2} {Distillation} for {Feed}-{Forward} {Image} {Manipulation}}
    assert stylegan.title == "StyleGAN2 Distillation for Feed-Forward Image Manipulation"
    assert stylegan.authors == ("Yuri Viazovetskyi", "Vladimir Ivashkin", "Evgeny Kashin")
    assert (stylegan.arxiv, stylegan.doi, published(stylegan)) == ("", "10.1007/978-3-030-58542-6_11", "2020")
    assert stylegan.date == INGEST_DAY and stylegan.date_from == "ingest"
    assert dict(stylegan.links) == {"doi": "https://doi.org/10.1007/978-3-030-58542-6_11"}

    pihlgren = entries["pretraining-image-encoders-without-reconstruction-via-feature-prediction-loss"]
    assert pihlgren.authors == ("Gustav Grund Pihlgren", "Fredrik Sandin", "Marcus Liwicki")
    assert (pihlgren.arxiv, pihlgren.doi) == ("2003.07441", "")  # url and note = {arXiv: 2003.07441}
    assert published(pihlgren) == "2020-07"  # month = jul, year = {2020}
    assert pihlgren.categories == ("cs.CV", "cs.LG")  # from keywords
    assert dict(pihlgren.links) == {
        **arxiv_links("2003.07441"),
        "code": "https://github.com/guspih/Perceptual-Autoencoders",
    }

    deepvid = entries["deepvid-deep-visual-interpretation-and-diagnosis-for-image-classifiers-via"]
    assert (
        deepvid.title
        == "DeepVID: Deep Visual Interpretation and Diagnosis for Image Classifiers via Knowledge Distillation"
    )
    assert deepvid.authors == ("J. Wang", "L. Gou", "W. Zhang", "H. Yang", "H. Shen")
    assert (deepvid.arxiv, deepvid.doi, published(deepvid)) == ("", "10.1109/tvcg.2019.2903943", "2019-06")
    assert deepvid.journal_ref == "IEEE Transactions on Visualization and Computer Graphics"
    assert deepvid.categories == () and dict(deepvid.links) == {"doi": "https://doi.org/10.1109/tvcg.2019.2903943"}


# -- BibTeX served by doi.org (Crossref) --------------------------------------------------------

BIBTEX_DOI = "bibtex/zoia_doi_org_shallue_2018.bib"


def test_doi_org_bibtex_field_by_field(site):
    entries = ingested(site, BIBTEX_DOI)
    assert len(entries) == 1

    shallue = entries["identifying-exoplanets-with-deep-learning-a-five-planet-resonant-chain-around"]
    assert shallue.title == (
        "Identifying Exoplanets with Deep Learning: A Five-planet Resonant Chain around Kepler-80 "
        "and an Eighth Planet around Kepler-90"
    )
    assert shallue.authors == ("Christopher J. Shallue", "Andrew Vanderburg")
    assert (shallue.arxiv, shallue.doi) == ("", "10.3847/1538-3881/aa9e09")
    assert published(shallue) == "2018-01"  # year = 2018 (a bare number), month = {jan}
    assert shallue.date == INGEST_DAY and shallue.date_from == "ingest"
    assert shallue.journal_ref == "The Astronomical Journal"
    assert shallue.categories == ()


def test_doi_org_bibtex_url_that_is_the_doi_is_the_doi_link(site):
    shallue = ingested(site, BIBTEX_DOI)[
        "identifying-exoplanets-with-deep-learning-a-five-planet-resonant-chain-around"
    ]
    # url = {https://doi.org/10.3847%2F1538-3881%2Faa9e09}: the DOI, percent-encoded
    assert dict(shallue.links) == {"doi": "https://doi.org/10.3847/1538-3881/aa9e09"}


# -- BibTeX exported from a Google Scholar profile ("Export all") ---------------------------------

SCHOLAR = "bibtex/bibtex-compare_google_scholar_profile.bib"


def test_google_scholar_profile_bibtex_field_by_field(site):
    entries = ingested(site, SCHOLAR)
    # 11 entries; two share the key przybylla2013physical and are two papers.
    assert len(entries) == 11
    for entry in entries.values():
        assert entry.date == INGEST_DAY and entry.date_from == "ingest"  # a bibliography dates no feed
        assert (entry.arxiv, entry.doi, entry.body, dict(entry.links)) == ("", "", "", {})  # Scholar gives neither

    three = entries["three-drivers-for-creativity-in-computer-science-education"]
    assert three.title == "Three drivers for creativity in computer science education"
    assert (three.authors, published(three)) == (("Ralf Romeike",), "2007")
    assert three.journal_ref == "Proc of Informatics, Mathematics and ICT: a\u2019golden triangle\u2019. Boston, USA"

    criteria = entries["kriterien-kreativen-informatikunterrichts"]
    # booktitle={Didaktik der Informatik in Theorie und Praxis--INFOS 2007--12. GI-Fachtagung ...}
    assert criteria.journal_ref == (
        "Didaktik der Informatik in Theorie und Praxis\u2013INFOS 2007\u201312. GI-Fachtagung Informatik und Schule"
    )

    projects = entries["ganzjahriger-projektunterricht-mit-agilem-framework"]
    assert projects.title == "Ganzj\u00e4hriger Projektunterricht mit agilem Framework"  # Ganzj{\\"a}hriger
    assert projects.authors == ("Ulrich Kiesm\u00fcller", "Petra Kastl", "Ralf Romeike")
    assert (published(projects), projects.journal_ref) == ("2015", "Informatik allgemeinbildend begreifen")

    twitter = entries["analyzing-twitter-data-using-snap"]
    assert twitter.title == "Analyzing Twitter Data using Snap!"
    assert twitter.authors == ("Andreas Grillenberger", "Ralf Romeike")
    assert (published(twitter), twitter.journal_ref) == ("", "")  # Scholar knew no year and no venue

    dagstuhl = entries["dagstuhl-erklarung-bildung-in-der-digitalen-vernetzten-welt"]
    assert dagstuhl.title == "Dagstuhl-Erkl\u00e4rung: Bildung in der digitalen vernetzten Welt"
    # "... and D{\\"o}beli, Beat and others": Scholar's cut-off list, without "others"
    assert len(dagstuhl.authors) == 10 and dagstuhl.authors[-1] == "Beat D\u00f6beli"
    assert dagstuhl.authors[4] == "Johannes Sch\u00f6ning" and published(dagstuhl) == "2016"

    scrambling = entries["scrambling-for-students-our-graduates-are-sexier-than-yours"]
    assert scrambling.authors[2] == "Pedro de Miguel Anasagasti"  # "Anasagasti, Pedro de Miguel"
    assert (len(scrambling.authors), published(scrambling)) == (7, "2008")

    critique = entries["kritische-entgegnung-auf-die-studie-zur-relevanz-informatischer-bildung-in-der"]
    # {\\guillemotleft}Zur Relevanz ... Kompetenzen{\\guillemotright}
    assert critique.title == (
        "Kritische Entgegnung auf die Studie \u00abZur Relevanz informatischer Bildung in der Schule f\u00fcr den "
        "Erwerb computer-bzw. informationsbezogener Kompetenzen\u00bb"
    )
    assert critique.journal_ref == "MedienP\u00e4dagogik: Zeitschrift f\u00fcr Theorie und Praxis der Medienbildung"
    assert published(critique) == "2018"

    novices = entries["investigating-how-novices-use-and-collaborate-with-a-version-control-system-for"]
    # The title's own quotation marks (a stray space before the closing one included) stay as Scholar wrote them.
    assert novices.title == (
        "\u201eInvestigating How Novices Use and Collaborate with a Version Control System for Block-Based "
        "Languages \u201c"
    )


def test_google_scholar_bibtex_key_used_twice_gives_two_papers(site):
    entries = ingested(site, SCHOLAR)
    first = entries["physical-computing-im-informatikunterricht"]
    second = entries["physical-computing-mit-my-interactive-garden"]
    assert (first.title, first.journal_ref) == ("Physical computing im informatikunterricht", "")
    assert second.title == "Physical Computing mit \u201eMy Interactive Garden \u201c"
    assert second.journal_ref == "Department of Computer Science, CAU Kiel"
    assert first.authors == second.authors == ("Mareen Przybylla", "Ralf Romeike")
    assert published(first) == published(second) == "2013"


# -- JSON Lines: the arXiv metadata snapshot (Kaggle, arxiv-metadata-oai-snapshot.json) ------------

SNAPSHOT = "jsonl/arxiv-metadata-oai-snapshot_head.jsonl"
DIPHOTON = "calculation-of-prompt-diphoton-production-cross-sections-at-tevatron-and-lhc"
SPARSITY = "sparsity-certifying-graph-decompositions"


def test_arxiv_snapshot_lines_titles_dois_and_feed_dates(site):
    entries = ingested(site, SNAPSHOT)
    assert len(entries) == 4

    diphoton = entries[DIPHOTON]
    # "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies"
    assert diphoton.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert diphoton.doi == "10.1103/physrevd.76.013009"  # 10.1103/PhysRevD.76.013009, lower-cased
    assert diphoton.date == INGEST_DAY and diphoton.date_from == "ingest"  # update_date is no feed date
    assert diphoton.authors[1:] == ("E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")

    sparsity = entries[SPARSITY]
    assert sparsity.title == "Sparsity-certifying Graph Decompositions"
    assert sparsity.authors == ("Ileana Streinu", "Louis Theran")  # "Ileana Streinu and Louis Theran"
    assert (sparsity.doi, sparsity.date) == ("", INGEST_DAY)

    dyadic = entries["from-dyadic-lambda-alpha-to-lambda-alpha"]
    assert dyadic.title == "From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$"
    assert dyadic.authors == ("Wael Abu-Shammala", "Alberto Torchinsky")

    cubes = entries["partial-cubes-structures-characterizations-and-constructions"]
    assert cubes.authors == ("Sergei Ovchinnikov",)
    assert "and Djokovi\u0107's and Winkler's relations play" in cubes.body  # Djokovi\'{c}'s


def test_arxiv_snapshot_id_is_the_arxiv_id(site):
    entries = ingested(site, SNAPSHOT)
    assert (entries[DIPHOTON].arxiv, entries[SPARSITY].arxiv) == ("0704.0001", "0704.0002")
    assert dict(entries[SPARSITY].links) == arxiv_links("0704.0002")
    assert dict(entries[DIPHOTON].links) == {
        **arxiv_links("0704.0001"),
        "doi": "https://doi.org/10.1103/physrevd.76.013009",
    }


def test_arxiv_snapshot_first_version_is_the_publication_date(site):
    entries = ingested(site, SNAPSHOT)
    # "Mon, 2 Apr 2007 19:18:42 GMT" and "Sat, 31 Mar 2007 02:26:18 GMT"
    assert (published(entries[DIPHOTON]), published(entries[SPARSITY])) == ("2007-04-02", "2007-03-31")


def test_arxiv_snapshot_categories_are_read(site):
    entries = ingested(site, SNAPSHOT)
    assert (entries[DIPHOTON].categories, entries[SPARSITY].categories) == (("hep-ph",), ("math.CO", "cs.CG"))


def test_arxiv_snapshot_tex_accents_in_authors_are_decoded(site):
    diphoton = ingested(site, SNAPSHOT)[DIPHOTON]
    # "C. Bal\\'azs, ..." in the JSON; authors_parsed says "Bal\u00e1zs"
    assert diphoton.authors == ("C. Bal\u00e1zs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")


def test_arxiv_snapshot_journal_ref_is_read(site):
    assert ingested(site, SNAPSHOT)[DIPHOTON].journal_ref == "Phys.Rev.D76:013009,2007"


SNAPSHOT_MORE = "jsonl/embedding-vecsearch_arxiv-metadata-oai-snapshot.jsonl"


def test_arxiv_snapshot_lines_of_a_second_copy_field_by_field(site):
    entries = by_arxiv(ingested(site, SNAPSHOT_MORE))
    assert sorted(entries) == ["0704.0006", "0704.0007", "0704.0008", "0704.0009", "0704.0011"]
    for entry in entries.values():
        assert entry.date == INGEST_DAY and entry.date_from == "ingest"  # update_date is no feed date

    cooper = entries["0704.0006"]
    assert cooper.title == "Bosonic characters of atomic Cooper pairs across resonance"
    assert cooper.authors == ("Y. H. Pong", "C. K. Law")  # "Y. H. Pong and C. K. Law"
    assert (cooper.doi, cooper.journal_ref) == ("10.1103/physreva.75.043613", "")  # 10.1103/PhysRevA.75.043613
    assert published(cooper) == "2007-03-31"  # v1: Sat, 31 Mar 2007 04:24:59 GMT
    assert cooper.categories == ("cond-mat.mes-hall",)
    assert dict(cooper.links) == {**arxiv_links("0704.0006"), "doi": "https://doi.org/10.1103/physreva.75.043613"}
    assert "It is also found that at $(k_F a)^{-1} \\ge 1$, both definitions" in cooper.body

    polymer = entries["0704.0007"]
    assert polymer.title == "Polymer Quantum Mechanics and its Continuum Limit"
    # "Alejandro Corichi, Tatjana Vukasinac and Jose A. Zapata"
    assert polymer.authors == ("Alejandro Corichi", "Tatjana Vukasinac", "Jose A. Zapata")
    assert (polymer.doi, polymer.journal_ref) == ("10.1103/physrevd.76.044016", "Phys.Rev.D76:044016,2007")
    assert (published(polymer), polymer.categories) == ("2007-03-31", ("gr-qc",))

    shock = entries["0704.0008"]
    # "Numerical solution of shock and ramp compression for general material\n  properties"
    assert shock.title == "Numerical solution of shock and ramp compression for general material properties"
    assert shock.authors == ("Damian C. Swift",)
    assert shock.journal_ref == "Journal of Applied Physics, vol 104, 073536 (2008)"
    assert (shock.doi, published(shock)) == ("10.1063/1.2975338", "2007-03-31")
    assert shock.categories == ("cond-mat.mtrl-sci",)

    spitzer = entries["0704.0009"]
    assert spitzer.title == (
        "The Spitzer c2d Survey of Large, Nearby, Insterstellar Clouds. IX. The Serpens YSO Population As Observed "
        "With IRAC and MIPS"
    )
    # "..., Luisa M. Rebull, Nicholas\n  Chapman, Neal J. Evans II, Philip C. Myers"
    assert spitzer.authors == (
        "Paul Harvey",
        "Bruno Merin",
        "Tracy L. Huard",
        "Luisa M. Rebull",
        "Nicholas Chapman",
        "Neal J. Evans II",
        "Philip C. Myers",
    )
    assert (spitzer.doi, spitzer.journal_ref) == ("10.1086/518646", "Astrophys.J.663:1149-1173,2007")
    assert published(spitzer) == "2007-04-02" and spitzer.categories == ("astro-ph",)  # an archive that is a category

    hilbert = entries["0704.0011"]
    assert hilbert.title == (
        "Computing genus 2 Hilbert-Siegel modular forms over $\\Q(\\sqrt{5})$ via the Jacquet-Langlands correspondence"
    )
    assert hilbert.authors == ("Clifton Cunningham", "Lassina Dembele")
    assert (hilbert.doi, hilbert.journal_ref, published(hilbert)) == ("", "", "2007-03-31")
    assert hilbert.categories == ("math.NT", "math.AG") and dict(hilbert.links) == arxiv_links("0704.0011")


# -- JSON Lines harvested from arXiv's OAI-PMH service ----------------------------------------------

OAI = "jsonl/papersearch_arxiv_oai_sample.jsonl"


def test_arxiv_oai_harvest_lines_field_by_field(site):
    entries = by_arxiv(ingested(site, OAI))
    assert len(entries) == 6
    for entry in entries.values():
        assert entry.date == INGEST_DAY and entry.date_from == "ingest"  # the harvest gives no date at all
        assert entry.doi == "" and entry.journal_ref == ""

    report = entries["2408.09743"]
    assert report.title == (
        "R2GenCSR: Mining Contextual and Residual Information for LLMs-based Radiology Report Generation"
    )
    assert report.authors == ("Xiao Wang", "Yuehang Li", "Fuling Wang", "Shiao Wang", "Chuanfu Li", "Bo Jiang")
    assert report.categories == ("cs.CV", "cs.AI", "cs.CL")  # "cs.CV cs.AI cs.CL"
    assert published(report) == "2024-08"  # the month of the id
    # "The source code is available at https://github.com/Event-AHU/Medical_Image_Analysis."
    assert dict(report.links) == {
        **arxiv_links("2408.09743"),
        "code": "https://github.com/Event-AHU/Medical_Image_Analysis",
    }

    megs = entries["2509.07021"]
    assert megs.title == "MEGS$^{2}$: Memory-Efficient Gaussian Splatting via Spherical Gaussians and Unified Pruning"
    assert (len(megs.authors), megs.authors[0], published(megs)) == (8, "Jiarui Chen", "2025-09")
    assert dict(megs.links) == {**arxiv_links("2509.07021"), "project": "https://megs-2.github.io/"}  # "Project page:"

    sampling = entries["2509.23234"]
    assert sampling.authors == ("Runyan Tan", "Shuang Wu", "Phillip Howard")
    # "... available at https://github.com/ryttry/p-less ." (a space before the full stop)
    assert dict(sampling.links) == {**arxiv_links("2509.23234"), "code": "https://github.com/ryttry/p-less"}
    assert "we introduce $p$-less sampling: an information-theoretic approach" in sampling.body

    privacy = entries["2510.17480"]
    assert privacy.authors == (
        "Aur\u00e9lien Bellet",
        "Edwige Cyffers",
        "Davide Frey",
        "Romaric Gaudel",
        "Dimitri Ler\u00e9v\u00e9rend",
        "Fran\u00e7ois Ta\u00efani",
    )
    assert (privacy.categories, published(privacy)) == (("cs.LG",), "2025-10")

    counters = entries["2601.01265"]
    assert counters.categories == ("cs.AR", "cs.OS", "cs.PF") and published(counters) == "2026-01"
    assert "models - expressed as $\u03bc$path Decision Diagrams - for consistency" in counters.body

    graph = entries["2602.02090"]
    # "... Knowledge Graph Construction -- A Case Study on SDGs": `--` read as TeX's en dash
    assert graph.title == (
        "LEC-KG: An LLM-Embedding Collaborative Framework for Domain-Specific Knowledge Graph Construction "
        "\u2013 A Case Study on SDGs"
    )
    assert graph.authors == ("Yikai Zeng", "Yingchao Piao", "Changhua Pei", "Jianhui Li")


def test_arxiv_oai_harvest_id_is_the_arxiv_id(site):
    # {"id": "2408.09743", ..., "categories": "cs.CV cs.AI cs.CL"}: no `versions`, no `submitter`, but arXiv's
    # categories say the record is arXiv's own metadata, and `id` its arXiv id.
    entries = ingested(site, OAI)
    report = entries["r2gencsr-mining-contextual-and-residual-information-for-llms-based-radiology"]
    assert report.arxiv == "2408.09743"
    assert (report.links["arxiv"], report.links["pdf"]) == (
        "https://arxiv.org/abs/2408.09743",
        "https://arxiv.org/pdf/2408.09743",
    )
