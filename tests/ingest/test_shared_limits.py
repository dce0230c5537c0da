"""Rate limits for the whole site: with ``MINISENTRY_INGEST_RATE_LIMIT_CACHE`` naming a cache the
processes share (Redis here, on 127.0.0.1:6379), each process's windows count there, so a limit
holds across processes; without it, or while that cache is down, each process counts its own.
Each ``Windows`` below is what one worker process holds."""

import json
import logging
import os
import socket
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings

from minisentry.ingest.errors import Refused
from minisentry.ingest.keys import KeyInfo, ProjectInfo
from minisentry.ingest.limits import Windows

from ..conftest import free_port
from .conftest import auth_header, event_envelope
from .test_real_clients import serve

REDIS = ("127.0.0.1", 6379)
PROJECT = ProjectInfo(id=1, origins=None, rate_limit=None)


def redis_cache(location: str) -> dict:
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location,
            "KEY_PREFIX": f"minisentry-test-{uuid.uuid4().hex}"}  # keys of its own; they expire in 2 minutes


def shared(cache: dict):
    return override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                                     "rates": cache},
                             MINISENTRY_INGEST_RATE_LIMIT_CACHE="rates")


def need_redis() -> None:
    pytest.importorskip("redis", reason="the redis package (Django's RedisCache) is in the test extra")
    try:
        socket.create_connection(REDIS, timeout=2).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


@pytest.fixture
def redis():
    need_redis()
    with shared(redis_cache("redis://127.0.0.1:6379/0")):
        yield


def accepted(processes: list[Windows], key: KeyInfo, project: ProjectInfo, events: int) -> list[bool]:
    """Whether each of ``events`` events is let through, sent to the processes in turn."""
    result = []
    for n in range(events):
        try:
            processes[n % len(processes)].take(key, project)
            result.append(True)
        except Refused as refused:
            assert refused.status == 429
            result.append(False)
    return result


def test_a_key_limit_holds_across_processes(redis):
    key = KeyInfo(public_key=uuid.uuid4().hex, project_id=1, active=True, rate_limit=5)
    assert accepted([Windows(), Windows(), Windows()], key, PROJECT, 12) == [True] * 5 + [False] * 7


def test_a_project_limit_holds_across_processes_and_keys(redis):
    project = ProjectInfo(id=int(uuid.uuid4().int % 10**9), origins=None, rate_limit=4)
    first, second = (KeyInfo(public_key=uuid.uuid4().hex, project_id=project.id, active=True, rate_limit=None)
                     for _ in range(2))
    processes = [Windows(), Windows()]
    assert accepted(processes, first, project, 3) == [True] * 3
    assert accepted(processes, second, project, 3) == [True, False, False]


def test_a_refused_event_counts_against_no_limit(redis):
    """The key's limit is not used up by events its project's limit refused."""
    project = ProjectInfo(id=int(uuid.uuid4().int % 10**9), origins=None, rate_limit=2)
    key = KeyInfo(public_key=uuid.uuid4().hex, project_id=project.id, active=True, rate_limit=3)
    other = ProjectInfo(id=project.id + 1, origins=None, rate_limit=None)
    processes = [Windows(), Windows()]
    assert accepted(processes, key, project, 5) == [True, True, False, False, False]
    assert accepted(processes, key, other, 2) == [True, False]  # the key's third event, then its limit


def test_without_the_setting_each_process_counts_its_own():
    key = KeyInfo(public_key=uuid.uuid4().hex, project_id=1, active=True, rate_limit=2)
    assert accepted([Windows(), Windows()], key, PROJECT, 6) == [True] * 4 + [False] * 2


def test_a_cache_that_cannot_be_reached_leaves_each_process_counting(caplog):
    pytest.importorskip("redis", reason="the redis package (Django's RedisCache) is in the test extra")
    key = KeyInfo(public_key=uuid.uuid4().hex, project_id=1, active=True, rate_limit=2)
    with shared(redis_cache(f"redis://127.0.0.1:{free_port()}/0")), caplog.at_level(logging.WARNING, "minisentry"):
        assert accepted([Windows(), Windows()], key, PROJECT, 6) == [True] * 4 + [False] * 2
    warnings = [r.getMessage() for r in caplog.records if "counted by this process alone" in r.getMessage()]
    assert len(warnings) == 2  # once a minute per process


@pytest.mark.slow
def test_gunicorns_workers_share_a_keys_limit(tmp_path, request, transactional_db):
    """24 events from 8 clients at once to a site of 2 workers, its key's limit 5: 5 are taken."""
    need_redis()
    cache = json.dumps(redis_cache("redis://127.0.0.1:6379/0"))
    for server, env, project, dsn in serve(tmp_path, request, False, rate_limit=5,
                                           MINISENTRY_TEST_RATE_LIMIT_CACHE=cache):
        url = f"http://127.0.0.1:{server.port}/minisentry/api/{project.pk}/envelope/"
        auth = auth_header(dsn.split("//")[1].split("@")[0])
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda n: post_event(url, auth), range(24)))
        assert sorted(statuses) == [200] * 5 + [429] * 19


def post_event(url: str, auth: str) -> int:
    request = urllib.request.Request(url, data=event_envelope(), headers={"X-Sentry-Auth": auth})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
