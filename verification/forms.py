from django import forms
from django.utils.translation import gettext_lazy as _

from . import numbers


class LookupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    number = forms.CharField(
        label=_("转递编号 or 核验编号"),
        max_length=40,
        help_text=_(
            "18 characters such as 2619001ABCDEFGHIJK, or the 17-character verification number in groups."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "style": "text-transform:uppercase"}),
    )

    def clean_number(self):
        number = self.cleaned_data["number"]
        if numbers.kind_of(number) is None:
            raise forms.ValidationError(
                _(
                    "This is not a valid 转递编号 or 核验编号 (wrong length, characters or check character). Please check it."
                )
            )
        return number.strip()
