"""The site model: pure data, no file system, no Jinja (records, site, pagination, related papers, text, citations)."""
