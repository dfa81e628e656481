from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import TransferDetails
from core.forms import cohort_choices


class TransferForm(forms.ModelForm):
    """Archive transfer and hukou migration details."""

    class Meta:
        model = TransferDetails
        fields = TransferDetails.CONTENT_FIELDS
        widgets = {"hukou_migrate": forms.CheckboxInput()}

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def differs_from(self, details) -> bool:
        """True if what was entered is not exactly the given (approved) details."""
        if details is None:
            return True
        values = self.values()
        if not values["hukou_migrate"]:
            values["hukou_type"], values["hukou_address"] = "", ""
        return any(values[name] != getattr(details, name) for name in self.Meta.fields)


class ConfirmForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I authorise hukou and archive-receiving departments to verify this registration "
            "(核验授权). I can revoke this at any time."
        ),
        required=False,
    )


class LeaveWindowForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=cohort_choices
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
        label=_("Cohort (graduation year)"), coerce=int, choices=cohort_choices
    )
