"""Every bad file, number, template or voice config is one line, and bounded.

Cases that hung or read until memory ran out run in a subprocess with a
timeout, so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import GOOD, assert_one_line_error, invoke, write_picture

from audioguide.sources.load import load_source

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "title: T\nchapters:\n  - title: Intro\n    text: Hello there, this is the text.\n"


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "audioguide.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line(proc: subprocess.CompletedProcess, *needles: str) -> None:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("audioguide: error: ") and "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# --------------------------------------------------------------------------- special files


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_before_it_is_read(device):
    proc = run_cli("outline", device, timeout=30)
    assert_one_line(proc, device, "not a regular file (a device)")


@pytest.mark.parametrize("name, option", [("a.txt", None), ("g.yaml", None), ("words.yaml", "--lexicon")])
def test_a_fifo_is_refused_without_blocking(tmp_path, name, option):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    args = ["outline", str(fifo)]
    if option:
        article = tmp_path / "article.txt"
        article.write_text(GOOD)
        args = ["outline", str(article), option, str(fifo)]
    proc = run_cli(*args, timeout=30)
    assert_one_line(proc, str(fifo), "not a regular file (a pipe)")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "option, value, expected",
    [
        ("--rate", "nan", "--rate must be a number, not nan"),
        ("--rate", "inf", "--rate must be a number, not inf"),
        ("--rate", "1e-9", "--rate must be between 0.25 and 4, not 1e-09"),
        ("--target-lufs", "nan", "--target-lufs must be a number, not nan"),
        ("--target-lufs", "+50", "--target-lufs must be between -30 and -10, not 50"),
    ],
)
def test_numbers_on_the_command_line_are_range_checked(tmp_path, option, value, expected):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    out = tmp_path / "out"
    result = invoke("build", str(src), "-o", str(out), "--dry-run", option, value)
    assert_one_line_error(result, expected)
    assert not out.exists()


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ("voice: {rate: 1.0e-9}", "guide.yaml:1: voice.rate must be between 0.25 and 4, not 1e-09"),
        ("voice: {rate: 1e-9}", "guide.yaml:1: voice.rate must be between 0.25 and 4, not 1e-09"),
        (
            "loudness: {target_lufs: 50}",
            "guide.yaml:1: loudness.target_lufs must be between -30 and -10, not 50",
        ),
        ("loudness: {target_lufs: .nan}", "guide.yaml:1: loudness.target_lufs must be a number"),
    ],
)
def test_numbers_in_a_guide_script_use_the_same_ranges(tmp_path, snippet, expected):
    guide = tmp_path / "guide.yaml"
    guide.write_text(snippet + "\n" + GUIDE)
    assert_one_line_error(invoke("outline", str(guide)), expected)


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ("pauses: {head_ms: 1e23}", "guide.yaml:1: pauses.head_ms must be at most 30000, not '1e23'"),
        (
            "pauses:\n  tail_ms: 86400000",
            "guide.yaml:2: pauses.tail_ms must be at most 30000, not '86400000'",
        ),
        (
            "hold: {gap_ms: 1e12, max_seconds: 1e300}",
            "guide.yaml:1: hold.gap_ms must be at most 60000, not '1e12'",
        ),
        (
            "hold: {max_seconds: 1e300}",
            "guide.yaml:1: hold.max_seconds must be between 1 and 86400, not 1e+300",
        ),
        ("hold: {tracks: [1, 100000]}", "guide.yaml:1: hold.tracks: a track number must be at most 9999"),
        ("hold: {max_bytes: 1e15}", "guide.yaml:1: hold.max_bytes must be at most 1000000000000"),
    ],
)
def test_pauses_and_hold_values_have_an_upper_bound(tmp_path, snippet, expected):
    """A pause is silence held in memory: a day of it per track is gigabytes, 1e23 no number at all."""
    guide = tmp_path / "guide.yaml"
    guide.write_text(snippet + "\n" + GUIDE)
    out = tmp_path / "out"
    assert_one_line_error(
        invoke("build", str(guide), "-o", str(out), "--formats", "phone", "--dry-run"), expected
    )
    assert not out.exists()


def test_every_number_a_user_may_set_has_a_range():
    """Each int or float setting, and each list of them, is declared with its range (LIMITS)."""
    from audioguide.model.settings import LIMITS, all_declared, is_group

    numbers = [
        item.path
        for _, item in all_declared()
        if not is_group(item) and (item.type in (int, float) or str(item.type).startswith("tuple[int"))
    ]
    assert numbers and sorted(numbers) == sorted(LIMITS)


def test_the_bitrate_option_uses_the_same_range(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    result = invoke("build", str(src), "-o", str(tmp_path / "out"), "--dry-run", "--bitrate", "1000")
    assert_one_line_error(result, "--bitrate must be at most 320, not 1000")


def test_yaml_exponent_numbers_are_numbers(tmp_path):
    guide = tmp_path / "guide.yaml"
    guide.write_text(
        "hold: {max_bytes: 1e12, max_seconds: 6e2}\nloudness: {target_lufs: -1.8E1}\n"
        "pauses: {tail_ms: 2e3}\n" + GUIDE
    )
    settings = load_source(guide).settings
    assert settings.hold.max_bytes == 10**12 and settings.hold.max_seconds == 600.0
    assert settings.loudness.target_lufs == -18.0 and settings.pauses.tail_ms == 2000
    guide.write_text('encoding: {bitrate_kbps: "6.4e1"}\n' + GUIDE)  # quoted: text, as written
    assert_one_line_error(
        invoke("outline", str(guide)), "encoding.bitrate_kbps must be a whole number, not '6.4e1'"
    )


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    "template, expected",
    [
        ("{title:d}", "'{title:d}' has a format or conversion; write {title}"),  # fails at build time
        (
            "{number:>999999999}",
            "'{number:>999999999}' has a format or conversion; write {number}",
        ),  # a gigabyte
        ("{title.__class__}", "unknown placeholder '{title.__class__}'"),
    ],
)
def test_a_bad_announce_template_is_one_line(tmp_path, template, expected):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    result = invoke(
        "build", str(src), "-o", str(tmp_path / "o"), "--dry-run", "--announce-template", template
    )
    assert_one_line_error(result, f"announcement template {template!r}: {expected}")
    guide = tmp_path / "guide.yaml"
    guide.write_text(f"announce_template: '{template}'\n" + GUIDE)
    assert_one_line_error(invoke("outline", str(guide)), f"guide.yaml:1: announce_template: {expected}")


# --------------------------------------------------------------------------- text in YAML


def test_a_lone_surrogate_in_yaml_is_dropped(tmp_path):
    guide = tmp_path / "guide.yaml"
    guide.write_text(
        'title: "Guide \\uD800 title"\nchapters:\n  - title: "Intro \\uDC00"\n'
        '    text: "Hello \\uD800 there."\n'
    )
    document = load_source(guide).document
    assert document.title == "Guide title" and document.chapters[0].paragraphs == ("Hello there.",)
    out = tmp_path / "again.yaml"
    result = invoke("init", str(guide), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Hello there." in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ['"en\\"><x"', "english language", "e", "en-"])
def test_language_must_be_bcp47(tmp_path, value):
    guide = tmp_path / "guide.yaml"
    guide.write_text(f"language: {value}\n" + GUIDE)
    assert_one_line_error(
        invoke("outline", str(guide)), "guide.yaml:1: language", "is not a BCP 47 language tag"
    )


def test_good_language_tags_are_kept(tmp_path):
    guide = tmp_path / "guide.yaml"
    for tag in ("no", "pt-BR", "zh-Hant-TW", "de-CH-1996"):
        guide.write_text(f"language: {tag}\n" + GUIDE)
        assert load_source(guide).document.language == tag
    page = tmp_path / "page.html"
    page.write_text('<html lang="en&quot;&gt;&lt;x"><body><h1>T</h1><p>Some words here.</p></body></html>')
    assert load_source(page).document.language == "en"  # the default: the page's value is no tag


# --------------------------------------------------------------------------- lexicon paths


def test_lexicon_paths_stay_in_the_guide_scripts_folder(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    creds = private / "creds.yml"
    creds.write_text("password: hunter two\n")
    folder = tmp_path / "guides" / "knee"
    folder.mkdir(parents=True)
    (folder / "words.yaml").write_text("NSAIDs: en-seds\n")
    guide = folder / "guide.yaml"
    for ref in ("../../private/creds.yml", str(creds)):
        guide.write_text(f"lexicon: ['{ref}']\n" + GUIDE)
        assert_one_line_error(
            invoke("outline", str(guide)),
            f"guide.yaml:1: lexicon '{ref}' is outside the guide script's folder",
            "--lexicon",
        )
    (folder / "link.yml").symlink_to(creds)
    guide.write_text("lexicon: [link.yml]\n" + GUIDE)
    assert_one_line_error(invoke("outline", str(guide)), "lexicon 'link.yml' is outside")
    guide.write_text("lexicon: [words.yaml]\n" + GUIDE)  # beside the script: fine
    assert invoke("outline", str(guide)).exit_code == 0
    guide.write_text(GUIDE)  # named by the user on the command line: fine
    assert invoke("outline", str(guide), "--lexicon", str(creds)).exit_code == 0


# --------------------------------------------------------------------------- cover image


@pytest.mark.parametrize("ref", ["/etc/passwd", "~/.ssh/id_rsa", "../secret.png"])
def test_a_cover_image_outside_the_scripts_folder_is_refused(tmp_path, ref):
    """A page's guide script must not publish the machine's files as the podcast's cover."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    write_picture(tmp_path / "secret.png")  # a real picture, but not the script's own
    folder = tmp_path / "guide"
    folder.mkdir()
    guide = folder / "guide.yaml"
    guide.write_text(f"cover_image: '{ref}'\n" + GUIDE)
    out = tmp_path / "out"
    result = invoke(
        "build",
        str(guide),
        "-o",
        str(out),
        "--formats",
        "podcast",
        "--base-url",
        "https://x.example/a/",
        env={"HOME": str(home)},
    )
    assert_one_line_error(result, f"guide.yaml:1: cover_image '{ref}' is outside the guide script's folder")
    assert not out.exists()


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda p: p.write_text("root:x:0:0:root:/root:/bin/bash\n"), "not a JPEG or PNG picture"),
        (lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100)), "not a JPEG or PNG picture"),
        (lambda p: p.write_bytes(b"GIF89a" + bytes(100)), "not a JPEG or PNG picture"),
        (lambda p: p.write_bytes(bytes(11 * 1024 * 1024)), "file too large"),
        (os.mkfifo, "not a regular file (a pipe)"),
    ],
)
def test_a_cover_image_must_be_a_picture(tmp_path, make, problem):
    cover = tmp_path / "cover.jpg"
    make(cover)
    guide = tmp_path / "guide.yaml"
    guide.write_text("cover_image: cover.jpg\n" + GUIDE)
    out = tmp_path / "out"
    result = invoke(
        "build", str(guide), "-o", str(out), "--formats", "podcast", "--base-url", "https://x.example/a/"
    )
    assert_one_line_error(result, "guide.yaml:1: cover_image 'cover.jpg': " + problem)
    assert not out.exists()


