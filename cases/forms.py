from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Region, RegistrationVersion, TransferDetails
from .selectors import categories_for_cohort
from .validators import normalise_credit_code


class RegistrationForm(forms.ModelForm):
    """The destination form. Which fields are required depends on the category; the
    model's ``clean`` says so on each field, so every error sits next to its input."""

    class Meta:
        model = RegistrationVersion
        fields = RegistrationVersion.CONTENT_FIELDS
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, cohort: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_for_cohort(cohort)
        self.fields["category"].empty_label = _("— choose a destination category —")
        self.fields["employer_region"].queryset = Region.objects.filter(
            level=Region.Level.PREFECTURE
        )
        self.fields["employer_credit_code"].widget.attrs.update(
            {"maxlength": 18, "autocomplete": "off", "style": "text-transform:uppercase"}
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "select")

    def clean_employer_credit_code(self):
        return normalise_credit_code(self.cleaned_data.get("employer_credit_code", ""))

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class AuditDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason / remarks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                _("Say why the registration is returned, so the graduate knows what to correct."),
            )
        return data


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
