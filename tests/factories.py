"""Factories for organisations and users. Cases are opened through the real roster import."""

import random

import factory
from django.contrib.auth import get_user_model
from django.test import Client

from cases.roster_files import RosterValidator
from portal.demo.identifiers import demo_roster_rows
from roles import services as role_services
from roles.models import College, Province, University


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "110000"
    name = "北京市"


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"{18000 + n:05d}")
    name = factory.Sequence(lambda n: f"测试大学{n}")
    province = factory.SubFactory(ProvinceFactory)
    audit_levels = 1

    @factory.post_generation
    def colleges(self, create, extracted, **kwargs):
        if create:
            for code, name in extracted or [
                ("01", "计算机学院"),
                ("02", "经济管理学院"),
                ("03", "外国语学院"),
            ]:
                College.objects.get_or_create(university=self, code=code, defaults={"name": name})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def member(role, **org):
    """A user with one membership, created through the real service."""
    user = UserFactory()
    if "college" in org:
        org.setdefault("university", org["college"].university)
    if "university" in org:
        org.setdefault("province", org["university"].province)
    if "verifier_organisation" in org:
        org.setdefault("province", org["verifier_organisation"].province)
    role_services.membership_create(user=user, role=role, **org)
    return user


def login(user) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def open_cohort(
    university, *, count: int, cohort: int = 2026, actor=None, seed: int = 1, first_no: int = 1
):
    """Open a cohort of ``count`` graduates through the real roster import."""
    from processes.registration import services as registration

    colleges = [c.name for c in university.colleges.order_by("code")]
    table = demo_roster_rows(
        cohort=cohort, count=count, rng=random.Random(seed), first_no=first_no, colleges=colleges
    )
    rows = RosterValidator(university=university).parse(table)
    return registration.roster_import(university=university, cohort=cohort, rows=rows, actor=actor)
