"""Each service's committed AsyncAPI document is the one its code generates (`make asyncapi` rewrites them);
`make test` also validates them with the AsyncAPI parser (`make asyncapi-validate`)."""

from __future__ import annotations

import pytest
import yaml

from shared.messaging.asyncapi import SERVICES, document, path_of


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_asyncapi_document_matches_the_code(service: str) -> None:
    path = path_of(service)
    assert path.is_file(), f"{path} is missing: run `make asyncapi`"
    assert path.read_text() == document(service), f"{path} is out of date: run `make asyncapi`"


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_names_every_topic_the_service_reads_and_publishes(service: str) -> None:
    import importlib

    spec = importlib.import_module(f"{service}.bootstrap").SPEC
    addresses = {channel["address"] for channel in yaml.safe_load(document(service))["channels"].values()}

    assert {str(topic) for topic in spec.publishes} <= addresses
    assert addresses, f"{service} neither reads nor publishes anything"
