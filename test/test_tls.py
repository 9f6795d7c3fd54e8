"""TLS is verified by default: an HTTPS loopback server with a self-signed certificate is refused
with ApiSSLError until the client is told to trust it."""

import datetime
import ipaddress
import os
import ssl

import certifi
import pytest
import urllib3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bacalhau_client import (
    ApiClient, ApiConnectionError, ApiException, ApiSSLError, Configuration, HealthApi, JobApi,
)
from loopback import LoopbackServer

KEY_FILE_MODE = 0o600


def write_self_signed_certificate(directory, name: str, hosts) -> str:
    """A self-signed certificate for ``hosts`` (IP addresses or DNS names); returns the PEM path.

    The private key goes beside it as ``<name>.key``, readable by its owner only.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    alt_names = [x509.IPAddress(ipaddress.ip_address(host)) if host[0].isdigit() else x509.DNSName(host)
                 for host in hosts]
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = str(directory / (name + ".pem"))
    with open(cert_path, "wb") as out:
        out.write(certificate.public_bytes(serialization.Encoding.PEM))
    key_bytes = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    descriptor = os.open(str(directory / (name + ".key")), os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_bytes)
    return cert_path


def https_loopback(cert_path: str) -> LoopbackServer:
    """An HTTPS server on 127.0.0.1, with the certificate at ``cert_path``, answering ``OK``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, cert_path[:-len(".pem")] + ".key")
    return LoopbackServer(lambda request: (200, {"Content-Type": "text/plain"}, b"OK"), ssl_context=context)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return write_self_signed_certificate(tmp_path_factory.mktemp("tls"), "loopback", ["127.0.0.1"])


@pytest.fixture(scope="module")
def certificate_for_another_host(tmp_path_factory):
    return write_self_signed_certificate(tmp_path_factory.mktemp("tls"), "elsewhere", ["node.example.org"])


def livez(url: str, **settings) -> str:
    with ApiClient(Configuration(host=url, timeout=2.0, **settings)) as client:
        return HealthApi(client).livez()


def test_verification_is_on_by_default():
    config = Configuration()
    assert (config.verify_ssl, config.ca_certs) == (True, certifi.where())


def test_self_signed_server_is_refused_by_default(certificate):
    with https_loopback(certificate) as server:
        with pytest.raises(ApiSSLError) as caught:
            livez(server.url)
    assert isinstance(caught.value, ApiConnectionError)
    assert str(caught.value).startswith("GET /livez: TLS with 127.0.0.1:%s failed: " % server.url.rsplit(":", 1)[1])
    assert "certificate verify failed" in str(caught.value)
    assert str(caught.value).endswith("(to trust a private CA, set Configuration.ssl_ca_cert to its PEM file)")
    assert len(server.requests) == 0


def test_refused_certificate_is_not_retried(certificate):
    with https_loopback(certificate) as server:
        with pytest.raises(ApiSSLError):
            livez(server.url, retries=3, deadline=10.0)
    assert server.connections == 1


def test_self_signed_server_is_trusted_with_its_certificate_as_ca(certificate):
    with https_loopback(certificate) as server:
        assert livez(server.url, ssl_ca_cert=certificate) == "OK"
    assert len(server.requests) == 1


def test_certificate_for_another_host_is_refused_even_when_trusted(certificate_for_another_host):
    with https_loopback(certificate_for_another_host) as server:
        with pytest.raises(ApiSSLError) as caught:
            livez(server.url, ssl_ca_cert=certificate_for_another_host)
    assert "127.0.0.1" in str(caught.value)


def test_verify_ssl_false_accepts_any_certificate_with_a_warning(certificate):
    with https_loopback(certificate) as server:
        with pytest.warns(urllib3.exceptions.InsecureRequestWarning):
            assert livez(server.url, verify_ssl=False) == "OK"


def test_plain_http_server_behind_an_https_url_raises_ssl_error():
    with LoopbackServer(lambda request: b"{}") as server:
        with ApiClient(Configuration(host=server.url.replace("http://", "https://"), timeout=2.0)) as client:
            with pytest.raises(ApiSSLError):
                JobApi(client).states({"client_id": "client-1", "job_id": "job-1"})


def test_https_redirect_to_plain_http_on_the_same_host_and_port_is_not_followed(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, certificate[:-len(".pem")] + ".key")
    server = LoopbackServer(lambda request: (200, {"Content-Type": "text/plain"}, b"OK"), ssl_context=context)
    downgrade = server.url.replace("https://", "http://") + "/livez"
    server.answer = lambda request: (307, {"Location": downgrade}, b"")
    with server:
        with pytest.raises(ApiException) as caught:
            livez(server.url, ssl_ca_cert=certificate)
    assert caught.value.status == 307
    assert str(caught.value).endswith("redirect to %r not followed: it leaves %s" % (downgrade, server.url))
    assert len(server.requests) == 1
