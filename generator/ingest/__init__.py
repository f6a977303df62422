"""Ingest: raw sources -> `Paper` records -> entries in content/.

`registry` detects a source's format and dispatches to one parser module
per format; `record` reads each record's fields by type and makes every
string writable; `pipeline` finds sources, parses, merges (`merge`) with
what content/ holds and writes entries; `fetch` reads http(s) sources.
"""
