"""The mobilization app's models, one module per area: recruitment drives (招募) with their units,
and rapid mobilization campaigns (应急动员) with their recruits."""

from . import campaigns, drives  # noqa: F401  (Django finds the models of both modules)
