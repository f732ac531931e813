"""Locust users of bench/clinic-load: people (programme, check-ins, session logs, progress) and
clinicians (their people list, one person's progress). Tokens come from the file the bench
writes (CLINIC_TOKENS); each simulated user takes the next one."""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["CLINIC_TOKENS"], encoding="utf-8") as fh:
    ACCOUNTS = json.load(fh)
_people = itertools.cycle(ACCOUNTS["people"])
_clinicians = itertools.cycle(ACCOUNTS["clinicians"])


class Person(HttpUser):
    weight = 50
    wait_time = between(5, 25)

    def on_start(self) -> None:
        me = next(_people)
        self.client.headers["authorization"] = f"Bearer {me['token']}"

    @task(3)
    def programme(self) -> None:
        self.client.get("/api/programme")

    @task(2)
    def check_in(self) -> None:
        pain = random.randint(1, 6)
        self.client.post("/api/check-ins", json={"pain": pain, "stiffness": pain})

    @task(1)
    def log_session(self) -> None:
        before = random.randint(2, 6)
        self.client.post(
            "/api/sessions", json={"pain_before": before, "pain_after": max(0, before - 1)}
        )

    @task(1)
    def progress(self) -> None:
        self.client.get("/api/progress")


class Clinician(HttpUser):
    fixed_count = 20
    wait_time = between(2, 6)

    def on_start(self) -> None:
        me = next(_clinicians)
        self.people = me["people"]
        self.client.headers["authorization"] = f"Bearer {me['token']}"

    @task(1)
    def people_list(self) -> None:
        self.client.get("/api/people")

    @task(2)
    def one_person(self) -> None:
        pid = random.choice(self.people)
        self.client.get(f"/api/people/{pid}/progress", name="/api/people/[id]/progress")
