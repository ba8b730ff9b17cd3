from django.apps import AppConfig


class WebConfig(AppConfig):
    """The site's shell, at the top of the layers: the home pages and the navigation, which read
    every app below (docs/architecture.md)."""

    name = "huiguang.web"
    label = "web"
