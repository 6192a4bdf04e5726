"""The admin lists the new records read-only: changes go through the services' rules."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

MODELS = [
    ("projects", "signing"),
    ("projects", "projectmonth"),
    ("projects", "instruction"),
    ("projects", "referral"),
    ("projects", "evidence"),
    ("reports", "countingrule"),
    ("reports", "alertrule"),
]


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_admin_lists_but_does_not_add(client, db, app, model):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "test-pass-123")
    client.force_login(root)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