@pytest.mark.parametrize("name", ["cover.jpg", "art/cover.png"])
def test_a_picture_beside_the_script_is_a_cover(tmp_path, name):
    (tmp_path / "art").mkdir()
    write_picture(tmp_path / name)
    guide = tmp_path / "guide.yaml"
    guide.write_text(f"cover_image: {name}\n" + GUIDE)
    assert load_source(guide).settings.cover_image == str(tmp_path / name)


# --------------------------------------------------------------------------- voice config


@pytest.mark.parametrize(
    "config, expected",
    [
        ("{}", "the voice's config is empty or not a JSON object"),
        ("[1, 2]", "the voice's config is empty or not a JSON object"),
        ("not json {", "the voice's config is not JSON"),
        (
            json.dumps({"audio": {"sample_rate": 0}}),
            "audio.sample_rate must be a whole number of Hz from 8000 to 192000, not 0",
        ),
        (json.dumps({"audio": {"sample_rate": 22050}}), "not a Piper voice config"),
    ],
)
def test_a_broken_voice_config_is_one_line(tmp_path, config, expected):
    voice = tmp_path / "v.onnx"
    voice.write_bytes(b"not really a model")
    Path(f"{voice}.json").write_text(config)
    result = invoke("say", "Hello there.", "--voice", str(voice), "-o", str(tmp_path / "say.mp3"))
    assert_one_line_error(result, f"{voice}.json: ", expected)
    assert not (tmp_path / "say.mp3").exists()


