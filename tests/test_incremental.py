"""Editors regenerate: cache, incremental rebuilds, renumbering, interruption, --jobs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import LOADED_MODULES
from mutagen.id3 import ID3

from audioguide.errors import AudioguideError
from audioguide.model.settings import GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_plain_text
from audioguide.synth.cache import ClipCache

ARTICLE = """Caring for Your Knee After an Injection

Most people feel better within a few days. Rest helps.

Things to Avoid

Avoid running for two days. Walking is fine.

Bathing

You can shower the next day. Do not swim for a week.

Conclusion

Call the clinic if the pain gets worse.
"""


# Four chapters of six sentences: a guide long enough to be killed in the middle of its synthesis.
RECOVERY = "Recovering at Home After a Nerve Block\n\n" + "\n\n".join(
    f"{title}\n\n"
    + " ".join(
        f"{title} advice number {n} is worth reading twice."
        for n in ("one", "two", "three", "four", "five", "six")
    )
    for title in ("Rest", "Ice", "Movement", "Follow-up")
)


def build(text: str, out: Path, cache: Path, **options) -> object:
    return build_guide(
        parse_plain_text(text, source="knee.txt"),
        GuideSettings(),
        BuildOptions(outdir=out, cache_dir=cache, **options),
    )


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path):
    out, cache = tmp_path / "guide", tmp_path / "cache"
    report = build(ARTICLE, out, cache)
    return out, cache, report


def test_first_build_counts(built):
    _, cache, report = built
    assert report.rebuilt and not report.unchanged and report.clips_reused == 0
    assert report.clips_synthesized == ClipCache(cache).stats().entries > 10


def test_no_change_rebuild_is_a_no_op(built):
    out, cache, _ = built
    before = snapshot(out)
    inodes = {p.name: p.stat().st_ino for p in out.glob("*.mp3")}
    report = build(ARTICLE, out, cache)
    assert report.clips_synthesized == 0 and report.rebuilt == [] and len(report.unchanged) == 4
    assert snapshot(out) == before
    # unchanged tracks are carried over, not re-encoded
    assert {p.name: p.stat().st_ino for p in out.glob("*.mp3")} == inodes


def test_no_change_rebuild_loads_no_audio_code(tmp_path):
    """A no-change rebuild plans and keeps every file: it never loads numpy or the rendering stack.

    Those imports were a third of a no-change rebuild's time (scripts/bench, c).
    """
    source, out = tmp_path / "knee.txt", tmp_path / "guide"
    source.write_text(ARTICLE, encoding="utf-8")
    env = {**os.environ, "AUDIOGUIDE_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-c", LOADED_MODULES, "build", str(source), "-o", str(out), "-q", "--json"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "numpy" in json.loads(first.stderr.splitlines()[-1])  # a build with work to do does load it
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["rebuilt"] == []
    loaded = set(json.loads(again.stderr.splitlines()[-1]))
    heavy = {
        "numpy",
        "scipy",
        "onnxruntime",
        "audioguide.audio.render",
        "audioguide.audio.mastering",
        "audioguide.audio.assemble",
        "audioguide.audio.pcm",
        "pysbd",
    }  # its splits are remembered beside the clip cache (build/segments.py)
    assert loaded & heavy == set()


def test_remembered_sentence_splits_change_nothing_and_survive_damage(tmp_path):
    """The splits kept beside the clip cache give the same guide; a damaged or tampered file is not used."""
    from audioguide.pipeline.segments import MEMO_NAME

    out, cache = tmp_path / "guide", tmp_path / "cache"
    build(ARTICLE, out, cache)
    memo_file = cache / MEMO_NAME
    kept = json.loads(memo_file.read_text(encoding="utf-8"))
    assert "Avoid running for two days. Walking is fine." in kept["entries"]
    before = snapshot(out)
    cold = build(ARTICLE, tmp_path / "cold", tmp_path / "cold-cache", use_cache=False)  # pysbd, no memo
    assert snapshot(tmp_path / "cold") == before and cold.rebuilt
    # an entry that says otherwise (the file's digest no longer matches): ignored, pysbd splits again
    kept["entries"]["Avoid running for two days. Walking is fine."] = [
        "Avoid running for two days. Walking is fine."
    ]
    memo_file.write_text(json.dumps(kept), encoding="utf-8")
    report = build(ARTICLE, out, cache)
    assert report.rebuilt == [] and snapshot(out) == before
    for damage in (b"\x00\xff not json", b"[]", b""):
        memo_file.write_bytes(damage)
        report = build(ARTICLE, out, cache)
        assert report.rebuilt == [] and snapshot(out) == before
        assert json.loads(memo_file.read_text(encoding="utf-8"))["entries"]  # made again


def test_one_paragraph_edit_touches_one_track(built):
    out, cache, first = built
    before = snapshot(out)
    edited = ARTICLE.replace("Avoid running for two days.", "Avoid running for three days.")
    report = build(edited, out, cache)
    assert report.rebuilt == ["02 - Things to Avoid.mp3"]
    assert report.clips_synthesized == 1  # only the edited sentence
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    # the playlist changes only if the track's rounded duration did
    assert changed - {"playlist.m3u8"} == {
        "02 - Things to Avoid.mp3",
        "manifest.json",
        "transcripts/02 - Things to Avoid.txt",
    }
    assert "three days" in after["transcripts/02 - Things to Avoid.txt"].decode()
    # the edit (one worker synthesizing, this process rendering) gives the bytes a cold --jobs 1 build gives
    cold = out.parent / "cold"
    build(edited, cold, out.parent / "cold-cache", jobs=1)
    assert snapshot(cold) == after


def test_reorder_and_remove_renumber_everything(built):
    out, cache, _ = built
    parts = ARTICLE.split("\n\n")
    # drop "Things to Avoid" (2 blocks) and move "Bathing" before the intro paragraph's successor
    reordered = "\n\n".join([parts[0], parts[1], parts[4], parts[5], parts[6], parts[7]])
    report = build(reordered, out, cache)
    names = sorted(p.name for p in out.glob("*.mp3"))
    assert names == ["01 - Introduction.mp3", "02 - Bathing.mp3", "03 - Conclusion.mp3"]
    assert sorted(report.removed) == ["02 - Things to Avoid.mp3", "03 - Bathing.mp3", "04 - Conclusion.mp3"]
    assert str(ID3(out / "02 - Bathing.mp3")["TRCK"]) == "2/3"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [t["file"] for t in manifest["tracks"]] == names
    assert sorted(p.name for p in (out / "transcripts").iterdir()) == [
        n.replace(".mp3", ".txt") for n in names
    ]
    playlist = (out / "playlist.m3u8").read_text()
    assert [l for l in playlist.splitlines() if l.endswith(".mp3")] == names
    assert (out / "transcripts" / "02 - Bathing.txt").read_text().startswith("Track two of three. Bathing.")
    # announcements changed, so those clips were made anew; the sentences came from the cache
    assert 0 < report.clips_synthesized <= 6 and report.clips_reused > 0


def test_dry_run_changes_nothing(built):
    out, cache, _ = built
    before, entries = snapshot(out), ClipCache(cache).stats().entries
    edited = ARTICLE.replace("Rest helps.", "Rest helps a lot.")
    report = build(edited, out, cache, dry_run=True)
    assert report.rebuilt == ["01 - Introduction.mp3"] and report.clips_synthesized == 1
    assert snapshot(out) == before and ClipCache(cache).stats().entries == entries


def test_force_resynthesizes_everything_with_same_bytes(built):
    out, cache, first = built
    before = snapshot(out)
    report = build(ARTICLE, out, cache, force=True)
    assert report.clips_synthesized == first.clips_synthesized and len(report.rebuilt) == 4
    assert snapshot(out) == before  # deterministic synthesis: same audio, same files


def test_corrupt_cache_entry_is_replaced(built, tmp_path):
    out, cache, _ = built
    clip_cache = ClipCache(cache)
    key, path = next(iter(clip_cache.entries()))
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])  # truncated
    assert clip_cache.get(key) is None and not path.exists()
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(good[:-2] + bytes([good[-2] ^ 0xFF, good[-1]]))  # one flipped byte
    report = build(ARTICLE, tmp_path / "again", cache)  # needs every clip
    assert report.clips_synthesized == 0  # the entry existed; it was found corrupt while rendering
    assert path.read_bytes() == good  # re-synthesized, verified, identical
    assert snapshot(tmp_path / "again") == snapshot(out)


def test_no_cache_writes_no_cache(tmp_path):
    cache = tmp_path / "cache"
    report = build(ARTICLE, tmp_path / "guide", cache, use_cache=False)
    assert report.clips_synthesized > 0 and not cache.exists()


def test_jobs_do_not_change_bytes(tmp_path):
    one = build(ARTICLE, tmp_path / "j1", tmp_path / "c1", jobs=1)
    two = build(ARTICLE, tmp_path / "j2", tmp_path / "c2", jobs=2)
    assert one.clips_synthesized == two.clips_synthesized > 0
    assert snapshot(tmp_path / "j1") == snapshot(tmp_path / "j2")


@pytest.mark.slow
def test_spawned_workers_give_the_same_bytes_as_forked_ones(tmp_path, monkeypatch):
    """macOS and Windows start workers with spawn: they get their state from the pool initializer,
    not from the parent's memory. Synthesis, rendering and two parallel exports, cold caches."""
    short = ARTICLE.split("Bathing")[0] + "Conclusion\n\nCall the clinic if the pain gets worse.\n"
    formats = ("tracks", "m4b", "phone")
    build(short, tmp_path / "fork", tmp_path / "c1", jobs=2, formats=formats)
    monkeypatch.setenv("AUDIOGUIDE_START_METHOD", "spawn")
    report = build(short, tmp_path / "spawn", tmp_path / "c2", jobs=2, formats=formats)
    assert report.workers == 2 and report.formats == {"m4b": "built", "phone": "built"}
    assert snapshot(tmp_path / "fork") == snapshot(tmp_path / "spawn")


