"""Synthesis: engines (Piper, gTTS) and the content-addressed clip cache."""
