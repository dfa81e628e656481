from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.selectors import categories_for_cohort

from .registry import registry
from .selectors import InboxFilters


def case_kind_choices() -> list[tuple[str, str]]:
    """The kinds of the tasks about cases (filing and report tasks are listed apart)."""
    return registry.kind_choices(about="case")


class InboxFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Task"), required=False)
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
        self.fields["kind"].choices = [("", _("all")), *case_kind_choices()]
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


class AuditDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    refuse_label = _("Say why the registration is returned, so the graduate knows what to correct.")
    reason = forms.CharField(
        label=_("Reason / remarks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", self.refuse_label)
        return data
