from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.selectors import categories_for_cohort

from .models import ORG_KINDS, TaskKind
from .selectors import InboxFilters

# Kinds of the tasks about cases (filing and report tasks are listed apart).
CASE_KIND_CHOICES = [(k, label) for k, label in TaskKind.choices if k not in ORG_KINDS]


def _cohort_choices():
    year = timezone.localdate().year
    return [(y, str(y)) for y in range(year + 1, year - 4, -1)]


class InboxFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Task"), required=False, choices=[("", _("all")), *CASE_KIND_CHOICES]
    )
    college = forms.TypedChoiceField(
        label=_("College"), required=False, coerce=int, empty_value=None
    )
    major = forms.CharField(label=_("Major"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Destination category"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("unclaimed")),
            ("assigned", _("in progress")),
            ("active", _("unclaimed or in progress")),
        ],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("due", _("due date, earliest first")),
            ("-due", _("due date, latest first")),
            ("created", _("created, oldest first")),
            ("-created", _("created, newest first")),
        ],
    )

    def __init__(self, *args, colleges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].choices = [("", _("all"))] + [(c.pk, c.name) for c in colleges]
        year = timezone.localdate().year
        self.fields["category"].choices = [("", _("all"))] + [
            (c.code, str(c)) for c in categories_for_cohort(year)
        ]

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        data = self.cleaned_data
        return InboxFilters(
            kind=data.get("kind") or "",
            college=data.get("college"),
            major=(data.get("major") or "").strip(),
            category=data.get("category") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            sort=data.get("sort") or "due",
        )


class RosterUploadForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=_cohort_choices
    )
    file = forms.FileField(label=_("Roster file (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ROSTER_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(mb)d MB; use the management command for very large rosters."
                )
                % {"mb": settings.ROSTER_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ActivationCodesForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=_cohort_choices
    )
    college = forms.TypedChoiceField(
        label=_("College"), required=False, coerce=int, empty_value=None
    )
    confirm = forms.BooleanField(
        label=_("I understand that codes exported earlier for these graduates stop working."),
        required=True,
    )

    def __init__(self, *args, colleges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].choices = [("", _("all colleges"))] + [
            (c.pk, c.name) for c in colleges
        ]


class LeaveWindowForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=_cohort_choices
    )
    opens_on = forms.DateField(
        label=_("Confirmation opens on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Confirmation closes on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The window cannot close before it opens."))
        return data


class CohortForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=_cohort_choices
    )


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
    kind = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("all")), *CASE_KIND_CHOICES]
    )
    college = forms.TypedChoiceField(
        label=_("College"), required=False, coerce=int, empty_value=None
    )
    assignee = forms.ChoiceField(label=_("Reviewer"), required=False)
    bucket = forms.ChoiceField(label=_("Days overdue"), required=False)

    def __init__(self, *args, colleges=(), reviewers=(), **kwargs):
        from .supervision import AGING_BUCKETS

        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", _("all")), *_cohort_choices()]
        self.fields["college"].choices = [("", _("all"))] + [(c.pk, c.name) for c in colleges]
        self.fields["assignee"].choices = [("", _("all")), ("none", _("unclaimed"))] + [
            (str(m.user_id), m.user.first_name or m.user.username) for m in reviewers
        ]
        self.fields["bucket"].choices = [("", _("all"))] + [
            (key, label) for key, label, _low, _high in AGING_BUCKETS
        ]

    def filters(self):
        from .supervision import Filters

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
