"""Locust users of bench/clinic-load: people (programme, check-ins, session logs, progress) and
clinicians (their people list, one person's progress). Tokens come from the file the bench
writes (CLINIC_TOKENS); each simulated user takes the next one.

FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares this
machine's cores with the server, and it spends several times less CPU per request.

Each simulated user first waits a random part of its usual pause: a thousand people do not all
open the app in the same ten seconds, which is what starting everyone's first request the moment
Locust spawns them (100 a second) would model."""

from __future__ import annotations

import itertools
import json
import os
import random

import gevent
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["CLINIC_TOKENS"], encoding="utf-8") as fh:
    ACCOUNTS = json.load(fh)
_people = itertools.cycle(ACCOUNTS["people"])
_clinicians = itertools.cycle(ACCOUNTS["clinicians"])


class Person(FastHttpUser):
    weight = 50
    wait_time = between(5, 25)

    def on_start(self) -> None:
        me = next(_people)
        self.auth = {"authorization": f"Bearer {me['token']}"}
        gevent.sleep(random.uniform(0, 25))

    @task(3)
    def programme(self) -> None:
        self.client.get("/api/programme", headers=self.auth)

    @task(2)
    def check_in(self) -> None:
        pain = random.randint(1, 6)
        self.client.post(
            "/api/check-ins", json={"pain": pain, "stiffness": pain}, headers=self.auth
        )

    @task(1)
    def log_session(self) -> None:
        before = random.randint(2, 6)
        self.client.post(
            "/api/sessions",
            json={"pain_before": before, "pain_after": max(0, before - 1)},
            headers=self.auth,
        )

    @task(1)
    def progress(self) -> None:
        self.client.get("/api/progress", headers=self.auth)


class Clinician(FastHttpUser):
    fixed_count = 20
    wait_time = between(2, 6)

    def on_start(self) -> None:
        me = next(_clinicians)
        self.people = me["people"]
        self.auth = {"authorization": f"Bearer {me['token']}"}
        gevent.sleep(random.uniform(0, 6))

    @task(1)
    def people_list(self) -> None:
        self.client.get("/api/people", headers=self.auth)

    @task(2)
    def one_person(self) -> None:
        pid = random.choice(self.people)
        self.client.get(
            f"/api/people/{pid}/progress", name="/api/people/[id]/progress", headers=self.auth
        )
