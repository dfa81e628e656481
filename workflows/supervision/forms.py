from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import cohort_choices

from ..forms import case_kind_choices
from .selectors import AGING_BUCKETS, Filters


class SupervisionFilterForm(forms.Form):
    cohort = forms.TypedChoiceField(label=_("Cohort"), required=False, coerce=int, empty_value=None)
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("late", _("overdue or due soon")),
            ("overdue", _("overdue")),
            ("soon", _("due soon")),
            ("escalated", _("escalated")),
            ("active", _("all active tasks")),
        ],
    )
    kind = forms.ChoiceField(label=_("Stage"), required=False)
    college = forms.TypedChoiceField(
        label=_("College"), required=False, coerce=int, empty_value=None
    )
    assignee = forms.ChoiceField(label=_("Reviewer"), required=False)
    bucket = forms.ChoiceField(label=_("Days overdue"), required=False)

    def __init__(self, *args, colleges=(), reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all")), *case_kind_choices()]
        self.fields["cohort"].choices = [("", _("all")), *cohort_choices()]
        self.fields["college"].choices = [("", _("all"))] + [(c.pk, c.name) for c in colleges]
        self.fields["assignee"].choices = [("", _("all")), ("none", _("unclaimed"))] + [
            (str(m.user_id), m.user.first_name or m.user.username) for m in reviewers
        ]
        self.fields["bucket"].choices = [("", _("all"))] + [
            (key, label) for key, label, _low, _high in AGING_BUCKETS
        ]

    def filters(self):
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            cohort=data.get("cohort"),
            show=data.get("show") or "late",
            kind=data.get("kind") or "",
            college=data.get("college"),
            assignee=data.get("assignee") or "",
            bucket=data.get("bucket") or "",
        )


class TaskActionForm(forms.Form):
    """Reassign the selected tasks to a reviewer, or remind whoever must act on them."""

    action = forms.ChoiceField(choices=[("reassign", _("Reassign")), ("remind", _("Remind"))])
    task = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("Select at least one task.")}
    )
    reviewer = forms.TypedChoiceField(
        label=_("Reassign to"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, task_ids=(), reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [(pk, pk) for pk in task_ids]
        self.fields["reviewer"].choices = [("", "—")] + [
            (m.user_id, m.user.first_name or m.user.username) for m in reviewers
        ]

    def clean(self):
        data = super().clean()
        if data.get("action") == "reassign" and not data.get("reviewer"):
            self.add_error("reviewer", _("Choose the reviewer to reassign the tasks to."))
        return data
