"""The load scenario of bench/bench_load.py: officers and readers using the platform at once.

Each simulated user takes a session signed in beforehand by the bench for one of the demo
accounts (BENCH_LOAD_LOGIN=1: logs in through the login form instead, CSRF and all), and
then, with 3-6 s of thinking between clicks (BENCH_LOAD_THINK=3 sets it), opens pages
weighted like a working day: the dashboard, the project list with filters, a project, the
enterprise search with 2-4 characters of a real-looking name, a chain map and its diagnosis
API; county officers also add
follow-ups to their own county's projects. BENCH_LOAD_SCENARIO names the JSON file the bench
writes (accounts, project ids, chains, search terms).
"""

import datetime as dt
import json
import os
import random

from locust import HttpUser, between, task

SCENARIO = json.loads(open(os.environ["BENCH_LOAD_SCENARIO"], encoding="utf-8").read())
STAGES = ["lead", "negotiating", "signed", "registered", "construction", "production"]
THINK = float(os.environ.get("BENCH_LOAD_THINK", "3"))


def read(client, url: str, name: str, **kwargs) -> None:
    """GET that fails when the session is not honoured (a redirect to the login page)."""
    with client.get(url, name=name, catch_response=True, **kwargs) as response:
        if "/login/" in response.url:
            response.failure("redirected to the login page")


class Reader(HttpUser):
    """A leader, analyst or administrator: reads everything, writes nothing here."""

    weight = 3
    wait_time = between(THINK, 2 * THINK)
    accounts = SCENARIO["readers"]

    def on_start(self) -> None:
        self.username = random.choice(self.accounts)
        if os.environ.get("BENCH_LOAD_LOGIN") != "1":  # signed in already (a kept session)
            session = random.choice(SCENARIO["sessions"][self.username])
            self.client.cookies.set("sessionid", session)
            return  # the edits take their CSRF cookie from the project page they post from
        self.client.get("/login/", name="login")
        token = self.client.cookies.get("csrftoken", "")
        form = {"username": self.username, "password": SCENARIO["password"]}
        with self.client.post(
            "/login/",
            {**form, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/login/"},
            name="login",
            catch_response=True,
        ) as response:
            if not response.history:  # a failed login renders the form again (200)
                response.failure(f"login refused for {self.username}")

    @task(3)
    def dashboard(self) -> None:
        read(self.client, "/", "dashboard")

    @task(3)
    def project_list(self) -> None:
        params = random.choice(
            [
                {},
                {"stage": random.choice(STAGES)},
                {"county": random.choice(SCENARIO["counties"])},
                {"chain": random.choice(SCENARIO["chains"])[1]},
                {"name": random.choice(["项目", "新能源", "产业园", "光伏"])},
            ]
        )
        read(self.client, "/projects/", "project list", params=params)

    @task(3)
    def project_detail(self) -> None:
        read(self.client, f"/projects/{random.choice(SCENARIO['projects'])}/", "project")

    @task(4)
    def enterprise_search(self) -> None:
        q = random.choice(SCENARIO["terms"])
        read(self.client, "/enterprises/", "enterprise search", params={"q": q})

    @task(1)
    def chain_map(self) -> None:
        code, _ = random.choice(SCENARIO["chains"])
        read(self.client, f"/chains/{code}/", "chain map")

    @task(1)
    def chain_diagnosis(self) -> None:
        _, pk = random.choice(SCENARIO["chains"])
        self.client.get(f"/api/chains/{pk}/diagnosis", name="api chain diagnosis")


class Officer(Reader):
    """A county officer: the same pages, plus follow-ups on the county's own projects."""

    weight = 2
    accounts = [name for name, ids in SCENARIO["officers"].items() if ids]

    @task(2)
    def add_follow_up(self) -> None:
        pk = random.choice(SCENARIO["officers"][self.username])
        today = dt.date.today()
        read(self.client, f"/projects/{pk}/", "project")
        with self.client.post(
            f"/projects/{pk}/follow-ups/",
            {
                "date": today.isoformat(),
                "note": "电话沟通，企业确认下周来园区考察",
                "next_step": "安排考察接待",
                "due_date": (today + dt.timedelta(days=7)).isoformat(),
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/projects/{pk}/"},
            name="add follow-up",
            catch_response=True,
        ) as response:
            # Saved: a redirect to the project; refused: the form again, or the login page.
            if not response.history or "/login/" in response.url:
                response.failure("follow-up not saved")
