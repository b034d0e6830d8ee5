"""Every change the library makes to its site, recorded in ``library.json`` before it is made.

The site is changed one guide at a time, each change a commit:

* a guide new to the site: its folder is reserved (``pending``, saved) before
  it is built, then :meth:`SiteJournal.commit_guide` records it and writes
  the index and feed;
* a guide rebuilt: the build replaces its folder as a whole
  (:mod:`audioguide.pipeline.output_folder`), then it is committed the same way;
* a guide leaving: it is taken out of the index and feed, then out of the
  state (into ``removing``, saved), and only then are its files deleted (only
  those audioguide made: :func:`~audioguide.pipeline.output_folder.remove_guide`).

A run killed at any point leaves a state that names every folder the library
made (built, reserved or being removed), an index and a feed that list only
complete guides the state records, and no half-written file; the next run finishes what was
started (:meth:`SiteJournal.recover`) and ends as a run never interrupted
would. Tests kill the library at each named step (``checkpoint``).

:meth:`SiteJournal.commit_guide` takes a guide already complete in
``site/<slug>/``, whoever built it, so a guide built elsewhere (another
machine) and unpacked there is committed the same way.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from audioguide.errors import AudioguideError
from audioguide.library.state import GuideRecord, LibraryState, write_state
from audioguide.model.manifest import MANIFEST_NAME, Manifest, heard_hash, load_manifest
from audioguide.pipeline.output_folder import checkpoint, remove_guide

logger = logging.getLogger(__name__)


def content_hash(manifest: Manifest) -> str:
    """What a guide says: what is heard in each track (``heard_hash``: not the tags, whose comment
    names the source file, so a renamed source keeps its date)."""
    return hashlib.sha256("|".join(heard_hash(t) for t in manifest.tracks).encode()).hexdigest()


def _legacy_content_hash(manifest: Manifest) -> str:
    """The same, as states recorded it before (the tracks' hashes, tags included)."""
    return hashlib.sha256("|".join(t.hash for t in manifest.tracks).encode()).hexdigest()


class SiteJournal:
    """The site's state, and the only way the library changes the site's guides.

    ``pages(state)`` writes the site's index and feed from the state; it is
    called after each commit, before any guide's files are deleted.
    """

    def __init__(self, site: Path, state: LibraryState, pages: Callable[[LibraryState], None]) -> None:
        self.site = site
        self.state = state
        self.pages = pages

    def save(self) -> None:
        write_state(self.site, self.state)

    # ------------------------------------------------------------------ recovery

    def recover(self) -> list[str]:
        """Finish the removals a killed run left; returns their slugs."""
        done = list(self.state.removing)
        self._finish_removals()
        return done

    # ------------------------------------------------------------------ a guide

    def reserve(self, source: str, slug: str) -> None:
        """Hold ``site/<slug>`` for ``source`` before its first build, so a killed run finds it again."""
        if self.state.pending.get(source) == slug:
            return
        old = self.state.pending.get(source)
        self.state.pending[source] = slug
        if old is not None and old != slug and self.state.holder(old) is None:
            self.state.removing.append(old)  # a reservation given up: what was built there goes
        self.save()
        checkpoint("library-reserved")
        self._finish_removals()

    def release(self, source: str) -> None:
        """A reservation whose build failed: dropped, unless a complete guide is already in its folder."""
        slug = self.state.pending.get(source)
        if slug is None or (self.site / slug / MANIFEST_NAME).is_file():
            return
        del self.state.pending[source]
        self.save()

    def adopt(self, old_source: str, new_source: str) -> None:
        """``new_source`` is ``old_source``'s guide under another name: it keeps the record (and the slug)."""
        self.state.guides[new_source] = self.state.guides.pop(old_source)

    def commit_guide(self, source: str, slug: str, now: float, *, touched: bool = True) -> GuideRecord:
        """Make the complete guide in ``site/<slug>/`` the site's guide of ``source``.

        Its record (title, content hash; ``changed`` is ``now`` when the
        content differs from the record's), then the index and feed. A guide
        that moved to ``slug`` leaves its old folder, which is removed.
        ``touched``: the folder's files changed (False: the build changed
        nothing, and an unchanged record needs no commit).
        """
        manifest = load_manifest(self.site / slug)
        if manifest is None:
            raise AudioguideError(f"{self.site / slug}: holds no complete guide to add to the library")
        content = content_hash(manifest)
        previous = self.state.guides.get(source)
        same = previous is not None and previous.content in (content, _legacy_content_hash(manifest))
        changed = previous.changed if same and previous is not None else now
        record = GuideRecord(slug, manifest.title, content, changed)
        reserved = self.state.pending.get(source)
        if not touched and record == previous and reserved is None:
            return record
        self.state.guides[source] = record
        self.state.pending.pop(source, None)
        for old in {previous.slug if previous else None, reserved} - {None, slug}:
            if self.state.holder(old) is None:
                self.state.removing.append(old)
        self.save()
        checkpoint("library-committed")
        self.pages(self.state)
        checkpoint("library-pages-written")
        self._finish_removals()
        return record

    # ------------------------------------------------------------------ guides leaving

    def remove(self, sources: list[str]) -> list[tuple[str, str]]:
        """Take ``sources``' guides (built or reserved) out of the site; returns (source, slug) of each."""
        gone: list[tuple[str, str]] = []
        for source in sources:
            record = self.state.guides.pop(source, None)
            reserved = self.state.pending.pop(source, None)
            for slug in {record.slug if record else None, reserved} - {None}:
                if self.state.holder(slug) is None:
                    self.state.removing.append(slug)
                    gone.append((source, slug))
        if not gone:
            return gone
        self.pages(self.state)  # first out of the index and feed, then out of the state
        checkpoint("library-unlisted")
        self.save()
        checkpoint("library-removing")
        self._finish_removals()
        return gone

    def _finish_removals(self) -> None:
        if not self.state.removing:
            return
        for slug in sorted(set(self.state.removing)):
            if self.state.holder(slug) is not None:  # taken again since: not ours to delete
                continue
            folder = self.site / slug
            try:
                left = remove_guide(folder, on_file=lambda: checkpoint("library-removed-file"))
            except OSError as exc:
                raise AudioguideError(
                    f"{folder}: cannot remove the guide ({exc.strerror or exc}); the next run tries again"
                ) from None
            if not left:
                logger.info("%s: kept, it holds files audioguide did not make", folder)
        self.state.removing = []
        self.save()
