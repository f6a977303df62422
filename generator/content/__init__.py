"""Entries: the Markdown files with YAML front matter in content/ (read, written, checked, retagged)."""
