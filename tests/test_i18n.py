"""The interface in kk, ru and en: complete catalogues, matching placeholders, translated public pages.

English is the source language (every msgid is English), so `en` is complete by construction. The
Kazakh and Russian catalogues in qogam/locale must translate every entry, keep every placeholder and
HTML tag of the msgid, and ship compiled (.mo) in step with their .po files.
"""

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest

from qogam.registry.models import Organisation
from qogam.settings import PACKAGE_DIR
from tests.factories import OrganisationFactory, StateBodyFactory, UserFactory

LOCALE_DIR = PACKAGE_DIR / "locale"
TRANSLATED = ["kk", "ru"]
PLURAL_FORMS = {
    "kk": "nplurals=2; plural=(n!=1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}
NPLURALS = {"kk": 2, "ru": 3}


# --- a small .po reader (the test suite must not depend on gettext tools) ---------------------------------

class Entry:
    def __init__(self):
        self.flags: set[str] = set()
        self.msgctxt: str | None = None
        self.msgid = ""
        self.msgid_plural: str | None = None
        self.msgstr = ""
        self.msgstr_plural: dict[int, str] = {}
        self.line = 0

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry, field = Entry(), None
    started = False

    def finish():
        nonlocal entry, field, started
        if started:
            entries.append(entry)
        entry, field, started = Entry(), None, False

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            raise AssertionError(f"{path}:{number}: obsolete entry left in the catalogue")
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s+(".*")$', line)
            if match:
                keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
                if not started:
                    entry.line = number
                started = True
                if index is not None:
                    field = int(index)
                    entry.msgstr_plural[field] = value
                else:
                    field = keyword
                    setattr(entry, keyword, value)
            elif line.startswith('"') and field is not None:
                value = _unquote(line)
                if isinstance(field, int):
                    entry.msgstr_plural[field] += value
                else:
                    setattr(entry, field, getattr(entry, field) + value)
            else:
                raise AssertionError(f"{path}:{number}: cannot read {line!r}")
    finish()
    return entries


def catalogue(language: str) -> list[Entry]:
    return read_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


def header(language: str) -> dict[str, str]:
    head = catalogue(language)[0]
    assert head.msgid == ""
    return dict(line.split(": ", 1) for line in head.msgstr.splitlines() if line)


def messages(language: str) -> list[Entry]:
    return catalogue(language)[1:]


PLACEHOLDER = re.compile(r"%\([A-Za-z0-9_]+\)[sdifr]|%[sdif]|\{[A-Za-z0-9_]*\}")
TAG = re.compile(r"</?[A-Za-z][^>]*>")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# --- (a) complete catalogues ---------------------------------------------------------------------------

@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_header(language):
    fields = header(language)
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    assert "fuzzy" not in catalogue(language)[0].flags


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    entries = messages(language)
    assert len(entries) > 500
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in entries if not e.translations or not all(e.translations)]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    wrong_plurals = [e.msgid for e in entries if e.msgid_plural is not None
                     and len(e.msgstr_plural) != NPLURALS[language]]
    assert not wrong_plurals, wrong_plurals


def test_kazakh_and_russian_catalogues_hold_the_same_messages():
    def keys(language):
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in messages(language)}

    assert keys("kk") == keys("ru")


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_its_source(language):
    """The shipped .mo is compiled from the current .po (run `qogam compilemessages` after editing)."""
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in messages(language):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            assert compiled.gettext(msgid) == entry.msgstr, entry.msgid
        else:
            for index, text in entry.msgstr_plural.items():
                assert compiled._catalog[(msgid, index)] == text, entry.msgid


def test_kazakh_catalogue_is_kazakh_not_russian():
    """Guards against Russian (or untranslated) text copied into the Kazakh catalogue."""
    russian = {(e.msgctxt, e.msgid): e.translations for e in messages("ru")}
    cyrillic_word = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")
    kazakh_letter = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
    sentences = with_kazakh_letters = 0
    for entry in messages("kk"):
        for index, text in enumerate(entry.translations):
            if len(cyrillic_word.findall(text)) >= 3:
                assert text != russian[(entry.msgctxt, entry.msgid)][min(index, 2)], entry.msgid
                sentences += 1
                with_kazakh_letters += bool(kazakh_letter.search(text))
    assert sentences > 300
    assert with_kazakh_letters / sentences > 0.95


# --- (c) placeholders and markup survive translation ---------------------------------------------------

