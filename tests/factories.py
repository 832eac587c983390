"""factory-boy factories for tests. Reference rows (regions, forms, directions) come from migrations."""

import datetime as dt
import itertools

import factory

from qogam.accounts.models import Representation, Role, User
from qogam.core.models import Direction, LegalForm, Region
from qogam.core.rules import make_bin
from qogam.registry.models import Organisation, StateBody
from qogam.registry.search_key import search_key

_serial = itertools.count(1)


def next_bin(registered_on: dt.date = dt.date(2015, 6, 1), entity_type: int = 4) -> str:
    return make_bin(registered_on.year, registered_on.month, next(_serial) * 7, entity_type=entity_type)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.kz")
    role = Role.NGO
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StateBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StateBody

    bin = factory.LazyFunction(lambda: next_bin(dt.date(2001, 3, 1)))
    name_ru = factory.Sequence(lambda n: f"Акимат района №{n}")
    name_kk = factory.Sequence(lambda n: f"№{n} аудан әкімдігі")
    name_en = factory.Sequence(lambda n: f"Akimat of district No. {n}")
    level = StateBody.Level.DISTRICT
    kind = StateBody.Kind.AKIMAT
    region = factory.LazyFunction(lambda: Region.objects.get(kato="350000000"))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    registered_on = dt.date(2015, 6, 1)
    bin = factory.LazyAttribute(lambda o: next_bin(o.registered_on))
    name_ru = factory.Sequence(lambda n: f"Общественный фонд «Тест {n}»")
    name_kk = factory.Sequence(lambda n: f"«Тест {n}» қоғамдық қоры")
    legal_form = factory.LazyFunction(lambda: LegalForm.objects.get(code="public_fund"))
    region = factory.LazyFunction(lambda: Region.objects.get(kato="750000000"))
    status = Organisation.Status.REGISTERED
    search_key = factory.LazyAttribute(lambda o: search_key(o.name_ru, o.name_kk))

    @factory.post_generation
    def directions(obj, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["education"]
            obj.directions.set(Direction.objects.filter(code__in=codes))

    @factory.post_generation
    def branches(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.branch_regions.set(Region.objects.filter(kato__in=extracted))


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representation

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Representation.Status.APPROVED