# --------------------------------------------------------------------------- encodings, pages, names


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_as_utf16(tmp_path, codec):
    src = tmp_path / "a.txt"
    src.write_bytes("Knee Care\n\nRest the knee, naïve café.\n\nIce\n\nIce it twice a day.\n".encode(codec))
    document = load_source(src).document
    assert document.title == "Knee Care"
    assert document.chapters[0].paragraphs == ("Rest the knee, naïve café.",)


def test_binary_is_still_binary(tmp_path):
    src = tmp_path / "pic.txt"
    src.write_bytes(bytes(range(256)) * 40)
    assert_one_line_error(invoke("outline", str(src)), "pic.txt", "binary")


def test_a_page_nested_too_deep_says_so(tmp_path):
    page = tmp_path / "deep.html"
    depth = 100_000
    page.write_text(
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * depth
        + "<h1>Knee Care</h1><p>Rest the knee today and keep it raised for a while.</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    assert_one_line_error(
        invoke("outline", str(page)), "deep.html: the page nests elements more than 255 levels deep"
    )


def test_a_long_cjk_title_fits_a_file_name(tmp_path):
    title = "膝关节注射后的护理" * 17  # 153 characters, 459 bytes of UTF-8
    src = tmp_path / "a.md"
    src.write_text(
        f"# Knee Care\n\nIntro text here.\n\n## {title}\n\nSome text for this part.\n", encoding="utf-8"
    )
    result = invoke("outline", str(src), "--json")
    assert result.exit_code == 0, result.stderr
    names = [t["file"] for t in json.loads(result.output)["tracks"]]
    assert names[1].startswith("02 - 膝关节注射后的护理") and names[1].endswith(".mp3")
    assert all(len(name.encode("utf-8")) <= 200 for name in names)
    for name in names:  # each name can really be created
        (tmp_path / name).write_bytes(b"")


