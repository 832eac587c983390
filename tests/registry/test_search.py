"""Search of the register: Cyrillic and Latin, Kazakh letters, typos, BINs, filters.

The same tests run on SQLite and PostgreSQL: the engines must behave identically.
"""

import datetime as dt

import pytest
from django.db import connection

from qogam.core.models import Region
from qogam.registry import search
from qogam.registry.models import Organisation
from qogam.registry.search import Mode, search_organisations, word_similarity
from qogam.registry.search_key import search_key
from qogam.registry.selectors import organisation_search, public_organisations
from tests.factories import OrganisationFactory, StateBodyFactory

ASTANA, ALMATY = "710000000", "750000000"


def org(name_ru="", name_kk="", **kwargs):
    return OrganisationFactory(name_ru=name_ru, name_kk=name_kk, **kwargs)


def found(query, queryset=None):
    result = search_organisations(queryset if queryset is not None else public_organisations(), query)
    return result, [o.bin for o in result.queryset]


@pytest.fixture
def register(db):
    return {
        "jastar": org("Общественный фонд «Жастар орталығы»", "«Жастар орталығы» қоғамдық қоры"),
        "latin": org("Общественное объединение «Jastar Team»", ""),
        "bolashak": org("Частное учреждение «Болашақ»", "«Болашақ» жеке мекемесі"),
        "umit": org("", "«Үміт» қоғамдық бірлестігі"),
        "kamkor": org("Общественный фонд «Қамқор»", "«Қамқор» қоғамдық қоры"),
        "gasyr": org("Общественный фонд «Ғасыр»", ""),
        "tansholpan": org("", "«Таңшолпан» қоғамдық қоры"),
        "orken": org("", "«Өркен» жастар клубы"),
        "adilet": org("Общественное объединение «Әділет»", ""),
        "izgilik": org("", "«Ізгілік» қоры"),
        "ulagat": org("", "«Ұлағат» ұстаздар қауымдастығы"),
        "nadezhda": org("Общественный фонд «Надежда»", "«Надежда» қоғамдық қоры"),
    }


def test_cyrillic_query_finds_cyrillic_and_latin_names(register):
    result, bins = found("Жастар")
    assert result.mode == Mode.SUBSTRING
    assert register["jastar"].bin in bins
    assert register["latin"].bin in bins
    assert register["bolashak"].bin not in bins


@pytest.mark.parametrize("query", ["Zhastar", "Jastar", "zhastar", "JASTAR", "Жастар", "жастар"])
def test_every_spelling_of_jastar_meets(register, query):
    _, bins = found(query)
    assert {register["jastar"].bin, register["latin"].bin} <= set(bins)
    # "Өркен жастар клубы" also contains the word.
    assert set(bins) == {register["jastar"].bin, register["latin"].bin, register["orken"].bin}


@pytest.mark.parametrize(
    "key, queries",
    [
        ("umit", ["Үміт", "Umit", "Ümit"]),
        ("kamkor", ["Қамқор", "Qamqor", "Kamkor", "қамқор"]),
        ("gasyr", ["Ғасыр", "Gasyr", "Gasir"]),
        ("tansholpan", ["Таңшолпан", "Tansholpan", "Tańsholpan"]),
        ("orken", ["Өркен", "Orken", "Örken"]),
        ("adilet", ["Әділет", "Adilet", "Ädilet"]),
        ("izgilik", ["Ізгілік", "Izgilik"]),
        ("ulagat", ["Ұлағат", "Ulagat", "Ūlağat"]),
    ],
)
def test_kazakh_letters_in_cyrillic_and_latin(register, key, queries):
    for query in queries:
        result, bins = found(query)
        assert bins == [register[key].bin], query
        assert result.mode == Mode.SUBSTRING


def test_russian_query_finds_russian_name(register):
    _, bins = found("надежда")
    assert bins == [register["nadezhda"].bin]
    _, bins = found("Nadezhda")
    assert bins == [register["nadezhda"].bin]


def test_every_word_must_match(register):
    _, bins = found("Жастар орталығы")
    assert bins == [register["jastar"].bin]
    _, bins = found("орталығы Жастар")
    assert bins == [register["jastar"].bin]
    _, bins = found("Jastar Team")
    assert bins == [register["latin"].bin]


