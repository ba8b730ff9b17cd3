"""API of recruitment drives."""

from ninja import Router

router = Router(tags=["mobilization"])
