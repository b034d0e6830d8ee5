"""The "podcast" format: feed.xml read back by a real feed parser (feedparser) and by lxml.

One short guide is built with the real engine (tracks, single, captions,
podcast), rebuilt without a change, then rebuilt after one track's text was
edited; publication dates come from $SOURCE_DATE_EPOCH, set differently for
each build so that a changed date is visible.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from cli_helpers import invoke
from lxml import etree
from mutagen.id3 import ID3

from audioguide.model.settings import GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_plain_text

pytestmark = pytest.mark.slow

BASE = "https://clinic.example/guides/hearing%20aid"
ARTICLE = """Caring for Your Hearing Aid & Its <Batteries>

Clean your hearing aid every evening.

Changing the Battery

Open the door at the bottom.

FAQs

Can I swim with it?

No. Take it out before you swim.
"""
EDITED = ARTICLE.replace("Open the door at the bottom.", "Open the small door at the bottom.")
FORMATS = ("tracks", "single", "captions", "podcast")
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
T0, T1, T2 = 1_700_000_000, 1_700_086_400, 1_700_172_800


def _build(text: str, out: Path, cache: Path, epoch: int):
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        settings = replace(GuideSettings(), base_url=BASE)
        return build_guide(
            parse_plain_text(text, source="hearing-aid.txt"),
            settings,
            BuildOptions(outdir=out, cache_dir=cache, formats=FORMATS),
        )
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _feed(out: Path) -> dict:
    data = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {"raw": data, "parsed": parsed, "tree": etree.fromstring(data)}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    base = tmp_path_factory.mktemp("podcast")
    out, cache = base / "guide", base / "cache"
    first = _build(ARTICLE, out, cache, T0)
    feeds = [_feed(out)]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    again = _build(ARTICLE, out, cache, T1)
    feeds.append(_feed(out))
    edited = _build(EDITED, out, cache, T2)
    feeds.append(_feed(out))
    edited_manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        "out": out,
        "reports": [first, again, edited],
        "feeds": feeds,
        "manifest": manifest,
        "edited_manifest": edited_manifest,
    }


def _local(out: Path, url: str) -> Path:
    assert url.startswith(BASE + "/"), url
    return out / unquote(urlsplit(url).path.removeprefix(urlsplit(BASE).path + "/"))


# The folder holds the last (edited) build: files are checked against its feed.


def test_every_track_is_an_episode_in_chapter_order(builds):
    parsed = builds["feeds"][-1]["parsed"]
    tracks = builds["edited_manifest"]["tracks"]
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Caring for Your Hearing Aid & Its <Batteries>"
    assert parsed.feed.language == "en"
    episodes = parsed.entries[: len(tracks)]
    assert len(parsed.entries) == len(tracks) + 1, "one episode per track and the whole guide"
    for entry, track in zip(episodes, tracks):
        assert entry.title == track["title"]
        assert int(entry.itunes_episode) == track["number"]
        assert entry.guidislink is False
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        path = _local(builds["out"], enclosure.href)
        assert path.name == track["file"]
        assert int(enclosure.length) == path.stat().st_size


def test_whole_guide_episode_is_the_chaptered_single_file(builds):
    out = builds["out"]
    whole = builds["feeds"][-1]["parsed"].entries[-1]
    (enclosure,) = whole.enclosures
    path = _local(out, enclosure.href)
    assert path.name == "guide.mp3" and int(enclosure.length) == path.stat().st_size
    item = builds["feeds"][-1]["tree"].findall("channel/item")[-1]
    chapters_ref = item.find(f"{{{PODCAST}}}chapters")
    assert chapters_ref.get("type") == "application/json+chapters"
    chapters = json.loads(_local(out, chapters_ref.get("url")).read_text(encoding="utf-8"))
    # the podcast:chapters spec's required fields and types
    assert chapters["version"] == "1.2.0"
    assert isinstance(chapters["chapters"], list) and chapters["chapters"]
    starts = [c["startTime"] for c in chapters["chapters"]]
    assert all(isinstance(s, (int, float)) and s >= 0 for s in starts) and starts == sorted(starts)
    assert [c["title"] for c in chapters["chapters"]] == [t["title"] for t in builds["manifest"]["tracks"]]
    # ...and the same chapters the MP3's own ID3 CHAP frames give
    chap = sorted(ID3(path).getall("CHAP"), key=lambda f: f.start_time)
    assert [round(f.start_time / 1000, 3) for f in chap] == starts


def test_namespaces_channel_and_transcripts(builds):
    out = builds["out"]
    tree = builds["feeds"][-1]["tree"]
    assert tree.tag == "rss" and tree.get("version") == "2.0"
    assert tree.nsmap["itunes"] == ITUNES and tree.nsmap["podcast"] == PODCAST
    channel = tree.find("channel")
    assert channel.findtext(f"{{{ITUNES}}}type") == "serial"
    assert channel.findtext(f"{{{ITUNES}}}explicit") == "false"
    assert channel.find(f"{{{ITUNES}}}category").get("text") == "Health & Fitness"
    image = channel.find(f"{{{ITUNES}}}image").get("href")
    assert image == channel.findtext("image/url")
    from PIL import Image

    with Image.open(_local(out, image)) as picture:
        assert picture.size == (1400, 1400), "Apple Podcasts' smallest square"
    assert channel.findtext(f"{{{PODCAST}}}guid")
    for item, track in zip(channel.findall("item"), builds["manifest"]["tracks"]):
        transcripts = item.findall(f"{{{PODCAST}}}transcript")
        kinds = {t.get("type"): t for t in transcripts}
        assert set(kinds) == {"text/vtt", "text/plain"}
        assert kinds["text/vtt"].get("rel") == "captions"
        assert _local(out, kinds["text/vtt"].get("url")).read_text(encoding="utf-8").startswith("WEBVTT")
        assert _local(out, kinds["text/plain"].get("url")) == out / track["transcript"]


def test_titles_are_escaped_and_urls_percent_encoded(builds):
    raw = builds["feeds"][0]["raw"].decode("utf-8")
    assert "&amp; Its &lt;Batteries&gt;" in raw
    urls = [e.get("url") for e in builds["feeds"][0]["tree"].iter("enclosure")]
    assert BASE + "/03%20-%20Can%20I%20swim%20with%20it.mp3" in urls
    assert all(" " not in url and "?" not in url for url in urls)


def test_no_change_rebuild_keeps_the_feed(builds):
    first, again, _ = builds["feeds"]
    assert builds["reports"][1].formats["podcast"] == "unchanged"
    assert again["raw"] == first["raw"]


def test_edit_changes_only_that_track_date_and_keeps_every_guid(builds):
    first, _, edited = (f["parsed"] for f in builds["feeds"])
    assert builds["reports"][2].formats["podcast"] == "built"
    assert [e.id for e in edited.entries] == [e.id for e in first.entries]
    changed = [e.title for e, before in zip(edited.entries, first.entries) if e.published != before.published]
    assert changed == ["Changing the Battery", first.entries[-1].title], (
        "the edited track and the whole guide"
    )
    when = {e.title: e.published_parsed for e in edited.entries}
    assert when["Changing the Battery"][:3] == (2023, 11, 16)  # T2 (UTC)
    assert when["Introduction"][:3] == (2023, 11, 14)  # T0


def test_a_renamed_source_does_not_date_its_episodes_again(tmp_path):
    """The tags' comment names the source file, so every track is written again; what is heard is
    the same, and so is every episode's date."""
    source, out, cache = tmp_path / "hearing-aid.txt", tmp_path / "out", tmp_path / "cache"
    source.write_text(ARTICLE, encoding="utf-8")
    options = ["-o", str(out), "--cache-dir", str(cache), "--formats", ",".join(FORMATS), "--base-url", BASE]
    first = invoke("build", str(source), *options, "-q", env={"SOURCE_DATE_EPOCH": str(T0)})
    assert first.exit_code == 0, first.stderr
    before = _feed(out)["parsed"]
    renamed = source.rename(tmp_path / "hearing-aid-care.txt")
    again = invoke("build", str(renamed), *options, "--json", env={"SOURCE_DATE_EPOCH": str(T1)})
    assert again.exit_code == 0, again.stderr
    assert len(json.loads(again.output)["rebuilt"]) == 3, "the comment tag names the new file"
    comment = ID3(out / "01 - Introduction.mp3").getall("COMM")[0].text[0]
    assert "hearing-aid-care.txt" in comment
    after = _feed(out)["parsed"]
    assert [(e.id, e.published) for e in after.entries] == [(e.id, e.published) for e in before.entries]
    assert after.entries[0].published_parsed[:3] == (2023, 11, 14)  # T0


def test_refused_without_base_url_before_any_work(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("build", str(source), "-o", str(out), "--formats", "tracks,podcast")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "podcast" in lines[0] and "--base-url" in lines[0]
    assert not out.exists(), "nothing was built"
    bad = invoke(
        "build", str(source), "-o", str(out), "--formats", "podcast", "--base-url", "clinic.example/x"
    )
    assert bad.exit_code == 1 and "absolute http" in bad.stderr and not out.exists()


@pytest.mark.parametrize(
    "value, problem", [("ftp://x.example/", "absolute http"), ("https://x.example/a?b=1", "query")]
)
def test_guide_script_base_url_is_checked(tmp_path, value, problem):
    script = tmp_path / "guide.yaml"
    script.write_text(
        f"title: T\nbase_url: {value}\nchapters:\n  - title: A\n    text: Hello.\n", encoding="utf-8"
    )
    result = invoke("outline", str(script))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"audioguide: error: {script}:2:") and problem in result.stderr
