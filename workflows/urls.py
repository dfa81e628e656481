from django.urls import path

from . import views
from .supervision import views as supervision_views

app_name = "workflows"
urlpatterns = [
    path("tasks/", views.my_tasks_page, name="mine"),
    path("tasks/queue/", views.queue_page, name="queue"),
    path("tasks/claim/", views.tasks_claim_page, name="claim"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/unclaim/", views.task_unclaim_page, name="unclaim"),
    path("reporting/tasks/<int:task_id>/", views.org_task_detail, name="org_task"),
    path("supervision/", supervision_views.supervision_home, name="supervision"),
    path(
        "supervision/province/",
        supervision_views.supervision_province,
        name="supervision_province",
    ),
    path(
        "supervision/university/<int:university_id>/",
        supervision_views.supervision_university,
        name="supervision_university",
    ),
    path(
        "supervision/university/<int:university_id>/tasks/",
        supervision_views.supervision_tasks,
        name="supervision_tasks",
    ),
    path(
        "supervision/university/<int:university_id>/tasks/action/",
        supervision_views.supervision_tasks_action,
        name="supervision_tasks_action",
    ),
]
