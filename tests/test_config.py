"""site.yaml: defaults, validation, and that README documents every key."""

from __future__ import annotations

from dataclasses import fields

import pytest
from conftest import REPO

from generator.config import Config, load_config, parse_config, with_overrides
from generator.errors import ConfigError


def test_defaults_when_there_is_no_site_yaml(tmp_path):
    assert load_config(tmp_path) == Config()


def test_base_path_and_origin():
    config = parse_config("base_url: https://example.org/reading-group\n")
    assert config.base_path == "/reading-group/"
    assert config.origin == "https://example.org"


def test_taxonomy_is_parsed_with_slugs_as_identity():
    config = parse_config("taxonomy:\n  KV Cache:\n    description: d\n    keywords: [KV cache]\n")
    spec = config.taxonomy["kv-cache"]
    assert (spec.name, spec.description, spec.keywords) == ("KV Cache", "d", ("KV cache",))


def test_taxonomy_problems_are_reported_with_hints():
    with pytest.raises(ConfigError) as err:
        parse_config("taxonomy:\n  llm:\n    keyword: [x]\n  '!!!': {}\n")
    text = str(err.value)
    assert "unknown key 'keyword' in tag 'llm'" in text and "did you mean 'keywords'?" in text
    assert "tag '!!!' has no letters or digits" in text


def test_overrides_are_validated():
    with pytest.raises(ConfigError):
        with_overrides(Config(), base_url="not a url")
    assert with_overrides(Config(), base_url="https://x.org/a/", output_dir=None).base_path == "/a/"


def test_readme_documents_every_key():
    readme = (REPO / "README.md").read_text()
    for f in fields(Config):
        assert f"| `{f.name}` |" in readme, f.name
        assert f.metadata["doc"] in readme, f.name


def test_shipped_site_yaml_is_valid():
    assert len(load_config(REPO).taxonomy) >= 30
