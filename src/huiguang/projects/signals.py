"""Signals the projects app sends for the apps above it (docs/architecture.md): a higher app
reacts through a receiver connected in its AppConfig.ready, never by being imported here."""

from django.dispatch import Signal

# The city published a competition's results (services/judging.py results_publish), sent inside
# the publishing transaction with `competition`, `actor` and `request`: a receiver's writes
# commit or roll back with the publication. The credit app records each award as an honor of the
# entry's project (credit/receivers.py).
results_published = Signal()
