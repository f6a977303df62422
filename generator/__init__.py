"""paperfeed: a static site generator for paper feeds."""

__version__ = "0.1.0"
