from django import forms

from huiguang.core.errors import FieldErrors
from huiguang.core.text import clean_text

# Every web form that was sent and is not valid answers this status (the API answers 422 too).
# HTMX swaps it in like a 200 (base.html's htmx-config), so the form comes back with its errors.
INVALID_FORM_STATUS = 422


def form_status(form) -> int:
    """200 for a form shown or accepted, 422 for one sent back with errors."""
    return INVALID_FORM_STATUS if form is not None and form.is_bound and form.errors else 200


def show_errors(form, exc: FieldErrors) -> None:
    """A service's refusal (FieldErrors) shown on the form: on its field, or above the form."""
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _hygienic(original, *, multiline: bool):
    """A field's `to_python` that first passes typed text through core/text.py's `clean_text`."""

    def to_python(value):
        if isinstance(value, str):
            value = clean_text(value, multiline=multiline)
        return original(value)

    to_python.hygienic = True  # type: ignore[attr-defined]
    return to_python


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes, so templates render fields with core/_field.html,
    and passes every text field through the project's text hygiene (core/text.py).

    Every form of the project uses this mixin, so the hygiene lives here once: a CharField's typed
    value is NFC-normalised and refused, with the message on that field, when it holds a control,
    bidi or invisible character (multi-line text, a Textarea, keeps its newlines and tabs).
    Passwords are left exactly as typed; file and choice fields are not text and are untouched."""

    fields: dict[str, forms.Field]  # the form's, when mixed into a Form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def _clean_fields(self):
        # Installed at cleaning time, not in __init__: some forms add fields after this
        # mixin's __init__ ran. Each form instance has its own copies of its fields.
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.PasswordInput)
                and not getattr(field.to_python, "hygienic", False)
            ):
                multiline = isinstance(field.widget, forms.Textarea)
                field.to_python = _hygienic(field.to_python, multiline=multiline)  # type: ignore[method-assign]
        super()._clean_fields()  # type: ignore[misc]
