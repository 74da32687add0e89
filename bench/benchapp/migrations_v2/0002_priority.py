from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("benchapp", "0001_initial")]
    operations = [
        migrations.AddField(model_name="benchnote", name="priority", field=models.IntegerField(default=0)),
        migrations.AddIndex(model_name="benchnote", index=models.Index(fields=["priority"], name="benchnote_priority")),
    ]
