"""Every source format on its realistic fixture: records in, fields kept, problems named."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import FIXTURES, TODAY

from generator.errors import SourceError
from generator.ingest import arxiv_rss
from generator.ingest.registry import ParseOptions, detect_format, read_source

OPTIONS = ParseOptions(today=TODAY)


def read(relative: str, **options):
    path = FIXTURES / relative
    return read_source(path, path.name, ParseOptions(today=TODAY, source_name=path.name, **options))


@pytest.mark.parametrize(
    "relative, format",
    [
        ("hf_page/001_57bc9e7ee142a0d4.txt", "hf-page"),
        ("hf_json/daily_papers.json", "hf-json"),
        ("arxiv_atom/query.xml", "arxiv-atom"),
        ("arxiv_atom/error.xml", "arxiv-atom"),
        ("arxiv_rss/cs.LG.rss", "arxiv-rss"),
        ("arxiv_rss/cs.LG.atom", "arxiv-rss"),
        ("bibtex/refs.bib", "bibtex"),
        ("bibtex/broken.bib", "bibtex"),
        ("tabular/papers.jsonl", "jsonl"),
        ("tabular/papers.csv", "csv"),
    ],
)
def test_format_is_detected_from_content(relative, format):
    assert format == detect_format((FIXTURES / relative).read_text(encoding="utf-8"), relative).NAME


def test_hf_json_keeps_authors_upvotes_links_and_arxiv_id():
    result = read("hf_json/daily_papers.json")
    assert [p.title for p in result.papers] == [
        "CacheGen: Fast Context Loading for Language Model Applications",
        "PixArt-$α$: Fast Training of Diffusion Transformer for Photorealistic Text-to-Image Synthesis",
        "A Paper With Only the Required Fields",
    ]
    cachegen, pixart, minimal = result.papers
    assert cachegen.arxiv == "2310.07240" and cachegen.upvotes == 14
    assert cachegen.authors == ("Yuhan Liu", "Hanchen Li", "Junchen Jiang")
    assert cachegen.links["code"] == "https://github.com/UChi-JCL/CacheGen"
    assert cachegen.links["arxiv"] == "https://arxiv.org/abs/2310.07240"
    assert cachegen.date == dt.date(2024, 3, 11) and cachegen.published == dt.date(2023, 10, 11)
    assert "KV cache" in cachegen.keywords
    assert "\n" not in cachegen.abstract
    assert pixart.authors[2] == "Zoë Ñúñez-Ødegård"
    assert "$\\mathcal{O}(10\\%)$" in pixart.abstract
    assert pixart.links["project"] == "https://pixart-alpha.github.io/"
    assert minimal.authors == () and minimal.upvotes is None and minimal.date == TODAY
    [withdrawn] = result.problems
    assert str(withdrawn) == "daily_papers.json:46: 'A Withdrawn Paper' was withdrawn on 2024-03-05; skipped"


def test_arxiv_api_atom_fields():
    result = read("arxiv_atom/query.xml")
    cachegen, lora = result.papers
    assert cachegen.title == "CacheGen: Fast Context Loading for Language Model Applications"
    assert cachegen.arxiv == "2310.07240" and cachegen.date == dt.date(2023, 10, 11)
    assert cachegen.abstract.startswith(
        "As large language models (LLMs) take on more complex tasks, their inputs incorporate"
    )
    assert cachegen.categories == ("cs.NI", "cs.LG") and cachegen.comment == "SIGCOMM 2024"
    assert cachegen.links["pdf"] == "https://arxiv.org/pdf/2310.07240"
    assert lora.doi == "10.48550/arxiv.2106.09685" and lora.journal_ref == "ICLR 2022"  # DOIs ignore case
    assert lora.links["doi"] == "https://doi.org/10.48550/arxiv.2106.09685"
    assert lora.links["code"] == "https://github.com/microsoft/LoRA"
    assert "$10{,}000\\times$" in lora.abstract
    assert [p.line for p in result.papers] == [10, 37]


def test_arxiv_api_error_response_is_an_error():
    with pytest.raises(SourceError) as err:
        read("arxiv_atom/error.xml")
    assert str(err.value) == "error.xml:8: arXiv API error: incorrect id format for 1234.12345"


@pytest.mark.parametrize("name", ["cs.LG.rss", "cs.LG.atom"])
def test_arxiv_announcement_feeds(name):
    papers = read(f"arxiv_rss/{name}").papers
    first = papers[0]
    assert first.title == "Sparse Speculative Decoding with Draft Trees"
    assert first.abstract.startswith("Speculative decoding accelerates")  # prefix stripped
    assert first.arxiv == "2403.07001" and first.date == dt.date(2024, 3, 13)
    assert first.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")
    assert first.categories == ("cs.LG", "cs.CL") and not first.update_only


def test_arxiv_rss_announce_types_and_skip_options():
    papers = read("arxiv_rss/cs.LG.rss").papers
    assert [(p.arxiv, p.update_only) for p in papers] == [
        ("2403.07001", False),
        ("2403.07002", False),
        ("2310.07240", True),
        ("2001.00001", True),
    ]
    assert papers[1].authors == ("José García", "Björn Öberg")
    assert [p.arxiv for p in read("arxiv_rss/cs.LG.rss", skip_cross=True).papers] == ["2403.07001", "2310.07240"]
    assert [p.arxiv for p in read("arxiv_rss/cs.LG.rss", skip_replace=True).papers] == ["2403.07001", "2403.07002"]


def test_arxiv_announcement_of_a_published_paper_keeps_its_doi_and_journal_reference():
    # The elements rss.arxiv.org adds to an item (RSS 2.0 and Atom) of a paper already in a journal.
    feed = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://www.w3.org/2005/Atom">
  <id>http://rss.arxiv.org/atom/math.OC</id>
  <title>math.OC updates on arXiv.org</title>
  <entry>
    <id>oai:arXiv.org:2203.01250v3</id>
    <title>Mass concentration in rescaled first order optimal transport</title>
    <link href="https://arxiv.org/abs/2203.01250" rel="alternate" type="text/html"/>
    <summary>arXiv:2203.01250v3 Announce Type: replace-cross
Abstract: We study the mass concentration.</summary>
    <published>2024-08-23T00:00:00-04:00</published>
    <arxiv:announce_type>replace-cross</arxiv:announce_type>
    <arxiv:journal_reference>J. \\'Ec. polytech. Math. 11 (2024)</arxiv:journal_reference>
    <arxiv:DOI>10.5802/JEP.257</arxiv:DOI>
    <dc:creator>Antonin Monteil, Paul Pegon</dc:creator>
  </entry>
</feed>
"""
    [paper] = arxiv_rss.parse(feed, "math.OC.atom", OPTIONS).papers
    assert paper.doi == "10.5802/jep.257" and paper.links["doi"] == "https://doi.org/10.5802/jep.257"
    assert paper.journal_ref == "J. \u00c9c. polytech. Math. 11 (2024)"  # TeX accents decoded


