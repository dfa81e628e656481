from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import EvidenceField


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
