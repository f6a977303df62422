"""Themes: finding a theme's folders and its static assets.

A theme is a folder with Jinja templates in `templates/` and files copied as
they are from `static/` to the site's `static/`. Themes stack: a project's
`themes/<name>/` holds only the templates, partials and static files it
changes, and everything else comes from the built-in theme of that name and
then from the built-in default theme. A project's own `static/` folder goes
on top of them all (a logo, extra CSS). A template reaches the built-in
default's version of itself as `default/<name>` (`{% extends
"default/paper.html" %}`), so an override may change one block only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
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


@dataclass(frozen=True)
class Theme:
    """A theme's folders, first the one that wins: `layers` (theme folders) and `static` (asset folders)."""

    name: str
    layers: tuple[Path, ...]
    static: tuple[Path, ...]

    @property
    def templates(self) -> tuple[Path, ...]:
        """The template folders, searched in order."""
        return tuple(layer / "templates" for layer in self.layers if (layer / "templates").is_dir())

    @property
    def base_templates(self) -> Path:
        """The built-in default theme's templates, reachable as `default/<name>`."""
        return builtin_theme("default") / "templates"

    @property
    def folders(self) -> list[Path]:
        """Every folder the theme is read from: what a build's theme stamp covers."""
        return [*self.layers, *self.static]


def find_theme(root: Path, name: str) -> Theme:
    """The project's `themes/<name>/` over the built-in theme of that name, over the built-in default;
    a `BuildError` when neither the project nor paperfeed has a theme of that name."""
    own, builtin, base = root / "themes" / name, builtin_theme(name), builtin_theme("default")
    layers = [folder for folder in dict.fromkeys((own, builtin, base)) if folder.is_dir()]
    if not own.is_dir() and not builtin.is_dir():
        raise BuildError(f"theme {name!r} not found: no folder themes/{name}/")
    static = [root / "static", *(layer / "static" for layer in layers)]
    return Theme(name, tuple(layers), tuple(folder for folder in static if folder.is_dir()))


def read_assets(theme: Theme) -> list[Asset]:
    """Every static file of the theme's folders, the first folder's winning, sorted by path."""
    found: dict[str, Path] = {}
    for folder in reversed(theme.static):
        found.update(_files(folder))
    return [Asset(name, found[name].read_bytes()) for name in sorted(found)]


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(folder).as_posix(), path


def asset_urls(assets: list[Asset], base_path: str) -> dict[str, str]:
    """Name -> URL with a content hash, so browsers refetch an asset exactly when it changes."""
    return {a.name: f"{base_path}static/{a.name}?v={a.version}" for a in assets}
