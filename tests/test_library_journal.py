"""A published library never loses a guide, moves a URL or breaks, whatever stops a run.

The library journals its changes in ``site/library.json`` (``pending``
reservations before a guide's first build, ``removing`` before a guide's files
are deleted). Here a run is killed at each of its commit points (and at the
build's own, inside it), and the site must hold, at that moment, a valid state,
an index and a feed that list only complete guides, and no folder the state
does not name; the rerun must end byte-identical to a run never interrupted.
Then the rest of the site's guarantees: the user's files, renames, ``slug:``,
two runs at once, a hand-edited state, symlinked guide folders, hostile titles.
Everything through the real CLI (in-process, or a subprocess to be killed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from cli_helpers import invoke, run_forked

pytestmark = pytest.mark.slow

BASE = "https://clinic.example/audio"
FORMATS = "single,phone"
V1 = {
    "knee.txt": "Knee Care After Surgery\n\nRest your knee for two days.\n\nFAQs\n\nWhen can I walk?\n\n"
    "Walk a little on the second day.\n",
    "back.txt": "Back Pain at Work\n\nMost back pain gets better.\n\nFAQs\n\nShould I stay in bed?\n\n"
    "No. Gentle movement helps.\n",
    "sleep.md": "# Sleep Well\n\nKeep a regular bedtime.\n\n## Sleep and Coffee\n\nAvoid coffee after noon.\n",
}
V2 = {  # knee edited, back gone, ankle new (first in name order)
    "ankle.txt": "Ankle Sprains\n\nRaise your ankle and rest it.\n\nFAQs\n\nShould I use ice?\n\n"
    "Yes, for twenty minutes at a time.\n",
    "knee.txt": V1["knee.txt"].replace("two days", "three days"),
    "sleep.md": V1["sleep.md"],
}
T0, T1 = "1700000000", "1700086400"


def write_articles(folder: Path, articles: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")


def args(sources: Path | str, site: Path, cache: Path, *extra: str) -> list[str]:
    return [
        "library",
        str(sources),
        "-o",
        str(site),
        "--cache-dir",
        str(cache),
        "--base-url",
        BASE + "/",
        "--title",
        "Riverside Clinic",
        "--formats",
        FORMATS,
        *extra,
    ]


def run(sources: Path | str, site: Path, cache: Path, epoch: str = T1, *extra: str):
    return invoke(*args(sources, site, cache, "-q", *extra), env={"SOURCE_DATE_EPOCH": epoch})


def run_killed(sources: Path, site: Path, cache: Path, moment: str, epoch: str = T1):
    env = {"SOURCE_DATE_EPOCH": epoch, "AUDIOGUIDE_KILL_AT": moment}
    return run_forked(*args(sources, site, cache, "-q"), env=env)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): (b"-> " + os.readlink(p).encode()) if p.is_symlink() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def hidden(site: Path) -> list[str]:
    inside = [p.name for p in site.iterdir() if p.name.startswith(".")]
    beside = [p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}.")]
    return sorted(inside + beside)


def complete(folder: Path) -> bool:
    """A guide folder whose manifest's tracks all hold the bytes it recorded."""
    import hashlib

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(
        (folder / t["file"]).is_file()
        and hashlib.sha256((folder / t["file"]).read_bytes()).hexdigest() == t["file_sha256"]
        for t in manifest["tracks"]
    )


def assert_consistent(site: Path) -> dict:
    """The state is valid, names every guide folder, and the index and feed list only complete guides."""
    state = json.loads((site / "library.json").read_text(encoding="utf-8"))
    assert state["format"] == "audioguide-library"
    named = {g["slug"] for g in state["guides"].values()}
    named |= set(state.get("pending", {}).values()) | set(state.get("removing", []))
    for folder in site.iterdir():  # a hidden one is a build's own unfinished commit (its journal says)
        if (
            folder.is_dir()
            and (folder / "manifest.json").is_file()
            and folder.name != "phone"
            and folder.name[0] != "."
        ):
            assert folder.name in named, f"{folder.name}/ is not in library.json"
    index = (site / "index.html").read_text(encoding="utf-8")
    listed = set(re.findall(r'href="([^"/]+)/', index))
    assert listed, "the index lists the guides"
    for slug in listed - {"phone"}:
        assert slug in {g["slug"] for g in state["guides"].values()}, slug
        assert complete(site / slug), slug
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        path = site / unquote(urlsplit(enclosure.href).path.removeprefix("/audio/"))
        assert path.is_file() and path.stat().st_size == int(enclosure.length), path
        assert complete(path.parent)
    return state


