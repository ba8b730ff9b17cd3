"""Registration rollups (issue 10): the "registered" measures read these, never the volunteers'
or the memberships' tables, so that a bulletin's cost does not grow with the city's volunteers.

- RegistrationMonth: volunteers registered in a month, by residence region (the region a
  volunteer lives in, as registered: a leaf of the tree); a region's registered volunteers at the
  end of month M are the sum of the rows of its subtree up to M, the new ones those of M.
- MembershipMonth: active memberships by organization and month of joining (the decision time,
  else the application time); an organization's members at the end of M are the sum of the rows
  of its subtree up to M. Only active memberships count: one that ends leaves its row (a
  departure lowers the count of every month since it joined, as the live count did).

Kept by the registering and membership transactions (receivers of volunteers.signals and
network.signals, `services.registrations`), rebuilt and compared by `huiguang rebuild_rollups`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationMonth(models.Model):
    region = models.ForeignKey("network.Region", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # the first day, in the city's time zone
    volunteers = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("registrations of a month")
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="one_registration_month")]

    def __str__(self):
        return f"{self.region_id} {self.month:%Y-%m}: {self.volunteers}"


class MembershipMonth(models.Model):
    organization = models.ForeignKey("network.Organization", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    members = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("memberships of a month")
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="one_membership_month")]

    def __str__(self):
        return f"{self.organization_id} {self.month:%Y-%m}: {self.members}"
