"""Extended M3U playlist (UTF-8, .m3u8) in chapter order."""

from __future__ import annotations

from collections.abc import Iterable

from audioguide.text import one_line


def render_m3u8(title: str, entries: Iterable[tuple[str, str, float]]) -> str:
    """``entries``: (file name, track title, duration in seconds).

    Every value is written as one line (:func:`~audioguide.text.one_line`): a
    CR or LF in a title cannot add an entry or a directive to the playlist.
    """
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(title)}"]
    for file_name, track_title, duration in entries:
        lines.append(f"#EXTINF:{round(duration)},{one_line(track_title)}")
        lines.append(one_line(file_name))
    return "\n".join(lines) + "\n"
