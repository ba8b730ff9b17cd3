"""Version 1 of the credit policy (docs/credit.md): scale 0–1000, a newcomer about 300."""

import datetime as dt

from django.db import migrations

BASE = 50
COMPONENTS = {
    "hours": {"weight": 100, "cap": 300},
    "regularity": {"per_month": 15, "months": 12, "cap": 180},
    "reliability": {"weight": 200, "prior_attended": 9, "prior_shifts": 10, "cap": 200},
    "quality": {"weight": 100, "prior_mean": 4, "prior_count": 3, "cap": 100},
    "growth": {"city": 20, "province": 40, "national": 80, "cap": 170},
    "penalties": {"per_record": 50, "cap": 200},
}
BANDS = [
    {"min": 0, "label": "起步"},
    {"min": 335, "label": "良好"},
    {"min": 600, "label": "优秀"},
    {"min": 800, "label": "卓越"},
]
DESCRIPTION = (
    "志愿信用分满分 1000 分，新注册志愿者约 300 分。分数由信用时数（对数）、服务规律性（近 12 个月）、"
    "守约率（含先验）、组织方评价、表彰（资质类输入待培训模块上线后加入）和扣分（被核减的服务记录）组成。"
)


def create(apps, schema_editor):
    CreditPolicy = apps.get_model("credit", "CreditPolicy")
    if not CreditPolicy.objects.exists():
        CreditPolicy.objects.create(
            version=1,
            base=BASE,
            components=COMPONENTS,
            bands=BANDS,
            description=DESCRIPTION,
            effective_from=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
        )


def remove(apps, schema_editor):
    apps.get_model("credit", "CreditPolicy").objects.filter(version=1, snapshots__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