def test_short_words_match_too(register):
    _, bins = found("Jastar te")
    assert bins == [register["latin"].bin]


@pytest.mark.parametrize(
    "typo, key",
    [
        ("Жастор орталығы", "jastar"),  # a substituted letter
        ("Жастр орталығы", "jastar"),  # a missing letter
        ("Болашаққ", "bolashak"),  # an extra letter
        ("Bolashk", "bolashak"),
        ("Камкр", "kamkor"),
        ("Надеджа", "nadezhda"),
        ("Ulagt", "ulagat"),
    ],
)
def test_one_letter_typo_still_finds_the_organisation(register, typo, key):
    result, bins = found(typo)
    assert result.mode == Mode.FUZZY
    assert bins, typo
    assert bins[0] == register[key].bin, (typo, bins)


def test_fuzzy_results_are_ranked_by_similarity(register):
    org("Общественный фонд «Жастарлар әлемі»", "")
    result, _ = found("Жастор")
    key = search_key("Жастор")
    scores = [word_similarity(key, o.search_key) for o in Organisation.objects.filter(pk__in=result.queryset)]
    ranked = [word_similarity(key, o.search_key) for o in result.queryset]
    assert len(ranked) >= 3
    assert ranked == sorted(scores, reverse=True)
    assert all(score >= search.fuzzy_threshold() for score in ranked)


def test_fuzzy_results_are_capped(db, monkeypatch):
    monkeypatch.setattr(search, "FUZZY_LIMIT", 3)
    monkeypatch.setattr(search, "SQLITE_FUZZY_CANDIDATES", 3)
    for n in range(5):
        org(f"Общественный фонд «Жастар {n}»", "")
    result, bins = found("Жастор")
    assert result.mode == Mode.FUZZY
    assert len(bins) == 3


def test_unrelated_words_find_nothing(register):
    result, bins = found("Xylophone")
    assert result.mode == Mode.FUZZY
    assert bins == []


def test_punctuation_only_finds_nothing(register):
    result, bins = found("«»!?")
    assert result.mode == Mode.NOTHING
    assert bins == []


def test_empty_query_returns_everything(register):
    result, bins = found("   ")
    assert result.mode == Mode.ALL
    assert len(bins) == len(register)


def test_bin_prefix_and_exact(db):
    a = OrganisationFactory(registered_on=dt.date(2018, 1, 10))
    b = OrganisationFactory(registered_on=dt.date(2018, 1, 20))
    c = OrganisationFactory(registered_on=dt.date(2019, 5, 1))
    result, bins = found("1801")
    assert result.mode == Mode.BIN
    assert set(bins) == {a.bin, b.bin}
    _, bins = found(a.bin)
    assert bins == [a.bin]
    _, bins = found(f"{a.bin[:4]} {a.bin[4:8]} {a.bin[8:]}")
    assert bins == [a.bin]
    _, bins = found("19")
    assert bins == [c.bin]
    _, bins = found(a.bin + "0")
    assert bins == []


def test_search_combines_with_filters(register):
    in_almaty = org("Общественный фонд «Жастар Алматы»", "", region=Region.objects.get(kato=ALMATY))
    in_astana = org("Общественный фонд «Жастар Астана»", "", region=Region.objects.get(kato=ASTANA))
    filters = organisation_search({"q": "Жастар", "region": ASTANA})
    assert [o.bin for o in filters.qs] == [in_astana.bin]
    filters = organisation_search({"q": "Zhastar", "region": ALMATY})
    bins = {o.bin for o in filters.qs}
    assert in_almaty.bin in bins and in_astana.bin not in bins


def test_fuzzy_search_keeps_filters(register):
    in_astana = org("Общественный фонд «Жастар Астана»", "", region=Region.objects.get(kato=ASTANA))
    filters = organisation_search({"q": "Жастор", "region": ASTANA})
    assert [o.bin for o in filters.qs] == [in_astana.bin]
    assert filters.search.mode == Mode.FUZZY
    everywhere = organisation_search({"q": "Жастор"})
    assert {register["jastar"].bin, in_astana.bin} <= {o.bin for o in everywhere.qs}