# --------------------------------------------------------------------------- killed at every commit point


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A site made from V1 at T0 ("old"), and the same site after a clean run of V2 at T1 ("clean")."""
    root = tmp_path_factory.mktemp("journal")
    articles, cache = root / "articles", root / "cache"
    write_articles(articles, V1)
    result = run(articles, root / "old", cache, T0)
    assert result.exit_code == 0, result.stderr
    shutil.copytree(root / "old", root / "clean", symlinks=True)
    write_articles(articles, V2)
    result = run(articles, root / "clean", cache, T1, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.output)
    assert [g["status"] for g in report["guides"]] == ["built", "built", "unchanged"]
    assert report["removed"] == ["back-pain-at-work"]
    return root, articles, cache


MOMENTS = [
    "library-reserved",  # the new guide's folder reserved
    "journal-written",  # inside the new guide's build: its commit journalled
    "exchanged",  # inside the new guide's build: its folder in place
    "library-guide-built",
    "library-committed",  # library.json names it, the index not yet
    "library-pages-written",
    "library-unlisted",  # the departed guide out of the index and feed, not yet out of library.json
    "library-removing",  # out of library.json too, its files not yet deleted
    "library-removed-file",  # one of its files deleted
    "old-removed",  # the phone programme's commit (the last build-style commit of a run)
    "library-phone-written",
    "library-site-written",
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_library_killed_at_any_commit_point_is_finished_by_the_next_run(history, tmp_path, moment):
    root, articles, cache = history
    site = tmp_path / "site"
    shutil.copytree(root / "old", site, symlinks=True)
    before = json.loads((site / "library.json").read_text(encoding="utf-8"))
    killed = run_killed(articles, site, cache, moment)
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # it did reach that moment
    state = assert_consistent(site)
    for source, record in before["guides"].items():  # no URL moved
        if source in state["guides"]:
            assert state["guides"][source]["slug"] == record["slug"]
    rerun = run(articles, site, cache, T1)
    assert rerun.exit_code == 0, rerun.stderr
    assert tree(site) == tree(root / "clean")
    assert hidden(site) == []


def test_a_first_run_killed_does_not_make_the_site_refused(history, tmp_path):
    root, articles, cache = history
    site = tmp_path / "site"
    killed = run_killed(articles, site, cache, "library-guide-built")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert json.loads((site / "library.json").read_text(encoding="utf-8"))["pending"]
    assert run(articles, site, cache, T1).exit_code == 0
    clean = tmp_path / "clean"
    assert run(articles, clean, cache, T1).exit_code == 0
    assert tree(site) == tree(clean)
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == [
        "ankle-sprains",
        "knee-care-after-surgery",
        "phone",
        "sleep-well",
    ]


# --------------------------------------------------------------------------- one run at a time


def stop_holding(process: subprocess.Popen, lock: Path) -> None:
    """Stop ``process`` (SIGSTOP) once it holds ``lock``: the second run then meets a run still writing,
    however fast or slow the first one is (its three builds take seconds after it takes the lock)."""
    import fcntl

    for _ in range(1200):
        if lock.exists():
            process.send_signal(signal.SIGSTOP)
            try:
                fd = os.open(lock, os.O_RDONLY)
            except FileNotFoundError:
                fd = None
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return  # held: by the stopped process
                finally:
                    os.close(fd)  # (releases the lock if this test took it)
            process.send_signal(signal.SIGCONT)  # created, not yet locked: let it take it
        time.sleep(0.05)


def test_a_second_run_into_the_same_site_is_refused(history, tmp_path):
    _, articles, cache = history
    site = tmp_path / "site"
    first = subprocess.Popen(
        [sys.executable, "-m", "audioguide.cli", *args(articles, site, cache, "-q")],
        env={**os.environ, "SOURCE_DATE_EPOCH": T1},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stop_holding(first, tmp_path / ".site.lock")
        second = run(articles, site, tmp_path / "cache2")
        assert second.exit_code == 1
        assert second.stderr.strip().splitlines() == [
            f"audioguide: error: another library run is writing to {site}; wait for it to finish"
        ]
    finally:
        first.send_signal(signal.SIGCONT)
        _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert_consistent(site)
    assert len(json.loads((site / "library.json").read_text())["guides"]) == 3


# --------------------------------------------------------------------------- what is removed, and what is not


def test_a_hand_edited_slug_never_leads_outside_the_site(history, tmp_path):
    root, articles, cache = history
    site = tmp_path / "site"
    shutil.copytree(root / "old", site, symlinks=True)
    elsewhere = tmp_path / "elsewhere" / "guide"
    shutil.copytree(site / "back-pain-at-work", elsewhere)  # a guide someone keeps outside the site
    state_path = site / "library.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    (source,) = [s for s, g in state["guides"].items() if g["slug"] == "back-pain-at-work"]
    state["guides"][source]["slug"] = "../elsewhere/guide"
    state_path.write_text(json.dumps(state), encoding="utf-8")
    before, outside = tree(site), tree(elsewhere)
    result = run(articles, site, cache)  # back.txt has left the library: its guide would be removed
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"audioguide: error: {state_path}: guide ") and "'../elsewhere/guide'" in line
    assert tree(elsewhere) == outside and tree(site) == before


def test_a_departing_guide_takes_only_what_audioguide_made(history, tmp_path):
    root, articles, cache = history
    site = tmp_path / "site"
    shutil.copytree(root / "old", site, symlinks=True)
    back = site / "back-pain-at-work"
    (back / "notes.txt").write_text("call Dr. Lee", encoding="utf-8")
    (back / "transcripts" / "my-edits.txt").write_text("mine", encoding="utf-8")
    result = run(articles, site, cache, T1, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["removed"] == ["back-pain-at-work"]
    assert tree(back) == {"notes.txt": b"call Dr. Lee", "transcripts/my-edits.txt": b"mine"}
    state = assert_consistent(site)
    assert "back-pain-at-work" not in json.dumps(state)
    again = run(articles, site, cache, T1, "--json")  # a folder the library no longer records: untouched
    assert again.exit_code == 0 and json.loads(again.output)["removed"] == []
    assert tree(back) == {"notes.txt": b"call Dr. Lee", "transcripts/my-edits.txt": b"mine"}


@pytest.mark.parametrize("note", [False, True], ids=["empty-after", "with-a-note"])
def test_a_symlinked_guide_folder_whose_source_leaves(history, tmp_path, note):
    root, articles, cache = history
    site = tmp_path / "site"
    shutil.copytree(root / "old", site, symlinks=True)
    real = tmp_path / "disk2" / "back"
    real.parent.mkdir()
    shutil.move(site / "back-pain-at-work", real)
    (site / "back-pain-at-work").symlink_to(real, target_is_directory=True)
    if note:
        (real / "notes.txt").write_text("mine", encoding="utf-8")
    result = run(articles, site, cache)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr and "rmtree" not in result.stderr
    assert tree(real) == ({"notes.txt": b"mine"} if note else {})
    assert (site / "back-pain-at-work").is_symlink() == note
    assert_consistent(site)


# --------------------------------------------------------------------------- how a guide is known across runs


@pytest.fixture
def small_site(history, tmp_path):
    """A site of V1's knee and sleep guides (its own article folder), built at T0."""
    _, _, cache = history
    articles = tmp_path / "articles"
    write_articles(articles, {k: v for k, v in V1.items() if k != "back.txt"})
    site = tmp_path / "site"
    result = run(articles, site, cache, T0)
    assert result.exit_code == 0, result.stderr
    return articles, site, cache


