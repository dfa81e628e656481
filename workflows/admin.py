from django.contrib import admin

from .models import TaskSLA


@admin.register(TaskSLA)
class TaskSLAAdmin(admin.ModelAdmin):
    list_display = ["kind", "hours"]