def test_a_name_the_file_system_cannot_hold_fails_before_any_work(tmp_path):
    from audioguide.errors import OutputError
    from audioguide.files import check_file_names

    with pytest.raises(OutputError) as info:
        check_file_names(["01 - ok.mp3", "02 - " + "é" * 150 + ".mp3"], tmp_path / "out", error=OutputError)
    assert str(info.value).startswith(f"{tmp_path / 'out'}: the file name '02 - ")
    assert str(info.value).endswith(
        "is 309 bytes, more than the 247 this file system allows; shorten the chapter title"
    )


def test_settings_text_in_a_guide_script_is_cleaned_too(tmp_path):
    """Not only the document: the template, the hold opening line and pronunciations are spoken
    and written into transcripts, captions and EPUB."""
    guide = tmp_path / "guide.yaml"
    guide.write_text(
        'announce_template: "Track\\x00 {number}\\e[2J. {title}"\n'
        'hold: {opening: "Thank you\\x07 for holding\\u202e."}\n'
        'pronunciations: {NSAIDs: "en\\x1bseds"}\n' + GUIDE
    )
    settings = load_source(guide).settings
    assert settings.announce_template == "Track {number}[2J. {title}"
    assert settings.hold.opening == "Thank you for holding."
    assert settings.pronunciations == {"NSAIDs": "enseds"}
