"""Valid qualifications count in the growth component (issue 11): every stored policy version gets
the two new growth numbers with their defaults (10 points per valid qualification type, at most 30),
so that its JSON holds every number the score reads and the policy form and page show them. The
other numbers of every version stay as they were. Reversed: the two keys are removed again."""

from django.db import migrations

NEW = {"per_qualification": 10, "qualification_cap": 30}
# Version 1's published description said qualifications would come later; they now count.
OLD_TEXT = "表彰（资质类输入待培训模块上线后加入）"
NEW_TEXT = "成长（表彰与有效资质证书）"


def add(apps, schema_editor):
    CreditPolicy = apps.get_model("credit", "CreditPolicy")
    for policy in CreditPolicy.objects.all():
        growth = dict(policy.components.get("growth") or {})
        missing = {k: v for k, v in NEW.items() if k not in growth}
        if missing:
            policy.components = {**policy.components, "growth": {**growth, **missing}}
            policy.description = policy.description.replace(OLD_TEXT, NEW_TEXT)
            policy.save(update_fields=["components", "description"])


def remove(apps, schema_editor):
    CreditPolicy = apps.get_model("credit", "CreditPolicy")
    for policy in CreditPolicy.objects.all():
        growth = dict(policy.components.get("growth") or {})
        if any(k in growth for k in NEW):
            for k in NEW:
                growth.pop(k, None)
            policy.components = {**policy.components, "growth": growth}
            policy.description = policy.description.replace(NEW_TEXT, OLD_TEXT)
            policy.save(update_fields=["components", "description"])


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_honor_project_recipient_and_award")]

    operations = [migrations.RunPython(add, remove)]
