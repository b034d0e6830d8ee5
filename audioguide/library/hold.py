"""site/phone/: one hold programme for the whole library, from its guides' telephone files.

Callers on hold hear short, self-contained pieces: the FAQ answers of every
guide first, shortest first, then the other sections (never an introduction
or a conclusion, which lean on the rest of their guide), as long as they fit
in the library's bound (``hold.max_seconds`` / ``max_bytes``), whole tracks
only, first fit (:func:`audioguide.exporters.phone.choose_programme`). Each
piece is its guide's own telephone-mastered file (``<guide>/phone/``), from
its title on, as in a single guide's programme; the opening line is the
first guide's (every guide says the same one unless its script changed it).
The files, ``musiconhold.conf`` and ``README.txt`` are those of a single
guide (the same functions write them); the chosen tracks are linked in as
``NN-title.*`` for a track-by-track class.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from audioguide.audio import telephone
from audioguide.errors import AudioguideError
from audioguide.exporters import phone
from audioguide.exporters.registry import FORMAT_REVISION
from audioguide.model.manifest import Manifest, TrackRecord
from audioguide.model.settings import HoldProgramme
from audioguide.pipeline.guide import open_guide
from audioguide.pipeline.output_folder import OutputFolder, link_or_copy

logger = logging.getLogger(__name__)

SELF_CONTAINED = ("faq", "section")  # in this order of preference


@dataclass(frozen=True)
class Piece:
    """A track of one guide that may go into the library's programme."""

    slug: str
    folder: Path
    record: TrackRecord
    stem: str  # its telephone files' stem in <guide>/phone/
    samples_8k: int  # from its title on


def pieces(guides: list[tuple[str, Path, Manifest]]) -> list[Piece]:
    """Every self-contained track with telephone files, FAQ answers first, shortest first."""
    found: list[Piece] = []
    for slug, folder, manifest in guides:
        if "phone" not in manifest.formats:
            continue
        total = len(manifest.tracks)
        for record in manifest.tracks:
            if record.kind not in SELF_CONTAINED:
                continue
            stem = phone.track_stem(record.number, total, record.title)
            ulaw = folder / phone.PHONE_DIR / f"{stem}.ulaw"
            if not ulaw.is_file():
                continue
            start = round(phone.programme_start_s(record) * telephone.NARROWBAND.rate)
            found.append(Piece(slug, folder, record, stem, ulaw.stat().st_size - start))
    return sorted(
        found, key=lambda p: (SELF_CONTAINED.index(p.record.kind), p.samples_8k, p.slug, p.record.number)
    )


def programme_hash(guides: list[tuple[str, Path, Manifest]], hold: HoldProgramme, title: str) -> str:
    blob = {
        "guides": [[slug, (m.formats.get("phone") or {}).get("hash")] for slug, _, m in guides],
        "hold": asdict(hold),
        "title": title,
        "revision": FORMAT_REVISION.get("phone"),
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()


def write_programme(
    site: Path,
    guides: list[tuple[str, Path, Manifest]],
    hold: HoldProgramme,
    title: str,
    cache_dir: Path | None,
) -> list[str]:
    """Write ``site/phone/`` (replaced as a whole); the files written, relative to ``site``."""
    candidates = pieces(guides)
    if not candidates:
        raise AudioguideError("library hold programme: no guide has FAQ or section tracks with phone files")
    opening_pcm = None
    first = next((folder for _, folder, m in guides if m.opening and "phone" in m.formats), None)
    after_ms = 700
    if first is not None:
        guide = open_guide(first, cache_dir=cache_dir)
        after_ms = guide.settings.pauses.after_announcement_ms
        if guide.opening is not None:
            opening_pcm = (
                telephone.telephone_master(guide.opening, guide.rate, telephone.NARROWBAND),
                telephone.telephone_master(guide.opening, guide.rate, telephone.WIDEBAND),
            )
    after_8k = round(after_ms * telephone.NARROWBAND.rate / 1000)
    layout = phone.ProgrammeLayout(
        opening=None if opening_pcm is None else opening_pcm[0].size + after_8k,
        gap=round(hold.gap_ms * telephone.NARROWBAND.rate / 1000),
        repeat_opening=hold.repeat_opening,
    )
    numbered = {index: piece for index, piece in enumerate(candidates, 1)}
    chosen = phone.choose_programme(
        [phone.Candidate(index, piece.record.title, piece.samples_8k) for index, piece in numbered.items()],
        layout,
        hold,
    )

    def stream(narrowband: bool):
        rate = telephone.NARROWBAND.rate if narrowband else telephone.WIDEBAND.rate
        ext = ".wav" if narrowband else ".sln16"
        for position, candidate in enumerate(chosen):
            piece = numbered[candidate.number]
            if opening_pcm is not None and (position == 0 or hold.repeat_opening):
                yield opening_pcm[0 if narrowband else 1].tobytes()
                yield telephone.silence(round(after_ms * rate / 1000))
            path = piece.folder / phone.PHONE_DIR / f"{piece.stem}{ext}"
            skip = 2 * round(phone.programme_start_s(piece.record) * rate)
            yield (telephone.read_wav_pcm(path) if narrowband else path.read_bytes())[skip:]
            yield telephone.silence(round(hold.gap_ms * rate / 1000))

    folder = OutputFolder(site / phone.PHONE_DIR)  # the library's own: replaced as a whole
    folder.recover()
    staging = folder.start()
    try:
        written = telephone.write_set(staging, phone.PROGRAMME_STEM, stream(True), stream(False))
        stems: dict[int, str] = {}
        for position, candidate in enumerate(chosen, 1):
            piece = numbered[candidate.number]
            stem = phone.track_stem(position, len(chosen), f"{piece.slug} {piece.record.title}")
            stems[candidate.number] = stem
            for ext in phone.EXTENSIONS:
                link_or_copy(piece.folder / phone.PHONE_DIR / f"{piece.stem}{ext}", staging / f"{stem}{ext}")
                written.append(staging / f"{stem}{ext}")
        seconds = (staging / f"{phone.PROGRAMME_STEM}.ulaw").stat().st_size / telephone.NARROWBAND.rate
        moh_class = phone.class_slug(title)
        conf = staging / phone.CONF_NAME
        conf.write_text(
            phone.render_musiconhold_conf(title, moh_class, [stems[c.number] for c in chosen]),
            encoding="utf-8",
        )
        readme = staging / phone.README_NAME
        readme.write_text(
            phone.render_readme(title, moh_class, chosen, stems, opening_pcm is not None, hold, seconds),
            encoding="utf-8",
        )
        written += [conf, readme]
        names = sorted(f"{phone.PHONE_DIR}/{p.name}" for p in written)
        folder.commit(staging, [])
    except BaseException:
        if staging.exists() and not folder.journal.exists():
            folder.abandon(staging)
        raise
    logger.info("library hold programme: %.1f s, %d tracks", seconds, len(chosen))
    return names


def remove_programme(site: Path) -> None:
    shutil.rmtree(site / phone.PHONE_DIR, ignore_errors=True)
