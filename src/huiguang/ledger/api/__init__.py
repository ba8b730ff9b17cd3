"""The ledger API: records and confirmation, hours and corrections, certificates, seals."""

from ninja import Router

from .certificates import router as certificates_router
from .history import router as history_router
from .hours import router as hours_router
from .records import router as records_router
from .seals import router as seals_router

router = Router()
router.add_router("", records_router)
router.add_router("", hours_router)
router.add_router("", certificates_router)
router.add_router("", seals_router)
router.add_router("", history_router)
