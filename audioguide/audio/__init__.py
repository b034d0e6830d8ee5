"""Audio: ffmpeg I/O, assembly, loudness and true-peak mastering, MP3 encoding (LAME) and tags."""
