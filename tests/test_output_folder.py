"""The output folder holds only what the build made: nothing else of the user's is ever lost.

Each case here is a way a build could lose the user's files or crash half
way; the journalled, lock-held commit keeps the folder whole. Builds run
through the real CLI, in-process or (to be killed) in a process of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import invoke, run_forked

ARTICLE = """Caring for Your Knee After an Injection

Most people feel better within a few days. Rest helps.

Things to Avoid

Avoid running for two days. Walking is fine.

Conclusion

Call the clinic if the pain gets worse.
"""
EDITED = ARTICLE.replace("Walking is fine.", "Walking is fine, and so is cycling.")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def hidden_siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def assert_complete_guide(folder: Path) -> dict:
    """A guide every file of which its manifest lists, with the bytes it recorded."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "audioguide-manifest"
    for track in manifest["tracks"]:
        data = (folder / track["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == track["file_sha256"], track["file"]
        assert (folder / track["transcript"]).is_file()
    assert (folder / "playlist.m3u8").is_file()
    assert not (folder / ".audioguide-build").exists()
    return manifest


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "knee.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def build(*args: str) -> None:
    result = invoke("build", *args, "-q")
    assert result.exit_code == 0, result.stderr


# --------------------------------------------------------------------------- the user's files are kept


@pytest.mark.slow
def test_guide_script_and_notes_in_the_output_folder_survive_rebuilds(tmp_path, source):
    out = tmp_path / "out"
    build(str(source), "-o", str(out))
    result = invoke("init", str(source), "-o", str(out / "guide.yaml"))
    assert result.exit_code == 0, result.stderr
    (out / "notes.txt").write_text("call Dr. Lee", encoding="utf-8")
    (out / "transcripts" / "my-edits.txt").write_text("mine", encoding="utf-8")
    script = (out / "guide.yaml").read_text(encoding="utf-8")
    build(str(out / "guide.yaml"), "-o", str(out))
    build(str(out / "guide.yaml"), "-o", str(out), "--formats", "web")
    assert (out / "guide.yaml").read_text(encoding="utf-8") == script
    assert (out / "notes.txt").read_text(encoding="utf-8") == "call Dr. Lee"
    assert (out / "transcripts" / "my-edits.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "index.html").is_file()
    assert_complete_guide(out)
    assert hidden_siblings(out) == []


def test_someone_elses_manifest_is_refused_and_kept(tmp_path, source):
    out = tmp_path / "extension"
    out.mkdir()
    theirs = '{"manifest_version": 3, "name": "My extension"}'
    (out / "manifest.json").write_text(theirs, encoding="utf-8")
    result = invoke("build", str(source), "-o", str(out), "--no-cache")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"audioguide: error: {out}: folder is not empty and holds no audioguide manifest; choose a new or empty folder"
    ]
    assert (out / "manifest.json").read_text(encoding="utf-8") == theirs
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


@pytest.mark.slow
def test_a_file_the_build_would_overwrite_is_refused(tmp_path, source):
    out = tmp_path / "out"
    build(str(source), "-o", str(out))
    (out / "index.html").write_text("<p>my clinic page</p>", encoding="utf-8")
    before = tree(out)
    result = invoke("build", str(source), "-o", str(out), "--formats", "web")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"audioguide: error: {out / 'index.html'}: not made by audioguide, and the new build writes a file there; "
        "move it away or choose another output folder (nothing was changed)"
    ]
    assert tree(out) == before
    assert hidden_siblings(out) == []


@pytest.mark.slow
def test_a_different_guide_is_not_replaced_silently(tmp_path, source):
    other = tmp_path / "back.txt"
    other.write_text(
        ARTICLE.replace("Caring for Your Knee After an Injection", "Back Pain at Work"), encoding="utf-8"
    )
    out = tmp_path / "out"
    build(str(source), "-o", str(out))
    before = tree(out)
    result = invoke("build", str(other), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"audioguide: error: {out}: holds another guide ('Caring for Your Knee After an Injection', from knee.txt); "
        "choose another output folder, or use --replace to replace it"
    ]
    assert tree(out) == before
    build(str(other), "-o", str(out), "--replace")
    assert json.loads((out / "manifest.json").read_text())["title"] == "Back Pain at Work"


@pytest.mark.slow
def test_non_latin_titles_get_folders_of_their_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    titles = ["Боль в спине", "腰痛について", "Πόνος στην πλάτη", "ألم الظهر", "כאב גב"]
    for number, title in enumerate(titles):
        path = tmp_path / f"a{number}.txt"
        path.write_text(f"{title}\n\nRest helps. Walk a little every day.\n", encoding="utf-8")
        build(str(path))
    folders = sorted(p.name for p in (tmp_path / "output").iterdir() if not p.name.startswith("."))
    assert len(folders) == len(titles) and "guide" not in folders
    assert "боль-в-спине" in folders and "腰痛について" in folders


@pytest.mark.slow
def test_cleanup_touches_only_what_the_build_made(tmp_path, source):
    out = tmp_path / "my.guide"
    backup = tmp_path / ".my.guide.old-backup-2025"
    backup.mkdir()
    (backup / "keep.txt").write_text("backup", encoding="utf-8")
    lookalike = tmp_path / ".my.guide.building-12-deadbeef"  # our pattern, but not our marker
    lookalike.mkdir()
    build(str(source), "-o", str(out))
    build(str(source), "-o", str(out), "--force")
    assert (backup / "keep.txt").read_text(encoding="utf-8") == "backup"
    assert lookalike.is_dir()
    assert hidden_siblings(out) == sorted([backup.name, lookalike.name])


@pytest.mark.slow
def test_a_symlinked_output_folder_stays_a_symlink(tmp_path, source):
    real = tmp_path / "real-guide"
    link = tmp_path / "guide"
    build(str(source), "-o", str(real))
    link.symlink_to(real, target_is_directory=True)
    (real / "notes.txt").write_text("mine", encoding="utf-8")
    build(str(source), "-o", str(link), "--force")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert_complete_guide(real)


# --------------------------------------------------------------------------- one build at a time


@pytest.mark.slow
def test_a_second_build_into_the_same_folder_is_refused(tmp_path, source):
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    env = {**os.environ, "AUDIOGUIDE_CACHE_DIR": str(cache)}
    first = subprocess.Popen(
        [sys.executable, "-m", "audioguide.cli", "build", str(source), "-o", str(out), "-q"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = tmp_path / ".out.lock"
        for _ in range(600):  # wait until the first build holds the lock
            if lock.exists():
                break
            time.sleep(0.05)
        second = invoke("build", str(source), "-o", str(out), "-q", env={"AUDIOGUIDE_CACHE_DIR": str(cache)})
        assert second.exit_code == 1
        assert second.stderr.strip().splitlines() == [
            f"audioguide: error: another build is writing to {out}; wait for it to finish"
        ]
    finally:
        _, stderr = first.communicate(timeout=180)
    assert first.returncode == 0, stderr
    assert_complete_guide(out)
    assert hidden_siblings(out) == []


# --------------------------------------------------------------------------- damaged formats are remade


@pytest.mark.slow
@pytest.mark.parametrize(
    "damage", ["edit-web", "truncate-epub", "zero-single", "truncate-daisy", "truncate-phone"]
)
def test_a_damaged_format_file_is_made_again(tmp_path, source, damage):
    out = tmp_path / "out"
    formats = {
        "edit-web": "web",
        "truncate-epub": "epub",
        "zero-single": "single",
        "truncate-daisy": "daisy",
        "truncate-phone": "phone",
    }[damage]
    build(str(source), "-o", str(out), "--formats", formats)
    good = tree(out)
    target = {
        "edit-web": lambda: out / "index.html",
        "truncate-epub": lambda: out / "guide.epub",
        "zero-single": lambda: out / "guide.mp3",
        "truncate-daisy": lambda: sorted((out / "daisy").glob("*.mp3"))[0],
        "truncate-phone": lambda: out / "phone" / "hold-programme.wav",
    }[damage]()
    data = target.read_bytes()
    if damage == "edit-web":
        target.write_bytes(data.replace(b"</h1>", b" (edited)</h1>", 1))
    elif damage == "zero-single":
        target.write_bytes(bytes(len(data)))
    else:
        target.write_bytes(data[: len(data) // 2])
    result = invoke("build", str(source), "-o", str(out), "--formats", formats, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["formats"] == {formats: "built"}
    rebuilt = tree(out)
    rel = str(target.relative_to(out))
    if formats == "epub":  # carries its build time
        assert len(rebuilt[rel]) == len(good[rel])
    else:
        assert rebuilt[rel] == good[rel]


# --------------------------------------------------------------------------- killed at any moment

MOMENTS = [
    "planned",
    "clip-synthesized",
    "track-rendered",
    "rendered",
    "exported",
    "manifest-written",
    "journal-written",
    "carried-one",
    "exchanged",
    "marker-removed",
    "old-removed",
]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A clean build of the edited article (what every interrupted build must end as), and the old guide."""
    root = tmp_path_factory.mktemp("kills")
    cache = root / "cache"
    src = root / "knee.txt"
    src.write_text(EDITED, encoding="utf-8")
    env = {"AUDIOGUIDE_CACHE_DIR": str(cache)}
    result = invoke("build", str(src), "-o", str(root / "clean"), "-q", "--formats", "web,captions", env=env)
    assert result.exit_code == 0, result.stderr
    src.write_text(ARTICLE, encoding="utf-8")
    result = invoke("build", str(src), "-o", str(root / "old"), "-q", "--formats", "web,captions", env=env)
    assert result.exit_code == 0, result.stderr
    (root / "old" / "notes.txt").write_text("mine", encoding="utf-8")
    src.write_text(EDITED, encoding="utf-8")
    return root, src, cache


@pytest.mark.slow
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_build_killed_at_any_moment_leaves_a_complete_guide(reference, tmp_path, moment):
    root, src, cache = reference
    out = tmp_path / "out"
    shutil.copytree(root / "old", out, symlinks=True)
    run_cache = tmp_path / "cold" if moment == "clip-synthesized" else cache  # a clip must be made
    env = {"AUDIOGUIDE_CACHE_DIR": str(run_cache), "AUDIOGUIDE_KILL_AT": moment}
    proc = run_forked("build", str(src), "-o", str(out), "-q", "--formats", "web,captions", env=env)
    assert proc.returncode == -signal.SIGKILL, proc.stderr  # it did reach that moment
    manifest = assert_complete_guide(out)  # the old guide or the new one, whole
    assert manifest["title"] == "Caring for Your Knee After an Injection"
    notes = out / "notes.txt"
    # only while the commit moves the user's files over are they in the unfinished new build;
    # the next run finishes the commit before anything else
    assert notes.exists() == (moment != "carried-one")
    rerun = invoke(
        "build",
        str(src),
        "-o",
        str(out),
        "-q",
        "--formats",
        "web,captions",
        env={"AUDIOGUIDE_CACHE_DIR": str(cache)},
    )
    assert rerun.exit_code == 0, rerun.stderr
    assert notes.read_text(encoding="utf-8") == "mine"
    after = tree(out)
    del after["notes.txt"]
    assert after == tree(root / "clean")
    assert hidden_siblings(out) == []


# --------------------------------------------------------------------------- the folder remembers its formats


@pytest.mark.slow
def test_a_plain_rebuild_keeps_the_formats_the_folder_had(tmp_path, source):
    out = tmp_path / "out"
    build(str(source), "-o", str(out), "--formats", "web,captions")
    web, captions = (out / "index.html").read_bytes(), tree(out / "captions")
    result = invoke("build", str(source), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Formats: captions (unchanged), web (unchanged)." in result.output
    assert (out / "index.html").read_bytes() == web and tree(out / "captions") == captions
    result = invoke("build", str(source), "-o", str(out), "--formats", "tracks,web")
    assert result.exit_code == 0, result.stderr
    # the player links each track's captions: without them it is made again, without the links
    assert "Formats: web (built); removed: captions." in result.output
    assert not (out / "captions").exists() and (out / "index.html").is_file()
    assert "captions/" not in (out / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["formats"]) == ["web"]


@pytest.mark.slow
def test_a_note_in_a_format_folder_survives_the_format_going_and_coming_back(tmp_path, source):
    out = tmp_path / "out"
    build(str(source), "-o", str(out), "--formats", "captions")
    (out / "captions" / "note.txt").write_text("check the timing of cue 3", encoding="utf-8")
    build(str(source), "-o", str(out), "--formats", "tracks")  # captions off: the note stays
    assert sorted(p.name for p in (out / "captions").iterdir()) == ["note.txt"]
    result = invoke("build", str(source), "-o", str(out), "--formats", "captions", "-q")  # and on again
    assert result.exit_code == 0, result.stderr
    assert (out / "captions" / "note.txt").read_text(encoding="utf-8") == "check the timing of cue 3"
    assert len(list((out / "captions").glob("*.vtt"))) == 3
    assert_complete_guide(out)
    assert hidden_siblings(out) == []


# --------------------------------------------------------------------------- an output folder that is a mount point

MOUNT_MOMENTS = [
    "journal-written",
    "carried-one",
    "old-entry-aside",  # the old guide half moved aside inside the folder
    "old-moved-aside",
    "new-entry-placed",  # the new build half moved in
    "marker-removed",
    "old-removed",
]


def _in_mounted(out: Path, cache: Path, *commands: list[str]):
    """Run ``commands`` (CLI argument lists; a leading "KILL=moment" kills that one there) with
    ``out`` bind-mounted onto itself: a mount point, as a Docker or NFS volume is."""
    from mounts import CLI, exit_codes, in_namespace

    argv = []
    for command in commands:
        kill = [f"AUDIOGUIDE_KILL_AT={command[0][5:]}"] if command[0].startswith("KILL=") else []
        argv.append(["env", *kill, *CLI, *(command[1:] if kill else command)])
    result = in_namespace(
        f"mount --bind '{out}' '{out}'",
        argv,
        env={**os.environ, "AUDIOGUIDE_CACHE_DIR": str(cache)},
        start_new_session=True,
    )
    return exit_codes(result), result.stderr


@pytest.mark.slow
def test_a_mount_point_output_folder_is_built_into_not_swapped(reference, tmp_path):
    """Rename cannot move a mount point (EBUSY): the build fills the folder instead."""
    from mounts import need_mounts

    need_mounts()
    root, src, cache = reference
    out = tmp_path / "volume"
    out.mkdir()
    src.write_text(ARTICLE, encoding="utf-8")
    formats = ["-q", "--formats", "web,captions"]
    first = ["build", str(src), "-o", str(out), *formats]
    codes, stderr = _in_mounted(out, cache, first)
    assert codes == [0], stderr
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "transcripts" / "my-edits.txt").write_text("mine too", encoding="utf-8")
    src.write_text(EDITED, encoding="utf-8")
    codes, stderr = _in_mounted(out, cache, first, first)  # the edit, then a rebuild with nothing to do
    assert codes == [0, 0], stderr
    assert "Traceback" not in stderr
    after = tree(out)
    assert after.pop("notes.txt") == b"mine" and after.pop("transcripts/my-edits.txt") == b"mine too"
    assert after == tree(root / "clean")
    assert hidden_siblings(out) == [] and not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
@pytest.mark.parametrize("moment", MOUNT_MOMENTS)
def test_a_build_into_a_mount_point_killed_at_any_moment_is_finished(reference, tmp_path, moment):
    from mounts import need_mounts

    need_mounts()
    root, src, cache = reference
    out = tmp_path / "volume"
    shutil.copytree(root / "old", out, symlinks=True)
    build_args = ["build", str(src), "-o", str(out), "-q", "--formats", "web,captions"]
    codes, stderr = _in_mounted(out, cache, [f"KILL={moment}", *build_args], build_args)
    assert codes == [128 + signal.SIGKILL, 0], stderr  # killed there; the rerun finished it
    assert "Traceback" not in stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    after = tree(out)
    del after["notes.txt"]
    assert after == tree(root / "clean")
    assert hidden_siblings(out) == [] and not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_a_folder_mounted_after_an_interrupted_build_is_rolled_back_then_built(reference, tmp_path):
    """The old code's trap: a commit journalled beside a folder that is (now) a mount point can never
    be swapped in, and every later build failed in recovery. It is rolled back instead."""
    from mounts import need_mounts

    need_mounts()
    root, src, cache = reference
    out = tmp_path / "volume"
    shutil.copytree(root / "old", out, symlinks=True)
    build_args = ["build", str(src), "-o", str(out), "-q", "--formats", "web,captions"]
    killed = run_forked(
        *build_args, env={"AUDIOGUIDE_CACHE_DIR": str(cache), "AUDIOGUIDE_KILL_AT": "carried-one"}
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (out / "notes.txt").exists() and hidden_siblings(out)  # the note is in the journalled build
    codes, stderr = _in_mounted(out, cache, build_args)
    assert codes == [0], stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    after = tree(out)
    del after["notes.txt"]
    assert after == tree(root / "clean")
    assert hidden_siblings(out) == []
