"""Reads about activities: `public` (finding activities, my activities) and `console` (organizers)."""
