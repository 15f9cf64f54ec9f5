"""The three roles, as groups with their permissions. Re-running the migration brings them back in line."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDIT = ("add", "change", "view")
ROLES = {
    # Gather evidence and decide verdicts; never delete.
    "fact-checker": [
        *(f"claims.{action}_{model}" for action in EDIT for model in ("claim", "appearance", "evidence")),
        *(f"sources.{action}_{model}" for action in EDIT for model in ("source", "publisher")),
        "claims.change_claim_status",
    ],
    # Read everything.
    "journalist": [f"{app}.view_{model}" for app, model in (
        ("claims", "claim"), ("claims", "appearance"), ("claims", "evidence"), ("sources", "source"),
        ("sources", "publisher"))],
    # Everything in the desk, imports and user management.
    "admin": ["claims.*", "sources.*", "auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group"],
}


def permissions_for(Permission, names):
    for name in names:
        app, codename = name.split(".")
        query = Permission.objects.filter(content_type__app_label=app)
        if codename != "*":
            query = query.filter(codename=codename)
        found = list(query)
        if not found:
            raise RuntimeError(f"permission {name} does not exist")
        yield from found


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(list(permissions_for(Permission, names)))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_workflow_audit_trail_versions"),
        ("sources", "0002_audit_trail"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
