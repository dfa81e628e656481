"""Model fields that store an identifier in its one written form, whatever path saved it
(a form, the roster import, the admin, the API, the sync inbound): full-width characters
half-width, and letters upper case where the identifier has them (``core.validators``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import half_width, normalise_credit_code, normalise_id_number

# What a form says under such a field.
HALF_WIDTH_HELP = _("Full-width digits and letters (１２３ｘ) are turned half-width as you save.")


class NormalisedCharField(models.CharField):
    """A ``CharField`` whose value passes ``normalise`` before every save and every
    ``full_clean``."""

    @staticmethod
    def normalise(value: str) -> str:
        return half_width(value)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalise(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = self.normalise(value)
            setattr(model_instance, self.attname, value)
        return value


class IdNumberField(NormalisedCharField):
    """An identity document number: half-width, the check character upper case."""

    normalise = staticmethod(normalise_id_number)


class CreditCodeField(NormalisedCharField):
    """A unified social credit code: half-width, upper case."""

    normalise = staticmethod(normalise_credit_code)
