from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import EvidenceField
from workflows.forms import AuditDecisionForm


class ChangeDecisionForm(AuditDecisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the change")), ("return", _("Reject the change"))],
        widget=forms.RadioSelect,
    )
    refuse_label = _("Say why the change is rejected; the graduate is told.")


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


class LateCorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the late correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
