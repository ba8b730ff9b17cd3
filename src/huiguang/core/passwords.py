"""Password rules with messages our catalogue translates (Django 5.2's new minimum-length
message has no Chinese translation in Django's own catalogue)."""

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(DjangoMinimumLength):
    def validate(self, password, user=None):
        if len(password or "") < self.min_length:
            raise ValidationError(
                _("The password is too short: use at least %(n)d characters.") % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("At least %(n)d characters.") % {"n": self.min_length}
