from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("node/", views.Health.as_view(), name="node"),
    path("sync/events/", views.SyncEventsView.as_view(), name="sync_events"),
    path("sync/reconciliation/", views.ReconciliationView.as_view(), name="reconciliation"),
    path(
        "sync/reconciliation/<str:university>/<int:cohort>/cases/",
        views.ReconciliationCasesView.as_view(),
        name="reconciliation_cases",
    ),
    path("tasks/", views.MyTasksView.as_view(), name="tasks"),
    path("tasks/queue/", views.QueueView.as_view(), name="queue"),
    path("tasks/<int:task_id>/", views.TaskDetailView.as_view(), name="task"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/<int:case_id>/", views.CaseDetailView.as_view(), name="case"),
]
