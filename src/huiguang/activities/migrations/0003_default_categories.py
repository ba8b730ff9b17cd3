"""The city's service categories (服务类别), editable afterwards in the admin."""

from django.db import migrations

CATEGORIES = [
    ("community", "社区服务"),
    ("elderly", "助老服务"),
    ("disability", "助残服务"),
    ("children", "关爱儿童"),
    ("medical", "医疗卫生"),
    ("civility", "文明劝导"),
    ("environment", "生态环保"),
    ("culture", "文化文艺"),
    ("education", "助学支教"),
    ("emergency", "应急救援"),
    ("safety", "平安守护"),
    ("legal", "法律服务"),
    ("anti_fraud", "反诈宣传"),
    ("agriculture", "农技服务"),
    ("psychology", "心理关爱"),
    ("epidemic", "疫情防控"),
    ("events", "大型活动"),
]


def create(apps, schema_editor):
    Category = apps.get_model("activities", "Category")
    for sort, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})


def remove(apps, schema_editor):
    Category = apps.get_model("activities", "Category")
    Category.objects.filter(code__in=[code for code, _ in CATEGORIES], activities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_add_calendar_token")]

    operations = [migrations.RunPython(create, remove)]
