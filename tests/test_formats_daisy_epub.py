"""DAISY 2.02 and EPUB 3 Media Overlays built with the real Piper engine, then read back."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import pytest
from cli_helpers import epubcheck_command
from mutagen.id3 import ID3, ID3NoHeaderError
from mutagen.mp3 import MP3, BitrateMode

from audioguide.model.settings import FaqMode, GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_plain_text

pytestmark = pytest.mark.slow

ARTICLE = """Caring for Your Knee After an Injection

Knee injections can ease pain for many months. This guide explains what to expect & how to look after yourself.

What Happens During the Injection

Your doctor cleans the skin and numbs the area. The injection itself takes only a few minutes.

You may feel some pressure. Most people go home within the hour.

Looking After Yourself at Home

Rest the knee for a day or two. Use ice for 15 minutes at a time if it feels sore.

FAQs: Knee Injections

Will the injection hurt?

Most people feel only a brief sting. The numbing medicine helps.

When can I drive?

Wait until the next day before you drive.

Can I shower?

Yes, you can shower after 24 hours.

Conclusion

Call your clinic if the knee becomes hot, red or very swollen. We hope you feel better soon.
"""

X = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
SMIL3 = "{http://www.w3.org/ns/SMIL}"
OCF = "{urn:oasis:names:tc:opendocument:xmlns:container}"
FORMATS = ("tracks", "daisy", "epub")
NCC_REQUIRED_ONCE = [
    "dc:title",
    "dc:identifier",
    "dc:date",
    "dc:publisher",
    "dc:format",
    "dc:creator",
    "dc:language",
    "ncc:charset",
    "ncc:pageFront",
    "ncc:pageNormal",
    "ncc:pageSpecial",
    "ncc:tocItems",
    "ncc:totalTime",
    "ncc:multimediaType",
    "ncc:depth",
    "ncc:files",
    "ncc:generator",
]


def _build(out: Path, cache: Path, settings: GuideSettings, **options):
    document = parse_plain_text(ARTICLE, source="knee.txt")
    build_guide(document, settings, BuildOptions(outdir=out, cache_dir=cache, formats=FORMATS, **options))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return document, manifest


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clip-cache")


@pytest.fixture(scope="module")
def guide(tmp_path_factory, cache):
    """The guide with one track per FAQ question (the default)."""
    out = tmp_path_factory.mktemp("daisy-epub") / "guide"
    document, manifest = _build(out, cache, GuideSettings())
    return document, out, manifest


@pytest.fixture(scope="module")
def single_faq_guide(tmp_path_factory, cache):
    """The same article with all questions in one FAQ track (clips mostly from the cache)."""
    out = tmp_path_factory.mktemp("daisy-epub-single") / "guide"
    document, manifest = _build(out, cache, GuideSettings(faq_mode=FaqMode.SINGLE))
    return document, out, manifest


# ---------------------------------------------------------------- DAISY helpers


def seconds(clock: str) -> float:
    """A SMIL 1.0 / DAISY clock value ("npt=1.5s", "12.345s", "00:01:02", "0:00:01.500") in seconds."""
    value = clock.strip().removeprefix("npt=")
    if value.endswith("s"):
        return float(value[:-1])
    parts = [float(p) for p in value.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def ncc(out: Path) -> tuple[ET.Element, dict[str, list[str]]]:
    root = ET.parse(out / "daisy" / "ncc.html").getroot()
    metas: dict[str, list[str]] = {}
    for meta in root.iter(f"{X}meta"):
        if "name" in meta.attrib:
            metas.setdefault(meta.get("name"), []).append(meta.get("content"))
    return root, metas


def ncc_headings(root: ET.Element) -> list[ET.Element]:
    return list(root.find(f"{X}body"))


def smil_audio(path: Path) -> list[tuple[str, float, float]]:
    return [
        (a.get("src"), seconds(a.get("clip-begin")), seconds(a.get("clip-end")))
        for a in ET.parse(path).getroot().iter("audio")
    ]


# ---------------------------------------------------------------- DAISY


def test_daisy_ncc_metadata(guide):
    document, out, _manifest = guide
    root, metas = ncc(out)
    for name in NCC_REQUIRED_ONCE:
        assert len(metas.get(name, [])) == 1, f"{name} must occur exactly once"
    one = {name: values[0] for name, values in metas.items()}
    assert one["dc:title"] == document.title == root.find(f"{X}head/{X}title").text
    assert one["dc:format"] == "Daisy 2.02"
    assert one["ncc:charset"] == "utf-8"
    assert one["ncc:multimediaType"] == "audioNcc"
    assert one["dc:language"] == "en"
    assert one["dc:creator"] and one["dc:publisher"]
    assert re.fullmatch(r"audioguide-[0-9a-f]{8,}", one["dc:identifier"])
    assert date.fromisoformat(one["dc:date"]) and re.fullmatch(r"\d{4}-\d\d-\d\d", one["dc:date"])
    assert one["ncc:pageFront"] == one["ncc:pageNormal"] == one["ncc:pageSpecial"] == "0"
    assert one["ncc:generator"].startswith("audioguide ")
    assert re.fullmatch(r"\d\d:[0-5]\d:[0-5]\d", one["ncc:totalTime"])
    files = sorted(p.name for p in (out / "daisy").iterdir())
    assert int(one["ncc:files"]) == len(files)
    assert files == sorted(["ncc.html"] + [f"{n:02d}.{ext}" for n in range(1, 8) for ext in ("mp3", "smil")])
    assert (
        (out / "daisy" / "ncc.html")
        .read_bytes()
        .startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html')
    )


def test_daisy_headings_order_and_levels(guide):
    document, out, manifest = guide
    root, metas = ncc(out)
    body = ncc_headings(root)
    first = body[0]
    assert first.tag == f"{X}h1" and first.get("class") == "title" and first.get("id")
    assert first.find(f"{X}a").get("href").startswith("01.smil#")
    got = [(int(h.tag[-1]), h.find(f"{X}a").text) for h in body]
    tracks = manifest["tracks"]
    assert [t["kind"] for t in tracks] == ["intro", "section", "section", "faq", "faq", "faq", "conclusion"]
    expected = [
        (1, document.title),
        (1, tracks[0]["title"]),
        (1, tracks[1]["title"]),
        (1, tracks[2]["title"]),
        (1, document.faq_title),
        (2, tracks[3]["title"]),
        (2, tracks[4]["title"]),
        (2, tracks[5]["title"]),
        (1, tracks[6]["title"]),
    ]
    assert got == expected
    levels = [level for level, _ in got]
    assert all(b <= a + 1 for a, b in zip([0] + levels, levels)), "no skipped heading level"
    assert int(metas["ncc:tocItems"][0]) == len(body) == 9
    assert int(metas["ncc:depth"][0]) == max(levels) == 2


def test_daisy_links_resolve_both_ways(guide):
    _, out, _ = guide
    root, _ = ncc(out)
    for heading in ncc_headings(root):
        smil_name, fragment = heading.find(f"{X}a").get("href").split("#")
        smil = ET.parse(out / "daisy" / smil_name).getroot()
        targets = [t for t in smil.iter("text") if t.get("id") == fragment]
        assert len(targets) == 1, heading.find(f"{X}a").get("href")
        assert targets[0].get("src") == f"ncc.html#{heading.get('id')}"


def test_daisy_smil_timing_against_mp3s_and_manifest(guide):
    _, out, manifest = guide
    _, metas = ncc(out)
    elapsed = 0.0
    for track in manifest["tracks"]:
        name = f"{track['number']:02d}"
        path = out / "daisy" / f"{name}.smil"
        root = ET.parse(path).getroot()
        head = {m.get("name"): m.get("content") for m in root.iter("meta")}
        assert head["dc:format"] == "Daisy 2.02"
        assert root.find("head/layout/region").get("id")
        seq = root.find("body/seq")
        dur = seconds(seq.get("dur"))
        assert all(par.get("endsync") == "last" for par in seq.findall("par"))
        assert abs(seconds(head["ncc:timeInThisSmil"]) - dur) <= 0.5
        assert abs(seconds(head["ncc:totalElapsedTime"]) - elapsed) <= 0.5

        length = MP3(out / "daisy" / f"{name}.mp3").info.length
        audio = smil_audio(path)
        assert {src for src, _, _ in audio} == {f"{name}.mp3"}
        assert audio[0][1] == 0.0
        for _, begin, end in audio:
            assert 0 <= begin < end <= length, (path.name, begin, end, length)
        for (_, _, end), (_, next_begin, _) in itertools.pairwise(audio):
            assert end <= next_begin + 1e-9, "clips ordered, not overlapping"
        assert abs(sum(end - begin for _, begin, end in audio) - dur) < 0.002
        assert abs(dur - track["duration_s"]) < 0.002
        # one audio element per sentence, starting where the sentence starts in the manifest
        starts = [round(c["start_s"], 3) for c in track["clips"]]
        assert [round(begin, 3) for _, begin, _ in audio][1:] == starts[1:]
        for clip, (_, begin, end) in zip(track["clips"], audio):
            assert begin <= clip["start_s"] and clip["end_s"] <= end + 1e-9
        elapsed += dur
    assert abs(seconds(metas["ncc:totalTime"][0]) - elapsed) <= 0.5
    assert abs(elapsed - sum(t["duration_s"] for t in manifest["tracks"])) < 0.01


def test_daisy_mp3s_untagged_cbr_mono_same_frames(guide):
    _, out, manifest = guide
    for track in manifest["tracks"]:
        copy = out / "daisy" / f"{track['number']:02d}.mp3"
        with pytest.raises(ID3NoHeaderError):
            ID3(copy)
        info = MP3(copy).info
        assert info.channels == 1 and info.bitrate_mode == BitrateMode.CBR
        original = (out / track["file"]).read_bytes()
        tag_size = ID3(out / track["file"]).size  # header + frames + padding, as mutagen reads it
        assert original[:3] == b"ID3" and copy.read_bytes() == original[tag_size:]


def test_single_faq_track_questions_are_h2_inside_it(single_faq_guide):
    document, out, manifest = single_faq_guide
    root, metas = ncc(out)
    got = [
        (int(h.tag[-1]), h.find(f"{X}a").text, h.find(f"{X}a").get("href").split("#")[0])
        for h in ncc_headings(root)
    ]
    questions = ["Will the injection hurt?", "When can I drive?", "Can I shower?"]
    faq = next(t for t in manifest["tracks"] if t["kind"] == "faq")
    smil = f"{faq['number']:02d}.smil"
    assert got[4:8] == [(1, document.faq_title, smil)] + [(2, q, smil) for q in questions]
    assert int(metas["ncc:tocItems"][0]) == len(got) == 9
    # each question's par starts where the question is spoken
    spoken = [c["start_s"] for c in faq["clips"] if c["role"] == "question"]
    pars = ET.parse(out / "daisy" / smil).getroot().findall("body/seq/par")
    firsts = [seconds(next(par.iter("audio")).get("clip-begin")) for par in pars]
    assert [round(t, 3) for t in firsts[1:]] == [round(t, 3) for t in spoken]


# ---------------------------------------------------------------- EPUB helpers


def epub_parts(out: Path) -> tuple[zipfile.ZipFile, str, ET.Element]:
    archive = zipfile.ZipFile(out / "guide.epub")
    container = ET.fromstring(archive.read("META-INF/container.xml"))
    opf_path = container.find(f"{OCF}rootfiles/{OCF}rootfile").get("full-path")
    return archive, opf_path, ET.fromstring(archive.read(opf_path))


def join(base: str, href: str) -> str:
    """Resolve a relative href against a file's path inside the zip."""
    parts = base.split("/")[:-1]
    for piece in href.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def media_overlays(archive: zipfile.ZipFile, opf_path: str, opf: ET.Element):
    """(xhtml path, smil path, overlay id) per spine document, in reading order."""
    items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
    for itemref in opf.iter(f"{OPF}itemref"):
        item = items[itemref.get("idref")]
        overlay = items[item.get("media-overlay")]
        assert overlay.get("media-type") == "application/smil+xml"
        yield join(opf_path, item.get("href")), join(opf_path, overlay.get("href")), overlay.get("id")


