from django import forms
from django.utils.translation import gettext_lazy as _


class ActivationForm(forms.Form):
    identity = forms.CharField(
        label=_("ID number"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    activation_code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("The code your university gave you, for example 7K2QF-M9XDA."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
