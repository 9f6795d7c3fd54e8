"""UserKey: loading, creating and saving the CLI's user_id.pem, and refusing what is not a usable key."""

import base64
import hashlib
import os
import shutil
import stat
import subprocess
import threading

import pytest

from bacalhau_client.keys import MAX_KEY_FILE_BYTES, UserKey
from bacalhau_client.signing import verify_signature

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and file modes are POSIX")


def private_key_file(tmp_path, pem, mode=0o600):
    path = tmp_path / "user_id.pem"
    path.write_bytes(pem)
    path.chmod(mode)
    return path


def openssl(*args, **kwargs):
    return subprocess.run(("openssl",) + args, check=True, capture_output=True, **kwargs).stdout



@needs_openssl
def test_openssl_traditional_key_loads_with_the_modulus_client_id(tmp_path):
    path = tmp_path / "user_id.pem"
    openssl("genrsa", "-traditional", "-out", str(path), "2048")
    path.chmod(0o600)
    modulus_hex = openssl("rsa", "-in", str(path), "-noout", "-modulus").decode().strip().split("=", 1)[1]
    expected = hashlib.sha256(bytes.fromhex(modulus_hex.lstrip("0") if len(modulus_hex.lstrip("0")) % 2 == 0
                                            else "0" + modulus_hex.lstrip("0"))).hexdigest()
    assert path.read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert UserKey.load(path).client_id == expected


@needs_openssl
def test_openssl_public_key_is_the_pkcs1_der_in_base64(tmp_path):
    path = tmp_path / "user_id.pem"
    openssl("genrsa", "-traditional", "-out", str(path), "2048")
    path.chmod(0o600)
    der = openssl("rsa", "-in", str(path), "-RSAPublicKey_out", "-outform", "DER")
    assert UserKey.load(path).public_key == base64.b64encode(der).decode()


@needs_openssl
def test_pkcs8_key_is_accepted(tmp_path):
    pkcs1 = tmp_path / "pkcs1.pem"
    openssl("genrsa", "-traditional", "-out", str(pkcs1), "2048")
    pkcs8 = openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(pkcs1))
    assert pkcs8.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert UserKey.from_pem(pkcs8).client_id == UserKey.from_pem(pkcs1.read_bytes()).client_id


@needs_openssl
def test_encrypted_key_is_refused_with_the_fix(tmp_path):
    pem = openssl("genrsa", "-traditional", "-aes256", "-passout", "pass:secret", "2048")
    path = private_key_file(tmp_path, pem)
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == (
        "%s: the private key is encrypted; the bacalhau CLI uses an unencrypted key: decrypt it with "
        "`openssl rsa -traditional -in <file> -out <new file>`" % path)


@needs_openssl
def test_non_rsa_key_is_refused(tmp_path):
    pem = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
    with pytest.raises(ValueError, match=r"^key\.pem: not an RSA key \(found .*EC.*\); create an RSA key with "):
        UserKey.from_pem(pem, source="key.pem")


def test_pem_that_is_not_a_key_is_refused(tmp_path):
    path = private_key_file(tmp_path, b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == (
        "%s: not an RSA private key in PEM format (expected '-----BEGIN RSA PRIVATE KEY-----'); create a key "
        "with UserKey.generate().save(path)" % path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602])
def test_key_accessible_by_group_or_others_is_refused(tmp_path, fixture_key, mode):
    path = tmp_path / "user_id.pem"
    fixture_key.save(path)
    path.chmod(mode)
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == ("%s: the private key is accessible by group or others (mode %04o); fix it "
                                 "with: chmod 600 %s" % (path, mode, path))


def test_missing_key_file_is_reported_with_the_fix(tmp_path):
    path = tmp_path / "absent.pem"
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == ("%s: no such key file; create one with UserKey.generate().save(%r), or use "
                                 "UserKey.default()" % (path, str(path)))


def test_directory_is_refused_as_not_a_regular_file(tmp_path):
    with pytest.raises(ValueError) as caught:
        UserKey.load(tmp_path)
    assert str(caught.value) == ("%s: not a regular file (a directory); a key file is a PEM file such as "
                                 "~/.bacalhau/user_id.pem" % tmp_path)


def load_in_thread(path):
    """What ``UserKey.load(path)`` raised, from a thread, so that a hang fails the test instead of blocking it."""
    outcome = []

    def load():
        try:
            UserKey.load(path)
        except ValueError as error:
            outcome.append(str(error))

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "UserKey.load blocked on %s" % path
    return outcome


@posix_only
def test_fifo_is_refused_at_once_without_waiting_for_a_writer(tmp_path):
    path = tmp_path / "user_id.pem"
    os.mkfifo(path, 0o600)
    assert load_in_thread(path) == ["%s: not a regular file (a FIFO); a key file is a PEM file such as "
                                    "~/.bacalhau/user_id.pem" % path]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_device_is_refused_without_reading_it():
    assert load_in_thread("/dev/zero") == ["/dev/zero: not a regular file (a character device); a key file is a "
                                           "PEM file such as ~/.bacalhau/user_id.pem"]


@posix_only
def test_default_refuses_a_fifo_at_the_default_path(tmp_path, monkeypatch):
    monkeypatch.setenv("BACALHAU_DIR", str(tmp_path))
    os.mkfifo(tmp_path / "user_id.pem", 0o600)
    with pytest.raises(ValueError, match=r"^.*user_id\.pem: not a regular file \(a FIFO\)"):
        UserKey.default()


