"""ModelBuildVersionInfo model."""

from bacalhau_client.models.base import Field, Model


class ModelBuildVersionInfo(Model):
    """The node's build: version, commit, date and platform (``/version``)."""

    _fields = (
        Field('major', 'major', 'str'),
        Field('minor', 'minor', 'str'),
        Field('gitversion', 'gitversion', 'str', omitempty=False),
        Field('gitcommit', 'gitcommit', 'str', omitempty=False),
        Field('builddate', 'builddate', 'datetime', omitempty=False),
        Field('goos', 'goos', 'str', omitempty=False),
        Field('goarch', 'goarch', 'str', omitempty=False),
    )
