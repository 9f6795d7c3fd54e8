"""ModelJobSpecDocker model."""

from __future__ import annotations

from typing import List, Optional

from bacalhau_client.models.base import Model, field


class ModelJobSpecDocker(Model):
    """The Docker engine's settings: image, entrypoint, environment, working directory."""

    image: Optional[str] = field("Image")
    entrypoint: Optional[List[str]] = field("Entrypoint")
    environment_variables: Optional[List[str]] = field("EnvironmentVariables")
    working_directory: Optional[str] = field("WorkingDirectory")
