"""Canonical names of the node's enumerations.

Enum fields travel as strings, so models hold plain ``str`` values: a value a
newer server invents is kept as it came. These classes name the values this
SDK knows, and resolve spellings the way the Go node does: ``strings.EqualFold``
(so ``ſ`` is an ``s`` and the Kelvin sign a ``k``), after ``strings.TrimSpace``
for every enum but ``Engine``, whose parser does not trim.

>>> Engine.DOCKER
'Docker'
>>> Engine.canonical("docker"), Publisher.canonical(" e\u017ftuary\t"), Engine.canonical(" docker")
('Docker', 'Estuary', None)
"""

from typing import Dict, Optional, Tuple

from bacalhau_client._go import fold, trim_space


class EnumNames:
    """Base of the enum name tables: subclasses list the names as class constants, in Go order.

    ``trims_space`` says whether the node's parser for the enum trims white
    space first (Go's ``model.equal``) or compares the text as sent.
    """

    names: Tuple[str, ...] = ()
    trims_space = True
    _by_folded: Dict[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.names = tuple(dict.fromkeys(value for name, value in vars(cls).items()
                                        if name.isupper() and isinstance(value, str)))
        cls._by_folded = {fold(value): value for value in cls.names}
        cls._by_folded.update((value, value) for value in cls.names)  # the common case: already canonical

    @classmethod
    def canonical(cls, value: str) -> Optional[str]:
        """The canonical spelling of ``value``, or ``None`` when the node would reject it."""
        if not isinstance(value, str):
            return None
        name = cls._by_folded.get(value)
        if name is None:
            name = cls._by_folded.get(fold(trim_space(value) if cls.trims_space else value))
        return name

    @classmethod
    def is_valid(cls, value: str) -> bool:
        """Whether the node accepts ``value`` (in any letter case)."""
        return cls.canonical(value) is not None


class Engine(EnumNames):
    """What runs the job (``Spec.Engine``)."""

    trims_space = False  # ParseEngine compares with strings.EqualFold alone

    NOOP = "Noop"
    DOCKER = "Docker"
    WASM = "Wasm"
    LANGUAGE = "Language"
    PYTHON_WASM = "PythonWasm"


class Verifier(EnumNames):
    """How results are checked (``Spec.Verifier``)."""

    NOOP = "Noop"
    DETERMINISTIC = "Deterministic"


class Publisher(EnumNames):
    """Where results are published (``Spec.Publisher``); note ``Ipfs``, not ``IPFS``."""

    NOOP = "Noop"
    IPFS = "Ipfs"
    FILECOIN = "Filecoin"
    ESTUARY = "Estuary"


class StorageSourceType(EnumNames):
    """Where a volume's data lives (``StorageSpec.StorageSource``)."""

    IPFS = "IPFS"
    URL_DOWNLOAD = "URLDownload"
    FILECOIN_UNSEALED = "FilecoinUnsealed"
    FILECOIN = "Filecoin"
    ESTUARY = "Estuary"


class JobStateType(EnumNames):
    """The state of one shard on one node (``JobShardState.State``)."""

    BIDDING = "Bidding"
    WAITING = "Waiting"
    RUNNING = "Running"
    VERIFYING = "Verifying"
    CANCELLED = "Cancelled"
    ERROR = "Error"
    COMPLETED = "Completed"

    TERMINAL = ("Cancelled", "Error", "Completed")


class JobEventType(EnumNames):
    """What happened to a job (``JobEvent.EventName``)."""

    INITIAL_SUBMISSION = "InitialSubmission"
    CREATED = "Created"
    DEAL_UPDATED = "DealUpdated"
    BID = "Bid"
    BID_ACCEPTED = "BidAccepted"
    BID_REJECTED = "BidRejected"
    BID_CANCELLED = "BidCancelled"
    RUNNING = "Running"
    COMPUTE_ERROR = "ComputeError"
    RESULTS_PROPOSED = "ResultsProposed"
    RESULTS_ACCEPTED = "ResultsAccepted"
    RESULTS_REJECTED = "ResultsRejected"
    RESULTS_PUBLISHED = "ResultsPublished"
    ERROR = "Error"
    INVALID_REQUEST = "InvalidRequest"


class JobLocalEventType(EnumNames):
    """What happened to a job on the answering node (``JobLocalEvent.EventName``)."""

    SELECTED = "Selected"
    BID = "Bid"
    BID_ACCEPTED = "BidAccepted"
    BID_REJECTED = "BidRejected"
    VERIFIED = "Verified"


class APIVersion(EnumNames):
    """Values of ``Job.APIVersion`` (a plain string field; ``V1beta1`` is the latest)."""

    trims_space = False

    V1ALPHA1 = "V1alpha1"
    V1BETA1 = "V1beta1"

    LATEST = "V1beta1"
