"""Extended M3U playlist (UTF-8, .m3u8) in chapter order."""

from __future__ import annotations

from typing import Iterable


def render_m3u8(title: str, entries: Iterable[tuple[str, str, float]]) -> str:
    """``entries``: (file name, track title, duration in seconds)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{title}"]
    for file_name, track_title, duration in entries:
        lines.append(f"#EXTINF:{round(duration)},{track_title}")
        lines.append(file_name)
    return "\n".join(lines) + "\n"
