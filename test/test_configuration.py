"""Configuration: defaults, the CLI's environment variables, and debug logging that stays in its own logger."""

import logging

import certifi
import pytest
from loopback import LoopbackServer

from bacalhau_client import ApiClient, Configuration, JobApi, PublicapiStateRequest

DEFAULT_HOST = "http://bootstrap.production.bacalhau.org:1234"


# --- defaults ----------------------------------------------------------------------------------------------


def test_default_host_is_the_seed_node_without_a_trailing_slash():
    assert Configuration().host == DEFAULT_HOST


def test_trailing_slash_is_removed_from_the_host():
    assert Configuration(host="http://127.0.0.1:1234/").host == "http://127.0.0.1:1234"


def test_tls_is_verified_by_default():
    assert Configuration().verify_ssl is True


def test_ca_bundle_defaults_to_certifi():
    assert Configuration().ca_certs == certifi.where()


def test_ca_bundle_can_be_replaced():
    assert Configuration(ssl_ca_cert="/etc/ssl/private-ca.pem").ca_certs == "/etc/ssl/private-ca.pem"


def test_default_timeout_is_ten_seconds_to_connect_and_three_hundred_to_read():
    assert Configuration().timeout == (10.0, 300.0)


def test_default_retries_is_three():
    assert Configuration().retries == 3


def test_debug_is_off_by_default():
    assert Configuration().debug is False


def test_no_proxy_by_default():
    assert (Configuration().proxy, Configuration().proxy_headers) == (None, None)


def test_repr_names_the_host():
    assert repr(Configuration(host="http://127.0.0.1:1")) == "Configuration(host='http://127.0.0.1:1')"


# --- from_env ----------------------------------------------------------------------------------------------


def test_from_env_without_variables_is_the_default_node():
    assert Configuration.from_env({}).host == DEFAULT_HOST


def test_from_env_reads_host_and_port():
    environ = {"BACALHAU_API_HOST": "10.0.0.5", "BACALHAU_API_PORT": "2000"}
    assert Configuration.from_env(environ).host == "http://10.0.0.5:2000"


def test_from_env_uses_the_default_port_with_a_custom_host():
    assert Configuration.from_env({"BACALHAU_API_HOST": "127.0.0.1"}).host == "http://127.0.0.1:1234"


def test_from_env_uses_the_default_host_with_a_custom_port():
    assert Configuration.from_env({"BACALHAU_API_PORT": "4321"}).host == "http://bootstrap.production.bacalhau.org:4321"


def test_from_env_keeps_the_scheme_of_the_host():
    environ = {"BACALHAU_API_HOST": "https://node.example.org", "BACALHAU_API_PORT": "443"}
    assert Configuration.from_env(environ).host == "https://node.example.org:443"


def test_from_env_keeps_a_port_written_in_the_host():
    environ = {"BACALHAU_API_HOST": "http://127.0.0.1:9999", "BACALHAU_API_PORT": "1234"}
    assert Configuration.from_env(environ).host == "http://127.0.0.1:9999"


def test_from_env_accepts_an_ipv6_host():
    assert Configuration.from_env({"BACALHAU_API_HOST": "[::1]"}).host == "http://[::1]:1234"


def test_from_env_ignores_surrounding_spaces_and_a_trailing_slash():
    environ = {"BACALHAU_API_HOST": " node.example.org/ ", "BACALHAU_API_PORT": " 80 "}
    assert Configuration.from_env(environ).host == "http://node.example.org:80"


def test_from_env_treats_empty_variables_as_unset():
    environ = {"BACALHAU_API_HOST": "", "BACALHAU_API_PORT": ""}
    assert Configuration.from_env(environ).host == DEFAULT_HOST


def test_from_env_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("BACALHAU_API_HOST", "192.168.1.7")
    monkeypatch.setenv("BACALHAU_API_PORT", "1235")
    assert Configuration.from_env().host == "http://192.168.1.7:1235"


def test_from_env_passes_other_settings_through():
    config = Configuration.from_env({}, timeout=5, retries=0, verify_ssl=False)
    assert (config.timeout, config.retries, config.verify_ssl) == (5, 0, False)


@pytest.mark.parametrize("port", ["abc", "0", "65536", "-1", "12.5", "1234x"])
def test_from_env_with_a_bad_port_raises_value_error(port):
    with pytest.raises(ValueError) as raised:
        Configuration.from_env({"BACALHAU_API_PORT": port})
    assert str(raised.value) == "BACALHAU_API_PORT: must be a port number from 1 to 65535, got %r" % port


# --- checked settings ----------------------------------------------------------------------------------------


def test_max_response_bytes_defaults_to_64_mib():
    assert Configuration().max_response_bytes == 64 * 1024 * 1024


@pytest.mark.parametrize("value", [0, -1, 1.5, "10", True, None])
def test_bad_max_response_bytes_raises_value_error(value):
    with pytest.raises(ValueError) as caught:
        Configuration(max_response_bytes=value)
    assert str(caught.value) == "max_response_bytes: expected a whole number of bytes >= 1, got %r" % (value,)


@pytest.mark.parametrize("value", [0, -3, 2.0, "4"])
def test_bad_connection_pool_maxsize_raises_value_error(value):
    with pytest.raises(ValueError, match="^connection_pool_maxsize: expected a whole number from 1 to 10000"):
        Configuration(connection_pool_maxsize=value)