# ---------------------------------------------------------------- EPUB


def test_epub_zip_structure(guide):
    _, out, _ = guide
    archive = zipfile.ZipFile(out / "guide.epub")
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/epub+zip" and not first.extra
    assert archive.testzip() is None
    _, opf_path, _ = epub_parts(out)
    assert opf_path in archive.namelist()


def test_epub_package_and_overlays(guide):
    document, out, manifest = guide
    archive, opf_path, opf = epub_parts(out)
    names = set(archive.namelist())
    assert opf.get("version") == "3.0"
    identifier = next(e for e in opf.iter(f"{DC}identifier") if e.get("id") == opf.get("unique-identifier"))
    assert identifier.text.startswith("urn:uuid:")
    assert opf.find(f"{OPF}metadata/{DC}title").text == document.title
    assert opf.find(f"{OPF}metadata/{DC}language").text == "en"
    assert opf.find(f"{OPF}metadata/{DC}creator").text
    metas = [
        (m.get("property"), m.get("refines"), m.text) for m in opf.iter(f"{OPF}meta") if m.get("property")
    ]
    modified = [text for prop, _, text in metas if prop == "dcterms:modified"]
    assert len(modified) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified[0])
    assert [text for prop, _, text in metas if prop == "media:active-class"]
    for item in opf.iter(f"{OPF}item"):
        assert join(opf_path, item.get("href")) in names, item.get("href")
    nav = [i for i in opf.iter(f"{OPF}item") if "nav" in (i.get("properties") or "").split()]
    assert len(nav) == 1

    overlays = list(media_overlays(archive, opf_path, opf))
    assert len(overlays) == len(manifest["tracks"])
    durations = {
        refines: seconds(text) for prop, refines, text in metas if prop == "media:duration" and refines
    }
    total = [seconds(text) for prop, refines, text in metas if prop == "media:duration" and not refines]
    assert len(total) == 1 and abs(total[0] - sum(t["duration_s"] for t in manifest["tracks"])) <= 0.5
    for (xhtml_path, smil_path, overlay_id), track in zip(overlays, manifest["tracks"]):
        xhtml = ET.fromstring(archive.read(xhtml_path))
        ids = {e.get("id") for e in xhtml.iter() if e.get("id")}
        smil = ET.fromstring(archive.read(smil_path))
        pars = list(smil.iter(f"{SMIL3}par"))
        assert len(pars) == len(track["clips"])
        clip_sum = 0.0
        for par, clip in zip(pars, track["clips"]):
            text_src = join(smil_path, par.find(f"{SMIL3}text").get("src"))
            path, fragment = text_src.split("#")
            assert path == xhtml_path and fragment in ids
            element = next(e for e in xhtml.iter() if e.get("id") == fragment)
            assert "".join(element.itertext()).strip() in (clip["written"], clip["written"].rstrip("."))
            audio = par.find(f"{SMIL3}audio")
            assert join(smil_path, audio.get("src")) in names
            begin, end = seconds(audio.get("clipBegin")), seconds(audio.get("clipEnd"))
            assert begin <= clip["start_s"] <= clip["end_s"] <= end <= track["duration_s"] + 1e-9
            clip_sum += end - begin
        begins = [seconds(p.find(f"{SMIL3}audio").get("clipBegin")) for p in pars]
        assert [round(b, 3) for b in begins[1:]] == [round(c["start_s"], 3) for c in track["clips"]][1:]
        assert abs(durations[f"#{overlay_id}"] - clip_sum) < 0.002
        assert abs(clip_sum - track["duration_s"]) < 0.002


