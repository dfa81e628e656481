"""The tallies count 结业生 apart, and the university summaries the targeted graduates
with an approved registration: the rows in place are recounted from the cases.

The recount is the full recomputation (``cases.tallies``) that the statistics job runs. It
reads the models as the code has them now, so it runs only where tally rows exist: a new
database, or one migrated past this with no cases, skips it."""

from django.db import migrations, models


def recount(apps, schema_editor):
    CaseTally = apps.get_model("cases", "CaseTally")
    if not CaseTally.objects.exists():
        return
    from cases.tallies import coarse_tallies_rebuild, tallies_rebuild

    Graduate = apps.get_model("cases", "Graduate")
    universities = (
        Graduate.objects.filter(is_incomplete=True).values_list("university_id", flat=True).distinct()
    )
    for university_id in sorted(universities):
        tallies_rebuild(university_id=university_id)
    coarse_tallies_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_university_summary'),
        ('roles', '0002_targeted_reviewer'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='casetally',
            name='case_tally_key',
        ),
        migrations.RemoveConstraint(
            model_name='provincetally',
            name='province_tally_key',
        ),
        migrations.AddField(
            model_name='casetally',
            name='is_incomplete',
            field=models.BooleanField(db_default=False, default=False, verbose_name='结业生'),
        ),
        migrations.AddField(
            model_name='provincetally',
            name='is_incomplete',
            field=models.BooleanField(db_default=False, default=False, verbose_name='结业生'),
        ),
        migrations.AddField(
            model_name='universitysummary',
            name='incomplete',
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name='universitysummary',
            name='targeted_approved',
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name='universitysummary',
            name='targeted_approved_compliant',
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.AddConstraint(
            model_name='casetally',
            constraint=models.UniqueConstraint(fields=('cohort', 'province', 'university', 'college', 'education_level', 'status', 'category_code', 'destination_class', 'flexible', 'confirmed', 'targeted_compliance', 'is_incomplete'), name='case_tally_key'),
        ),
        migrations.AddConstraint(
            model_name='provincetally',
            constraint=models.UniqueConstraint(fields=('cohort', 'province', 'education_level', 'status', 'category_code', 'destination_class', 'flexible', 'confirmed', 'targeted_compliance', 'is_incomplete'), name='province_tally_key'),
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
