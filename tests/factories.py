"""factory_boy factories for the models; tests build their data with these."""

from decimal import Decimal

import factory
from django.utils import timezone

from claims.choices import VERDICTS, ClaimType, EvidenceRelation, Qualifier, Status, Unit
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
    # A verdict made by the factory is a published one (as a second person would publish it); pass
    # published_at=None for a verdict still waiting for publication.
    status = Status.UNVERIFIED
    published_at = factory.LazyAttribute(lambda claim: timezone.now() if claim.status in VERDICTS else None)


def meetings_claim(**fields) -> Claim:
    """The desk's counted claim: "over 42" Xi–Putin meetings since 2013 (an open period), `fields` on top."""
    import datetime as dt

    defaults = dict(
        subject="Putin and Xi meetings",
        value=Decimal(42),
        unit=Unit.COUNT,
        qualifier="over",
        period="2013/",
        period_start=dt.date(2013, 1, 1),
        period_end=None,
    )
    return ClaimFactory(**(defaults | fields))


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


def publish(claim: Claim, *, by=None, note: str = "") -> Claim:
    """Publish a claim's verdict as the desk does: by a second person (a fact-checker other than its reviewer)."""
    from claims.services import claim_publish

    publisher = by or UserFactory(username="publishing-checker", role="fact-checker")
    return claim_publish(claim=claim, actor=publisher, note=note)


ARTICLE_TEXT = (
    "Leaders met in Beijing on Tuesday.\n\n"
    "Bilateral trade reached approximately $245 billion in 2024, the ministry said [1]. Both sides hailed it.\n\n"
    "Talks on energy continue."
)
ARTICLE_QUOTE = "trade reached approximately $245 billion in 2024, the ministry said [1]"


def published_fact_check(*, reviewer=None, publisher=None, subject="Russia–China bilateral trade"):
    """The desk's example fact-check, published: "$245 billion" of Russia–China trade in 2024, said in an article
    published in 2025 (year only) with a footnote marker in the quote, contradicted by customs data of $244.8 bn."""
    import datetime as dt

    from claims.services import claim_transition

    reviewer = reviewer or UserFactory(username="reviewing-checker", role="fact-checker", first_name="Rita")
    article = SourceFactory(
        title="Trade hits a record",
        text=ARTICLE_TEXT,
        published_on=dt.date(2025, 1, 1),
        published_precision="year",
        publisher=PublisherFactory(name="Daily Courier"),
    )
    customs = SourceFactory(title="Customs statistics 2024", publisher=PublisherFactory(name="Customs Service"))
    claim = ClaimFactory(subject=subject, status=Status.IN_REVIEW)
    start = ARTICLE_TEXT.index(ARTICLE_QUOTE)
    AppearanceFactory(
        claim=claim,
        source=article,
        quote=ARTICLE_QUOTE,
        start_offset=start,
        end_offset=start + len(ARTICLE_QUOTE),
        claimant="Trade ministry",
    )
    EvidenceFactory(claim=claim, source=customs, relation=EvidenceRelation.CONTRADICTS)
    claim = claim_transition(
        claim=claim, to=Status.MISLEADING, actor=reviewer, note="Customs data give $244.8 bn; the figure is rounded up."
    )
    return publish(claim, by=publisher)
