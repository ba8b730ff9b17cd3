"""Pages of the needs app: `resident` (sign-up, posting, my requests), `requests` (volunteers:
nearby, take, close; the console: queue, review, dispatch), `ratings` (the SMS rating link)."""