def test_file_larger_than_the_cap_is_refused_before_reading(tmp_path):
    path = private_key_file(tmp_path, b"-----BEGIN RSA PRIVATE KEY-----\n" + b"A" * (MAX_KEY_FILE_BYTES + 1))
    size = path.stat().st_size
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == ("%s: %d bytes is too large for a private key (at most 65536); check that it is "
                                 "the key file" % (path, size))


def test_pem_data_larger_than_the_cap_is_refused():
    with pytest.raises(ValueError) as caught:
        UserKey.from_pem(b"A" * (MAX_KEY_FILE_BYTES + 1), source="key.pem")
    assert str(caught.value) == ("key.pem: 65537 bytes is too large for a private key (at most 65536); check "
                                 "that it is the key file")


def rsa_pem(bits):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=bits).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())


def test_key_under_2048_bits_is_refused(tmp_path):
    path = private_key_file(tmp_path, rsa_pem(1024))
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == ("%s: the RSA key has 1024 bits; a user key must have 2048 to 8192 bits; create "
                                 "one with UserKey.generate().save(path)" % path)


def test_key_over_8192_bits_is_refused(fixtures_dir):
    pem = (fixtures_dir / "keys" / "rsa_8200_bits.pem").read_bytes()
    with pytest.raises(ValueError) as caught:
        UserKey.from_pem(pem, source="big.pem")
    assert str(caught.value) == ("big.pem: the RSA key has 8200 bits; a user key must have 2048 to 8192 bits; "
                                 "create one with UserKey.generate().save(path)")


def test_wrapping_a_small_key_directly_is_refused():
    from cryptography.hazmat.primitives.asymmetric import rsa

    with pytest.raises(ValueError, match=r"^UserKey: the RSA key has 1024 bits; a user key must have 2048 to 8192"):
        UserKey(rsa.generate_private_key(public_exponent=65537, key_size=1024))


def test_key_names_stay_importable_from_signing():
    from bacalhau_client import keys, signing

    assert (signing.UserKey, signing.default_key_path, signing.KEY_FILE_NAME) == (
        keys.UserKey, keys.default_key_path, keys.KEY_FILE_NAME)


def test_save_writes_pkcs1_with_mode_600_and_nothing_else(tmp_path, fixture_key):
    path = tmp_path / "saved.pem"
    fixture_key.save(path)
    assert (path.read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY-----"), stat.S_IMODE(path.stat().st_mode),
            os.listdir(tmp_path)) == (True, 0o600, ["saved.pem"])


def test_saved_key_loads_as_the_same_key(tmp_path, fixture_key):
    fixture_key.save(tmp_path / "saved.pem")
    assert UserKey.load(tmp_path / "saved.pem").client_id == fixture_key.client_id


def test_save_refuses_to_overwrite(tmp_path, fixture_key):
    path = tmp_path / "saved.pem"
    path.write_bytes(b"keep me")
    with pytest.raises(ValueError) as caught:
        fixture_key.save(path)
    assert (str(caught.value), path.read_bytes(), os.listdir(tmp_path)) == (
        "%s: a file already exists there; refusing to overwrite it" % path, b"keep me", ["saved.pem"])


def test_default_creates_dir_700_and_key_600_in_bacalhau_dir(tmp_path, monkeypatch):
    home = tmp_path / "bacalhau"
    monkeypatch.setenv("BACALHAU_DIR", str(home))
    key = UserKey.default()
    key_file = home / "user_id.pem"
    assert (stat.S_IMODE(home.stat().st_mode), stat.S_IMODE(key_file.stat().st_mode)) == (0o700, 0o600)
    assert key_file.read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert UserKey.load(key_file).client_id == key.client_id


def test_default_reuses_the_existing_key(tmp_path, monkeypatch):
    monkeypatch.setenv("BACALHAU_DIR", str(tmp_path))
    first = UserKey.default()
    content = (tmp_path / "user_id.pem").read_bytes()
    assert (UserKey.default().client_id, (tmp_path / "user_id.pem").read_bytes()) == (first.client_id, content)


def test_default_falls_back_to_dot_bacalhau_in_home(tmp_path, monkeypatch):
    monkeypatch.delenv("BACALHAU_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    key = UserKey.default()
    assert UserKey.load(tmp_path / ".bacalhau" / "user_id.pem").client_id == key.client_id


def test_generated_key_is_rsa_2048_and_signs_verifiably():
    key = UserKey.generate()
    signature = key.sign(b"payload")
    assert (len(base64.b64decode(signature)), verify_signature(key.public_key, b"payload", signature)) == (256, True)


def test_sign_refuses_text(fixture_key):
    with pytest.raises(ValueError, match=r"^sign: expected bytes \(the canonical JSON\), got str$"):
        fixture_key.sign("data")


def test_key_wraps_only_rsa_private_keys():
    with pytest.raises(ValueError, match="^UserKey: expected an RSA private key, got str$"):
        UserKey("-----BEGIN RSA PRIVATE KEY-----")


def test_repr_shows_the_client_id_and_no_key_material(fixture_key):
    text = repr(fixture_key)
    assert text == "UserKey(client_id=%r)" % fixture_key.client_id
    assert fixture_key.public_key[:20] not in text


