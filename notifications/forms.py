from django import forms
from django.utils.translation import gettext_lazy as _

from core.masking import mask_mobile

from .kinds import EXTERNAL_CHANNELS, default_channels, kind_choices


class NotificationSettingsForm(forms.Form):
    """Addresses, then one checkbox per kind and external channel."""

    email = forms.EmailField(label=_("E-mail address"), required=False)
    mobile = forms.CharField(label=_("Mobile number"), required=False, max_length=11)

    def __init__(self, *args, settings_row, roster_mobile="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = settings_row.email or settings_row.user.email
        self.fields["mobile"].initial = settings_row.mobile
        if roster_mobile:
            self.fields["mobile"].help_text = _(
                "Leave it empty to use the number your university has on file, %(mobile)s."
            ) % {"mobile": mask_mobile(roster_mobile)}
        for kind, _label in kind_choices():
            defaults = default_channels(kind)
            for channel in EXTERNAL_CHANNELS:
                key = f"{channel}:{kind}"
                self.fields[key] = forms.BooleanField(
                    required=False, initial=settings_row.choices.get(key, defaults[channel])
                )

    def matrix(self):
        """(kind label, [bound checkbox per channel]) rows for the page."""
        return [
            (label, [self[f"{channel}:{kind}"] for channel in EXTERNAL_CHANNELS])
            for kind, label in kind_choices()
        ]

    def choices(self) -> dict[str, bool]:
        return {
            f"{channel}:{kind}": self.cleaned_data[f"{channel}:{kind}"]
            for kind, _label in kind_choices()
            for channel in EXTERNAL_CHANNELS
        }
