"""On PostgreSQL the database itself refuses to change or remove a points entry, so no
code path — a shell, a bulk update, a future bug — can rewrite the ledger."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION certification_points_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'points entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_points_append_only
    BEFORE UPDATE OR DELETE ON certification_pointsentry
    FOR EACH ROW EXECUTE FUNCTION certification_points_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS certification_points_append_only ON certification_pointsentry;
DROP FUNCTION IF EXISTS certification_points_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
