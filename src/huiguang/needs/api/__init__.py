"""API v1 of the needs app: residents' requests (resident, volunteer and console sides) and ratings."""

from ninja import Router

from .care import router as care_router
from .ratings import router as ratings_router
from .requests import router as requests_router

router = Router()
router.add_router("/", requests_router)
router.add_router("/", ratings_router)
router.add_router("/", care_router)
