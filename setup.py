"""Packaging for bacalhau_client."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
# Read, not imported: building must not need the package's dependencies.
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "bacalhau_client" / "_version.py").read_text()).group(1)

setup(
    name="bacalhau_client",
    version=VERSION,
    description="Python SDK for the Bacalhau requester node API: submit signed jobs and follow them",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.9",
    packages=find_packages(include=["bacalhau_client", "bacalhau_client.*"]),
    package_data={"bacalhau_client": ["py.typed"]},
    install_requires=[
        "urllib3>=1.26,<3",
        "certifi>=2017.4.17",
        # RSA signing of submissions; imported only when a job is signed.
        "cryptography>=3.4",
        # Live job events over the node's /websocket; imported only when following a job.
        "websocket-client>=1.2",
        # YAML job files (`create job.yaml`, jobs.from_file); imported only when a YAML file is read.
        "PyYAML>=5.1",
    ],
    entry_points={"console_scripts": ["bacalhau-client=bacalhau_client.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Typing :: Typed",
    ],
)
