"""Filed counts say which graduates are 结业生, and every version which definition its
headline figures follow: the versions filed before this keep the first one (1); new ones
get the current (2)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0002_task_rows_and_jobs_leave'),
    ]

    operations = [
        migrations.AddField(
            model_name='filingcount',
            name='is_incomplete',
            field=models.BooleanField(db_default=False, default=False, verbose_name='结业生'),
        ),
        migrations.AddField(
            model_name='filingversion',
            name='figures_definition',
            field=models.PositiveSmallIntegerField(choices=[(1, '旧口径：就业人数 = 总数 − (70+71+72)'), (2, '毕业去向落实率：审核通过的就业类与升学类 ÷ 毕业生总数')], default=1, verbose_name='definition of the figures'),
        ),
        migrations.AlterField(
            model_name='filingversion',
            name='figures_definition',
            field=models.PositiveSmallIntegerField(choices=[(1, '旧口径：就业人数 = 总数 − (70+71+72)'), (2, '毕业去向落实率：审核通过的就业类与升学类 ÷ 毕业生总数')], default=2, verbose_name='definition of the figures'),
        ),
        migrations.AddField(
            model_name='reportversion',
            name='figures_definition',
            field=models.PositiveSmallIntegerField(choices=[(1, '旧口径：就业人数 = 总数 − (70+71+72)'), (2, '毕业去向落实率：审核通过的就业类与升学类 ÷ 毕业生总数')], default=1, verbose_name='definition of the figures'),
        ),
        migrations.AlterField(
            model_name='reportversion',
            name='figures_definition',
            field=models.PositiveSmallIntegerField(choices=[(1, '旧口径：就业人数 = 总数 − (70+71+72)'), (2, '毕业去向落实率：审核通过的就业类与升学类 ÷ 毕业生总数')], default=2, verbose_name='definition of the figures'),
        ),
    ]
