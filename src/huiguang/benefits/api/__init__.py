"""The benefits API, one router per area (config/api.py mounts them)."""