def test_ipfs_gateway_defaults_to_none():
    assert Configuration().ipfs_gateway is None


@pytest.mark.parametrize("url, kept", [
    ("https://ipfs.io", "https://ipfs.io"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    (" https://gateway.example.org/ipfs/ ", "https://gateway.example.org/ipfs"),
])
def test_ipfs_gateway_keeps_an_http_url_without_trailing_slash(url, kept):
    assert Configuration(ipfs_gateway=url).ipfs_gateway == kept


@pytest.mark.parametrize("url, message", [
    ("ftp://ipfs.io", "expected an http:// or https:// URL with a host"),
    ("ipfs.io", "expected an http:// or https:// URL with a host"),
    ("https://", "expected an http:// or https:// URL with a host"),
    ("https://ipfs.io/?x=1", "the URL must have no query or fragment"),
    ("https://ipfs.io/#top", "the URL must have no query or fragment"),
    ("https://ipfs.io:port", "not a valid URL"),
    ("http://[::1", "not a valid URL"),
    (42, "expected an http(s) URL"),
])
def test_bad_ipfs_gateway_raises_value_error(url, message):
    with pytest.raises(ValueError) as caught:
        Configuration(ipfs_gateway=url)
    assert str(caught.value).startswith("ipfs_gateway: " + message)


def test_from_env_reads_the_ipfs_gateway():
    config = Configuration.from_env({"BACALHAU_IPFS_GATEWAY": "https://gw.example.org/"})
    assert config.ipfs_gateway == "https://gw.example.org"


def test_from_env_without_the_gateway_variable_leaves_it_none():
    assert Configuration.from_env({"BACALHAU_IPFS_GATEWAY": " "}).ipfs_gateway is None


def test_from_env_refuses_a_bad_gateway_naming_the_variable():
    with pytest.raises(ValueError) as caught:
        Configuration.from_env({"BACALHAU_IPFS_GATEWAY": "gopher://x"})
    assert str(caught.value).startswith("BACALHAU_IPFS_GATEWAY: expected an http:// or https:// URL")


def test_from_env_keyword_gateway_wins_over_the_variable():
    config = Configuration.from_env({"BACALHAU_IPFS_GATEWAY": "https://a.example"}, ipfs_gateway="https://b.example")
    assert config.ipfs_gateway == "https://b.example"


# --- debug logging -----------------------------------------------------------------------------------------


def test_debug_leaves_the_sdk_logger_alone(sdk_logger):
    before = (sdk_logger.level, list(sdk_logger.handlers))
    config = Configuration(debug=True)
    ApiClient(config).close()
    config.debug = False
    assert (sdk_logger.level, list(sdk_logger.handlers)) == before


def test_debug_client_logs_while_a_client_without_debug_stays_quiet(sdk_logger, caplog):
    with LoopbackServer(lambda request: b'{"state": {}}\n') as server:
        with ApiClient(Configuration(host=server.url, debug=True)) as loud, \
                ApiClient(Configuration(host=server.url)) as quiet:
            sdk_logger.setLevel(logging.WARNING)  # the application shows only warnings of the SDK
            caplog.handler.setLevel(logging.DEBUG)
            JobApi(quiet).states(PublicapiStateRequest(client_id="c", job_id="quiet"))
            JobApi(loud).states(PublicapiStateRequest(client_id="c", job_id="loud"))
    assert [record.getMessage() for record in caplog.records] == [
        "POST %s/states (33 bytes)" % server.url, "POST /states -> 200 OK"]


def test_debug_leaves_the_root_and_urllib3_loggers_alone(sdk_logger):
    root, urllib3_logger = logging.getLogger(), logging.getLogger("urllib3")
    before = (root.level, list(root.handlers), urllib3_logger.level, list(urllib3_logger.handlers))
    Configuration(debug=True)
    assert (root.level, list(root.handlers), urllib3_logger.level, list(urllib3_logger.handlers)) == before


def test_debug_adds_no_handler_when_the_sdk_logger_has_one(sdk_logger):
    handler = logging.NullHandler()
    sdk_logger.handlers[:] = [handler]
    Configuration(debug=True)
    assert sdk_logger.handlers == [handler]


def test_debug_logs_each_request_and_answer_to_the_sdk_logger(sdk_logger, caplog):
    with LoopbackServer(lambda request: b'{"state": {}}\n') as server:
        with ApiClient(Configuration(host=server.url, debug=True)) as client:
            with caplog.at_level(logging.DEBUG, logger="bacalhau_client"):
                JobApi(client).states(PublicapiStateRequest(client_id="c", job_id="j"))
    sdk_lines = [record.getMessage() for record in caplog.records if record.name == "bacalhau_client"]
    assert sdk_lines == ["POST %s/states (30 bytes)" % server.url, "POST /states -> 200 OK"]


def test_debug_logs_never_contain_the_request_body(sdk_logger, caplog):
    with LoopbackServer(lambda request: b'{"state": {}}\n') as server:
        with ApiClient(Configuration(host=server.url, debug=True)) as client:
            with caplog.at_level(logging.DEBUG, logger="bacalhau_client"):
                JobApi(client).states(PublicapiStateRequest(client_id="c", job_id="secret-value"))
    assert "secret-value" not in caplog.text