def test_an_unknown_start_method_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIOGUIDE_START_METHOD", "teleport")
    with pytest.raises(AudioguideError, match=r"AUDIOGUIDE_START_METHOD='teleport': not a start method here"):
        build(ARTICLE, tmp_path / "guide", tmp_path / "cache", jobs=2)


def _default_ctrl_c() -> None:
    """In the child before exec: Ctrl-C as in a terminal, whatever the test runner inherited.

    A shell that starts a job in the background without job control sets SIGINT
    to "ignored", children inherit it, and Python then keeps it ignored: a
    suite started that way would see the Ctrl-C case build to the end.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(*args: str, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "AUDIOGUIDE_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-m", "audioguide.cli", *args],
        env=env,
        start_new_session=True,
        preexec_fn=_default_ctrl_c,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_clips(cache: Path, count: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ClipCache(cache).stats().entries >= count:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("build made no progress")


def _children(pid: int) -> list[int]:
    """Child process ids of ``pid`` (Linux /proc)."""
    return [
        int(c)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for c in (task / "children").read_text().split()
    ]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill", "ctrl-c", "kill-worker"])
def test_interrupted_build_keeps_old_output_and_resumes(tmp_path, how):
    out, cache = tmp_path / "guide", tmp_path / "cache"
    build(ARTICLE, out, cache)
    before = snapshot(out)
    cached = ClipCache(cache).stats().entries
    source = tmp_path / "recovery.txt"  # another guide, of 33 new clips: the build is killed after 8
    source.write_text(RECOVERY, encoding="utf-8")
    proc = _cli("build", str(source), "-o", str(out), "-q", "--replace", cache=cache)
    _wait_for_clips(cache, cached + 8, proc)
    if how == "kill":
        proc.kill()  # the parent only, as the OOM killer would
    elif how == "kill-worker":
        os.kill(_children(proc.pid)[0], signal.SIGKILL)  # one worker, as the OOM killer would
    else:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, stderr = proc.communicate(timeout=60)
    if how == "ctrl-c":
        assert proc.returncode == 130 and stderr.strip().endswith(
            "interrupted; the previous output is unchanged"
        )
        assert "Traceback" not in stderr
    elif how == "kill-worker":
        assert proc.returncode == 1 and "Traceback" not in stderr
        *warnings, error = stderr.strip().splitlines()  # the example's furniture warning may come first
        assert error == (
            "audioguide: error: a worker process died (killed, or out of memory); nothing was changed; "
            "try again with fewer --jobs"
        )
        assert all(line.startswith("warning: ") for line in warnings), warnings
    else:
        assert proc.returncode == -signal.SIGKILL
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # leftover workers of the killed parent
    except ProcessLookupError:
        pass
    assert snapshot(out) == before
    made = ClipCache(cache).stats().entries - cached
    assert made >= 8
    rerun = _cli("build", str(source), "-o", str(out), "-q", "--json", "--replace", cache=cache)
    stdout, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    report = json.loads(stdout)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    clips = {clip["key"] for track in manifest["tracks"] for clip in track["clips"]}
    assert len(clips) == 33  # the title, each chapter's announcement and its six sentences
    assert report["clips_reused"] >= made and report["clips_synthesized"] == 33 - report["clips_reused"]
    assert len(list(out.glob("*.mp3"))) == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".guide.")] == []


def test_synthesis_starts_with_the_longest_track():
    """The queue ends on the shortest track, so the last lone task is a short one."""
    from audioguide.audio.mp3 import TrackTags
    from audioguide.audio.render import TrackJob
    from audioguide.pipeline.plan import ClipJob
    from audioguide.pipeline.scheduler import synthesis_order

    def track(name: str, texts: dict[str, str]) -> TrackJob:
        tags = TrackTags(title=name, album="A", artist="B", track=1, total=3, language="en", comment="")
        return TrackJob(
            name, tuple(texts), tuple(texts.values()), (0,) * len(texts), tags, GuideSettings(), 22050
        )

    short = track("short", {"s1": "Yes.", "shared": "Track one of three."})
    long_ = track(
        "long",
        {
            "l1": "A fairly long sentence here.",
            "l2": "An even longer sentence than that one is.",
            "shared": "Track one of three.",
        },
    )
    middle = track("middle", {"m1": "A sentence of middling length, say."})
    clips = [
        ClipJob(k, t)
        for k, t in {
            **dict(zip(short.keys, short.texts)),
            **dict(zip(long_.keys, long_.texts)),
            **dict(zip(middle.keys, middle.texts)),
            "orphan": "Not in a track.",
        }.items()
    ]
    order = [job.key for job in synthesis_order(clips, [short, long_, middle])]
    assert order == ["l2", "l1", "shared", "m1", "s1", "orphan"]
    assert sorted(order) == sorted(job.key for job in clips)  # each clip exactly once


def test_jobs_are_capped_to_the_cores(tmp_path):
    """--jobs 8 on a 2-core machine took 2.5 GB: more workers than cores only add memory."""
    report = build(ARTICLE, tmp_path / "guide", tmp_path / "cache", jobs=64, dry_run=True)
    cores = len(os.sched_getaffinity(0))
    assert 1 <= report.workers <= cores
