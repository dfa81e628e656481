from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.selectors import categories_for_cohort

from .models import TaskKind
from .selectors import InboxFilters


def _cohort_choices():
    year = timezone.localdate().year
    return [(y, str(y)) for y in range(year + 1, year - 4, -1)]


class InboxFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Task"), required=False, choices=[("", _("all")), *TaskKind.choices]
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
