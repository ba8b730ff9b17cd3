"""Training for the demo city (`seed_demo`): qualification types, courses in each category, 126
past sessions (activities with a course, one shift each) with their attendees and pass marks, the
qualifications the passes granted (some expiring within 30 days), a few upcoming sessions, and
upcoming activities that require a qualification. Deterministic from the seed's random.Random;
written in bulk. Run after the ledger's seeding: by default training time is not volunteer hours.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from huiguang.activities.models import Activity, Category, Enrollment, Shift, TrainingResult
from huiguang.core.dates import add_months
from huiguang.network.models import Grant, Organization
from huiguang.training.models import Course, Qualification, QualificationType
from huiguang.volunteers.models import Volunteer

from .accounts import DEMO_ACCOUNTS

TZ = ZoneInfo("Asia/Shanghai")
PAST_SESSIONS = 126
UPCOMING_SESSIONS = 6
PASS_RATE = 0.86

# (code, name, description)
TYPES = [
    ("first-aider", "急救员", "心肺复苏、AED和创伤救护"),
    ("medical-guide", "导医", "医院导医导诊"),
    ("disability-aid", "助残员", "助残陪护与康复协助"),
    ("legal-aid", "法律援助志愿者", "法律咨询与援助"),
    ("anti-fraud", "反诈宣传员", "防范电信网络诈骗宣传"),
    ("culture-guide", "文化讲解员", "文化礼堂与场馆讲解"),
    ("volunteer-basics", "志愿服务通识", "新志愿者入门"),
]
# (title, course category, provider specialty, type code, validity months, hours, activity category)
COURSES = [
    ("心肺复苏与AED急救培训", "first_aid", "first_aid", "first-aider", 24, 4, "emergency"),
    ("急救员复训", "first_aid", "emergency_rescue", "first-aider", 9, 2, "emergency"),
    ("导医导诊服务培训", "medical", "medical_guide", "medical-guide", 24, 3, "medical"),
    ("社区健康讲座助手培训", "medical", "medical_guide", "", None, 2, "medical"),
    ("法律援助志愿者培训", "legal_aid", "legal_aid", "legal-aid", 36, 6, "legal"),
    ("反诈宣传员培训", "anti_fraud", "anti_fraud", "anti-fraud", 12, 2, "anti_fraud"),
    ("助残陪护技能培训", "care", "disability_aid", "disability-aid", 24, 4, "disability"),
    ("居家养老照护培训", "care", "elderly_care", "", None, 3, "elderly"),
    ("文化礼堂讲解员培训", "culture", "culture", "culture-guide", 36, 3, "culture"),
    ("新志愿者通识培训", "induction", "", "volunteer-basics", None, 2, "community"),
]
SLOTS = [((9, 0), (12, 0)), ((14, 0), (17, 0)), ((18, 30), (21, 0))]
# Upcoming activities of these categories require this qualification.
REQUIRED_BY_CATEGORY = {"emergency": "first-aider", "medical": "medical-guide", "legal": "legal-aid"}


def _at(day: dt.date, hm: tuple[int, int]) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=TZ)


def _token(rng: random.Random) -> str:
    return f"demo{rng.getrandbits(80):020x}"


def seed_training(*, rng: random.Random, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    types = {
        code: QualificationType.objects.create(code=code, name=name, description=text)
        for code, name, text in TYPES
    }
    association = Organization.objects.filter(status=Organization.Status.ACTIVE).order_by("pk").first()
    assert association is not None  # the network is built first
    by_specialty: dict[str, Organization] = {}
    for org in (
        Organization.objects.filter(status=Organization.Status.ACTIVE).exclude(specialty="").order_by("pk")
    ):
        by_specialty.setdefault(org.specialty, org)
    categories = {c.code: c for c in Category.objects.all()}
    courses: list[tuple[Course, str]] = []
    for title, category, specialty, type_code, months, hours, activity_category in COURSES:
        course = Course.objects.create(
            title=title,
            category=category,
            provider=by_specialty.get(specialty, association),
            syllabus=f"{title}：理论讲授、情景演练、实操考核。",
            hours=hours,
            pass_rule="出勤满课时且实操考核合格",
            grants=types.get(type_code),
            validity_months=months if type_code else None,
        )
        courses.append((course, activity_category))

    adults = list(
        Volunteer.objects.filter(
            status=Volunteer.Status.ACTIVE, birth_date__lte=today.replace(year=today.year - 18)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    leaders = dict(
        Grant.objects.filter(role=Grant.Role.LEADER).order_by("pk").values_list("organization_id", "user_id")
    )

    def session(course: Course, activity_category: str, day: dt.date, status: str) -> Activity:
        slot = rng.choice(SLOTS)
        org = course.provider
        return Activity(
            organization=org,
            title=f"{course.title}（第{day:%m%d}期）",
            category=categories.get(activity_category) or next(iter(categories.values())),
            description=f"{course.title}。{course.pass_rule}。",
            region=org.region,
            address=org.address or org.region.name,
            starts_at=_at(day, slot[0]),
            ends_at=_at(day, slot[1]),
            recruit_opens_at=_at(day - dt.timedelta(days=14), (9, 0)),
            status=status,
            course=course,
            created_by_id=leaders.get(org.pk),
            share_token=_token(rng),
        )

    # Past sessions, spread over the last 265 days; the 9-month refresher's oldest ones make
    # qualifications that expire within the next weeks.
    past: list[Activity] = []
    for n in range(PAST_SESSIONS):
        course, activity_category = courses[n % len(courses)]
        day = today - dt.timedelta(
            days=rng.randint(5, 265) if n % len(courses) != 1 else rng.randint(245, 265)
        )
        past.append(session(course, activity_category, day, Activity.Status.FINISHED))
    upcoming = [
        session(*courses[n % len(courses)], today + dt.timedelta(days=3 + 4 * n), Activity.Status.PUBLISHED)
        for n in range(UPCOMING_SESSIONS)
    ]
    activities = Activity.objects.bulk_create(past + upcoming)
    shifts = Shift.objects.bulk_create(
        [
            Shift(
                activity=a,
                name="学员",
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                capacity=rng.choice([20, 24, 30]),
                waitlist_size=5,
            )
            for a in activities
        ]
    )
    # One activity a day per volunteer, like the rest of the demo (a sign-up the rules would take).
    busy = {
        (volunteer_id, timezone.localtime(starts_at).date())
        for volunteer_id, starts_at in Enrollment.objects.exclude(
            status=Enrollment.Status.CANCELLED
        ).values_list("volunteer_id", "shift__starts_at")
    }

    def free(shift: Shift, wanted: int) -> list[int]:
        day = timezone.localtime(shift.starts_at).date()
        picked = [v for v in rng.sample(adults, min(len(adults), wanted * 3)) if (v, day) not in busy][
            :wanted
        ]
        busy.update((v, day) for v in picked)
        return picked

    enrollments: list[Enrollment] = []
    for shift in shifts[:PAST_SESSIONS]:
        trainees = free(shift, rng.randint(8, shift.capacity - 2))
        marked_at = shift.ends_at
        for volunteer_id in trainees:
            passed = rng.random() < PASS_RATE
            enrollments.append(
                Enrollment(
                    shift=shift,
                    volunteer_id=volunteer_id,
                    status=Enrollment.Status.ATTENDED,
                    training_result=TrainingResult.PASSED if passed else TrainingResult.FAILED,
                    training_marked_at=marked_at,
                    training_marked_by_id=shift.activity.created_by_id,
                )
            )
        shift.taken = len(trainees)
    for shift in shifts[PAST_SESSIONS:]:
        trainees = free(shift, rng.randint(3, 10))
        enrollments += [
            Enrollment(shift=shift, volunteer_id=v, status=Enrollment.Status.CONFIRMED) for v in trainees
        ]
        shift.taken = len(trainees)
    Shift.objects.bulk_update(shifts, ["taken"])
    enrollments = Enrollment.objects.bulk_create(enrollments, batch_size=2000)

    qualifications = []
    for e in enrollments:
        taught = e.shift.activity.course
        if taught is None or e.training_result != TrainingResult.PASSED or taught.grants_id is None:
            continue
        issued = timezone.localtime(e.shift.starts_at).date()
        qualifications.append(
            Qualification(
                volunteer_id=e.volunteer_id,
                type_id=taught.grants_id,
                issued_on=issued,
                expires_on=add_months(issued, taught.validity_months) if taught.validity_months else None,
                source=Qualification.Source.COURSE,
                course=taught,
                source_label=f"{e.shift.activity.title} · {issued.isoformat()}",
                source_key=f"enrollment:{e.pk}",
                recorded_by_id=e.training_marked_by_id,
            )
        )
    qualifications += _demo_accounts_hold_qualifications(types, today)
    Qualification.objects.bulk_create(qualifications, batch_size=2000)

    required = 0
    for category, type_code in REQUIRED_BY_CATEGORY.items():
        for activity in Activity.objects.filter(
            Q(category__code=category),
            status=Activity.Status.PUBLISHED,
            starts_at__gt=timezone.now(),
            course__isnull=True,
        ).order_by("starts_at", "pk")[:4]:
            activity.required_qualifications.add(types[type_code])
            required += 1
    expiring = sum(
        1
        for q in qualifications
        if q.expires_on is not None and today <= q.expires_on <= today + dt.timedelta(days=30)
    )
    return {
        "qualification_types": len(types),
        "courses": len(courses),
        "past_sessions": PAST_SESSIONS,
        "upcoming_sessions": UPCOMING_SESSIONS,
        "trainees": len(enrollments),
        "qualifications": len(qualifications),
        "expiring_within_30_days": expiring,
        "activities_requiring_a_qualification": required,
    }


def _demo_accounts_hold_qualifications(types, today: dt.date) -> list[Qualification]:
    """The medical team's admin and leader hold 导医 and 急救员 (from outside certificates); the demo
    volunteer holds none, so the gate shows on their phone."""
    phones = [a.phone for a in DEMO_ACCOUNTS if a.key in ("org_admin", "leader", "trainer")]
    out = []
    for volunteer_id in (
        Volunteer.objects.filter(user__phone__in=phones).order_by("pk").values_list("pk", flat=True)
    ):
        for code in ("medical-guide", "first-aider"):
            out.append(
                Qualification(
                    volunteer_id=volunteer_id,
                    type=types[code],
                    issued_on=today - dt.timedelta(days=400),
                    expires_on=today + dt.timedelta(days=700),
                    source=Qualification.Source.CERTIFICATE,
                    source_label="中国红十字会平湖市分会",
                    certificate_no=f"HSZ-{volunteer_id:06d}-{code}",
                    issuer="中国红十字会平湖市分会",
                )
            )
    return out
