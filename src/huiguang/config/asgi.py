import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiguang.config.settings")
application = get_asgi_application()

# Imported once the apps are loaded (get_asgi_application loads them). Refuse to serve with keys
# the database does not recognize: KeyRefused names the missing file or the mismatch.
from huiguang.core.checks import verify_keys  # noqa: E402

verify_keys()