@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_and_tags_of_the_msgid(language):
    problems = []
    for entry in messages(language):
        expected = placeholders(entry.msgid_plural or entry.msgid)
        for text in entry.translations:
            if placeholders(text) != expected:
                problems.append((entry.msgid, text))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(entry.msgid)):
                problems.append((entry.msgid, text))
    assert not problems, problems


def test_placeholders_of_singular_and_plural_msgids_agree():
    for entry in messages("ru"):
        if entry.msgid_plural is not None:
            assert placeholders(entry.msgid) == placeholders(entry.msgid_plural), entry.msgid


def test_django_messages_module_lists_real_django_msgids():
    """qogam/web/django_messages.py supplies Kazakh for Django's own messages; its msgids must be the
    installed Django's, or the translations silently stop applying after an upgrade."""
    django_dir = Path(django.__file__).parent
    known = set()
    for po in (django_dir / "conf/locale/en/LC_MESSAGES/django.po",
               django_dir / "contrib/auth/locale/en/LC_MESSAGES/django.po"):
        known |= {e.msgid for e in read_po(po)[1:]}
    source = (PACKAGE_DIR / "web" / "django_messages.py").read_text(encoding="utf-8")
    listed = [node.args[0].value for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"gettext_noop", "ngettext_lazy"}]
    assert len(listed) > 20
    assert not [m for m in listed if m not in known]


# --- (b) the public register pages in kk and ru --------------------------------------------------------

class VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes plus placeholder, aria-label, title and alt attributes."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in ("placeholder", "aria-label", "title", "alt") and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(response) -> str:
    parser = VisibleText()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


# Latin words allowed in Kazakh and Russian pages: the brand, technical names, the language
# switcher (codes and the self-name "English") and search examples that show Latin transliteration.
ALLOWED_LATIN = {"Qogam", "API", "OpenAPI", "CSV", "JSON", "XLSX", "PDF", "KK", "RU", "EN", "English", "Zhastar", "akimat"}


def english_left(text: str, data: tuple[str, ...] = ()) -> set[str]:
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def register(db):
    organisation = OrganisationFactory(
        name_ru="Общественное объединение «Жастар»", name_kk="«Жастар» қоғамдық бірлестігі",
        legal_form_id="public_association", territorial_level="regional", branches=["710000000", "750000000"],
        directions=["sport", "youth"], email="info@zhastar.kz", phone="+7 727 000 00 00",
        website="https://zhastar.kz",
    )
    for _ in range(26):  # more than one page
        OrganisationFactory()
    OrganisationFactory(status=Organisation.Status.LIQUIDATED, liquidated_on="2020-05-01", legal_form_id="private_institution")
    ministry = StateBodyFactory(level="central", kind="ministry", region=None, name_en="Ministry of Culture and Information",
                                name_ru="Министерство культуры и информации", name_kk="Мәдениет және ақпарат министрлігі")
    akimat = StateBodyFactory(parent=ministry)
    return {"organisation": organisation, "ministry": ministry, "akimat": akimat}


