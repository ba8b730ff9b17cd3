"""Verify a certificate's QR payload offline, with the published public key.

    huiguang verify_certificate PAYLOAD [--public-key BASE64]

PAYLOAD is the text of the QR code (the signed token, or the verification URL carrying it).
Without --public-key the key of this installation is used. Exit 0 when the signature holds
(the fields are printed), 1 when it does not.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from huiguang.core.crypto import SignatureError
from huiguang.ledger.services.certificates import decode_payload

LABELS = [
    ("no", "certificate number"),
    ("name", "name"),
    ("vno", "volunteer number"),
    ("id", "ID number (masked)"),
    ("h", "hours"),
    ("from", "from"),
    ("to", "to"),
    ("issuer", "issuer"),
    ("date", "date of issue"),
]


class Command(BaseCommand):
    help = "Verify a certificate's QR payload offline with the published Ed25519 public key."

    def add_arguments(self, parser):
        parser.add_argument("payload")
        parser.add_argument("--public-key", default=None, help="base64 Ed25519 public key (raw, url-safe)")
        parser.add_argument("--json", action="store_true", help="print the fields as JSON")

    def handle(self, *args, payload, public_key, json: bool = False, **options):
        try:
            fields = decode_payload(payload, public_key=public_key)
        except (SignatureError, ValueError) as exc:
            raise CommandError(f"INVALID: {exc}", returncode=1)
        if json:
            self.stdout.write(_dumps(fields))
        else:
            self.stdout.write(self.style.SUCCESS("VALID: the signature verifies."))
            for key, label in LABELS:
                self.stdout.write(f"{label}: {fields.get(key, '')}")
        return None


def _dumps(fields) -> str:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)
