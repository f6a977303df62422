"""The names of the source formats, for the command line without importing every parser.

`ingest.PARSERS` holds the parsers themselves, in detection order; a test keeps the two in step.
"""

FORMAT_NAMES = ("hf-page", "hf-json", "arxiv-atom", "arxiv-rss", "bibtex", "jsonl", "csv")
