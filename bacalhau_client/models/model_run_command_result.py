"""ModelRunCommandResult model."""

from bacalhau_client.models.base import Field, Model


class ModelRunCommandResult(Model):
    """What a run printed and how it ended."""

    _fields = (
        Field('stdout', 'stdout', 'str', omitempty=False),
        Field('stdouttruncated', 'stdouttruncated', 'bool', omitempty=False),
        Field('stderr', 'stderr', 'str', omitempty=False),
        Field('stderrtruncated', 'stderrtruncated', 'bool', omitempty=False),
        Field('exit_code', 'exitCode', 'int', omitempty=False),
        Field('runner_error', 'runnerError', 'str', omitempty=False),
    )
