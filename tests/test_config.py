"""site.yaml: defaults, validation, and that README documents every key."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields

import pytest
from conftest import REPO

from generator.config import YAML_STORE, Config, load_config, parse_config, read_yaml, remembered_yaml, with_overrides
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


# remembered_yaml: site.yaml's data kept in the build cache, so that an unchanged file never loads PyYAML.

YAML_TEXTS = [
    (REPO / "site.yaml").read_text(encoding="utf-8"),
    "title: T\nwhen: 2024-05-01\nlist: [1, 2.5, true, null, 'x']\nnested: {a: {b: [c]}}\n",
    "",
    "# only a comment\n",
    "- a list, not a mapping\n",
]


@pytest.mark.parametrize("text", YAML_TEXTS, ids=["demo", "types", "empty", "comment", "list"])
def test_remembered_yaml_gives_what_yaml_gives(tmp_path, text):
    store = tmp_path / "store.pickle"
    first = remembered_yaml(text, "site.yaml", store)  # parsed, then kept
    assert store.is_file()
    again = remembered_yaml(text, "site.yaml", store)  # read back
    assert first == again == read_yaml(text)
    assert type(again) is type(read_yaml(text))


def test_remembered_yaml_does_not_trust_another_text_or_a_damaged_store(tmp_path):
    store = tmp_path / "store.pickle"
    remembered_yaml("title: old\n", "site.yaml", store)
    assert remembered_yaml("title: new\n", "site.yaml", store) == {"title": "new"}
    assert remembered_yaml("title: old\n", "site.yaml", store) == {"title": "old"}
    for damage in (b"", b"not a pickle", store.read_bytes()[:-3]):
        store.write_bytes(damage)
        assert remembered_yaml("title: again\n", "site.yaml", store) == {"title": "again"}
    with pytest.raises(ConfigError, match="invalid YAML"):
        remembered_yaml("title: [unclosed\n", "site.yaml", store)
    assert remembered_yaml("title: again\n", "site.yaml", store) == {"title": "again"}


def test_remembered_yaml_keeps_nothing_outside_a_cache_folder(tmp_path):
    assert remembered_yaml("title: T\n", "site.yaml", tmp_path / "missing" / "store.pickle") == {"title": "T"}
    assert not (tmp_path / "missing").exists()


def test_a_site_whose_yaml_is_kept_loads_without_pyyaml(tmp_path):
    (tmp_path / "site.yaml").write_text((REPO / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / YAML_STORE).parent.mkdir()
    expected = load_config(tmp_path)  # parses, and keeps the data
    probe = (
        "import sys; from pathlib import Path; from generator.config import load_config; "
        f"config = load_config(Path({str(tmp_path)!r})); "
        "print('yaml' in sys.modules, repr(config) == sys.argv[1])"
    )
    result = subprocess.run([sys.executable, "-c", probe, repr(expected)], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
    # An edit of site.yaml is read, not the kept data.
    (tmp_path / "site.yaml").write_text("title: Edited\n", encoding="utf-8")
    assert load_config(tmp_path).title == "Edited"


def test_remembered_yaml_of_data_too_deep_to_keep_is_parsed_each_time(tmp_path):
    store = tmp_path / "store.pickle"
    text = "x: " + "[" * 900 + "]" * 900 + "\n"  # YAML takes it; pickling it may exceed the recursion limit
    assert remembered_yaml(text, "site.yaml", store) == read_yaml(text)
    assert [p.name for p in tmp_path.iterdir()] in ([], ["store.pickle"])  # no staged file left behind
