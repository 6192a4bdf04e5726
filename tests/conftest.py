"""The shared cast: one user per role, and the two county officers of the demo."""

import pytest

from chainvest.accounts.services import create_user
from chainvest.regions.models import Region, RegionLevel

PASSWORD = "test-pass-123"


def pytest_configure(config):
    # Persistent connections outlive the live server's threads and then block PostgreSQL from
    # dropping the test database at the end of the run.
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A background thread cannot see a test's uncommitted rows; one test turns it back on.
    settings.IMPORT_IN_BACKGROUND = False


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """PBKDF2 is slow on purpose, against attackers; the suite logs in hundreds of times."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()


def _region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return region


@pytest.fixture
def changji(db) -> dict[str, Region]:
    """Changji prefecture and the counties the cast works in (reused if already loaded)."""
    xj = _region("650000", "新疆维吾尔自治区", RegionLevel.PROVINCE)
    pref = _region("652300", "昌吉回族自治州", RegionLevel.CITY, xj)
    return {
        "prefecture": pref,
        "changji": _region("652301", "昌吉市", RegionLevel.COUNTY, pref),
        "qitai": _region("652325", "奇台县", RegionLevel.COUNTY, pref),
        "mulei": _region("652328", "木垒哈萨克自治县", RegionLevel.COUNTY, pref),
    }


@pytest.fixture
def cast(changji) -> dict:
    return {
        "admin": create_user("t_admin", PASSWORD, "admin"),
        "analyst": create_user("t_analyst", PASSWORD, "analyst"),
        "leader": create_user("t_leader", PASSWORD, "leader"),
        "qitai": create_user("t_qitai", PASSWORD, "officer", county=changji["qitai"]),
        "mulei": create_user("t_mulei", PASSWORD, "officer", county=changji["mulei"]),
    }


@pytest.fixture
def demo(db):
    """The full Changji demo: reference data, chains, events, projects, engagements, users."""
    from chainvest.demo.loader import load_demo
    from chainvest.regions.loaders import load_reference

    load_reference()
    load_demo()