def test_epub_text_follows_the_article(guide):
    document, out, manifest = guide
    archive, opf_path, opf = epub_parts(out)
    overlays = list(media_overlays(archive, opf_path, opf))
    docs = [ET.fromstring(archive.read(x)) for x, _, _ in overlays]
    section = docs[1].find(f"{X}body/{X}section")
    paragraphs = [
        ["".join(s.itertext()) for s in p.findall(f"{X}span")]
        for p in section.findall(f"{X}p")
        if not p.get("class")
    ]
    assert paragraphs == [
        ["Your doctor cleans the skin and numbs the area.", "The injection itself takes only a few minutes."],
        ["You may feel some pressure.", "Most people go home within the hour."],
    ]
    assert section.find(f"{X}h1").itertext().__next__() == "What Happens During the Injection"
    intro = "".join(docs[0].find(f"{X}body/{X}section").itertext())
    assert "what to expect & how to look after yourself." in intro
    # FAQ: the group heading opens the first question's document; questions are h2
    assert "".join(docs[3].find(f"{X}body/{X}h1").itertext()) == document.faq_title
    assert ["".join(d.find(f"{X}body/{X}section/{X}h2").itertext()) for d in docs[3:6]] == [
        t["title"] for t in manifest["tracks"][3:6]
    ]
    nav_href = next(i.get("href") for i in opf.iter(f"{OPF}item") if i.get("properties") == "nav")
    nav = ET.fromstring(archive.read(join(opf_path, nav_href)))
    toc = next(n for n in nav.iter(f"{X}nav") if n.get("{http://www.idpf.org/2007/ops}type") == "toc")
    top = [li.find(f"{X}a").text for li in toc.find(f"{X}ol").findall(f"{X}li")]
    assert top == [t["title"] for t in manifest["tracks"][:3]] + [
        document.faq_title,
        manifest["tracks"][6]["title"],
    ]
    nested = [a.text for a in toc.find(f"{X}ol").findall(f"{X}li")[3].iter(f"{X}a")][1:]
    assert nested == [t["title"] for t in manifest["tracks"][3:6]]


def test_epubcheck_reports_nothing(guide, single_faq_guide):
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck is not installed (apt-get install epubcheck)")
    runs = [  # both guides at once: most of epubcheck's time is the JVM starting
        subprocess.Popen(
            [*command, str(out / "guide.epub")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _, out, _ in (guide, single_faq_guide)
    ]
    for run in runs:
        report, _ = run.communicate(timeout=180)
        assert run.returncode == 0, report
        assert re.search(r"Messages: 0 fatals / 0 errors / 0 warnings", report), report


# ---------------------------------------------------------------- both


def test_identifiers_stable_across_forced_rebuild(guide, cache):
    _, out, _ = guide
    _, metas = ncc(out)
    _, _, opf = epub_parts(out)
    epub_id = next(e.text for e in opf.iter(f"{DC}identifier"))
    _build(out, cache, GuideSettings(), force=True)
    _, metas_again = ncc(out)
    _, _, opf_again = epub_parts(out)
    assert metas_again["dc:identifier"] == metas["dc:identifier"]
    assert next(e.text for e in opf_again.iter(f"{DC}identifier")) == epub_id
