"""The activities API: public reads, enrollments and the organizers' console operations."""

from ninja import Router

from .console import router as console_router
from .enrollments import router as enrollments_router
from .public import router as public_router
from .training import router as training_router

router = Router()
router.add_router("", public_router)
router.add_router("", enrollments_router)
router.add_router("", console_router)
router.add_router("", training_router)
