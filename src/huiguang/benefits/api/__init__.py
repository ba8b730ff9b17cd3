"""The benefits API: the volunteer's side (offers, claims, consents, partner reads, stores) and the
partner's side (look up and redeem a code, statistics)."""

from ninja import Router

from .partner import router as partner_router
from .volunteer import router as volunteer_router

router = Router()
router.add_router("", volunteer_router)
router.add_router("", partner_router)
