"""Word lists and builders for names that look real: people (Kazakh and Russian), organisations in
Kazakh and Russian with their legal-form prefix or suffix, and valid IINs.

Organisation names are built from themes. A theme carries its charter directions, so a name and
the organisation's directions agree ("Жастар үні" works for youth, «Мейірім» for social protection).
Personal names are generated for leaders and founders only: they never enter an organisation's
name, address or contacts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from qogam.core.rules import with_check_digit
from qogam.demo.geography import RegionGeo, Town

# --- Transliteration (for e-mail domains and web addresses) ---------------------------------------

_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}


def latin(text: str) -> str:
    return "".join(_LATIN.get(ch, ch) for ch in text.lower())


def slug(text: str, *, limit: int = 28) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", latin(text)).split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "org"


# --- People -----------------------------------------------------------------------------------

KK_MALE = (
    "Асхат", "Ерлан", "Нұрлан", "Серік", "Бауыржан", "Дәурен", "Ержан", "Қайрат", "Марат", "Мұрат", "Арман",
    "Ғалым", "Жандос", "Самат", "Талғат", "Тимур", "Руслан", "Әлібек", "Бекзат", "Ернар", "Айдос", "Олжас",
    "Дархан", "Азамат", "Ақжол", "Мирас", "Диас", "Санжар", "Ілияс", "Нұрболат", "Ғабит", "Қанат", "Берік",
    "Жанболат", "Медет", "Абзал", "Ерболат", "Мақсат", "Рустем", "Темірлан",
)
KK_FEMALE = (
    "Айгүл", "Гүлнара", "Динара", "Жанар", "Сәуле", "Әсем", "Айжан", "Ақмарал", "Назерке", "Аружан", "Гүлмира",
    "Мадина", "Ләззат", "Жұлдыз", "Салтанат", "Ботагөз", "Ақбота", "Әйгерім", "Дана", "Индира", "Камила",
    "Меруерт", "Нұргүл", "Раушан", "Самал", "Толқын", "Үміт", "Шолпан", "Анар", "Әсел", "Гүлжан", "Алия",
    "Ая", "Баян", "Дина", "Жібек", "Зарина", "Күләш", "Лаура", "Сабина",
)
# (root for the -ұлы/-қызы form, Russian-style surname)
KK_SURNAMES = (
    ("Ахмет", "Ахметов"), ("Омар", "Омаров"), ("Жұмабай", "Жұмабаев"), ("Сәрсенбай", "Сәрсенбаев"),
    ("Қасым", "Қасымов"), ("Оспан", "Оспанов"), ("Мұқан", "Мұқанов"), ("Серікбай", "Серікбаев"),
    ("Есен", "Есенов"), ("Төлеген", "Төлегенов"), ("Досым", "Досымов"), ("Ізбасар", "Ізбасаров"),
    ("Нұрпейіс", "Нұрпейісов"), ("Тоқтар", "Тоқтаров"), ("Жақып", "Жақыпов"), ("Смағұл", "Смағұлов"),
    ("Байжан", "Байжанов"), ("Әубәкір", "Әубәкіров"), ("Рахым", "Рахымов"), ("Кенжебай", "Кенжебаев"),
    ("Оразалы", "Оразалиев"), ("Сұлтан", "Сұлтанов"), ("Шәкен", "Шәкенов"), ("Жексенбай", "Жексенбаев"),
    ("Байғали", "Байғалиев"), ("Исабек", "Исабеков"), ("Қожахмет", "Қожахметов"), ("Әбдіқадыр", "Әбдіқадыров"),
    ("Мырзахмет", "Мырзахметов"), ("Құдайберген", "Құдайбергенов"), ("Әлімжан", "Әлімжанов"), ("Ермек", "Ермеков"),
    ("Тұрсын", "Тұрсынов"), ("Сейітқали", "Сейітқалиев"), ("Бекмұхамбет", "Бекмұхамбетов"), ("Ниязбек", "Ниязбеков"),
)
RU_MALE = ("Александр", "Сергей", "Андрей", "Дмитрий", "Владимир", "Евгений", "Игорь", "Олег", "Виктор",
           "Николай", "Алексей", "Павел", "Юрий", "Михаил", "Константин", "Денис")
RU_FEMALE = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Марина", "Юлия", "Людмила",
             "Галина", "Оксана", "Валентина", "Екатерина", "Вера", "Лариса")
RU_SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков",
               "Фёдоров", "Морозов", "Волков", "Лебедев", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев",
               "Макаров", "Захаров", "Белов", "Ткаченко", "Шевченко", "Бондаренко", "Ким", "Пак", "Шмидт",
               "Миллер", "Гайдамак", "Зайцев")
# Father's name -> (male patronymic, female patronymic)
RU_PATRONYMICS = (
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
    ("Владимирович", "Владимировна"), ("Викторович", "Викторовна"), ("Николаевич", "Николаевна"),
    ("Юрьевич", "Юрьевна"), ("Михайлович", "Михайловна"), ("Петрович", "Петровна"), ("Иванович", "Ивановна"),
    ("Геннадьевич", "Геннадьевна"), ("Анатольевич", "Анатольевна"),
)


def _female_surname(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ин", "ёв")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    return surname


@dataclass(frozen=True)
class Person:
    full_name: str
    female: bool
    iin: str  # used only to compute the keyed hash; never stored


def person_name(rng: random.Random, *, female: bool, russian: bool) -> str:
    if russian:
        first = rng.choice(RU_FEMALE if female else RU_MALE)
        surname = rng.choice(RU_SURNAMES)
        patronymic = rng.choice(RU_PATRONYMICS)[1 if female else 0]
        return f"{_female_surname(surname) if female else surname} {first} {patronymic}"
    first = rng.choice(KK_FEMALE if female else KK_MALE)
    root, surname = rng.choice(KK_SURNAMES)
    father = rng.choice(KK_MALE)
    if rng.random() < 0.12:
        surname = root + ("қызы" if female else "ұлы")
    elif female:
        surname = _female_surname(surname)
    return f"{surname} {first} {father}{'қызы' if female else 'ұлы'}"


def make_iin(rng: random.Random, *, born: dt.date, female: bool) -> str:
    """A valid IIN: YYMMDD, the century-and-sex digit, a serial and the check digit (DOMAIN §2)."""
    century = {18: 1, 19: 3, 20: 5}[born.year // 100] + (1 if female else 0)
    for _attempt in range(100):
        iin = with_check_digit(f"{born:%y%m%d}{century}{rng.randint(0, 9999):04d}")
        if iin:
            return iin
    raise RuntimeError("no valid IIN found")  # pragma: no cover - about 1 in 11 serials fails


def birth_date(rng: random.Random, today: dt.date) -> dt.date:
    age_days = rng.randint(25 * 365, 72 * 365)
    return today - dt.timedelta(days=age_days)


# --- Organisations ----------------------------------------------------------------------------

# Legal form -> (Russian prefix, Kazakh suffix after the quoted name)
FORM_WORDS = {
    "public_association": ("Общественное объединение", "қоғамдық бірлестігі"),
    "public_fund": ("Общественный фонд", "қоғамдық қоры"),
    "corporate_fund": ("Корпоративный фонд", "корпоративтік қоры"),
    "private_fund": ("Частный фонд", "жеке қоры"),
    "association_of_legal_entities": ("Объединение юридических лиц", "заңды тұлғалар бірлестігі"),
    "private_institution": ("Частное учреждение", "жеке мекемесі"),
    "noncommercial_jsc": ("Некоммерческое акционерное общество", "коммерциялық емес акционерлік қоғамы"),
    "consumer_cooperative": ("Потребительский кооператив", "тұтыну кооперативі"),
    "apartment_owners_cooperative": ("Кооператив собственников квартир", "пәтер иелерінің кооперативі"),
    "religious_association": ("Религиозное объединение", "діни бірлестігі"),
    "political_party": ("Политическая партия", "партиясы"),
}


@dataclass(frozen=True)
class Theme:
    key: str
    directions: tuple[str, ...]  # the first is the main one
    female_leaders: float
    poetic: tuple[str, ...]  # Kazakh names used in quotes in both languages
    groups: tuple[tuple[str, str], ...]  # (Russian genitive plural, Kazakh) "молодёжи" / "жастар"
    kinds: tuple[tuple[str, str], ...]  # (Russian head noun, Kazakh possessive) "Союз" / "одағы"
    centres: tuple[tuple[str, str], ...]  # (Russian, Kazakh) "Центр молодёжных инициатив"
    latin: tuple[str, ...] = ()


UNION = ("Союз", "одағы")
ASSOC = ("Ассоциация", "қауымдастығы")
CLUB = ("Клуб", "клубы")
LEAGUE = ("Лига", "лигасы")
COUNCIL = ("Совет", "кеңесі")
MOVEMENT = ("Движение", "қозғалысы")
SOCIETY = ("Общество", "қоғамы")
FEDERATION = ("Федерация", "федерациясы")
ALLIANCE = ("Альянс", "альянсы")

THEMES: dict[str, Theme] = {
    t.key: t
    for t in (
        Theme("youth", ("youth", "education", "volunteering", "civil_society"), 0.35,
              ("Жастар үні", "Жас Қанат", "Болашақ", "Самғау", "Жігер", "Серпін", "Ұшқын", "Жас Өркен", "Арман",
               "Жастар Ордасы", "Жаңа Толқын", "Алау"),
              (("молодёжи", "жастар"), ("студентов", "студенттер"), ("молодых предпринимателей", "жас кәсіпкерлер"),
               ("сельской молодёжи", "ауыл жастары")),
              (UNION, ASSOC, MOVEMENT, CLUB),
              (("Центр молодёжных инициатив", "Жастар бастамалары орталығы"),
               ("Молодёжный ресурсный центр", "Жастар ресурс орталығы"), ("Школа лидерства", "Көшбасшылық мектебі")),
              ("Youth Hub", "Qazaq Youth", "Startup Jastar")),
        Theme("women", ("family_gender", "rights", "social_protection"), 0.95,
              ("Ақ Бота", "Аналар Үні", "Шолпан", "Ару", "Ақ Жаулық", "Інжу", "Ақ Маржан", "Ана Мейірімі",
               "Қыз Жібек", "Нәзік"),
              (("женщин", "әйелдер"), ("деловых женщин", "іскер әйелдер"), ("многодетных матерей", "көп балалы аналар"),
               ("женщин-предпринимателей", "кәсіпкер әйелдер")),
              (UNION, ASSOC, COUNCIL, LEAGUE),
              (("Центр поддержки женщин", "Әйелдерді қолдау орталығы"), ("Кризисный центр", "Дағдарыс орталығы"),
               ("Клуб деловых женщин", "Іскер әйелдер клубы")),
              ("Women Lead", "Tech Girls")),
        Theme("children", ("youth", "family_gender", "education", "social_protection"), 0.70,
              ("Балапан", "Бөбек", "Балдәурен", "Күн Сәуле", "Бақытты Балалық", "Ақ Көгершін", "Қуаныш", "Шуақ",
               "Мөлдір", "Ертегі"),
              (("родителей детей с аутизмом", "аутизмі бар балалардың ата-аналары"), ("родителей", "ата-аналар"),
               ("детских организаций", "балалар ұйымдары")),
              (ASSOC, UNION, CLUB),
              (("Центр развития ребёнка", "Баланы дамыту орталығы"), ("Центр поддержки детей", "Балаларды қолдау орталығы"),
               ("Детская студия", "Балалар студиясы"))),
        Theme("disability", ("social_protection", "health", "rights"), 0.50,
              ("Мейірім", "Шапағат", "Жан Шуақ", "Қамқор", "Жәрдем", "Үміт", "Сенім", "Ізгі Жүрек", "Тең Мүмкіндік",
               "Жол Ашық", "Демеу"),
              (("людей с инвалидностью", "мүгедектігі бар адамдар"), ("незрячих", "көзі көрмейтіндер"),
               ("неслышащих", "есту қабілеті бұзылған адамдар"), ("колясочников", "арбаға таңылған адамдар")),
              (SOCIETY, UNION, ASSOC),
              (("Реабилитационный центр", "Оңалту орталығы"), ("Центр инклюзии", "Инклюзия орталығы"),
               ("Центр социальной помощи", "Әлеуметтік көмек орталығы")),
              ("Inclusive Qogam",)),
        Theme("veterans", ("social_protection", "heritage", "national_unity"), 0.25,
              ("Ардагер", "Ерлік", "Тағзым", "Ата Даңқы", "Мәңгілік Ерлік", "Жеңіс", "Ақсақал", "Зейнет"),
              (("ветеранов", "ардагерлер"), ("ветеранов Афганистана", "Ауған соғысы ардагерлері"),
               ("пенсионеров", "зейнеткерлер"), ("ветеранов труда", "еңбек ардагерлері")),
              (UNION, COUNCIL, SOCIETY),
              (("Совет ветеранов", "Ардагерлер кеңесі"), ("Клуб ветеранов", "Ардагерлер клубы"))),
        Theme("ecology", ("environment", "volunteering", "health", "public_monitoring"), 0.40,
              ("Жасыл Ел", "Таза Өлке", "Табиғат", "Жасыл Әлем", "Арал Тағдыры", "Ертіс", "Тоғай", "Эко Дала",
               "Жасыл Қала", "Мөлдір Су", "Таза Ауа"),
              (("экологов", "экологтар"), ("защитников природы", "табиғат қорғаушылар"),
               ("охотников и рыболовов", "аңшылар мен балықшылар")),
              (SOCIETY, UNION, ASSOC, MOVEMENT),
              (("Экологический клуб", "Экология клубы"), ("Центр экологического образования", "Экологиялық білім беру орталығы"),
               ("Центр охраны природы", "Табиғатты қорғау орталығы")),
              ("Green Steppe", "Eco Damu")),
        Theme("culture", ("culture", "heritage", "national_unity", "youth"), 0.50,
              ("Мұра", "Шабыт", "Сазгер", "Ою-Өрнек", "Өнер Ордасы", "Ақ Домбыра", "Шертер", "Көкжиек", "Кербез",
               "Сахна"),
              (("мастеров народного искусства", "халық шеберлері"), ("молодых поэтов", "жас ақындар"),
               ("художников", "суретшілер"), ("айтыскеров", "айтыскерлер"), ("кюйши", "күйшілер")),
              (UNION, ASSOC, CLUB),
              (("Центр культуры и искусства", "Мәдениет және өнер орталығы"), ("Театральная студия", "Театр студиясы"),
               ("Творческое объединение", "Шығармашылық бірлестігі"))),
        Theme("sport", ("sport", "health", "youth"), 0.25,
              ("Барыс", "Тұлпар", "Сұңқар", "Алып", "Жеңімпаз", "Шапшаң", "Қыран", "Батыр", "Күш", "Ерен"),
              (("вольной борьбы", "еркін күрес"), ("казах куреси", "қазақ күресі"), ("тогыз кумалак", "тоғызқұмалақ"),
               ("футбола", "футбол"), ("бокса", "бокс"), ("шахмат", "шахмат"), ("асык ату", "асық ату"),
               ("настольного тенниса", "үстел теннисі"), ("конного спорта", "ат спорты"), ("плавания", "жүзу"),
               ("дзюдо", "дзюдо"), ("волейбола", "волейбол"), ("кокпара", "көкпар"), ("таеквондо", "таэквондо")),
              (FEDERATION,),
              (("Спортивный клуб", "Спорт клубы"), ("Клуб единоборств", "Жекпе-жек клубы"),
               ("Центр развития спорта", "Спортты дамыту орталығы"))),
        Theme("education", ("education", "science", "youth"), 0.60,
              ("Білім", "Ілім", "Ұстаз", "Зерде", "Парасат", "Ой-Өріс", "Талап", "Зият", "Ақыл", "Дарын"),
              (("учителей", "мұғалімдер"), ("педагогов дошкольного образования", "мектепке дейінгі білім беру педагогтері"),
               ("выпускников", "түлектер"), ("преподавателей казахского языка", "қазақ тілі мұғалімдері")),
              (ASSOC, UNION, CLUB),
              (("Учебный центр", "Оқу орталығы"), ("Центр дополнительного образования", "Қосымша білім беру орталығы"),
               ("Образовательный центр", "Білім беру орталығы")),
              ("Smart Bilim",)),
        Theme("rights", ("rights", "public_monitoring", "civil_society", "probation"), 0.40,
              ("Әділет", "Адал Азамат", "Ар-Намыс", "Әділдік", "Азат", "Сарапшы", "Қорғау", "Заң Аясы"),
              (("юристов", "заңгерлер"), ("правозащитников", "құқық қорғаушылар"), ("потребителей", "тұтынушылар")),
              (UNION, ASSOC, LEAGUE),
              (("Центр правовой помощи", "Құқықтық көмек орталығы"), ("Правозащитный центр", "Құқық қорғау орталығы"),
               ("Центр гражданского мониторинга", "Азаматтық мониторинг орталығы")),
              ("Legal Aid Center",)),
        Theme("health", ("health", "social_protection", "volunteering"), 0.55,
              ("Саулық", "Шипа", "Өмір", "Жан Саулығы", "Сау Ұрпақ", "Ақ Халат", "Дарман", "Емші"),
              (("медицинских работников", "медицина қызметкерлері"), ("пациентов", "пациенттер"), ("доноров", "донорлар")),
              (ASSOC, UNION, LEAGUE),
              (("Центр здоровья", "Денсаулық орталығы"), ("Центр профилактики", "Алдын алу орталығы"),
               ("Школа здоровья", "Денсаулық мектебі")),
              ("Wellness Life",)),
        Theme("civil", ("civil_society", "public_monitoring", "volunteering", "rights"), 0.40,
              ("Азамат", "Бірлік", "Достық", "Ынтымақ", "Келісім", "Ашық Алаң", "Ел Үміті", "Бастама", "Қадам",
               "Ел Тірегі"),
              (("НПО", "ҮЕҰ"), ("общественных советов", "қоғамдық кеңестер"), ("гражданских активистов", "азаматтық белсенділер"),
               ("журналистов", "журналистер"), ("блогеров", "блогерлер")),
              (UNION, ASSOC, ALLIANCE),
              (("Центр развития гражданского общества", "Азаматтық қоғамды дамыту орталығы"),
               ("Центр поддержки НПО", "ҮЕҰ-ды қолдау орталығы"), ("Гражданский альянс", "Азаматтық альянсы")),
              ("Social Lab", "Civic Tech")),
        Theme("business", ("civil_society", "rights", "public_monitoring"), 0.30,
              ("Іскер", "Кәсіпкер", "Серіктес", "Даму", "Береке", "Ырыс", "Өрлеу", "Табыс"),
              (("предпринимателей", "кәсіпкерлер"), ("фермеров", "фермерлер"), ("малого и среднего бизнеса", "шағын және орта бизнес"),
               ("ремесленников", "қолөнершілер")),
              (UNION, ASSOC),
              (("Центр поддержки предпринимательства", "Кәсіпкерлікті қолдау орталығы"), ("Бизнес-клуб", "Бизнес клубы"))),
        Theme("probation", ("probation", "social_protection", "rights", "health"), 0.40,
              ("Жаңа Өмір", "Жол", "Қайта Оралу", "Бетбұрыс", "Ақ Жол", "Таза Жол", "Үміт Сәулесі"),
              (("социальных работников", "әлеуметтік қызметкерлер"),),
              (ASSOC,),
              (("Центр социальной адаптации", "Әлеуметтік бейімдеу орталығы"),
               ("Центр ресоциализации", "Ресоциализация орталығы"))),
        Theme("science", ("science", "education", "heritage"), 0.40,
              ("Ғылым", "Зерттеу", "Ізденіс", "Келешек", "Тұлға", "Ғалым"),
              (("молодых учёных", "жас ғалымдар"), ("краеведов", "өлкетанушылар"), ("историков", "тарихшылар")),
              (SOCIETY, ASSOC, UNION),
              (("Научно-исследовательский центр", "Ғылыми-зерттеу орталығы"),
               ("Центр социальных исследований", "Әлеуметтік зерттеулер орталығы"), ("Аналитический центр", "Талдау орталығы"))),
        Theme("volunteer", ("volunteering", "social_protection", "youth", "environment"), 0.50,
              ("Ерікті", "Жомарт Жүрек", "Көмек", "Қайырымдылық", "Ақ Ниет", "Ізгілік", "Жақсылық", "Бірге"),
              (("волонтёров", "волонтерлер"), ("добровольцев", "еріктілер")),
              (MOVEMENT, UNION, ASSOC),
              (("Волонтёрский центр", "Волонтерлер орталығы"), ("Центр добровольчества", "Еріктілер орталығы"))),
        Theme("family", ("family_gender", "social_protection", "youth"), 0.65,
              ("Шаңырақ", "Отбасы", "Бақыт", "Ұя", "Ошақ", "Отау", "Бақытты Отбасы", "Құт"),
              (("многодетных семей", "көп балалы отбасылар"), ("молодых семей", "жас отбасылар"), ("отцов", "әкелер")),
              (UNION, ASSOC, COUNCIL),
              (("Центр поддержки семьи", "Отбасын қолдау орталығы"), ("Клуб многодетных семей", "Көп балалы отбасылар клубы"))),
        Theme("ethnic", ("national_unity", "culture", "heritage"), 0.40,
              (), (), (), ()),
    )
}

# (Russian adjective, Kazakh) for ethnocultural associations of the Assembly of the People of Kazakhstan.
ETHNIC_GROUPS = (
    ("Татарский", "татар"), ("Корейский", "корей"), ("Немецкий", "неміс"), ("Украинский", "украин"),
    ("Узбекский", "өзбек"), ("Уйгурский", "ұйғыр"), ("Азербайджанский", "әзірбайжан"), ("Польский", "поляк"),
    ("Чеченский", "шешен"), ("Турецкий", "түрік"), ("Дунганский", "дүнген"), ("Белорусский", "белорус"),
    ("Греческий", "грек"), ("Славянский", "славян"), ("Русский", "орыс"), ("Башкирский", "башқұрт"),
)

# Which themes each NGO legal form favours (weights).
THEME_WEIGHTS = {
    "public_association": {"youth": 12, "women": 8, "children": 5, "disability": 9, "veterans": 6, "ecology": 6,
                           "culture": 7, "sport": 10, "education": 5, "rights": 5, "health": 5, "ethnic": 5,
                           "civil": 6, "business": 3, "probation": 1, "science": 2, "volunteer": 4, "family": 4},
    "public_fund": {"youth": 8, "women": 5, "children": 10, "disability": 10, "veterans": 2, "ecology": 6,
                    "culture": 6, "sport": 4, "education": 10, "rights": 4, "health": 8, "civil": 8, "business": 3,
                    "probation": 2, "science": 3, "volunteer": 6, "family": 6},
    "corporate_fund": {"business": 3, "education": 3, "health": 2, "children": 2, "sport": 2, "ecology": 2,
                       "culture": 1, "youth": 2},
    "private_fund": {"children": 3, "disability": 3, "culture": 2, "education": 3, "health": 2, "volunteer": 2},
    "private_institution": {"education": 10, "health": 5, "disability": 5, "children": 6, "culture": 3, "sport": 3,
                            "science": 2, "probation": 1},
}

# Associations (unions) of legal entities: (Russian genitive, Kazakh, directions)
ASSOCIATION_GROUPS = (
    ("предпринимателей", "кәсіпкерлер", ("civil_society", "rights", "public_monitoring")),
    ("фермеров", "фермерлер", ("civil_society", "environment")),
    ("строителей", "құрылысшылар", ("civil_society", "public_monitoring")),
    ("туроператоров", "туроператорлар", ("culture", "heritage")),
    ("частных школ", "жекеменшік мектептер", ("education",)),
    ("медицинских организаций", "медициналық ұйымдар", ("health",)),
    ("НПО", "ҮЕҰ", ("civil_society", "volunteering")),
    ("кризисных центров", "дағдарыс орталықтары", ("family_gender", "social_protection", "rights")),
    ("инклюзивных организаций", "инклюзивті ұйымдар", ("social_protection", "education")),
    ("гостиниц", "қонақ үйлер", ("culture",)),
    ("перевозчиков", "тасымалдаушылар", ("public_monitoring",)),
    ("IT-компаний", "IT-компаниялар", ("education", "science")),
    ("экологических организаций", "экологиялық ұйымдар", ("environment",)),
    ("молодёжных организаций", "жастар ұйымдары", ("youth", "civil_society")),
    ("спортивных клубов", "спорт клубтары", ("sport", "youth")),
    ("организаций социального обслуживания", "әлеуметтік қызмет көрсету ұйымдары", ("social_protection",)),
)

ASSOCIATION_BRANDS = ("Іскер", "Серіктес", "Даму", "Береке", "Ырыс", "Өрлеу", "Табыс", "Бірлік", "Ынтымақ", "Қазына",
                      "Атамекен", "Сенім", "Алға", "Жасампаз", "Кемел", "Тірек")

# Non-commercial joint-stock companies: (Russian, Kazakh, directions)
NJSC_KINDS = (
    ("Региональный университет", "өңірлік университеті", ("education", "science")),
    ("Медицинский университет", "медицина университеті", ("health", "education", "science")),
    ("Центр крови", "қан орталығы", ("health",)),
    ("Университет искусств", "өнер университеті", ("culture", "education")),
    ("Центр развития трудовых ресурсов", "еңбек ресурстарын дамыту орталығы", ("social_protection",)),
)

# Foreign and international NPOs with branches or offices in Kazakhstan (fictional).
FOREIGN_PARENTS = (
    ("Central Asian Youth Network", ("youth", "education")),
    ("Eurasian Civic Initiative", ("civil_society", "public_monitoring")),
    ("Steppe Heritage Foundation", ("heritage", "culture")),
    ("Water and Climate Alliance", ("environment",)),
    ("Global Health Partners", ("health",)),
    ("Caspian Environmental Network", ("environment", "science")),
    ("Children First International", ("youth", "social_protection")),
    ("Silk Road Education Trust", ("education", "science")),
    ("Inclusion Without Borders", ("social_protection", "rights")),
    ("Women Leaders Network", ("family_gender", "civil_society")),
    ("Rule of Law Institute", ("rights", "probation")),
    ("Nomad Culture Foundation", ("culture", "heritage")),
)
FOREIGN_PARENT_FORMS = (
    ("международного общественного фонда", "халықаралық қоғамдық қорының"),
    ("международной некоммерческой организации", "халықаралық коммерциялық емес ұйымының"),
    ("международного общественного объединения", "халықаралық қоғамдық бірлестігінің"),
)

MOSQUES = ("Нұр", "Бекет ата", "Әзірет Сұлтан", "Ақ мешіт", "Иман", "Ораз ата", "Хазірет Омар", "Әбу Бәкір",
           "Тәуба", "Рахман", "Салауат", "Ихлас", "Ақ Жол", "Жұма")
ORTHODOX = ("Святого Николая Чудотворца", "Покрова Пресвятой Богородицы", "Святой Троицы", "Архангела Михаила",
            "Казанской иконы Божией Матери", "Вознесения Господня")
OTHER_FAITHS = (
    "Церковь евангельских христиан-баптистов", "Римско-католический приход Святого Иосифа",
    "Лютеранская община", "Иудейская религиозная община", "Церковь адвентистов седьмого дня",
)
PARTIES = ("Жасыл Дала", "Азамат Дауысы", "Ел Болашағы", "Халық Үні", "Жаңа Ұрпақ", "Әділет пен Даму",
           "Прогресс", "Ел Тірегі", "Ортақ Үй")
TRADE_SECTORS = (
    ("образования и науки", "білім және ғылым қызметкерлерінің", ()),
    ("здравоохранения", "денсаулық сақтау қызметкерлерінің", ()),
    ("культуры", "мәдениет қызметкерлерінің", ()),
    ("агропромышленного комплекса", "агроөнеркәсіптік кешен қызметкерлерінің", ()),
    ("государственных учреждений", "мемлекеттік мекемелер қызметкерлерінің", ()),
    ("жилищно-коммунального хозяйства", "тұрғын үй-коммуналдық шаруашылық қызметкерлерінің", ()),
    ("транспорта", "көлік қызметкерлерінің", ()),
    ("угольной промышленности", "көмір өнеркәсібі қызметкерлерінің", ("350000000", "550000000")),
    ("нефтегазового комплекса", "мұнай-газ кешені қызметкерлерінің",
     ("230000000", "470000000", "150000000", "270000000", "430000000")),
    ("горно-металлургической отрасли", "тау-кен металлургия саласы қызметкерлерінің",
     ("630000000", "350000000", "390000000", "550000000", "620000000", "150000000", "100000000")),
)
NEIGHBOURHOODS = ("Самал", "Достық", "Көктем", "Орбита", "Аққу", "Нұрлы", "Мерей", "Бірлік", "Шұғыла",
                  "Айнабұлақ", "Мамыр", "Тастақ", "Сарыарқа", "Жастар", "Болашақ", "Восток", "Юбилейный")
# Second words of two-word brands: «Мейірім Әлемі», «Болашақ Жолы».
BRAND_TAILS = ("Әлемі", "Жолы", "Ордасы", "Мекені", "KZ", "Plus")
COOPERATIVE_NAMES = ("Береке", "Ырыс", "Бірлік", "Егінші", "Диқан", "Атамекен", "Құт", "Бастау", "Ақсу",
                     "Дала", "Жер-Ана", "Бақша", "Су-Бастау", "Көктем")
COMPANY_WORDS = ("Алтын", "Береке", "Ертіс", "Сарыарқа", "Атамекен", "Каспий", "Жетісу", "Темір", "Дала",
                 "Нұр", "Астық", "Ақ Жол", "Steppe", "Qazaq")
COMPANY_TAILS = ("Строй", "Энерго", "Сервис", "Агро", "Трейд", "Групп", "Логистик", "Минерал", "Инвест", "Медиа",
                 "Фарм", "Тех")


@dataclass
class OrgName:
    name_ru: str
    name_kk: str
    directions: tuple[str, ...]
    female_leaders: float
    slug: str  # the base of the organisation's e-mail domain
    core: str = ""  # the quoted brand, if any, that a variant of the name can extend


def _place(rng: random.Random, geo: RegionGeo, town: Town) -> tuple[str, str, str]:
    """(Russian genitive, Kazakh genitive, slug) of the region or of the town."""
    if geo.is_city or rng.random() < 0.6:
        return geo.ru_gen, geo.kk_gen, geo.gov_slug
    return f"города {town.ru_gen}", f"{town.kk} қаласының", slug(town.en)


def _wrap(form: str, core_ru: str, core_kk: str) -> tuple[str, str]:
    prefix, suffix = FORM_WORDS[form]
    return f"{prefix} «{core_ru}»", f"«{core_kk}» {suffix}"


def _brand(rng: random.Random, theme: Theme, town: Town) -> str:
    """A quoted Kazakh name, sometimes with the town ("Мейірім-Павлодар") or a second word."""
    word = rng.choice(theme.poetic)
    roll = rng.random()
    if roll < 0.2:
        return f"{word}-{town.kk}"
    if roll < 0.3:
        return f"{word} {rng.choice(BRAND_TAILS)}"
    return word


def ngo_name(rng: random.Random, form: str, geo: RegionGeo, town: Town) -> OrgName:
    """A name of an NGO of legal form `form` seated in `town`, with the directions it suggests."""
    if form == "association_of_legal_entities":
        group_ru, group_kk, directions = rng.choice(ASSOCIATION_GROUPS)
        place_ru, place_kk, place_slug = _place(rng, geo, town)
        kind_ru, kind_kk = rng.choice((ASSOC, UNION))
        if rng.random() < 0.4:
            word = rng.choice(ASSOCIATION_BRANDS)
            ru, kk = _wrap(form, f"{kind_ru} {group_ru} «{word}»", f"{word} {group_kk} {kind_kk}")
            return OrgName(ru, kk, directions, 0.3, f"{slug(word)}-{slug(group_kk, limit=14)}", word)
        ru, kk = _wrap(form, f"{kind_ru} {group_ru} {place_ru}", f"{place_kk} {group_kk} {kind_kk}")
        return OrgName(ru, kk, directions, 0.3, f"{slug(group_kk, limit=18)}-{place_slug}")
    if form == "noncommercial_jsc":
        kind_ru, kind_kk, directions = rng.choice(NJSC_KINDS)
        centre = geo.centre
        ru, kk = _wrap(form, f"{kind_ru} города {centre.ru_gen}", f"{centre.kk} {kind_kk}")
        return OrgName(ru, kk, directions, 0.4, f"{slug(centre.en)}-{slug(kind_kk, limit=14)}")
    if form == "foreign_npo_branch":
        raise ValueError("use foreign_branch_name")
    theme = THEMES[_choose(rng, THEME_WEIGHTS[form])]
    directions = theme.directions
    if theme.key == "ethnic":
        adjective, kk_group = rng.choice(ETHNIC_GROUPS)
        place_ru, place_kk, place_slug = _place(rng, geo, town)
        ru, kk = _wrap(form, f"{adjective} этнокультурный центр {place_ru}",
                       f"{place_kk} {kk_group} этномәдени орталығы")
        return OrgName(ru, kk, directions, theme.female_leaders, f"{slug(kk_group)}-{place_slug}")
    roll = rng.random()
    if roll < 0.05 and theme.latin:
        core = rng.choice(theme.latin)
        if rng.random() < 0.5:
            core = f"{core} {town.en}"
        ru, kk = _wrap(form, core, core)
        return OrgName(ru, kk, directions, theme.female_leaders, slug(core), core)
    if form == "corporate_fund" and roll < 0.15:
        ru, kk = _wrap(form, f"Фонд развития {town.ru_gen}", f"{town.kk} даму қоры")
        return OrgName(ru, kk, directions, theme.female_leaders, f"{slug(town.en)}-damu")
    if roll < 0.45 or form in ("private_fund", "corporate_fund"):
        word = _brand(rng, theme, town)
        ru, kk = _wrap(form, word, word)
        return OrgName(ru, kk, directions, theme.female_leaders, slug(word), word)
    if roll < 0.75 or form == "private_institution":
        centre_ru, centre_kk = rng.choice(theme.centres)
        word = _brand(rng, theme, town)
        ru, kk = _wrap(form, f"{centre_ru} «{word}»", f"{word} {centre_kk[0].lower()}{centre_kk[1:]}")
        return OrgName(ru, kk, directions, theme.female_leaders, f"{slug(word, limit=18)}-{slug(centre_kk, limit=10)}",
                       word)
    group_ru, group_kk = rng.choice(theme.groups)
    kind_ru, kind_kk = rng.choice(theme.kinds)
    place_ru, place_kk, place_slug = _place(rng, geo, town)
    ru, kk = _wrap(form, f"{kind_ru} {group_ru} {place_ru}", f"{place_kk} {group_kk} {kind_kk}")
    return OrgName(ru, kk, directions, theme.female_leaders, f"{slug(group_kk, limit=18)}-{place_slug}")


def name_variant(name: OrgName, suffix: str) -> OrgName:
    """The same name with its brand extended ("Мейірім" -> "Мейірім-2014"), to tell namesakes apart."""
    if not name.core:
        return name
    extended = f"{name.core}-{suffix}"
    return OrgName(name.name_ru.replace(name.core, extended, 1), name.name_kk.replace(name.core, extended, 1),
                   name.directions, name.female_leaders, slug(extended), extended)


def foreign_branch_name(rng: random.Random, town: Town, *, office: bool) -> OrgName:
    parent, directions = rng.choice(FOREIGN_PARENTS)
    form_ru, form_kk = rng.choice(FOREIGN_PARENT_FORMS)
    if office:
        ru = f"Представительство {form_ru} «{parent}» в Республике Казахстан"
        kk = f"«{parent}» {form_kk} Қазақстан Республикасындағы өкілдігі"
    else:
        ru = f"Филиал {form_ru} «{parent}» в городе {town.ru}"
        kk = f"«{parent}» {form_kk} {town.kk} қаласындағы филиалы"
    return OrgName(ru, kk, directions, 0.5, f"{slug(parent, limit=20)}-{'kz' if office else slug(town.en)}")


def non_ngo_name(rng: random.Random, form: str, geo: RegionGeo, town: Town) -> OrgName:
    """Names of NPOs that are not NGOs: religious associations, parties, unions, cooperatives."""
    if form == "religious_association":
        roll = rng.random()
        if roll < 0.7:
            mosque = rng.choice(MOSQUES)
            ru, kk = _wrap(form, f"Мечеть «{mosque}» города {town.ru_gen}", f"{town.kk} қаласының {mosque} мешіті")
            return OrgName(ru, kk, (), 0.0, f"{slug(mosque)}-{slug(town.en)}")
        # Christian and other communities register in Russian only.
        prefix = FORM_WORDS[form][0]
        if roll < 0.9:
            ru = f"{prefix} «Приход храма {rng.choice(ORTHODOX)} города {town.ru_gen}»"
            return OrgName(ru, "", (), 0.0, f"prihod-{slug(town.en)}")
        community = rng.choice(OTHER_FAITHS)
        ru = f"{prefix} «{community} города {town.ru_gen}»"
        return OrgName(ru, "", (), 0.1, f"{slug(community, limit=12)}-{slug(town.en)}")
    if form == "political_party":
        word = rng.choice(PARTIES)
        ru, kk = _wrap(form, word, word)
        return OrgName(ru, kk, ("civil_society",), 0.2, slug(word), word)
    if form == "trade_union":
        sectors = [s for s in TRADE_SECTORS if not s[2] or geo.kato in s[2]]
        sector_ru, sector_kk, _regions = rng.choice(sectors)
        place_ru, place_kk, place_slug = _place(rng, geo, town)
        ru = f"Профессиональный союз работников {sector_ru} {place_ru}"
        kk = f"{place_kk} {sector_kk} кәсіптік одағы"
        return OrgName(ru, kk, ("rights", "social_protection"), 0.45,
                       f"kasipodak-{slug(sector_kk, limit=10)}-{place_slug}")
    if form == "consumer_cooperative":
        word = rng.choice(COOPERATIVE_NAMES)
        roll = rng.random()
        if roll < 0.4:
            ru, kk = (f"Сельскохозяйственный потребительский кооператив «{word}»",
                      f"«{word}» ауыл шаруашылығы тұтыну кооперативі")
        elif roll < 0.6:
            ru, kk = (f"Потребительский кооператив водопользователей «{word}»",
                      f"«{word}» су пайдаланушылардың тұтыну кооперативі")
        else:
            ru, kk = _wrap(form, word, word)
        return OrgName(ru, kk, (), 0.3, f"{slug(word)}-{slug(town.en)}", word)
    if form == "apartment_owners_cooperative":
        core = f"{rng.choice(NEIGHBOURHOODS)}-{rng.randint(1, 40)}"
        ru, kk = _wrap(form, core, core)
        return OrgName(ru, kk, (), 0.5, f"ksk-{slug(core)}-{slug(town.en)}")
    raise ValueError(f"not a non-NGO form: {form}")


def company_name(rng: random.Random) -> tuple[str, str]:
    """(Russian, Kazakh) name of a commercial founder, a limited liability partnership or a JSC."""
    core = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_TAILS)}"
    if rng.random() < 0.8:
        return f"ТОО «{core}»", f"«{core}» ЖШС"
    return f"АО «{core}»", f"«{core}» АҚ"


def _choose(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]
