"""The authenticator codes against RFC 6238's own test vectors (Appendix B), and the few rules
around them: a drift of one step either way, nothing else, and the otpauth:// address."""

from __future__ import annotations

import base64

import pytest

from easeback.domain import totp

# RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the digest's size, 8 digits.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("t", "sha1", "sha256", "sha512"), VECTORS)
def test_rfc_6238_vectors(t, sha1, sha256, sha512):
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.hotp(SEEDS[digest], totp.step_of(t), 8, digest) == expected


def test_the_app_code_is_the_six_digit_sha1_code_of_the_base32_secret():
    secret = base64.b32encode(SEEDS["sha1"]).decode().rstrip("=")
    assert totp.code(secret, 59) == "287082"  # the last six digits of 94287082
    assert totp.code(secret.lower(), 1111111109) == "081804"


def test_a_code_matches_its_step_and_one_either_side_only():
    secret = totp.new_secret()
    now = 1_800_000_015.0
    step = totp.step_of(now)
    for offset in (-1, 0, 1):
        typed = totp.code(secret, now + offset * totp.STEP)
        assert totp.matching_step(secret, typed, now) == step + offset
    for offset in (-3, -2, 2, 3):
        stale = totp.code(secret, now + offset * totp.STEP)
        if stale not in {totp.code(secret, now + k * totp.STEP) for k in (-1, 0, 1)}:
            assert totp.matching_step(secret, stale, now) is None
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "abcdef", now) is None
    spaced = totp.code(secret, now)
    assert totp.matching_step(secret, f"{spaced[:3]} {spaced[3:]}", now) == step


def test_secret_and_address_for_an_authenticator_app():
    secret = totp.new_secret()
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert totp.new_secret() != secret
    uri = totp.uri(secret, "alice@north.example")
    assert uri.startswith("otpauth://totp/easeback%3Aalice%40north.example?secret=" + secret)
    assert "issuer=easeback" in uri and "digits=6" in uri and "period=30" in uri
