"""JobApi: submit jobs and follow them (``/submit``, ``/list``, ``/states``, ``/events``, ...).

Each endpoint has its seed name (``pkgpublicapistates``), a short alias
(``states``) and a ``*_with_http_info`` twin returning ``(data, status, headers)``.
Every method takes the keyword options ``async_req``, ``_return_http_data_only``,
``_preload_content``, ``_request_timeout`` (seconds, or a ``(connect, read)``
pair) and ``_retries``.
"""

from typing import Any, Union

from bacalhau_client.api.base import BaseApi, data_only
from bacalhau_client.api.endpoints import BY_NAME
from bacalhau_client.models import (
    PublicapiEventsRequest, PublicapiEventsResponse, PublicapiListRequest, PublicapiListResponse,
    PublicapiLocalEventsRequest, PublicapiLocalEventsResponse, PublicapiResultsResponse,
    PublicapiStateRequest, PublicapiStateResponse, PublicapiSubmitRequest, PublicapiSubmitResponse,
)

# The node returns nothing when a list request leaves max_jobs out; the Go CLI sends 10.
DEFAULT_MAX_JOBS = 10


class JobApi(BaseApi):
    """The node's job endpoints.

    >>> api = JobApi(ApiClient(Configuration.from_env()))   # BACALHAU_API_HOST/PORT, as the CLI
    >>> api.states(PublicapiStateRequest(client_id=cid, job_id=job_id)).state.nodes
    """

    def pkgapi_server_submit(self, body: Union[PublicapiSubmitRequest, dict], **kwargs: Any) -> PublicapiSubmitResponse:
        """Submits a new job to the network.

        ``body`` is a signed request, as :func:`bacalhau_client.signing.sign_submit_request`
        makes it. ``data`` is sent as exactly the canonical bytes that were
        signed, so nodes that re-encode and nodes that check the raw bytes both
        accept it. A submit is retried only when it certainly never reached the
        node, so a flaky network cannot create the job twice.
        """
        return self.pkgapi_server_submit_with_http_info(body, **data_only(kwargs))

    def pkgapi_server_submit_with_http_info(self, body: Union[PublicapiSubmitRequest, dict], **kwargs: Any):
        """Like :meth:`pkgapi_server_submit`, returning ``(data, status, headers)``."""
        from bacalhau_client.signing import encode_submit_request

        return self._call(BY_NAME["submit"], kwargs, body, encode=encode_submit_request)

    def pkgpublicapi_list(self, body: Union[PublicapiListRequest, dict], **kwargs: Any) -> PublicapiListResponse:
        """Simply lists jobs.

        Returns the first ``max_jobs`` jobs of ``client_id`` (all clients'
        with ``return_all``), or with ``id`` the one job with that ID or
        8-character short ID. ``max_jobs`` defaults to 10, as in the CLI:
        the node itself would return no jobs without it.
        """
        return self.pkgpublicapi_list_with_http_info(body, **data_only(kwargs))

    def pkgpublicapi_list_with_http_info(self, body: Union[PublicapiListRequest, dict], **kwargs: Any):
        """Like :meth:`pkgpublicapi_list`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["list"], kwargs, body, encode=self._with_max_jobs)

    def _with_max_jobs(self, body: Union[PublicapiListRequest, dict]) -> dict:
        """The list request's wire form, with ``max_jobs`` set to the default when left out."""
        wire = body if isinstance(body, dict) else self.api_client.sanitize_for_serialization(body)
        return wire if wire.get("max_jobs") is not None else dict(wire, max_jobs=DEFAULT_MAX_JOBS)

    def pkgpublicapievents(self, body: Union[PublicapiEventsRequest, dict], **kwargs: Any) -> PublicapiEventsResponse:
        """Returns the events related to the job-id passed in the body payload. Useful for troubleshooting."""
        return self.pkgpublicapievents_with_http_info(body, **data_only(kwargs))

    def pkgpublicapievents_with_http_info(self, body: Union[PublicapiEventsRequest, dict], **kwargs: Any):
        """Like :meth:`pkgpublicapievents`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["events"], kwargs, body)

    def pkgpublicapilocal_events(self, body: Union[PublicapiLocalEventsRequest, dict],
                                 **kwargs: Any) -> PublicapiLocalEventsResponse:
        """Returns the node's local events related to the job-id passed in the body payload."""
        return self.pkgpublicapilocal_events_with_http_info(body, **data_only(kwargs))

    def pkgpublicapilocal_events_with_http_info(self, body: Union[PublicapiLocalEventsRequest, dict], **kwargs: Any):
        """Like :meth:`pkgpublicapilocal_events`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["local_events"], kwargs, body)

    def pkgpublicapiresults(self, body: Union[PublicapiStateRequest, dict], **kwargs: Any) -> PublicapiResultsResponse:
        """Returns the results of the job-id specified in the body payload."""
        return self.pkgpublicapiresults_with_http_info(body, **data_only(kwargs))

    def pkgpublicapiresults_with_http_info(self, body: Union[PublicapiStateRequest, dict], **kwargs: Any):
        """Like :meth:`pkgpublicapiresults`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["results"], kwargs, body)

    def pkgpublicapistates(self, body: Union[PublicapiStateRequest, dict], **kwargs: Any) -> PublicapiStateResponse:
        """Returns the state of the job-id specified in the body payload."""
        return self.pkgpublicapistates_with_http_info(body, **data_only(kwargs))

    def pkgpublicapistates_with_http_info(self, body: Union[PublicapiStateRequest, dict], **kwargs: Any):
        """Like :meth:`pkgpublicapistates`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["states"], kwargs, body)

    submit = pkgapi_server_submit
    submit_with_http_info = pkgapi_server_submit_with_http_info
    list = pkgpublicapi_list
    list_with_http_info = pkgpublicapi_list_with_http_info
    events = pkgpublicapievents
    events_with_http_info = pkgpublicapievents_with_http_info
    local_events = pkgpublicapilocal_events
    local_events_with_http_info = pkgpublicapilocal_events_with_http_info
    results = pkgpublicapiresults
    results_with_http_info = pkgpublicapiresults_with_http_info
    states = pkgpublicapistates
    states_with_http_info = pkgpublicapistates_with_http_info
