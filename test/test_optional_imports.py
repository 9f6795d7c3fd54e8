"""The optional dependencies load only when their feature is used: RSA keys, live events, YAML job files."""

from conftest import fresh_interpreter

OPTIONAL = ("cryptography", "websocket", "yaml")


def loaded_after(code: str) -> list:
    """Which optional modules a fresh interpreter has loaded after running ``code``."""
    probe = code + "\nimport sys\nprint(' '.join(m for m in %r if m in sys.modules))" % (OPTIONAL,)
    return fresh_interpreter(probe).split()


def test_the_api_client_and_models_load_none_of_them():
    assert loaded_after("from bacalhau_client import ApiClient, Client, Configuration, JobApi, ModelJob\n"
                        "from bacalhau_client.jobs import docker_job\ndocker_job('ubuntu', ['date'])") == []


def test_a_json_job_file_needs_no_yaml():
    assert loaded_after("from bacalhau_client.jobs import from_file\n"
                        "from_file('{\"Spec\": {\"Engine\": \"Docker\", \"Docker\": {\"Image\": \"ubuntu\"}}}')") == []


def test_a_yaml_job_file_loads_yaml_only():
    assert loaded_after("from bacalhau_client.jobs import from_file\n"
                        "from_file('Spec:\\n  Engine: Docker\\n  Docker:\\n    Image: ubuntu\\n')") == ["yaml"]


def test_signing_loads_cryptography():
    assert "cryptography" in loaded_after("from bacalhau_client.keys import UserKey\nUserKey.generate()")
