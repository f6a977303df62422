"""The build pipeline, as a table of contents: check, plan, then read, model, render and write.

Nothing reaches the output folder until every page and feed has rendered,
and the cache records a site only together with the site itself: a build
marks the site "building" before it changes anything, and only the files
all moved into the output folder plus the cache's write mark it complete
again. Before all that, the output folder is checked: a build replaces all
it holds, so it must be an earlier site (with the marker, or recorded by the
cache) or empty.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import lazy
from ..config import Config
from ..errors import BuildError
from ..model.visibility import Visibility
from ..render.theme import Theme, find_theme
from .cache import CACHE_DIR, BuildCache, CacheError, last_site_record
from .incremental import Plan, Step, file_stamps, folder_stamp, plan
from .output import MARKER, mark_site, may_replace
from .report import BuildReport


def build(
    root: Path,
    config: Config,
    *,
    strict: bool = False,
    search: bool = True,
    jobs: int | None = None,
    clean: bool = False,
    drafts: bool = False,
    future: bool = False,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    pages_ready: Callable[[], None] | None = None,
    site_check: Callable[[], bool] | None = None,
) -> BuildReport:
    """Build the site of the project at `root` into its output folder.

    Pages and feeds render over `jobs` processes (default: all cores). With
    `search`, Pagefind indexes the new site before it replaces the old one.
    What is unchanged since the last build comes from the build cache; when
    nothing changed at all, the build stops at once. `clean` ignores and
    rewrites the cache. Entries marked `draft: true` join only with `drafts`,
    and entries dated after `today` (default: the local date) only with `future`.
    `progress` is told, in words, each phase as it starts. With `pages_ready`, a full build with
    search moves its pages in before Pagefind runs, and calls it then (`serve` reloads open pages).
    `site_check` is the check of the site folder when `incremental.early_site_check` began it (the
    caller, which began it, answers it in the end, whatever happened, so that its child is reaped).
    """
    started = time.perf_counter()
    output = root / config.output_dir
    theme = find_theme(root, config.theme)
    visibility = Visibility(today or dt.date.today(), drafts=drafts, future=future)
    notes: list[str] = []
    steps = _Steps(root, config, theme, strict, search, jobs, visibility, progress, pages_ready, site_check)
    try:
        check_output_dir(output, root, [root / config.content_dir, root / "themes", *theme.folders, root / CACHE_DIR])
        if output.is_dir() and not output.is_symlink():
            # A marker deleted by hand is put back before anything else: a clean build forgets the cache's
            # record of the site, and if killed then, the next build would refuse the folder. (A folder made
            # by this build is marked as it is made: `output.commit`.)
            mark_site(output)
        try:
            with BuildCache(root, fresh=clean) as cache:
                notes += cache.notes
                report = steps.run(cache, clean=clean)
        except CacheError as exc:  # damaged while in use: what it held cannot be trusted, the site can be made again
            notes.append(f"note: discarded a damaged build cache ({exc}); it is made again")
            with BuildCache(root, fresh=True) as cache:
                report = steps.run(cache, clean=True)
    except OSError as exc:  # a full disk, a folder that cannot be written: the previous site stays
        where = f": {exc.filename}" if exc.filename else ""
        raise BuildError(f"cannot build: {exc.strerror or exc}{where}") from exc
    report.notes = notes + report.notes
    report.seconds = time.perf_counter() - started
    return report


class _Steps:
    """One build's settings, and the table of contents of its steps."""

    def __init__(
        self,
        root: Path,
        config: Config,
        theme: Theme,
        strict: bool,
        search: bool,
        jobs: int | None,
        visibility: Visibility,
        progress: Callable[[str], None] | None,
        pages_ready: Callable[[], None] | None = None,
        site_check: Callable[[], bool] | None = None,
    ) -> None:
        self.root, self.config, self.theme, self.pages_ready = root, config, theme, pages_ready
        self.site_check = site_check
        self.strict, self.search, self.jobs, self.visibility = strict, search, jobs, visibility
        self.progress = progress or (lambda message: None)

    def run(self, cache: BuildCache, *, clean: bool) -> BuildReport:
        decided = self.plan(cache, clean=clean)
        if decided.step is Step.UP_TO_DATE:
            return BuildReport(up_to_date=True)
        notes = []
        if self.search and not lazy.build_search().pagefind_installed():
            # The site still builds: search is the one part that needs the binary (older macOS has no wheel).
            self.search = False
            notes.append(
                "warning: built without search: the Pagefind binary is missing; install it with "
                "`pip install 'pagefind[bin]'` (or pass --no-search to say you mean it)"
            )
            decided = self.plan(cache, clean=clean)
            if decided.step is Step.UP_TO_DATE:
                return BuildReport(up_to_date=True, notes=notes)
        report = self._run(cache, decided)
        report.notes = notes + report.notes
        return report

    def _run(self, cache: BuildCache, decided: Plan) -> BuildReport:
        cache.mark_building()
        with _collector_paused():
            if decided.step is Step.PATCH:
                patched = self.patch(cache, decided)
                if patched is not None:
                    return patched
            return self.full(cache, decided)

    def plan(self, cache: BuildCache, *, clean: bool) -> Plan:
        return plan(
            cache,
            inputs=[self.root / self.config.content_dir / "papers"],
            theme=self.theme.folders,
            # The build's day is among them (without --future): an entry joins the site on its date.
            settings=f"{self.config!r}\0{self.strict}\0{self.search}\0{self.visibility.key}",
            output=self.root / self.config.output_dir,
            clean=clean,
            search=self.search,
            started=self.site_check,
        )

    def patch(self, cache: BuildCache, decided: Plan) -> BuildReport | None:
        """The site patched for a few edited entries, or None when that cannot be done."""
        patch = lazy.build_patch()
        patched = patch.try_patch(
            self.root,
            self.config,
            self.theme,
            cache,
            decided,
            strict=self.strict,
            visibility=self.visibility,
            search=self.search,
            pages_ready=self.pages_ready,
        )
        if patched is None:
            return None
        # A patch that wrote nothing (entries touched, not changed) left the site as it was.
        return BuildReport(
            papers=patched.papers,
            patched=patched.written or None,
            up_to_date=not patched.written,
            search_seconds=patched.search_seconds,
        )

    def full(self, cache: BuildCache, decided: Plan) -> BuildReport:
        full = lazy.build_full()
        return full.FullBuild(
            self.root,
            self.config,
            self.theme,
            self.strict,
            self.search,
            self.jobs,
            self.visibility,
            self.progress,
            self.pages_ready,
        ).run(cache, decided)


