"""``site/library.json``: what the library made, written before and after every change to the site.

Per source (a path or a URL, the guide's identity), its record: the slug
(the guide's folder, ``site/<slug>/``, and so its URLs), its title, a hash of
its tracks and when they last changed. Two lists make the file a journal:

* ``pending``: ``{source: slug}``, a folder reserved before a guide is first
  built into it. A run killed after that build finds the folder again under
  the same slug: a guide's URL is never given twice, and never moves.
* ``removing``: slugs of guides leaving the site, recorded before their files
  are deleted; the next run finishes the deletion before anything else.

Everything read back is checked: a slug must be one folder name inside the
site (a hand-edited ``../elsewhere/guide`` is refused with one line, before
anything is touched), and the phone programme's files must lie in ``phone/``.
The file is written whole (a temporary file renamed), with sorted keys, so two
runs that reach the same site write the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from audioguide.errors import AudioguideError
from audioguide.files import read_regular_file, write_atomic
from audioguide.text import folder_slug

STATE_NAME = "library.json"
STATE_FORMAT = "audioguide-library"
STATE_VERSION = 1
STATE_LIMIT = 64 << 20  # bytes: a library.json of a few thousand guides is well under 1 MB
RESERVED = {"phone", "index", "feed", "library", "assets"}  # the site's own names


class LibraryStateError(AudioguideError):
    """library.json holds something the library cannot trust."""


def valid_slug(slug: object) -> bool:
    """A guide's folder name: one path component that a title or ``slug:`` could have made."""
    return (
        isinstance(slug, str)
        and bool(slug)
        and folder_slug(slug) == slug
        and not slug.startswith(".")
        and slug not in RESERVED
    )


@dataclass
class GuideRecord:
    slug: str
    title: str = ""
    content: str = ""  # sha256 of the guide's track hashes
    changed: float | None = None  # when its tracks last changed (POSIX seconds)

    def to_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "title": self.title, "content": self.content, "changed": self.changed}


@dataclass
class LibraryState:
    guides: dict[str, GuideRecord] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    removing: list[str] = field(default_factory=list)
    phone: dict[str, Any] | None = None
    title: str | None = None
    base_url: str | None = None

    def holder(self, slug: str) -> str | None:
        """The source whose guide (built or reserved) is ``site/<slug>``, if any."""
        for source, record in self.guides.items():
            if record.slug == slug:
                return source
        for source, reserved in self.pending.items():
            if reserved == slug:
                return source
        return None

    def slugs(self) -> set[str]:
        """Every folder the library made or is making."""
        return {r.slug for r in self.guides.values()} | set(self.pending.values()) | set(self.removing)

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format": STATE_FORMAT,
            "version": STATE_VERSION,
            "title": self.title,
            "base_url": self.base_url,
            "guides": {source: self.guides[source].to_dict() for source in sorted(self.guides)},
        }
        if self.pending:
            data["pending"] = dict(sorted(self.pending.items()))
        if self.removing:
            data["removing"] = sorted(set(self.removing))
        data["phone"] = self.phone
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_state(site: Path) -> LibraryState:
    """The site's state (empty for a new site); a one-line error when it cannot be trusted."""
    path = site / STATE_NAME
    if not path.exists() and not path.is_symlink():
        return LibraryState()
    raw = read_regular_file(path, limit=STATE_LIMIT, error=LibraryStateError)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LibraryStateError(f"{path}: not valid JSON ({exc}); fix it, or move the site away") from None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise LibraryStateError(f"{path}: not an audioguide library state; fix it, or move the site away")
    if data.get("version") != STATE_VERSION:
        raise LibraryStateError(
            f"{path}: library state version {data.get('version')!r}, this audioguide reads {STATE_VERSION}"
        )
    return _checked(data, path)


def _checked(data: dict, path: Path) -> LibraryState:
    def bad(what: str) -> LibraryStateError:
        return LibraryStateError(f"{path}: {what}; fix or remove that entry (nothing was changed)")

    guides_raw = data.get("guides") or {}
    if not isinstance(guides_raw, dict):
        raise bad("'guides' is not an object")
    guides: dict[str, GuideRecord] = {}
    for source, record in guides_raw.items():
        if not isinstance(record, dict):
            raise bad(f"guide {source!r} is not an object")
        slug = record.get("slug")
        if not valid_slug(slug):
            raise bad(f"guide {source!r}: slug {slug!r} is not a folder name of this site")
        changed = record.get("changed")
        if changed is not None and (isinstance(changed, bool) or not isinstance(changed, (int, float))):
            raise bad(f"guide {source!r}: 'changed' is not a number")
        title, content = record.get("title", ""), record.get("content", "")
        if not isinstance(title, str) or not isinstance(content, str):
            raise bad(f"guide {source!r}: 'title' and 'content' must be text")
        guides[source] = GuideRecord(slug, title, content, None if changed is None else float(changed))
    pending = data.get("pending") or {}
    if not isinstance(pending, dict) or not all(valid_slug(s) for s in pending.values()):
        raise bad(f"'pending' holds a slug that is not a folder name of this site: {pending!r}")
    removing = data.get("removing") or []
    if not isinstance(removing, list) or not all(valid_slug(s) for s in removing):
        raise bad(f"'removing' holds a slug that is not a folder name of this site: {removing!r}")
    phone = data.get("phone")
    if phone is not None:
        files = phone.get("files") if isinstance(phone, dict) else None
        if not isinstance(files, list) or not all(_phone_file(f) for f in files):
            raise bad("'phone' names a file outside phone/")
    title, base_url = data.get("title"), data.get("base_url")
    return LibraryState(
        guides=guides,
        pending=dict(pending),
        removing=list(removing),
        phone=phone,
        title=title if isinstance(title, str) else None,
        base_url=base_url if isinstance(base_url, str) else None,
    )


def _phone_file(name: object) -> bool:
    if not isinstance(name, str) or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    return len(parts) == 2 and parts[0] == "phone" and parts[1] not in ("", ".", "..")


def write_state(site: Path, state: LibraryState) -> None:
    """Replace ``site/library.json`` whole (readable by the web server, as the site's other files)."""
    try:
        write_atomic(site / STATE_NAME, state.to_json(), mode=0o644)
    except OSError as exc:
        raise AudioguideError(f"{site / STATE_NAME}: cannot write ({exc.strerror or exc})") from None
