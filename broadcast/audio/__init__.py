"""Jingles, bulletin assembly, loudness normalization and MP3 export."""