def check_output_dir(output: Path, root: Path, protected: list[Path]) -> None:
    """Refuse an output folder that a build must not replace, with one line saying why.

    That is the project or a folder holding it, the home folder, one that
    overlaps a `protected` folder, a file, or a folder that holds files no
    paperfeed build wrote: one that is not empty, has no marker file and is
    not the site the build cache recorded (how sites built before the marker
    are known). Nothing is written or deleted here.
    """
    out, project = output.resolve(), root.resolve()
    shown = _shown(output, root)
    if out == project or out in project.parents:
        raise BuildError(f"output folder {shown} would replace the project itself; choose another output_dir")
    if out == Path(os.path.expanduser("~")).resolve():
        raise BuildError(f"output folder {shown} is the home folder; choose another output_dir")
    for folder in protected:
        folder = folder.resolve()
        if out == folder or out in folder.parents or folder in out.parents:
            raise BuildError(f"output folder {shown} overlaps {_shown(folder, root)}; choose another output_dir")
    if not os.path.lexists(output):
        return
    if not output.is_dir():
        raise BuildError(f"output folder {shown} is a file, not a folder; choose another output_dir")
    if not may_replace(output) and not _recorded_site(root, output):
        raise BuildError(
            f"output folder {shown} is not empty and was not written by paperfeed (it has no {MARKER} file): "
            "a build would delete what it holds; empty or delete it, or choose another output_dir"
        )


def _shown(path: Path, root: Path) -> str:
    """`path` as the user knows it: relative to the project when inside it."""
    for base in (root, root.resolve()):
        try:
            relative = path.relative_to(base)
        except ValueError:
            continue
        return relative.as_posix() if relative.parts else str(root.resolve())
    return str(path)


def _recorded_site(root: Path, output: Path) -> bool:
    """Whether the build cache records `output` as the site of its last build, with a file of it unchanged.

    The folder's stamp alone could match a new folder that reuses a deleted
    one's inode; one file with its recorded size, times and inode cannot.
    """
    record = last_site_record(root)
    if not record.get("folder") or record["folder"] != folder_stamp(output):
        return False
    paths, stamps = record.get("paths", "").split("\n"), record.get("files", "").split("\n")
    return any(stamp and file_stamps(output, [path]) == [stamp] for path, stamp in zip(paths, stamps))


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A build makes millions of objects and few cycles: collecting as it goes costs
    # seconds at 10,000 papers, and the model is dropped as a whole at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