def test_bibtex_fields():
    result = read("bibtex/refs.bib")
    assert result.problems == []
    cachegen, pixart, attention = result.papers
    assert cachegen.title == "CacheGen: Fast Context Loading for Language Model Applications"
    assert cachegen.arxiv == "2310.07240" and cachegen.keywords == ("kv-cache", "systems") and cachegen.tags == ()
    assert cachegen.authors == ("Yuhan Liu", "Hanchen Li", "Junchen Jiang")
    assert pixart.title == (
        "PixArt-$\\alpha$: Fast Training of Diffusion Transformer for Photorealistic Text-to-Image Synthesis"
    )
    assert pixart.authors == ("Junsong Chen", "Jincheng Yu", "Jörg Müller")
    assert pixart.arxiv == "2310.00426"  # from the arXiv DOI
    assert pixart.keywords == ("diffusion", "text-to-image") and "$\\mathcal{O}(10\\%)$" in pixart.abstract
    assert attention.links == {"project": "https://papers.nips.cc/paper/7181-attention-is-all-you-need"}
    assert attention.journal_ref == "Advances in Neural Information Processing Systems"
    assert [p.line for p in result.papers] == [4, 15, 28]


def test_bibtex_unbalanced_braces_skip_one_entry_and_keep_the_rest():
    result = read("bibtex/broken.bib")
    assert [p.title for p in result.papers] == ["A Good Entry Before", "A Good Entry After"]
    [problem] = result.problems
    assert str(problem).startswith("broken.bib:7: invalid BibTeX entry:")


