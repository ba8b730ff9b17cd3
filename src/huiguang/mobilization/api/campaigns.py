"""API of rapid mobilization campaigns."""

from ninja import Router

router = Router(tags=["mobilization"])
