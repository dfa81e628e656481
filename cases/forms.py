from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_credit_code

from .evidence import inspect_upload
from .models import EmployerNature, Industry, JobCategory, Region, RegistrationVersion
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
        for name, model in (
            ("employer_nature", EmployerNature),
            ("employer_industry", Industry),
            ("job_category", JobCategory),
        ):
            self.fields[name].queryset = model.current()
        self.fields["employer_region"].queryset = Region.places()
        self.fields["employer_region"].choices = region_choices()
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

    @classmethod
    def of_case(cls, data, graduate) -> "RegistrationForm":
        """The form for a change of the graduate's registration: it starts from the one in
        effect."""
        return cls(
            data, cohort=graduate.cohort, initial=cls.initial_from(graduate.current_registration)
        )

    @classmethod
    def initial_from(cls, version) -> dict:
        """The form's initial values from a registered version (none without one)."""
        if version is None:
            return {}
        return {
            name: getattr(version, f"{name}_id" if name in version._fk_fields() else name)
            for name in cls.Meta.fields
        }


# Shown when a form comes back with errors: every field keeps what was typed.
FIX_FIELDS = _("Please correct the fields marked below; nothing you typed was lost.")


def required_map(cohort: int) -> dict:
    """Category id -> required field names, so the page can mark them as the category changes."""
    return {c.pk: c.required_fields for c in categories_for_cohort(cohort)}


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


def region_choices() -> list:
    """The places to choose among, grouped by province (over three thousand counties: a
    group per province keeps the list searchable by eye)."""
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    groups: dict[str, list] = {}
    for pk, code, full_name in Region.places().values_list("pk", "code", "full_name"):
        groups.setdefault(provinces.get(code[:2] + "0000", ""), []).append(
            (pk, f"{code} {full_name}")
        )
    return [("", "---------"), *groups.items()]