EXPECTED = {
    "kk": {
        "list": ["Ұйымдар тізілімі", "Мемлекеттік органдар", "Кіру", "Іздеу", "БСН", "Ұйымдық-құқықтық нысаны",
                 "Өңір", "Тіркелген күні", "Жарғылық қызмет бағыты", "Сүзгілер", "ұйым табылды", "Басты бет"],
        "profile": ["БСН", "Ұйымдық-құқықтық нысаны", "Тіркелген күні", "Жарғылық қызмет бағыттары", "Өңір",
                    "Аумақтық деңгейі", "өңірлік", "тіркелген", "ҮЕҰ", "Жария байланыс деректері",
                    "Басшылар мен құрылтайшылардың дербес деректері қорғалған және жарияланбайды."],
        "bodies": ["Мемлекеттік органдар", "Деңгейі", "Түрі", "Жоғары тұрған орган", "министрлік", "әкімдік",
                   "мемлекеттік орган табылды"],
        "body": ["Орган туралы", "Құрылымы", "Бағынысты органдар", "орталық"],
        "home": ["Ұйымдар тізілімі", "Мемлекеттік органдар", "Ашық API", "Іздеу"],
        "login": ["Кіру", "Пайдаланушы аты", "Құпиясөз", "Құпиясөзді ұмыттыңыз ба?"],
    },
    "ru": {
        "list": ["Реестр организаций", "Государственные органы", "Войти", "Найти", "БИН",
                 "Организационно-правовая форма", "Регион", "Дата регистрации", "Уставное направление деятельности",
                 "Фильтры", "Найдено 28 организаций", "Главная"],
        "profile": ["БИН", "Организационно-правовая форма", "Дата регистрации", "Уставные направления деятельности",
                    "Регион", "Территориальный уровень", "региональный", "зарегистрирована", "НПО",
                    "Персональные данные руководителей и учредителей защищены и не публикуются."],
        "bodies": ["Государственные органы", "Уровень", "Вид", "Вышестоящий орган", "министерство", "акимат",
                   "Найдено 2 государственных органа"],
        "body": ["Об органе", "Структура", "Подведомственные органы", "центральный"],
        "home": ["Реестр организаций", "Государственные органы", "Открытый API", "Найти"],
        "login": ["Войти", "Имя пользователя", "Пароль", "Забыли пароль?"],
    },
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_public_pages_render_translated(client, register, language):
    organisation, ministry = register["organisation"], register["ministry"]
    pages = {
        "home": "/",
        "list": "/register/",
        "profile": f"/register/organisations/{organisation.bin}/",
        "bodies": "/register/state-bodies/",
        "body": f"/register/state-bodies/{ministry.bin}/",
        "login": "/accounts/login/",
    }
    # Data shown as is: the English name of a state body (its "Name in English" row) and contacts.
    data = (ministry.name_en, register["akimat"].name_en, organisation.email, organisation.website)
    for page, path in pages.items():
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200, path
        assert html_lang(response) == language
        text = visible_text(response)
        for expected in EXPECTED[language][page]:
            assert expected in text, (page, expected)
        assert not english_left(text, data), (page, english_left(text, data))


@pytest.mark.parametrize("language", TRANSLATED)
def test_register_search_filters_and_pagination_are_translated(client, register, language):
    responses = [
        client.get(f"/{language}/register/", {"q": "Zhastr"}),  # a typo: similar names
        client.get(f"/{language}/register/", {"q": "zzzzqqqq"}),  # nothing at all
        client.get(f"/{language}/register/", {"page": 2}),
        client.get(f"/{language}/register/", {"status": "liquidated", "ngo": "false", "active": "false"}),
        client.get(f"/{language}/register/state-bodies/", {"level": "district", "kind": "akimat"}),
    ]
    for response in responses:
        assert response.status_code == 200
        assert not english_left(visible_text(response), ("Zhastr", "zzzzqqqq"))
    fuzzy = visible_text(responses[0])
    assert {"kk": "«Zhastr» сұрауы бойынша дәл сәйкестік жоқ", "ru": "По запросу «Zhastr» точных совпадений нет"}[
        language
    ] in fuzzy
    assert {"kk": "Беттер", "ru": "Страницы"}[language] in visible_text(responses[2])


@pytest.mark.parametrize("language", TRANSLATED)
def test_personal_pages_are_translated_including_djangos_own_messages(client, db, language):
    """Password validation and form errors come from Django; Qogam's catalogue fills Django's Kazakh gaps."""
    user = UserFactory()
    client.force_login(user)
    for path in ("/accounts/cabinet/", "/accounts/password/change/"):
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200
        assert not english_left(visible_text(response), (user.username, user.email)), path
    response = client.post(f"/{language}/accounts/password/change/",
                           {"old_password": "wrong", "new_password1": "1234", "new_password2": "12345"})
    text = visible_text(response)
    assert not english_left(text, (user.username, user.email))
    assert {"kk": "Құпиясөз тек цифрлардан тұрмауы керек.", "ru": "Пароль не может состоять только из цифр."}[
        language
    ] in text


@pytest.mark.parametrize(("language", "message"), [
    ("kk", "Мұндай бет жоқ. 1 мен 2 аралығындағы бүтін санды көрсетіңіз."),
    ("ru", "Такой страницы нет. Укажите целое число от 1 до 2."),
])
def test_api_errors_speak_the_request_language(client, register, language, message):
    response = client.get("/api/organisations/", {"page": 99}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["page"] == [message]
    assert not english_left(body["message"])


def test_english_pages_stay_english(client, register):
    response = client.get("/en/register/")
    assert html_lang(response) == "en"
    text = visible_text(response)
    assert "Register of organisations" in text and "28 organisations found" in text
