"""Ingest: raw sources -> `Paper` records -> entries in content/.

`registry` detects a source's format and dispatches to one parser module
per format; `pipeline` finds sources, parses, merges (`merge`) with what
content/ holds and writes entries; `fetch` reads http(s) sources.
"""