def test_json_lines_records_and_a_broken_line():
    result = read("tabular/papers.jsonl")
    assert [p.title for p in result.papers] == [
        "Sparse Speculative Decoding with Draft Trees",
        "Grüße aus Zürich: Ünicode Titles",
        "Minimal Record",
    ]
    first, second, _ = result.papers
    assert first.arxiv == "2403.07001" and first.date == dt.date(2024, 3, 14)
    assert second.authors == ("Jörg Müller", "Zoë Li") and second.tags == ("unicode", "speech")
    assert second.links == {"code": "https://github.com/example/gruesse"}
    assert [str(p) for p in result.problems] == ["papers.jsonl:3:38: invalid JSON: Expecting value"]


def test_csv_records_with_multi_line_cells():
    result = read("tabular/papers.csv")
    lora, plain = result.papers
    assert lora.abstract == (
        "We propose LoRA, which freezes the pre-trained weights. It reduces trainable parameters by $10{,}000\\times$."
    )
    assert lora.authors == ("Edward J. Hu", "Yelong Shen") and lora.tags == ("fine-tuning", "llm")
    assert lora.arxiv == "2106.09685" and lora.links["code"] == "https://github.com/microsoft/LoRA"
    assert plain.title == "A CSV Paper, With a Comma" and plain.date == TODAY
    assert [p.line for p in result.papers] == [2, 4]


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("t.json", '[{"paper": {"title": "A", "summary": "B"}}, {"paper": ', "t.json:1:"),
        (
            "t.xml",
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>http://arxiv.org/api/x</id><entry><title>A</entry></feed>',
            "t.xml:1:",
        ),
        ("t.rss", "<rss><channel><item><guid>oai:arXiv.org:2403.1v1</guid><title>x</item></channel></rss>", "t.rss:1:"),
        ("t.csv", 'title,abstract\nGood,Row\n"unterminated,x\n', "t.csv:3: invalid CSV"),
        ("t.bib", "@article{a, title={Unbalanced, year=2020}\n", "t.bib:1: invalid BibTeX entry"),
    ],
)
def test_malformed_inputs_give_one_line_errors_with_positions(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    try:
        result = read_source(path, name, OPTIONS)
    except SourceError as exc:
        assert str(exc).startswith(message)
        return
    assert result.problems, "a malformed source must not pass silently"
    assert str(result.problems[0]).startswith(message)


def test_wrong_encodings_are_decoded(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("title,abstract\nCaf\xe9 Papers,R\xe9sum\xe9 of results.\n".encode("cp1252"))
    [paper] = read_source(path, "latin1.csv", OPTIONS).papers
    assert paper.title == "Café Papers" and paper.abstract == "Résumé of results."
    path = tmp_path / "utf16.jsonl"
    path.write_bytes('{"title": "Ünïcode", "abstract": "x"}\n'.encode("utf-16"))
    assert read_source(path, "utf16.jsonl", OPTIONS).papers[0].title == "Ünïcode"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.jsonl", '{"title": "A", "url": "https://doi.org/10.3847%2F1538-3881%2Faa9e09"}\n'),
        ("a.bib", "@article{a, title = {A}, url = {https://doi.org/10.3847%2F1538-3881%2Faa9e09}}\n"),
    ],
)
def test_a_url_that_is_a_doi_gives_the_doi_and_no_second_link(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    (paper,) = read_source(tmp_path / name, name, ParseOptions(today=TODAY)).papers
    assert paper.doi == "10.3847/1538-3881/aa9e09"
    assert dict(paper.links) == {"doi": "https://doi.org/10.3847/1538-3881/aa9e09"}
