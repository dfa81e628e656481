from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import EvidenceField
from core.forms import cohort_choices

from .models import Campaign, Outcome, Resolution


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=cohort_choices
    )
    universities = forms.TypedMultipleChoiceField(
        label=_("Universities"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or several; choose none for the whole province."),
    )
    size_mode = forms.ChoiceField(
        label=_("Sample size as"),
        choices=Campaign.SizeMode.choices,
        widget=forms.RadioSelect,
        initial=Campaign.SizeMode.COUNT,
    )
    size_value = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=100000)
    oversample_factor = forms.TypedChoiceField(
        label=_("Over-sample 其他录用形式就业 (12), 自主创业 (75) and 自由职业 (76)"),
        coerce=int,
        choices=[
            (1, _("no over-sampling")),
            (2, _("twice as likely")),
            (3, _("three times as likely")),
            (5, _("five times as likely")),
        ],
        initial=1,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.TypedMultipleChoiceField(
        label=_("Inspectors"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    seed = forms.IntegerField(
        label=_("Random seed (optional)"),
        required=False,
        min_value=0,
        max_value=2**62,
        help_text=_("Leave empty for a fresh one; it is stored with the campaign either way."),
    )

    def __init__(self, *args, universities=(), inspectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["universities"].choices = [(u.pk, str(u)) for u in universities]
        self.fields["inspectors"].choices = [
            (m.user_id, m.user.first_name or m.user.username) for m in inspectors
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("size_mode") == Campaign.SizeMode.PERCENT
            and (data.get("size_value") or 0) > 100
        ):
            self.add_error("size_value", _("A percentage is between 1 and 100."))
        if data.get("deadline") and data["deadline"] < timezone.localdate():
            self.add_error("deadline", _("The deadline cannot be in the past."))
        return data


class SpotCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Check outcome"),
        choices=[
            (value, label) for value, label in Outcome.choices if value and value != "not_checked"
        ],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Whom you reached, how, and what they said."),
    )
    evidence = EvidenceField(
        label=_("Evidence file"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        help_text=_("PDF, JPEG or PNG, up to 10 MB; required for 不一致."),
    )

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome and outcome != Outcome.CONSISTENT and not (data.get("notes") or "").strip():
            self.add_error("notes", _("Say what you found."))
        if (
            outcome == Outcome.INCONSISTENT
            and not data.get("evidence")
            and "evidence" not in self.errors
        ):
            self.add_error("evidence", _("A discrepancy needs an evidence file."))
        return data


class DiscrepancyForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[(value, label) for value, label in Resolution.choices if value],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
