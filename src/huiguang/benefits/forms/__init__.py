"""The benefits app's forms, one module per area."""


def field_label(model, name):
    """A form field's label: the model field's verbose name."""
    return model._meta.get_field(name).verbose_name