def test_fuzzy_search_with_a_filter_finds_the_filtered_match(register):
    filters = organisation_search({"q": "Камкр", "legal_form": "public_fund"})
    assert filters.search.mode == Mode.FUZZY
    assert [o.bin for o in filters.qs][:1] == [register["kamkor"].bin]
    filters = organisation_search({"q": "Камкр", "legal_form": "private_institution"})
    assert register["kamkor"].bin not in [o.bin for o in filters.qs]


def test_index_follows_inserts_updates_and_deletes(db):
    organisation = org("Общественный фонд «Самға»", "")
    assert found("Samga")[1] == [organisation.bin]
    organisation.name_ru = "Общественный фонд «Тұмар»"
    organisation.search_key = search_key(organisation.name_ru, organisation.name_kk)
    organisation.save()
    assert found("Tumar")[1] == [organisation.bin]
    assert found("Samga")[1] == []
    Organisation.objects.filter(pk=organisation.pk).update(search_key=search_key("«Аманат»"))
    assert found("Аманат")[1] == [organisation.bin]
    organisation.delete()
    assert found("Аманат")[1] == []


def test_ensure_search_index_is_idempotent_and_repairs_lost_triggers(db):
    organisation = org("Общественный фонд «Ақниет»", "")
    search.ensure_search_index()
    assert found("Akniet")[1] == [organisation.bin]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in search.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        Organisation.objects.filter(pk=organisation.pk).update(search_key=search_key("«Мұра»"))
        search.ensure_search_index()
    else:
        Organisation.objects.filter(pk=organisation.pk).update(search_key=search_key("«Мұра»"))
    assert found("Мұра")[1] == [organisation.bin]
    assert found("Akniet")[1] == []


# --- pg_trgm's word_similarity, ported: values PostgreSQL 15 returns ----------------------------

PG_WORD_SIMILARITY = [
    ("jastar", "jastor ortalik", 0.5714286),
    ("word", "two words", 0.8),
    ("ajar", "xx ajor", 0.4),
    ("jastar ortalik", "ortalik jastar", 1.0),
    ("abc", "xabcx ab", 0.5),
    ("kitap", "kitaphana balalar", 0.8333333),
    ("jastar", "as jastar", 1.0),
    ("", "anything", 0.0),
]


@pytest.mark.parametrize("query, text, expected", PG_WORD_SIMILARITY)
def test_word_similarity_matches_postgresql(query, text, expected):
    assert word_similarity(query, text) == pytest.approx(expected, abs=1e-6)


def test_word_similarity_equals_the_database_function(db):
    if connection.vendor != "postgresql":
        pytest.skip("compares with pg_trgm, which only PostgreSQL has")
    import random

    rng = random.Random(7)
    alphabet = "abcjkst"

    def words(n):
        return " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7))) for _ in range(rng.randint(1, n)))

    pairs = [(words(2), words(5)) for _ in range(500)]
    with connection.cursor() as cursor:
        for query, text in pairs:
            cursor.execute("SELECT word_similarity(%s, %s)", [query, text])
            assert word_similarity(query, text) == pytest.approx(cursor.fetchone()[0], abs=1e-6), (query, text)


def test_state_body_search_folds_names(db):
    akimat = StateBodyFactory(name_ru="Акимат города Астаны", name_kk="Астана қаласының әкімдігі", name_en="Akimat of Astana")
    other = StateBodyFactory(name_ru="Министерство культуры", name_kk="Мәдениет министрлігі", name_en="Ministry of Culture")
    from qogam.registry.selectors import state_body_search

    assert [b.bin for b in state_body_search({"q": "әкімдігі"}).qs] == [akimat.bin]
    assert [b.bin for b in state_body_search({"q": "akimdigi astana"}).qs] == [akimat.bin]
    assert [b.bin for b in state_body_search({"q": "МИНИСТЕРСТВО"}).qs] == [other.bin]
    assert [b.bin for b in state_body_search({"q": other.bin}).qs] == [other.bin]
