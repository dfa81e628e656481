from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_credit_code

from .models import Region, RegistrationVersion, TransferDetails
from .selectors import categories_for_cohort


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


class ChangeDecisionForm(AuditDecisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the change")), ("return", _("Reject the change"))],
        widget=forms.RadioSelect,
    )
    refuse_label = _("Say why the change is rejected; the graduate is told.")


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once, each checked by content (PDF, JPEG or PNG) and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        from .evidence import inspect_upload

        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = [super(EvidenceField, self).clean(item, initial) for item in files]
        errors = []
        for upload in cleaned:
            try:
                inspect_upload(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you request?"),
        choices=[
            ("change", _("Change the registered destination")),
            ("void", _("Void the registration (作废) and register again")),
        ],
        widget=forms.RadioSelect,
        initial="change",
    )
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    evidence = EvidenceField(
        label=_("Evidence (optional): agreement or contract scans"),
        required=False,
        help_text=_(
            "PDF, JPEG or PNG, up to 10 MB each. If the page reports an error, choose the files again."
        ),
    )


class TargetedDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("exception", _("Approve an exception")), ("return", _("Return to the graduate"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, correction: bool = False, **kwargs):
        """``correction``: the university recorded the destination itself, so there is no
        graduate to return it to: the alternative to an exception is a refusal."""
        super().__init__(*args, **kwargs)
        if correction:
            self.fields["decision"].choices = [
                ("exception", _("Approve an exception")),
                ("return", _("Refuse the exception (the case counts as not complying)")),
            ]

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    evidence = EvidenceField(
        label=_("Evidence (required for an exception): release agreement or similar"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB each."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == "exception"
            and not data.get("evidence")
            and "evidence" not in self.errors
        ):
            self.add_error(
                "evidence", _("An exception needs evidence, such as the release agreement.")
            )
        return data


class LateCorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the late correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
