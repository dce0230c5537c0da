"""Fixtures of the browse pages' tests."""

import pytest

from ..uihelpers import exception_event, store


@pytest.fixture
def event():
    """One stored exception event; returns its JSON as sent."""
    data = exception_event()
    store(data)
    return data