def test_a_renamed_source_keeps_its_slug_its_date_and_its_episode(small_site):
    articles, site, cache = small_site
    before = json.loads((site / "library.json").read_text(encoding="utf-8"))
    feed_before = feedparser.parse((site / "feed.xml").read_bytes())
    (articles / "knee.txt").rename(articles / "knee-care-after-surgery.txt")
    result = run(articles, site, cache, T1, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.output)
    assert report["removed"] == [] and report["moved"] == []
    state = json.loads((site / "library.json").read_text(encoding="utf-8"))
    old = before["guides"][str(articles / "knee.txt")]
    new = state["guides"][str(articles / "knee-care-after-surgery.txt")]
    assert str(articles / "knee.txt") not in state["guides"]
    assert new["slug"] == old["slug"] == "knee-care-after-surgery"
    assert new["changed"] == old["changed"] == float(T0), "the same guide, not a new one"
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert [(e.id, e.published) for e in feed.entries] == [(e.id, e.published) for e in feed_before.entries]
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == [
        "knee-care-after-surgery",
        "phone",
        "sleep-well",
    ]


def write_library_yaml(articles: Path, guides: list[dict]) -> Path:
    path = articles.parent / "library.yaml"
    path.write_text(json.dumps({"guides": guides}), encoding="utf-8")  # JSON is YAML
    return path


