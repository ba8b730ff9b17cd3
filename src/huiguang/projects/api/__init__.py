"""The projects API: projects and brands (api/projects.py), funding (api/funding.py)."""

from ninja import Router

from .competitions import router as competitions_router
from .funding import router as funding_router
from .projects import router as projects_router

router = Router()
router.add_router("", projects_router)
router.add_router("", funding_router)
router.add_router("", competitions_router)
