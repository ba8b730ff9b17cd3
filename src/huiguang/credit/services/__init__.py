"""Every write of the credit app. `snapshot_compute(*, volunteer)` is the public interface for the
apps above (benefits)."""

from .snapshots import snapshot_compute, snapshots_recompute_all

__all__ = ["snapshot_compute", "snapshots_recompute_all"]
