"""API v1 of the mobilization app: recruitment drives and rapid mobilization campaigns."""

from ninja import Router

from .campaigns import router as campaigns_router
from .drives import router as drives_router

router = Router()
router.add_router("/", drives_router)
router.add_router("/", campaigns_router)
