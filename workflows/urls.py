from django.urls import path, re_path

from . import supervision_views, views

app_name = "workflows"
urlpatterns = [
    path("tasks/", views.my_tasks, name="mine"),
    path("tasks/queue/", views.queue, name="queue"),
    path("tasks/claim/", views.tasks_claim, name="claim"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/unclaim/", views.task_unclaim, name="unclaim"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:graduate_id>/", views.case_detail, name="case"),
    path("cases/<int:graduate_id>/change/", views.change_request, name="change"),
    path("cases/<int:graduate_id>/transfer-change/", views.transfer_change, name="transfer_change"),
    path("cases/<int:graduate_id>/late-correction/", views.late_correction, name="late_correction"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
    path("province/targeted/", views.targeted_list, name="targeted"),
    path("roster/", views.roster_import, name="roster"),
    re_path(r"^roster/template\.(?P<fmt>xlsx|csv)$", views.roster_template, name="roster_template"),
    path("roster/activation-codes/", views.activation_codes, name="activation_codes"),
    path("leave/", views.leave_window, name="leave"),
    path("leave/transfers/", views.transfer_list, name="transfers"),
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
