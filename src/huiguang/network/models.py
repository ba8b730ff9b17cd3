from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """City → town/street → village/community → grid, with a materialized path."""

    class Level(models.TextChoices):
        CITY = "city", _("city")
        TOWN = "town", _("town or street")
        VILLAGE = "village", _("village or community")
        GRID = "grid", _("grid")

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "330482/330482001/330482001003/": subtree = path startswith.
    path = models.CharField(max_length=255, unique=True, editable=False)
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Organization(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("city department")
        FEDERATION = "federation", _("town federation")
        ASSOCIATION = "association", _("association")
        TEAM = "team", _("team")
        PROFESSIONAL = "professional", _("professional team")
        SCHOOL = "school", _("school")
        ENTERPRISE = "enterprise", _("enterprise")
        SOCIAL = "social", _("social organization")

    class Tier(models.TextChoices):
        NONE = "", _("none")
        HEAD = "head", _("head station")  # 总站
        BRANCH = "branch", _("branch station")  # 分站
        POST = "post", _("post")  # 驿站

    class Status(models.TextChoices):
        PENDING = "pending", _("pending approval")
        ACTIVE = "active", _("active")
        REJECTED = "rejected", _("rejected")
        SUSPENDED = "suspended", _("suspended")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organizations"
    )
    path = models.CharField(max_length=400, unique=True, editable=False)
    tier = models.CharField(_("station tier"), max_length=8, choices=Tier.choices, blank=True, default="")
    specialty = models.CharField(_("specialty"), max_length=64, blank=True)
    description = models.TextField(_("description"), blank=True)
    staff_count = models.PositiveIntegerField(_("staff count"), default=0)
    # The registration-rate base of a school (issue 10): its enrolled students, not its staff.
    enrolled_students = models.PositiveIntegerField(_("enrolled students"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    seal = models.ImageField(_("seal image"), upload_to="seals/", blank=True)
    # Who asked to register it (a volunteer's application); becomes its admin when approved.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Trusted organizations publish activities without review by the parent or region.
    publishes_without_review = models.BooleanField(_("publishes without review"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)


class Site(models.Model):
    """A service site (阵地)."""

    class Kind(models.TextChoices):
        RED_CUBE = "red_cube", _("Red Cube party station")  # 红立方
        LEI_FENG = "lei_feng", _("Learn-from-Lei-Feng station")  # 学雷锋志愿服务站
        PARTY_CENTER = "party_center", _("party and people service centre")  # 党群服务中心
        CULTURE_HALL = "culture_hall", _("cultural auditorium")  # 文化礼堂
        ELDERLY = "elderly", _("home care centre for the elderly")  # 居家养老服务中心
        YOUTH_POST = "youth_post", _("youth neighbourhood post")  # 亲青友邻驿站
        YOUTH_HOME = "youth_home", _("youth home")  # 青年之家
        CIVILIZATION = "civilization", _("civilization practice station")  # 新时代文明实践站
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="sites"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("managing organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sites",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("service site")
        verbose_name_plural = _("service sites")
        ordering = ["region__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90), name="site_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(lng__isnull=True) | Q(lng__gte=-180, lng__lte=180), name="site_lng_range"
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        LEADER = "leader", _("team leader")
        ADMIN = "admin", _("administrator")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        ACTIVE = "active", _("active")
        LEFT = "left", _("left")
        REJECTED = "rejected", _("rejected")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    # Indexed by Meta's (organization, status), which starts with it.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-applied_at"]
        constraints = [
            # One open membership (applied or active) per volunteer and organization.
            models.UniqueConstraint(
                fields=["volunteer", "organization"],
                condition=Q(status__in=["applied", "active"]),
                name="one_open_membership",
            )
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return f"{self.volunteer} @ {self.organization}"


class Grant(models.Model):
    """A role held by a user over a scope: the whole city, a region subtree or an organization subtree."""

    class Role(models.TextChoices):
        CITY_ADMIN = "city_admin", _("city administrator")
        AUDITOR = "auditor", _("auditor")
        REGION_ADMIN = "region_admin", _("region administrator")
        ORG_ADMIN = "org_admin", _("organization administrator")
        LEADER = "leader", _("team leader")

    CITY_ROLES = (Role.CITY_ADMIN, Role.AUDITOR)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(
                name="grant_scope_matches_role",
                condition=(
                    Q(role__in=["city_admin", "auditor"], region__isnull=True, organization__isnull=True)
                    | Q(role="region_admin", region__isnull=False, organization__isnull=True)
                    | Q(role__in=["org_admin", "leader"], region__isnull=True, organization__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(role__in=["city_admin", "auditor"]),
                name="unique_city_grant",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="unique_region_grant",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=Q(organization__isnull=False),
                name="unique_org_grant",
            ),
        ]

    def __str__(self):
        scope = self.region or self.organization or _("whole city")
        return f"{self.get_role_display()} · {scope}"
