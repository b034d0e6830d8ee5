"""Writers for the finished guide: MP3 tracks with tags, playlist, transcripts, manifest."""
