"""The JSON Schema of site.yaml: made from the config's declarations, and it agrees with the config reader."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import REPO

from generator.cli import main
from generator.config import parse_config
from generator.errors import ConfigError
from generator.schema import config_schema

VALIDATOR = jsonschema.Draft7Validator(config_schema())


def errors(text: str) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(text) or {})]


def test_the_schema_is_valid_json_schema():
    jsonschema.Draft7Validator.check_schema(config_schema())


def test_init_writes_the_schema_and_points_site_yaml_at_it(tmp_path, capsys):
    assert main(["-q", "init", str(tmp_path / "s")]) == 0
    text = (tmp_path / "s/site.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=site.schema.json\n")
    assert json.loads((tmp_path / "s/site.schema.json").read_text()) == config_schema()
    assert errors(text) == []
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == config_schema()


@pytest.mark.parametrize("path", ["site.yaml", "tests/fixtures/sample_site/site.yaml"])
def test_real_site_yaml_files_pass(path):
    assert errors((REPO / path).read_text()) == []


@pytest.mark.parametrize(
    "text",
    [
        "titel: x\n",
        "per_page: 0\n",
        "sort: upvotes\n",
        "base_url: example.org\n",
        "bib_files: yes please\n",
        "taxonomy:\n  llm: {name: LLMs, keyword: [x]}\n",
        "sources:\n  a: {url: 'https://a.org/', path: x}\n",
        "sources:\n  a: {arxv: cs.LG}\n",
        "sources:\n  a: {url: 'https://a.org/', format: word}\n",
        "extra: 5\n",
    ],
)
def test_what_the_config_reader_refuses_the_schema_refuses(text):
    with pytest.raises(ConfigError):
        parse_config(text)
    assert errors(text), text


@pytest.mark.parametrize(
    "text",
    [
        "title: x\nextra:\n  logo: a.svg\n  links: [{name: a}]\n",
        "sources:\n  a: {arxiv: {categories: [cs.LG], keywords: [x]}, max_results: 300, required: false}\n",
        "sources:\n  b: {arxiv_feed: [cs.CL], cross_lists: false}\n  c: {hf_daily: latest}\n  d: {path: [a.bib]}\n",
    ],
)
def test_what_the_config_reader_takes_the_schema_takes(text):
    parse_config(text)
    assert errors(text) == []
