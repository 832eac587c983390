from django.db import migrations


def load_reference(apps, schema_editor):
    from qogam.core.reference import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
