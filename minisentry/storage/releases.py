"""Which of two releases is newer, as Sentry orders them: by semver when both parse as one of the
same package (``shop@2.4.1-rc.1+build``, like Sentry's ``parse_release``), else by when the
project first saw them (``Release.first_seen``; a release not seen yet is newer than any seen)."""

import re
from collections.abc import Iterable
from datetime import datetime

from ..models import Release

SEMVER = re.compile(
    r"v?(\d{1,18})\.(\d{1,18})(?:\.(\d{1,18}))?(?:\.(\d{1,18}))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]*)?")
RECENT = 10  # Sentry's follows_semver looks at a project's last ten releases


def semver(release: str) -> tuple | None:
    """``(package, key)`` where ``key`` sorts versions of the package, or None if not semver
    (major.minor at least); a pre-release sorts before its release, numeric identifiers by value."""
    package, _, version = release.rpartition("@")
    match = SEMVER.fullmatch(version)
    if not match:
        return None
    numbers = tuple(int(n or 0) for n in match.group(1, 2, 3, 4))
    pre = match.group(5)
    rank = (1,) if pre is None else (0, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")))
    return package, (numbers, rank)


def newer(release: str, than: str, first_seen: dict[str, datetime]) -> bool:
    """Whether ``release`` is newer than ``than`` (any release is newer than none, ``""``)."""
    if release == than:
        return False
    if not than:
        return True
    a, b = semver(release), semver(than)
    if a and b and a[0] == b[0]:
        return a[1] > b[1]
    seen, seen_than = first_seen.get(release), first_seen.get(than)
    if seen is None or seen_than is None:  # one not seen yet: it is the newer one (neither: by name)
        return seen_than is not None or (seen is None and release > than)
    return (seen, release) > (seen_than, than)


def first_seen_of(project_id: int, versions: Iterable[str], using: str) -> dict[str, datetime]:
    """When the project first saw each of ``versions`` it has seen."""
    return dict(Release.objects.using(using).filter(project_id=project_id, version__in=set(versions))
                .values_list("version", "first_seen"))


def latest(project_id: int, using: str = "default") -> str:
    """The project's latest release ("" if none): the newest by semver when its last ten releases all
    follow it (Sentry's ``follows_semver``), else the last one first seen."""
    recent = list(Release.objects.using(using).filter(project_id=project_id).order_by("-first_seen", "-id")
                  .values_list("version", flat=True)[:RECENT])
    if not recent:
        return ""
    parsed = [semver(version) for version in recent]
    if all(parsed) and len({p[0] for p in parsed}) == 1:
        package = parsed[0][0]
        versions = Release.objects.using(using).filter(project_id=project_id).values_list("version", flat=True)
        keyed = [(p[1], v) for v in versions.iterator() if (p := semver(v)) and p[0] == package]
        return max(keyed)[1]
    return recent[0]
