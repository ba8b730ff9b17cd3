import hashlib
import hmac

import pytest

from huiguang.core import crypto
from huiguang.core.masking import mask_id_number, mask_phone, safe_cell


def test_encryption_round_trips_and_is_not_plaintext():
    token = crypto.encrypt("330482199503080123", context="t")
    assert "330482199503080123" not in token
    assert crypto.decrypt(token, context="t") == "330482199503080123"


def test_two_encryptions_differ_but_blind_index_is_stable():
    a = crypto.encrypt("x", context="t")
    b = crypto.encrypt("x", context="t")
    assert a != b
    assert crypto.blind_index("x", context="t") == crypto.blind_index("x", context="t")
    assert crypto.blind_index("x", context="t") != crypto.blind_index("x", context="other")


def test_blind_index_is_the_hmac_of_context_and_value():
    expected = hmac.new(crypto.blind_index_key(), b"t\x00330482199503080123", hashlib.sha256).hexdigest()
    assert crypto.blind_index("330482199503080123", context="t") == expected


def test_encrypt_many_gives_each_value_its_own_nonce():
    numbers = [f"33048219950308{i:04d}" for i in range(50)]
    tokens = crypto.encrypt_many(numbers, context="t")
    assert [crypto.decrypt(token, context="t") for token in tokens] == numbers
    assert len({crypto._unb64(token.split(":")[2])[:12] for token in tokens}) == 50
    assert crypto.encrypt_many([], context="t") == []


def test_wrong_context_or_tampering_fails_loudly():
    token = crypto.encrypt("secret", context="t")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="other")
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, context="t")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("330482199503080123", context="t")


def test_old_keys_still_decrypt_after_rotation(monkeypatch):
    old = crypto.encrypt("rotated", context="t")
    old_keys = crypto.data_keys()
    new_key = crypto._b64(bytes([1]) * 32)
    monkeypatch.setenv("HUIGUANG_DATA_KEYS", f"k2:{new_key},{old_keys[0][0]}:{crypto._b64(old_keys[0][1])}")
    crypto.data_keys.cache_clear()
    try:
        new = crypto.encrypt("rotated", context="t")
        assert new.split(":")[1] == "k2"
        assert crypto.decrypt(old, context="t") == "rotated"
        assert crypto.decrypt(new, context="t") == "rotated"
    finally:
        monkeypatch.delenv("HUIGUANG_DATA_KEYS")
        crypto.data_keys.cache_clear()


def test_signatures_verify_and_a_flipped_byte_fails():
    token = crypto.sign_token(b'{"n":"3304822026000001"}')
    assert crypto.verify_token(token) == b'{"n":"3304822026000001"}'
    assert crypto.verify_token(token, public_key=crypto.public_key_b64())
    body, sig = token.split(".")
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    with pytest.raises(crypto.SignatureError):
        crypto.verify_token(f"{flipped}.{sig}")


def test_masks():
    assert mask_id_number("330482199503080123") == "330482********0123"
    assert mask_id_number("330482199503080123", "last4") == "**************0123"
    assert mask_phone("13612345678") == "136****5678"
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("+1") == "'+1" and safe_cell("-1") == "'-1" and safe_cell("@x") == "'@x"
    assert safe_cell("张三") == "张三" and safe_cell(5) == 5
