"""Themes: finding a theme folder and its static assets.

A theme is `themes/<name>/` with Jinja templates in `templates/` and files
copied as they are from `static/` to the site's `static/`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError


@dataclass(frozen=True)
class Asset:
    """A static file: its path under `static/` and its bytes."""

    name: str
    data: bytes

    @property
    def version(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:10]


# The themes that ship with paperfeed: inside the installed package, or beside it in a source checkout.
_PACKAGE = Path(__file__).resolve().parent.parent
_PACKAGED = _PACKAGE / "_themes"
BUILTIN_THEMES = _PACKAGED if _PACKAGED.is_dir() else _PACKAGE.parent / "themes"


def builtin_theme(name: str) -> Path:
    """A theme that ships with paperfeed."""
    return BUILTIN_THEMES / name


def find_theme(root: Path, name: str) -> Path:
    """The project's `themes/<name>/`, else the built-in theme of that name, else a `BuildError`."""
    for theme_dir in (root / "themes" / name, builtin_theme(name)):
        if (theme_dir / "templates").is_dir():
            return theme_dir
    raise BuildError(f"theme {name!r} not found: no folder themes/{name}/templates/")


def read_assets(theme_dir: Path) -> list[Asset]:
    """Every file under the theme's `static/`, sorted by path."""
    static = theme_dir / "static"
    if not static.is_dir():
        return []
    return [
        Asset(p.relative_to(static).as_posix(), p.read_bytes())
        for p in sorted(static.rglob("*"))
        if p.is_file() and not p.is_symlink()
    ]


def asset_urls(assets: list[Asset], base_path: str) -> dict[str, str]:
    """Name -> URL with a content hash, so browsers refetch an asset exactly when it changes."""
    return {a.name: f"{base_path}static/{a.name}?v={a.version}" for a in assets}
