"""factory_boy factories for the models; tests build their data with these."""

from decimal import Decimal

import factory

from claims.choices import ClaimType, EvidenceRelation, Qualifier, Unit
from claims.models import Appearance, Claim, Evidence
from sources.models import Publisher, Source


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Publisher {n}")
    website = factory.LazyAttribute(lambda o: f"https://{o.name.lower().replace(' ', '-')}.example.org/")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Report number {n}")
    publisher = factory.SubFactory(PublisherFactory)
    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    kind = "news"
    text = ""


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    key = factory.Sequence(lambda n: f"claim-{n}")
    subject = factory.Sequence(lambda n: f"Bilateral trade, pair {n}")
    claim_type = ClaimType.CURRENT_VALUE
    value = Decimal("245000000000")
    unit = Unit.USD
    qualifier = Qualifier.APPROXIMATELY
    period = "2024"
    period_start = factory.LazyFunction(lambda: __import__("datetime").date(2024, 1, 1))
    period_end = factory.LazyFunction(lambda: __import__("datetime").date(2024, 12, 31))
    period_precision = "year"


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "trade reached approximately $245 billion"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    relation = EvidenceRelation.SUPPORTS
    excerpt = "Trade turnover amounted to $244.8 billion."
    source_value = Decimal("244800000000")


def _role_groups_again(name):
    """The role groups as migration claims 0004 makes them, for a test that runs after a transactional test's flush
    emptied the tables (which takes the migrations' rows with it)."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    importlib.import_module("claims.migrations.0004_roles").create_roles(apps, None)
    return Group.objects.get(name=name)


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user in one of the desk's roles: UserFactory(role="fact-checker")."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-test-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            group = Group.objects.filter(name=extracted).first() or _role_groups_again(extracted)
            self.groups.add(group)
        if create:
            self.save()
