"""Helpers for the API tests: token-carrying clients and a 木垒 project to act on."""

import datetime as dt

import pytest
from django.test import Client

from chainvest.accounts.models import ApiToken
from chainvest.projects.services import create_project


def client_for(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def clients(cast) -> dict[str, Client]:
    """One bearer-token client per member of the cast, keyed like `cast`."""
    return {role: client_for(user) for role, user in cast.items()}


@pytest.fixture
def mulei_project(cast, changji):
    return create_project(
        cast["admin"],
        {
            "name": "木垒风电装备制造项目",
            "county_id": changji["mulei"].id,
            "investor_name": "某风电装备公司",
            "agreed": "5亿元",
        },
        lead_date=dt.date(2023, 1, 10),
    )
