"""Rendering: model -> text (the Jinja environment and its filters, Markdown, math, feeds, themes)."""