def test_a_changed_slug_is_applied_and_the_move_is_said(small_site):
    articles, site, cache = small_site
    (site / "knee-care-after-surgery" / "notes.txt").write_text("mine", encoding="utf-8")
    library = write_library_yaml(
        articles, [{"source": "articles/knee.txt", "slug": "knee"}, {"source": "articles/sleep.md"}]
    )
    result = invoke(*args(library, site, cache, "--json"), env={"SOURCE_DATE_EPOCH": T1})
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["moved"] == [
        {"source": str(articles / "knee.txt"), "from": "knee-care-after-surgery", "to": "knee"}
    ]
    assert "knee-care-after-surgery/ moves to knee/" in result.stderr
    assert complete(site / "knee")
    assert tree(site / "knee-care-after-surgery") == {"notes.txt": b"mine"}, "only audioguide's files went"
    state = assert_consistent(site)
    assert state["guides"][str(articles / "knee.txt")]["slug"] == "knee"
    assert 'href="knee/' in (site / "index.html").read_text(encoding="utf-8")


def test_a_slug_given_twice_is_refused_before_any_build(small_site):
    articles, site, cache = small_site
    before = tree(site)
    library = write_library_yaml(
        articles,
        [{"source": "articles/knee.txt", "slug": "knee"}, {"source": "articles/sleep.md", "slug": "knee"}],
    )
    result = invoke(*args(library, site, cache))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"audioguide: error: {library}: slug 'knee' is given twice ({articles / 'knee.txt'} and "
        f"{articles / 'sleep.md'}); every guide needs a folder of its own"
    ]
    assert tree(site) == before


# --------------------------------------------------------------------------- hostile titles


@pytest.mark.parametrize(
    ("where", "value"),
    [("--title", "Riverside\x07 Clinic"), ("--title", "Riverside\x1b[2J"), ("publisher", "Clinic\u202e")],
)
def test_a_control_character_in_the_title_is_one_line_before_any_build(history, tmp_path, where, value):
    _, _, cache = history
    articles = tmp_path / "articles"
    write_articles(articles, {"sleep.md": V1["sleep.md"]})
    site = tmp_path / "site"
    if where == "--title":
        result = invoke(*args(articles, site, cache), "--title", value)
    else:
        library = articles.parent / "library.yaml"
        library.write_text(json.dumps({"publisher": value, "guides": ["articles"]}), encoding="utf-8")
        result = invoke(*args(library, site, cache))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("audioguide: error: ") and "control character" in line
    assert not site.exists(), "refused before anything was made"
    again = run(articles, site, cache)
    assert again.exit_code == 0, again.stderr


# --------------------------------------------------------------------------- escape sequences in what is printed

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"  # OSC title, clear screen, 8-bit CSI, RLO


def test_hostile_names_are_escaped_in_progress_failures_and_json(tmp_path):
    import http.server

    from local_http import serving

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # http.server's name
            self.send_response(503, "Busy\x1b[2J\x9b31m")  # a reason phrase (latin-1) with escapes
            self.end_headers()

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / f"knee{HOSTILE}.txt").write_text("Knee Care\n\nRest your knee.\n", encoding="utf-8")
    key = '"\\e]0;pwned\\a\\e[2J\\x9b31m\\u202ekey"'  # YAML escapes: the key holds the characters
    (articles / "guide.yaml").write_text(f"title: x\n{key}: 1\nchapters: []\n", encoding="utf-8")
    site = tmp_path / "site"
    with serving(Handler) as port:
        url = f"http://127.0.0.1:{port}/page"
        base = ["library", str(articles), url, "-o", str(site), "--formats", "tracks"]
        shown = invoke(*base)
        as_json = invoke(*base, "--json")
    for result in (shown, as_json):
        assert result.exit_code == 2, result.stderr  # the guide script and the page failed
        for text in (result.stderr, result.output):
            assert not set(text) & set("\x1b\x07\x9b\u202e"), repr(text)
    lines = shown.stderr.splitlines()
    assert any(line.startswith("[2/3] ") and "knee" in line and line.endswith(".txt") for line in lines)
    assert sum("failed" in line for line in lines) == 2
    report = json.loads(as_json.output)  # escaped as \\uXXXX: the JSON still holds the characters
    script, knee, page = report["guides"]
    assert knee["source"].endswith(f"knee{HOSTILE}.txt") and knee["status"] == "unchanged"  # the second run
    assert script["status"] == "failed" and f"unknown top-level key '{HOSTILE}key'" in script["message"]
    assert page["status"] == "failed" and "503" in page["message"] and "\x9b" in page["message"]
    assert "\\u202e" in as_json.output and "\\u009b" in as_json.output
