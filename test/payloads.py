"""The smallest job payload the node accepts, shared by the suites that vary one field of it."""

# A client ID in the node's form: 64 hex digits (the SHA-256 of a key's modulus).
CLIENT_ID = "ac13188e93c97a9c2e7cf8e86c7313156a73436036f30da1ececc2ce79f9ea51"


def payload(spec=None, **job):
    """A minimal valid payload; ``spec`` keys are added to a Noop spec, ``job`` keys to the job."""
    full_spec = {"Engine": "Noop", "Verifier": "Noop", "Publisher": "Noop"}
    full_spec.update(spec or {})
    full_job = {"APIVersion": "V1beta1", "Spec": full_spec, "Deal": {"Concurrency": 1}}
    full_job.update(job)
    return {"ClientID": CLIENT_ID, "Job": full_job}
