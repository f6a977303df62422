"""A JSON Schema of `site.yaml`, made from the config's own declarations (`Config`'s fields and their
docs, the tag keys, the source kinds and options), so that editors complete and check the keys.

`paperfeed init` writes it beside site.yaml as `site.schema.json` and points site.yaml at it with
the `# yaml-language-server: $schema=` line that editors (VS Code's YAML extension, Neovim, Helix,
JetBrains) read; `paperfeed schema` prints the schema of the installed paperfeed.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from .config import SORTS, Config
from .ingest.formats import FORMAT_NAMES
from .ingest.sources import KINDS, OPTIONS

SCHEMA_NAME = "site.schema.json"
_TYPES = {bool: "boolean", int: "integer", str: "string"}
_STRINGS: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def config_schema() -> dict[str, Any]:
    """The schema, as JSON-ready data."""
    properties: dict[str, Any] = {}
    for f in fields(Config):
        doc = f.metadata["doc"]
        if f.name == "taxonomy":
            properties[f.name] = {"description": doc, "type": "object", "additionalProperties": _TAG}
        elif f.name == "sources":
            properties[f.name] = {"description": doc, "type": "object", "additionalProperties": _source()}
        elif f.name == "extra":
            properties[f.name] = {"description": doc, "type": "object"}
        else:
            prop: dict[str, Any] = {"description": doc, "type": _TYPES[type(f.default)], "default": f.default}
            if isinstance(f.default, int) and not isinstance(f.default, bool):
                prop["minimum"] = 1
            if f.name == "sort":
                prop["enum"] = list(SORTS)
            if f.name == "base_url":
                prop["pattern"] = "^https?://"
            properties[f.name] = prop
    return {
        "$schema": "https://json-schema.org/draft-07/schema#",
        "title": "paperfeed site.yaml",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }


_TAG: dict[str, Any] = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "description": "How the tag is shown (default: its key)."},
        "description": {"type": "string", "description": "One line about the tag, on its page and feeds."},
        "keywords": {**_STRINGS, "description": "Phrases in a title or abstract that assign the tag."},
        "categories": {**_STRINGS, "description": "arXiv categories (cs.CL) or archives (math) that assign it."},
    },
}


def _source() -> dict[str, Any]:
    options: dict[str, Any] = {name: {"description": text} for name, text in OPTIONS.items()}
    for name in ("cross_lists", "replacements", "required"):
        options[name]["type"] = "boolean"
    options["format"]["enum"] = list(FORMAT_NAMES)
    options["filter"].update(_STRINGS)
    options["max_results"].update({"type": "integer", "minimum": 1, "maximum": 30000})
    options["endpoint"].update({"type": "string", "pattern": "^https?://"})
    kinds: dict[str, Any] = {name: {"description": text} for name, text in KINDS.items()}
    kinds["arxiv"]["oneOf"] = [
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": dict.fromkeys(("categories", "keywords", "authors"), _STRINGS)
            | {"query": {"type": "string"}},
        },
    ]
    kinds["arxiv_feed"].update(_STRINGS)
    kinds["hf_daily"]["type"] = "string"
    kinds["url"].update({"type": "string", "pattern": "^https?://"})
    kinds["path"].update(_STRINGS)
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": kinds | options,
        "oneOf": [{"required": [name]} for name in KINDS],
    }


def schema_text() -> str:
    """The schema as the file `init` writes."""
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
