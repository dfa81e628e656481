from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import cohort_choices


class RosterUploadForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort (graduation year)"), coerce=int, choices=cohort_choices
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
        label=_("Cohort (graduation year)"), coerce=int, choices=cohort_choices
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
