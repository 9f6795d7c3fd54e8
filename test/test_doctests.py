"""The ``>>>`` examples in the package's docstrings run, against a local node, as a reader would type them.

Every module whose source carries an example is collected. The examples run
with the names of ``from bacalhau_client import *`` and the job builders in
scope, the default node and ``BACALHAU_API_HOST``/``PORT`` pointing at a local
node, ``BACALHAU_DIR`` holding the fixture key, and ``node``, ``key``, ``client``
(``Client(node.url, key)``), ``cid`` (also ``my_client_id``) and ``job_id`` (a
finished job) defined. Examples that write files do so in a temporary folder
they make; none reaches beyond the local node. An example
that shows a result must print exactly it (``...`` matches anything); one that
shows none only illustrates a call, which must run without raising.
"""

import doctest
import importlib

import pytest
from conftest import ROOT

import bacalhau_client

PACKAGE_DIR = ROOT / "bacalhau_client"
MODULES_WITH_EXAMPLES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).replace(".__init__", "")
    for path in PACKAGE_DIR.rglob("*.py") if ">>>" in path.read_text(encoding="utf-8"))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class IllustrationChecker(doctest.OutputChecker):
    """Output must match what the example shows; an example that shows nothing may print anything."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return not want or super().check_output(want, got, optionflags)


@pytest.fixture(scope="module")
def example_scope(example_node):
    """The names the examples use; ``client`` is closed once they have run."""
    from bacalhau_client import jobs

    key = bacalhau_client.UserKey.default()
    with bacalhau_client.Client(example_node.url, key) as client:
        scope = {name: getattr(bacalhau_client, name) for name in bacalhau_client.__all__}
        scope.update(docker_job=jobs.docker_job, language_job=jobs.language_job, node=example_node.node, key=key,
                     client=client, cid=key.client_id, my_client_id=key.client_id, job_id=example_node.job_id)
        yield scope


def test_the_modules_with_examples_are_found():
    assert {"bacalhau_client", "bacalhau_client.client", "bacalhau_client.models.job_state"} <= set(
        MODULES_WITH_EXAMPLES)


@pytest.mark.parametrize("module_name", MODULES_WITH_EXAMPLES)
def test_examples_run(example_scope, module_name):
    module = importlib.import_module(module_name)
    runner = doctest.DocTestRunner(checker=IllustrationChecker(), optionflags=FLAGS)
    for test in doctest.DocTestFinder().find(module, module_name, globs=dict(example_scope, **vars(module))):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert (results.failed, results.attempted > 0) == (0, True)
