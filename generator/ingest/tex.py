"""TeX in metadata: accents and braces resolved to text outside `$...$`, math kept as written."""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text

from ..model.records import clean_text

_MATH = re.compile(r"(\$[^$]*\$)")
_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def detex(text: str) -> str:
    """`{PixArt}-$\\alpha$ by M{\\"u}ller` -> `PixArt-$\\alpha$ by Müller`."""
    parts = []
    for i, part in enumerate(_MATH.split(text)):
        if i % 2:
            parts.append(part)
        elif "\\" in part:
            try:
                parts.append(_LATEX.latex_to_text(part))
            except Exception:  # noqa: BLE001 - pylatexenc raises assorted errors on odd input
                parts.append(part.replace("{", "").replace("}", ""))
        else:
            parts.append(part.replace("{", "").replace("}", ""))
    return clean_text("".join(parts))
