"""ModelJobSpecLanguage model."""

from bacalhau_client.models.base import Field, Model


class ModelJobSpecLanguage(Model):
    """The Language engine's settings: a program in a named language and version."""

    _fields = (
        Field('language', 'Language', 'str'),
        Field('language_version', 'LanguageVersion', 'str'),
        Field('deterministic_execution', 'DeterministicExecution', 'bool'),
        Field('job_context', 'JobContext', 'ModelStorageSpec'),
        Field('command', 'Command', 'str'),
        Field('program_path', 'ProgramPath', 'str'),
        Field('requirements_path', 'RequirementsPath', 'str'),
    )
