"""API v1, training: courses and qualification types (public), my qualifications, and the console's
courses, qualification types, qualifications and training policy. A training session's sessions and
results are activities' endpoints (activities/api/training.py)."""

from .endpoints import router

__all__ = ["router"]
