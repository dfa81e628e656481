from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import cohort_choices


def _remarks(label):
    return forms.CharField(
        label=label, required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class _CohortSubmitForm(forms.Form):
    """A cohort submitted with remarks, for the organisation in the hidden field."""

    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=cohort_choices
    )
    note = _remarks(_("Remarks (optional)"))


class FilingSubmitForm(_CohortSubmitForm):
    university = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["university", "cohort", "note"]


class ReportSubmitForm(_CohortSubmitForm):
    province = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["province", "cohort", "note"]


class FilingPeriodForm(forms.Form):
    province = forms.IntegerField(widget=forms.HiddenInput)
    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, choices=cohort_choices)
    due_on = forms.DateField(
        label=_("Filing due on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ResubmitForm(forms.Form):
    note = _remarks(_("What was fixed (optional)"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, approve_label, refuse_label, reason_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("approve", approve_label), ("return", refuse_label)]
        self.fields["reason"].label = reason_label
        self.refuse_label = refuse_label

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say what must be fixed."))
        return data
