"""Speech engines behind one small interface, and the cache of what they said."""
