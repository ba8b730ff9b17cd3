from django import forms

from huiguang.core.errors import FieldErrors

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


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes, so templates render fields with core/_field.html."""

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
