"""State grants through the single operator, from 2020 to the demo's today (issue 4 "Demo").

Calibration (reference/figures.csv, "grants"), at scale 1, for the grant programmes of 2020–2023:
- 417 grants worth 7,607.3 m KZT ("417 grants, 7.6 bn"): the ministry 295 grants / 6,683.8 m, akimats
  96 / 757.7 m, non-state funders 26 / 165.8 m (2021–2023 only); state support grows year by year
  from about 1.7 bn (2020) to 2.1 bn (2023);
- the share of applications in Kazakh grows from 16% (2020) to 26% (2023, and later years);
- 55.3% of applications are filed by organisations registered in Astana or Almaty;
- 7 agreements are terminated with a refund; the final reports reach about 11 million beneficiaries.
The definitions are those of the operator's annual report (`qogam.opendata.grants_report`): the year is
the programme's, an application is one filed and not withdrawn, a grant is an agreement past the draft,
the region is the applicant organisation's. Counts scale with --scale and keep the mean grant; the
ministry keeps a grant every year, akimats and non-state funders at least one over the period, so every
kind of funder has a call at any scale (`grant_targets`).

Later years (2024 to the demo's today) have smaller programmes still running, and five calls are live
on the demo's today: one announced, one open for applications (the demo NGO has a draft in it), one in
the compliance check, one in expert evaluation (the demo expert holds its last open assignments, so
the demo committee can decide once they are scored) and one decided days ago, with draft agreements to
sign (one of them the demo NGO's) and an appeal waiting for the committee.

How it is written:
- One call goes through the real service functions of `qogam.funding.services`, with the engine's
  clock set to the day of each step (`engine_clock`): programme → call → applications (one withdrawn)
  → compliance check (one rejected, appealed, readmitted) → experts (one recusal, reassigned) → scores
  → decision → appeal refused → agreement prepared and signed → tranches paid → site visit with a
  photo, a risk flag raised and cleared → interim report accepted → final report returned, corrected
  and accepted → completed → closed. It is the newest call whose 18-month agreement can have run its
  whole course by the demo's today, and the funded organisation is the demo NGO user's. Notices of
  these past steps are not queued (they would be e-mailed on the server's first start).
- Everything else is written in bulk with plain INSERTs (`qogam.core.sql.insert_rows`) and one audit
  entry per programme, call, application and agreement (`audit.record_many`): replaying six years of
  competitions through the services would make the demo slow to start. The bulk data keeps the
  engine's invariants: every status is one `rules.TRANSITIONS` reaches from the initial state and
  agrees with the dates; deadlines fall on the working-day calendar (`qogam.core.calendar`);
  receipts, content hashes and agreement numbers follow the services' formats; experts are assigned
  by `rules.assign` without conflicts of interest, totals come from `rules.aggregate`, ranks from
  `rules.rank` and the funded applications from `rules.allocate` within each lot's budget.
- Agreements count toward the organisations' sign of activeness through
  `qogam.reporting.services.funding_agreements_active`, as the services' own recomputation does.

Applications' bulk documents share three small generated files; only the service-driven call has
files of its own. Annual reports in the demo cover its last five closed years, so the compliance
checks of the earliest calls can only be checked against what the demo holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import struct
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import translation

from qogam.accounts.models import STAFF_ROLES, Representation, Role, User
from qogam.accounts.permissions import mark_otp_verified
from qogam.accounts.services import DEMO_DEVICE_NAME, totp_device_create
from qogam.core import audit, config
from qogam.core.calendar import ALMATY as TZ
from qogam.core.calendar import WorkingCalendar
from qogam.core.models import Direction, LegalForm, Region
from qogam.core.personal import iin_hash
from qogam.core.sql import insert_rows
from qogam.demo import geography
from qogam.demo.context import DemoContext, allocate, weighted_sample
from qogam.demo.names import birth_date, make_iin, person_name
from qogam.demo.users import DEMO_PASSWORD, DemoLogin
from qogam.funding import rules
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import (
    Agreement,
    Appeal,
    Application,
    ApplicationDocument,
    ApplicationVersion,
    Assignment,
    Call,
    ComplianceCheck,
    Criterion,
    Decision,
    Expert,
    ExpertRelation,
    Lot,
    MonitoringReport,
    Notice,
    Programme,
    ReportSchedule,
    RequiredDocument,
    RiskFlag,
    Score,
    SiteVisit,
    SiteVisitPhoto,
    Tranche,
)
from qogam.registry.models import Organisation
from qogam.reporting.rules import content_hash

S, C, G, A, P = (rules.ApplicationStatus, rules.CallStatus, rules.AgreementStatus, rules.AssignmentStatus,
                 rules.AppealStatus)
CAPITALS = (geography.ASTANA, geography.ALMATY)
FIRST_YEAR = 2020
CALIBRATED_YEARS = (2020, 2021, 2022, 2023)
STATE_SUPPORT = {2020: 1.70, 2021: 1.80, 2022: 1.84, 2023: 2.10}  # bn KZT a year, "1.7 -> 2.1"

# figures.csv "grants", 2020–2023: (grants, KZT, weights of the years, grants at least).
CALIBRATION = {
    "ministry": (295, 6_683_800_000, STATE_SUPPORT, len(CALIBRATED_YEARS)),
    "akimat": (96, 757_700_000, STATE_SUPPORT, 1),
    "non_state": (26, 165_800_000, {2021: 7, 2022: 9, 2023: 10}, 1),
}
LATER_GRANTS = {"ministry": 40, "akimat": 12, "non_state": 5}  # a year from 2024, smaller and still running
KK_SHARE = {2020: 0.16, 2021: 0.193, 2022: 0.227, 2023: 0.26}  # "16 -> 26 percent"; 26% later
CAPITAL_SHARE = 0.553
TERMINATIONS = 7
BENEFICIARIES = 11_000_000
EXPERTS, COMMITTEE = 90, 8  # pools at scale 1
LIFECYCLE_MONTHS = 18
KZT = Decimal(1000)

FUNDING_LOGINS = (
    DemoLogin("demo-committee", Role.COMMITTEE, None,
              "competition committee: decide the call the demo expert is scoring, answer the pending appeal"),
    DemoLogin("demo-applicant-1", Role.NGO, None, "an applicant whose result appeal the committee refused"),
    DemoLogin("demo-applicant-2", Role.NGO, None, "an applicant readmitted on appeal after the compliance check"),
)
POOL_PREFIXES = ("demo-expert-", "demo-committee-")

# --- Texts (public ones never name a person) --------------------------------------------------------------

# direction → topics: (title kk, title ru, indicator kk, indicator ru, beneficiaries kk, beneficiaries ru)
TOPICS = {
    "civil_society": (
        ("Ауылдық бастамашыл топтарды қолдау мектебі", "Школа поддержки сельских инициативных групп",
         "оқытылған белсенділер", "обученные активисты", "ауыл тұрғындары мен белсенділер",
         "сельские жители и активисты"),
        ("ҮЕҰ-ның институционалдық әлеуетін дамыту", "Развитие институционального потенциала НПО",
         "кеңес алған ұйымдар", "НПО, получившие консультации", "үкіметтік емес ұйымдар қызметкерлері",
         "сотрудники неправительственных организаций")),
    "culture": (
        ("Жас суретшілердің өңірлік көрмесі", "Региональная выставка молодых художников", "өткізілген көрмелер",
         "проведённые выставки", "жас суретшілер мен көрермендер", "молодые художники и зрители"),
        ("Ауылдық клубтарда театр студиялары", "Театральные студии в сельских клубах", "студияға қатысушылар",
         "участники студий", "ауыл балалары мен жасөспірімдер", "сельские дети и подростки")),
    "education": (
        ("Ауыл мектептерінде оқу сауаттылығы", "Читательская грамотность в сельских школах",
         "оқытылған мұғалімдер", "обученные учителя", "мұғалімдер мен оқушылар", "учителя и школьники"),
        ("Ересектерге арналған цифрлық сауаттылық курстары", "Курсы цифровой грамотности для взрослых",
         "курс бітірушілер", "выпускники курсов", "жұмыссыз ересектер", "безработные взрослые")),
    "environment": (
        ("Өзен жағалауын тазарту және көгалдандыру", "Очистка и озеленение берегов реки", "отырғызылған ағаштар",
         "высаженные деревья", "жергілікті тұрғындар мен еріктілер", "местные жители и волонтёры"),
        ("Қалдықтарды бөлек жинау бойынша ағарту", "Просвещение по раздельному сбору отходов",
         "қамтылған үй шаруашылықтары", "охваченные домохозяйства", "көп пәтерлі үйлердің тұрғындары",
         "жители многоквартирных домов")),
    "family_gender": (
        ("Жас отбасыларға психологиялық қолдау", "Психологическая поддержка молодых семей", "кеңес алған отбасылар",
         "семьи, получившие консультации", "жас отбасылар", "молодые семьи"),
        ("Әйелдердің экономикалық дербестігі мектебі", "Школа экономической самостоятельности женщин",
         "бизнес бастаған әйелдер", "женщины, начавшие бизнес", "ауыл әйелдері", "сельские женщины")),
    "health": (
        ("Салауатты өмір салты бойынша жастар клубтары", "Молодёжные клубы здорового образа жизни",
         "клуб мүшелері", "участники клубов", "студенттер мен жасөспірімдер", "студенты и подростки"),
        ("Қант диабетімен ауыратындарға көмек", "Помощь людям с сахарным диабетом", "оқытылған науқастар",
         "обученные пациенты", "науқастар және олардың отбасылары", "пациенты и их семьи")),
    "heritage": (
        ("Жергілікті тарихи ескерткіштерді цифрландыру", "Оцифровка местных памятников истории",
         "цифрландырылған нысандар", "оцифрованные объекты", "оқушылар мен туристер", "школьники и туристы"),
        ("Ауыл тарихы: ауызша тарих жинағы", "История села: сборник устной истории", "жазылған естеліктер",
         "записанные воспоминания", "ауыл тұрғындары", "сельские жители")),
    "national_unity": (
        ("Этномәдени бірлестіктердің жастар форумы", "Молодёжный форум этнокультурных объединений",
         "форумға қатысушылар", "участники форума", "түрлі этнос жастары", "молодёжь разных этносов"),
        ("Мемлекеттік тілді үйрену клубтары", "Клубы изучения государственного языка", "тілді үйренушілер",
         "изучающие язык", "ересек тұрғындар", "взрослые жители")),
    "probation": (
        ("Пробация есебіндегі адамдарды әлеуметтік бейімдеу", "Социальная адаптация лиц на учёте пробации",
         "жұмысқа орналасқандар", "трудоустроенные", "пробация есебіндегі адамдар", "лица на учёте пробации"),
        ("Бас бостандығынан айырылған әйелдерге құқықтық көмек", "Правовая помощь освободившимся женщинам",
         "заң кеңесін алғандар", "получившие консультацию юриста", "босатылған әйелдер",
         "освободившиеся женщины")),
    "public_monitoring": (
        ("Мемлекеттік қызметтер сапасын қоғамдық мониторингтеу",
         "Общественный мониторинг качества государственных услуг", "тексерілген қызмет көрсету орындары",
         "проверенные точки оказания услуг", "қызмет алушылар", "получатели услуг"),
        ("Мектептегі тамақтану сапасын бақылау", "Контроль качества школьного питания", "мониторингтелген мектептер",
         "школы, прошедшие мониторинг", "оқушылар мен ата-аналар", "школьники и родители")),
    "rights": (
        ("Тұрмыстық зорлық-зомбылықтан зардап шеккендерге заң көмегі",
         "Юридическая помощь пострадавшим от бытового насилия", "заң көмегін алғандар",
         "получившие юридическую помощь", "зардап шеккен әйелдер мен балалар", "пострадавшие женщины и дети"),
        ("Мүгедектігі бар адамдардың құқықтарын қорғау", "Защита прав людей с инвалидностью", "шешілген өтініштер",
         "решённые обращения", "мүгедектігі бар адамдар", "люди с инвалидностью")),
    "science": (
        ("Мектеп оқушыларына арналған ғылыми лагерь", "Научный лагерь для школьников",
         "жобаларын қорғаған оқушылар", "школьники, защитившие проекты", "жоғары сынып оқушылары",
         "старшеклассники"),
        ("Жас ғалымдардың ғылыми-көпшілік дәрістері", "Научно-популярные лекции молодых учёных",
         "өткізілген дәрістер", "проведённые лекции", "студенттер мен тұрғындар", "студенты и жители")),
    "social_protection": (
        ("Жалғызбасты қарттарға үйде күтім көрсету", "Уход на дому за одинокими пожилыми людьми",
         "күтім алған қарттар", "пожилые люди, получившие уход", "жалғызбасты қарттар", "одинокие пожилые люди"),
        ("Ерекше қажеттіліктері бар балаларды оңалту", "Реабилитация детей с особыми потребностями",
         "оңалту курсынан өткен балалар", "дети, прошедшие реабилитацию", "ерекше қажеттіліктері бар балалар",
         "дети с особыми потребностями")),
    "sport": (
        ("Ауыл балаларына арналған футбол секциялары", "Футбольные секции для сельских детей",
         "тұрақты шұғылданатын балалар", "регулярно занимающиеся дети", "ауыл балалары", "сельские дети"),
        ("Ересектерге арналған жаппай спорт", "Массовый спорт для взрослых", "жарыс қатысушылары",
         "участники соревнований", "ересек тұрғындар", "взрослые жители")),
    "volunteering": (
        ("Мектеп еріктілері қозғалысы", "Движение школьных волонтёров", "белсенді еріктілер", "активные волонтёры",
         "оқушылар мен қарттар", "школьники и пожилые люди"),
        ("Төтенше жағдайларда еріктілерді даярлау", "Подготовка волонтёров к чрезвычайным ситуациям",
         "даярланған еріктілер", "подготовленные волонтёры", "еріктілер мен тұрғындар", "волонтёры и жители")),
    "youth": (
        ("Жастардың кәсіпкерлік инкубаторы", "Молодёжный инкубатор предпринимательства",
         "іске қосылған жастар жобалары", "запущенные молодёжные проекты", "18–29 жастағы жастар",
         "молодёжь 18–29 лет"),
        ("NEET-жастарды кәсіби бағдарлау", "Профориентация молодёжи категории NEET",
         "оқуға немесе жұмысқа орналасқандар", "поступившие на учёбу или работу", "NEET санатындағы жастар",
         "молодёжь категории NEET")),
}
GENERIC_TOPIC = TOPICS["civil_society"][0]

# The ministry's lots by direction (its committee on civil society funds them all but youth and family).
MINISTRY_DIRECTIONS = {"civil_society": 14, "education": 10, "social_protection": 10, "national_unity": 8,
                       "culture": 7, "health": 7, "rights": 6, "volunteering": 6, "environment": 6,
                       "public_monitoring": 5, "heritage": 4, "sport": 4, "science": 3, "probation": 2}
YOUTH_FAMILY_DIRECTIONS = {"youth": 6, "family_gender": 4, "volunteering": 1}
AKIMAT_DIRECTIONS = {"social_protection": 8, "youth": 7, "education": 6, "culture": 5, "health": 5,
                     "sport": 5, "environment": 4, "national_unity": 4, "volunteering": 3, "family_gender": 3}
# Non-state funders: (Russian name, Kazakh short name, registered, first year, directions).
NON_STATE_FUNDERS = (
    ("Корпоративный фонд «Береке Даму»", "«Береке Даму» корпоративтік қоры", dt.date(2012, 5, 14), 2021,
     {"education": 3, "youth": 3, "social_protection": 2}),
    ("Корпоративный фонд «Ертіс Болашақ»", "«Ертіс Болашақ» корпоративтік қоры", dt.date(2016, 9, 5), 2022,
     {"environment": 3, "culture": 2, "heritage": 2}),
)

BUDGET_ITEMS = {
    "kk": ("Еңбекақы", "Іс-шараларды өткізу", "Ақпараттық сүйемелдеу", "Материалдар мен жабдықтар",
           "Көлік және іссапар шығыстары", "Әкімшілік шығыстар"),
    "ru": ("Оплата труда", "Проведение мероприятий", "Информационное сопровождение", "Материалы и оборудование",
           "Транспортные и командировочные расходы", "Административные расходы"),
}
ACTIVITIES = {
    "kk": ("Дайындық және серіктестерді іріктеу", "Негізгі іс-шаралар", "Ақпараттық науқан",
           "Нәтижелерді бағалау және есеп"),
    "ru": ("Подготовка и отбор партнёров", "Основные мероприятия", "Информационная кампания",
           "Оценка результатов и отчёт"),
}
# criterion → band (high, middle, low) → (kk, ru)
JUSTIFICATIONS = {
    "relevance": (
        ("Жоба өңір үшін өзекті, мақсатты топтың қажеттіліктері нақты дәлелденген.",
         "Проект актуален для региона, потребности целевой группы убедительно обоснованы."),
        ("Өзектілігі көрсетілген, бірақ мәселенің ауқымы статистикамен жеткілікті дәлелденбеген.",
         "Актуальность показана, но масштаб проблемы недостаточно подкреплён статистикой."),
        ("Әлеуметтік маңызы әлсіз негізделген, мақсатты топ анық сипатталмаған.",
         "Социальная значимость обоснована слабо, целевая группа описана нечётко.")),
    "innovation": (
        ("Ұсынылған тәсіл жаңа, өңірде бұрын қолданылмаған әдістемеге сүйенеді.",
         "Предложенный подход нов и опирается на методику, ранее не применявшуюся в регионе."),
        ("Жобада жаңашыл элементтер бар, бірақ негізінен белгілі тәжірибені қайталайды.",
         "В проекте есть новые элементы, но в основном он повторяет известную практику."),
        ("Жоба дәстүрлі іс-шаралардан тұрады, бірегейлігі байқалмайды.",
         "Проект состоит из традиционных мероприятий, уникальность не прослеживается.")),
    "feasibility": (
        ("Жұмыс жоспары шынайы, команданың тәжірибесі мен серіктестері жеткілікті.",
         "План работ реалистичен, у команды достаточно опыта и партнёров."),
        ("Жоспар жалпы орындалатын, бірақ кейбір мерзімдер тым тығыз.",
         "План в целом выполним, но некоторые сроки слишком сжаты."),
        ("Іс-шаралар мен мерзімдер сәйкес келмейді, тәуекелдер ескерілмеген.",
         "Мероприятия и сроки не согласованы, риски не учтены.")),
    "cost": (
        ("Смета толық негізделген, шығындар нарықтық бағаларға сәйкес.",
         "Смета полностью обоснована, расходы соответствуют рыночным ценам."),
        ("Шығындардың басым бөлігі негізделген, әкімшілік шығыстар сәл жоғары.",
         "Большая часть расходов обоснована, административные расходы несколько завышены."),
        ("Сметада негізсіз шығыстар бар, бағалар дәлелденбеген.",
         "В смете есть необоснованные расходы, цены не подтверждены.")),
}
CHECKLIST_ITEMS = ("form", "documents", "budget", "plan", "duration")  # the operator's page (views.operator)
CHECKLIST_FAILURES = {
    "documents": ("Жоба сметасының файлы оқылмайды.", "Файл сметы проекта не читается."),
    "budget": ("Сметадағы жолдар сұралған сомаға сәйкес келмейді.",
               "Строки сметы не соответствуют запрашиваемой сумме."),
    "form": ("Өтінім нысанының бөлімдері толтырылмаған.", "Не заполнены разделы формы заявки."),
    "duration": ("Іс-шаралар жоспары лоттың мерзімінен асып кетеді.", "План мероприятий выходит за срок лота."),
}
APPEAL_GROUNDS = {
    "compliance": ("Барлық құжаттар уақтылы жүктелген, файл қайта тексеруге жіберілді.",
                   "Все документы загружены своевременно, файл направлен на повторную проверку."),
    "result": ("Сарапшылардың бағалары жобаның мазмұнына сәйкес келмейді деп санаймыз.",
               "Считаем, что оценки экспертов не соответствуют содержанию проекта."),
}
APPEAL_OUTCOMES = {
    P.GRANTED: "Апелляция қанағаттандырылды: құжаттар толық ұсынылған, өтінім сараптамаға жіберіледі. / "
               "Апелляция удовлетворена: документы представлены полностью, заявка направлена на экспертизу.",
    P.UPHELD: "Апелляция қаралды: сараптамалық бағалар критерийлерге сәйкес қойылған, шешім өзгеріссіз қалады. / "
              "Апелляция рассмотрена: оценки выставлены в соответствии с критериями, решение оставлено в силе.",
}
TERMINATION_REASONS = (
    "Грант алушы шарт бойынша міндеттемелерді орындамады. / Грантополучатель не исполнил обязательства по договору.",
    "Шарт ұйымның өтініші бойынша бұзылды. / Договор расторгнут по заявлению организации.",
    "Мониторинг барысында мақсатсыз шығыстар анықталды. / В ходе мониторинга выявлены нецелевые расходы.",
)
VISIT_FINDINGS = (
    "Іс-шаралар жоспар бойынша өтуде, қатысушылар тізімі мен фотоесеп тексерілді. / "
    "Мероприятия проходят по плану, проверены списки участников и фотоотчёт.",
    "Сатып алынған жабдық орнатылған және пайдаланылуда. / Закупленное оборудование установлено и используется.",
    "Кейбір іс-шаралар кешіктірілген; кестені жаңарту ұсынылды. / "
    "Часть мероприятий отстаёт от графика; рекомендовано обновить план.",
)
RETURN_NOTES = ("Шығыстарды растайтын құжаттарды қосыңыз. / Приложите документы, подтверждающие расходы.",
                "Индикаторлардың нақты мәндерін көрсетіңіз. / Укажите фактические значения индикаторов.")


# --- Calibration ------------------------------------------------------------------------------------------


def later_years(today: dt.date) -> list[int]:
    """The years after the calibrated ones up to today's (today's only once the first half is over)."""
    last = today.year if today >= dt.date(today.year, 7, 1) else today.year - 1
    return list(range(CALIBRATED_YEARS[-1] + 1, last + 1))


def _scaled(volume: float, scale: float, minimum: int) -> int:
    return max(minimum, round(volume * scale))


def grant_targets(scale: float, years_after: Sequence[int] = ()) -> dict[tuple[int, str], tuple[int, int]]:
    """(programme year, funder kind) → (grants, KZT) the demo funds at `scale`.

    For 2020–2023 the published figures, scaled: counts by largest remainder over the years, weighted by
    the yearly state support, with the mean grant of each kind kept (so scale 1 gives the published totals
    exactly). `years_after` get the smaller volumes of the years still running.
    """
    targets: dict[tuple[int, str], tuple[int, int]] = {}
    for kind, (grants, amount, weights, minimum) in CALIBRATION.items():
        count = _scaled(grants, scale, minimum)
        total = round(amount * count / grants / 1000) * 1000
        by_year = allocate(count, weights, minimum=1 if kind == "ministry" else 0)
        left = total
        years = [y for y in weights if by_year[y]]
        for year in years:
            share = left if year == years[-1] else round(total * by_year[year] / count / 1000) * 1000
            targets[(year, kind)] = (by_year[year], share)
            left -= share
    for year in years_after:
        for kind, volume in LATER_GRANTS.items():
            count = _scaled(volume, scale, 1 if kind == "ministry" else 0)
            if count:
                grants, amount, _weights, _minimum = CALIBRATION[kind]
                targets[(year, kind)] = (count, round(amount * count / grants / 1000) * 1000)
    return targets


def _amounts(rng: random.Random, n: int, total: int, *, sigma: float, floor: int) -> list[Decimal]:
    """`n` grant amounts in whole thousands of tenge, lognormally spread, adding up to `total` exactly."""
    if n <= 0:
        return []
    floor = min(floor, total // n // 1000 * 1000)
    weights = [math.exp(rng.gauss(0, sigma)) for _ in range(n)]
    spare = total - floor * n
    amounts = [floor + int(spare * w / sum(weights) / 1000) * 1000 for w in weights]
    amounts[max(range(n), key=lambda i: amounts[i])] += total - sum(amounts)
    return [Decimal(a) for a in amounts]


# --- The working-day calendar -----------------------------------------------------------------------------


class Days:
    """Working-day arithmetic on the calendar of `qogam.core.calendar` (holidays included)."""

    def __init__(self, calendar: WorkingCalendar):
        self.cal = calendar

    def add(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(day, n)

    def back(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day -= dt.timedelta(days=1)
            if self.cal.is_working_day(day):
                n -= 1
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.cal.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.cal.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day


def _at(rng: random.Random, day: dt.date, first: int = 9, last: int = 18) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(first, last - 1), rng.randint(0, 59),
                       rng.randint(0, 59), tzinfo=TZ)


@dataclass
class Timeline:
    """A call's dates, each deadline on the working-day calendar as the services compute it."""

    opens_on: dt.date
    closes_on: dt.date
    compliance_due_on: dt.date
    evaluation_start: dt.date
    evaluation_due_on: dt.date
    decided_on: dt.date

    @classmethod
    def closing(cls, days: Days, closes_on: dt.date, *, window: int = 25, decide_after: int = 3) -> Timeline:
        closes_on = days.on_or_after(closes_on)
        opens_on = closes_on - dt.timedelta(days=window)
        for shift in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5):
            candidate = closes_on - dt.timedelta(days=window + shift)
            if days.cal.is_working_day(candidate) and 20 <= window + shift <= 30:
                opens_on = candidate
                break
        compliance = days.add(closes_on, config.get("funding.compliance_working_days"))
        start = days.add(compliance, 1)
        due = days.add(start, config.get("funding.evaluation_working_days"))
        return cls(opens_on, closes_on, compliance, start, due, days.add(due, decide_after))

    @classmethod
    def opening(cls, days: Days, opens_on: dt.date, **kwargs) -> Timeline:
        return cls.closing(days, opens_on + dt.timedelta(days=kwargs.pop("window", 25)), **kwargs)

    def stage(self, today: dt.date) -> str:
        if today < self.opens_on:
            return C.PUBLISHED
        if today <= self.closes_on:
            return C.OPEN
        if today < self.evaluation_start:
            return C.COMPLIANCE
        if today < self.decided_on:
            return C.EVALUATION
        return C.DECIDED


# --- The engine's clock, for the service-driven call -----------------------------------------------------


class Clock:
    today: dt.date

    def __init__(self, today: dt.date):
        self.today = today
        self.minute = 0

    def set(self, day: dt.date) -> None:
        if day != self.today:
            self.minute = 0
        self.today = day

    def now(self) -> dt.datetime:
        """Office hours of the clock's day; each reading a minute later, so steps keep their order."""
        self.minute += 1
        return dt.datetime.combine(self.today, dt.time(10, 0), tzinfo=TZ) + dt.timedelta(minutes=self.minute)


@contextmanager
def engine_clock(today: dt.date) -> Iterator[Clock]:
    """Run the services of `qogam.funding.services` on the demo's past days: their "today" and "now"
    read this clock, and the notices of those past steps are not queued. Restored on exit."""
    from qogam.funding import services

    clock = Clock(today)
    saved = services.almaty_today, services._now, services._notify
    services.almaty_today = lambda: clock.today
    services._now = clock.now
    services._notify = lambda *args, **kwargs: None
    try:
        yield clock
    finally:
        services.almaty_today, services._now, services._notify = saved


# --- Generated files --------------------------------------------------------------------------------------


def pdf_bytes(lines: Sequence[str]) -> bytes:
    """A one-page PDF with `lines` of ASCII text (a stand-in for an applicant's document)."""
    text = "BT /F1 12 Tf 56 780 Td 16 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(width: int = 48, height: int = 32, colour: tuple[int, int, int] = (96, 140, 90)) -> bytes:
    """A small plain PNG photo."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(colour) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


DOCUMENT_TEXT = {
    "project": ("Qogam demo", "Project description", "Goals, activities, timeline and expected results."),
    "budget": ("Qogam demo", "Project budget", "Budget lines and their justification."),
    "letters": ("Qogam demo", "Letters of support", "Letters from partner organisations."),
}


def document_bytes(code: str) -> bytes:
    return pdf_bytes(DOCUMENT_TEXT.get(code, ("Qogam demo", code)))


# --- The plan ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Org:
    id: int
    bin: str
    region: str
    registered_on: dt.date
    directions: frozenset
    filed: frozenset
    active: bool

    @property
    def capital(self) -> bool:
        return self.region in CAPITALS


@dataclass(eq=False)
class Funder:
    kind: str
    key: str
    body: object = None  # StateBody
    name: str = ""
    bin: str = ""
    short_kk: str = ""
    short_ru: str = ""
    directions: dict = field(default_factory=dict)
    region: str | None = None


@dataclass(eq=False)
class LotPlan:
    number: int
    direction: str
    region: str | None
    winners: list[Decimal]
    title: str = ""
    rationale: str = ""
    region_bound: bool = False  # an akimat's lot: applicants of its own region
    id: int | None = None

    @property
    def budget(self) -> Decimal:
        return sum(self.winners, Decimal(0))


@dataclass(eq=False)
class AppPlan:
    lot: LotPlan
    role: str  # admitted | rejected | withdrawn | draft
    language: str = "ru"
    capital: bool = False
    org: Org | None = None
    months: int = 12
    requested: Decimal = Decimal(0)
    beneficiaries: int = 0
    winner_amount: Decimal | None = None
    direction_mismatch: bool = False  # an automatic compliance failure
    appeal: str = ""  # "" | compliance | result
    demo_expert: str = ""  # "" | assigned | declared: the demo expert's open assignment
    id: int | None = None
    # filled by the Builder
    status: str = ""
    title: str = ""
    region: str = ""
    quality: float = 0.0
    created_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
    content: dict = field(default_factory=dict)
    check: dict | None = None  # the compliance check's row, without the application
    appeal_status: str = ""
    appeal_filed_at: dt.datetime | None = None
    appeal_decided_at: dt.datetime | None = None
    reviews: list = field(default_factory=list)
    total: Decimal | None = None
    disagreement: list = field(default_factory=list)
    rank: int | None = None
    awarded: Decimal | None = None
    documents: list = field(default_factory=list)  # codes of the required documents uploaded


@dataclass(eq=False)
class CallPlan:
    funder: Funder
    year: int
    timeline: Timeline
    lots: list[LotPlan]
    part: int = 1
    live: str = ""  # "" for history; the live call's role on the demo's today
    apps: list[AppPlan] = field(default_factory=list)
    decision: dict | None = None
    committee: list = field(default_factory=list)
    code: str = ""
    id: int | None = None
    programme_id: int | None = None


@dataclass
class Pools:
    """Who can apply: registered NGOs by direction and region, with the years they filed reports."""

    orgs: list[Org]
    by_direction: dict
    by_direction_region: dict
    by_direction_capital: dict
    report_years: frozenset

    def candidates(self, direction: str, *, region: str | None = None, capital: bool | None = None) -> list[Org]:
        if region is not None:
            return self.by_direction_region.get((direction, region), [])
        if capital is not None:
            return self.by_direction_capital.get((direction, capital), [])
        return self.by_direction.get(direction, [])


def _pools(ctx: DemoContext) -> Pools:
    organisations = ctx.objects.get("organisations") or list(Organisation.objects.order_by("id"))
    ngo_forms = set(LegalForm.objects.filter(is_ngo=True).exclude(code="foreign_npo_branch")
                    .values_list("code", flat=True))
    directions: dict[int, set] = defaultdict(set)
    for org_id, code in Organisation.directions.through.objects.values_list("organisation_id", "direction_id"):
        directions[org_id].add(code)
    from qogam.reporting.models import AnnualReport

    filed: dict[int, set] = defaultdict(set)
    for org_id, year in AnnualReport.objects.filter(latest__isnull=False).values_list("organisation_id", "year"):
        filed[org_id].add(year)
    intent = ctx.objects.get("activity_intent") or {}
    orgs = [
        Org(o.pk, o.bin, o.region_id, o.registered_on, frozenset(directions[o.pk]), frozenset(filed[o.pk]),
            bool(intent.get(o.pk, True)))
        for o in sorted(organisations, key=lambda o: o.pk)
        if o.legal_form_id in ngo_forms and o.status == Organisation.Status.REGISTERED
    ]
    by_direction, by_region, by_capital = defaultdict(list), defaultdict(list), defaultdict(list)
    for org in orgs:
        for code in sorted(org.directions):
            by_direction[code].append(org)
            by_region[(code, org.region)].append(org)
            by_capital[(code, org.capital)].append(org)
    years = frozenset(y for org in orgs for y in org.filed)
    return Pools(orgs, dict(by_direction), dict(by_region), dict(by_capital), years)


class Planner:
    """Builds every bulk call of the demo, without touching the database."""

    def __init__(self, ctx: DemoContext, pools: Pools, days: Days, bodies: dict, directions: dict):
        self.ctx = ctx
        self.rng = ctx.rng("funding")
        self.pools = pools
        self.days = days
        self.bodies = bodies
        self.direction_names = directions  # code → (kk, ru)
        self.regions = {r.kato: r for r in Region.objects.all()}
        self.funders: dict[str, Funder] = {}
        self.reserved_amounts: dict[tuple[int, str], list[Decimal]] = {}

    # Funders -----------------------------------------------------------------------------------------

    def funder(self, key: str) -> Funder:
        if key in self.funders:
            return self.funders[key]
        if key.startswith("akimat:"):
            kato = key.split(":", 1)[1]
            body = self.bodies[key]
            funder = Funder("akimat", key, body, body.name_ru, body.bin, body.name_kk, body.name_ru,
                            AKIMAT_DIRECTIONS, kato)
        elif key.startswith("non_state:"):
            name_ru, name_kk, registered, _first, wanted = NON_STATE_FUNDERS[int(key.split(":", 1)[1])]
            funder = Funder("non_state", key, None, name_ru, self.ctx.bins.new(registered), name_kk, name_ru,
                            wanted)
        else:
            body = self.bodies.get(key) or self.bodies.get("mci")
            wanted = YOUTH_FAMILY_DIRECTIONS if key.endswith("youth_family") else MINISTRY_DIRECTIONS
            funder = Funder("ministry", key, body, body.name_ru, body.bin, body.name_kk, body.name_ru, wanted)
        self.funders[key] = funder
        return funder

    # Lots --------------------------------------------------------------------------------------------

    def direction(self, wanted: dict, need: int, *, region: str | None = None, capital: bool | None = None) -> str:
        """A direction of `wanted` with at least `need` applicants available, or the best there is."""
        def available(code):
            return len(self.pools.candidates(code, region=region, capital=capital))

        viable = {code: w for code, w in wanted.items() if available(code) >= need}
        if viable:
            codes = sorted(viable)
            return self.rng.choices(codes, weights=[viable[c] for c in codes])[0]
        return max(sorted(TOPICS), key=lambda code: (available(code), code in wanted))

    def lot_texts(self, lot: LotPlan) -> None:
        kk, ru = self.direction_names[lot.direction]
        if lot.region:
            geo = geography.REGIONS[lot.region]
            place_kk, place_ru = f"{geo.kk_gen} аумағында", f"на территории {geo.ru_gen}"
            lot.title = f"{kk}: {self.regions[lot.region].name_kk}"
        else:
            place_kk, place_ru = "республика бойынша", "по всей республике"
            lot.title = f"{kk}: республикалық жобалар"
        lot.rationale = (
            f"Лот {place_kk} «{kk}» бағытындағы қажеттіліктерді талдау негізінде қалыптастырылды: мақсатты "
            f"топтарды қамту төмен, үкіметтік емес ұйымдардың қатысуы жеткіліксіз.\n\n"
            f"Лот сформирован по итогам анализа потребностей по направлению «{ru}» {place_ru}: охват целевых "
            f"групп низкий, участие неправительственных организаций недостаточно.")

    def lots(self, funder: Funder, amounts: list[Decimal], sizes: tuple) -> list[LotPlan]:
        amounts = list(amounts)
        lots = []
        while amounts:
            k = min(len(amounts), self.rng.choice(sizes))
            winners, amounts = amounts[:k], amounts[k:]
            need = 3 * k
            if funder.kind == "akimat":
                region = funder.region
                direction = self.direction(funder.directions, need, region=region)
            else:
                region = None
                if funder.kind == "ministry" and self.rng.random() < 0.4:
                    region = self.rng.choices(sorted(geography.NGOS_BY_REGION),
                                              weights=[geography.NGOS_BY_REGION[k] for k in
                                                       sorted(geography.NGOS_BY_REGION)])[0]
                direction = self.direction(funder.directions, need)
            lot = LotPlan(len(lots) + 1, direction, region, winners, region_bound=funder.kind == "akimat")
            self.lot_texts(lot)
            lots.append(lot)
        return lots

    # Calls -------------------------------------------------------------------------------------------

    def opening_day(self, year: int, earliest: tuple[int, int], latest: tuple[int, int]) -> dt.date:
        first, last = dt.date(year, *earliest), dt.date(year, *latest)
        cap = self.ctx.today - dt.timedelta(days=110)
        last = min(last, cap)
        if last < first:
            first = last - dt.timedelta(days=20)
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def history(self, targets: dict, reserved: dict) -> list[CallPlan]:
        """The decided calls of every programme year, from the grant targets (less the `reserved` grants
        that the service-driven call funds)."""
        calls: list[CallPlan] = []
        for (year, kind), (count, total) in sorted(targets.items()):
            sigma, floor = {"ministry": (0.55, 3_000_000), "akimat": (0.45, 1_500_000),
                            "non_state": (0.35, 1_500_000)}[kind]
            amounts = _amounts(self.rng, count, total, sigma=sigma, floor=floor)
            for _ in range(reserved.get((year, kind), 0)):
                self.reserved_amounts.setdefault((year, kind), []).append(amounts.pop(0))
            if not amounts:
                continue
            if kind == "ministry":
                calls.extend(self._ministry(year, amounts))
            elif kind == "akimat":
                calls.extend(self._akimats(year, amounts))
            else:
                calls.extend(self._non_state(year, amounts))
        return calls

    def _ministry(self, year: int, amounts: list[Decimal]) -> list[CallPlan]:
        n = max(1, round(len(amounts) / 25))
        youth = max(0, round(len(amounts) * 0.12)) if n >= 3 else 0
        groups = [("mci.youth_family", amounts[:youth])] if youth else []
        rest = amounts[youth:]
        per = -(-len(rest) // (n - (1 if youth else 0)))
        groups += [("mci.civil_society", rest[i:i + per]) for i in range(0, len(rest), per)]
        calls = []
        months = [(2, 1), (4, 1), (6, 1), (8, 1), (9, 15)]
        for i, (key, chunk) in enumerate(groups):
            funder = self.funder(key)
            earliest = months[min(i, len(months) - 1)]
            opens = self.opening_day(year, earliest, (earliest[0] + 1, 20))
            part = sum(1 for c in calls if c.funder is funder) + 1
            calls.append(CallPlan(funder, year, Timeline.opening(self.days, opens, decide_after=self.rng.randint(1, 5)),
                                  self.lots(funder, chunk, (1, 2, 2, 3, 3, 4, 5)), part=part))
        return calls

    def _akimats(self, year: int, amounts: list[Decimal]) -> list[CallPlan]:
        n = max(1, min(len(amounts), round(len(amounts) / 4)))
        weights = {k: v for k, v in geography.NGOS_BY_REGION.items() if f"akimat:{k}" in self.bodies}
        regions = weighted_sample(sorted(weights), n, lambda k: weights[k], self.rng)
        counts = allocate(len(amounts), {k: weights[k] for k in regions}, minimum=1)
        calls, start = [], 0
        for kato in regions:
            chunk, start = amounts[start:start + counts[kato]], start + counts[kato]
            if not chunk:
                continue
            funder = self.funder(f"akimat:{kato}")
            opens = self.opening_day(year, (3, 1), (8, 20))
            calls.append(CallPlan(funder, year, Timeline.opening(self.days, opens, decide_after=self.rng.randint(1, 5)),
                                  self.lots(funder, chunk, (1, 1, 2, 3))))
        return calls

    def _non_state(self, year: int, amounts: list[Decimal]) -> list[CallPlan]:
        keys = [f"non_state:{i}" for i, f in enumerate(NON_STATE_FUNDERS) if f[3] <= year]
        counts = allocate(len(amounts), {k: 1.0 for k in keys})
        calls, start = [], 0
        for key in keys:
            chunk, start = amounts[start:start + counts[key]], start + counts[key]
            if not chunk:
                continue
            funder = self.funder(key)
            opens = self.opening_day(year, (4, 1), (9, 1))
            calls.append(CallPlan(funder, year, Timeline.opening(self.days, opens, decide_after=self.rng.randint(1, 5)),
                                  self.lots(funder, chunk, (1, 2, 3))))
        return calls

    def live(self, demo_org: Org | None) -> list[CallPlan]:
        """The calls live on the demo's today: announced, open, in the compliance check, in evaluation, and
        decided days ago. Sized like a small call at any scale."""
        today, days, rng = self.ctx.today, self.days, self.rng
        size = self.ctx.scaled(6, minimum=2)

        def amounts(n: int, kind: str = "ministry") -> list[Decimal]:
            grants, total, _w, _m = CALIBRATION[kind]
            return _amounts(rng, n, total // grants * n // 1000 * 1000, sigma=0.4, floor=1_500_000)

        plans = []
        specs = (
            ("published", "mci.civil_society", Timeline.opening(days, days.add(today, 8))),
            ("open", "mci.civil_society", Timeline.opening(days, days.back(today, 6))),
            ("compliance", f"akimat:{geography.ALMATY}", Timeline.closing(days, days.back(today, 4))),
            ("evaluation", "mci.youth_family", Timeline.closing(days, days.back(today, 17))),
            ("decided", "mci.civil_society", None),
        )
        for live, key, timeline in specs:
            funder = self.funder(key)
            if timeline is None:  # decided two working days ago
                decided = days.back(today, 2)
                timeline = Timeline.closing(days, days.back(decided, 30), decide_after=1)
                timeline.decided_on = decided
                timeline.evaluation_due_on = days.back(decided, 1)
            kind = funder.kind
            winners = amounts(size if live != "published" else 2, kind)
            need = 4
            wanted = dict(funder.directions)
            if demo_org is not None and live in ("open", "decided"):
                mine = sorted(demo_org.directions)
                wanted = {code: 1 for code in mine} or wanted
            lots = []
            chunks = [winners[i:i + 2] for i in range(0, len(winners), 2)]
            for i, chunk in enumerate(chunks):
                region = funder.region
                direction = self.direction(wanted if i == 0 else funder.directions, need, region=region)
                lot = LotPlan(i + 1, direction, region, chunk, region_bound=funder.kind == "akimat")
                self.lot_texts(lot)
                lots.append(lot)
            plans.append(CallPlan(funder, timeline.opens_on.year, timeline, lots, live=live))
        for plan in plans:
            same = [p for p in plans if p.funder is plan.funder and p.year == plan.year]
            plan.part = same.index(plan) + 1
        return plans

    # Applications ------------------------------------------------------------------------------------

    def applications(self, call: CallPlan) -> None:
        rng = self.rng
        stage = call.timeline.stage(self.ctx.today)
        for lot in call.lots:
            k = len(lot.winners)
            if call.live == "published":
                continue
            admitted = k + max(1, round(k * rng.uniform(0.9, 1.9)))
            rejected = round((admitted) * rng.uniform(0.08, 0.22))
            withdrawn = 1 if rng.random() < 0.08 else 0
            drafts = 0
            if stage == C.OPEN:
                drafts = max(1, round(admitted * 0.4))
            apps = ([AppPlan(lot, "admitted") for _ in range(admitted)] + [AppPlan(lot, "rejected") for _ in range(rejected)]
                    + [AppPlan(lot, "withdrawn") for _ in range(withdrawn)] + [AppPlan(lot, "draft") for _ in range(drafts)])
            rng.shuffle(apps)
            for app in apps:
                app.months = self.months(call.funder.kind)
                if app.role == "rejected" and rng.random() < 0.35:
                    app.direction_mismatch = True
            call.apps.extend(apps)

    def months(self, kind: str) -> int:
        choices = {"ministry": ((12, 18, 24, 36), (35, 15, 30, 20)), "akimat": ((12, 24), (80, 20)),
                   "non_state": ((12, 18), (70, 30))}[kind]
        return self.rng.choices(choices[0], weights=choices[1])[0]


def counted(app: AppPlan) -> bool:
    """An application in the operator's figures: filed and not withdrawn."""
    return app.role not in ("withdrawn", "draft")


def assign_shares(rng: random.Random, apps: list[AppPlan], year: int, *, fixed_kk: int = 0, fixed_capital: int = 0,
                  fixed: int = 0) -> None:
    """Exact shares of Kazakh-language and Astana + Almaty applications among a year's counted ones.

    Akimat lots take applicants of their own region; the other applications make up the capitals' share.
    `fixed*`: applications of the year written elsewhere (the service-driven call), counted in the shares.
    """
    filed = [a for a in apps if counted(a)]
    n = len(filed) + fixed
    share = KK_SHARE.get(year, KK_SHARE[CALIBRATED_YEARS[-1]])
    kk = max(0, min(len(filed), round(n * share) - fixed_kk))
    order = list(range(len(filed)))
    rng.shuffle(order)
    for i, index in enumerate(order):
        filed[index].language = "kk" if i < kk else "ru"
    bound = [a for a in filed if a.org is not None or a.lot.region_bound]
    free = [a for a in filed if not (a.org is not None or a.lot.region_bound)]
    for app in bound:
        app.capital = app.org.capital if app.org is not None else app.lot.region in CAPITALS
    wanted = round(n * CAPITAL_SHARE) - fixed_capital - sum(a.capital for a in bound)
    wanted = max(0, min(len(free), wanted))
    rng.shuffle(free)
    for i, app in enumerate(free):
        app.capital = i < wanted
    for app in apps:
        if not counted(app):
            app.language = rng.choice(("kk", "ru"))
            app.capital = rng.random() < CAPITAL_SHARE


def last_closed_report_year(day: dt.date, days: Days) -> int:
    """The year whose annual report must be filed on `day` (as the services' automatic check reads it)."""
    from qogam.reporting.rules import due_date

    month, last = config.get("reporting.due_month"), config.get("reporting.due_day")
    year = day.year - 1
    if day <= due_date(year, month=month, day=last, is_working=days.cal.is_working_day):
        year -= 1
    return year


@dataclass(eq=False)
class ExpertPlan:
    id: int
    user_id: int
    directions: frozenset
    declared_bins: frozenset
    load: int = 0


@dataclass
class People:
    operator: User
    committee: User
    committee_pool: list[User]
    experts: list[ExpertPlan]
    demo_expert: ExpertPlan | None
    applicants: list[User]
    ngo: User | None
    ngo_org: Organisation | None = None


def flag(agreement: dict, code: str, note: str, raised_at: dt.datetime) -> None:
    """Raise a risk flag unless one with the same code is still open (as `services._raise_flag`)."""
    if not any(f["code"] == code and f["cleared_at"] is None for f in agreement["flags"]):
        agreement["flags"].append({"code": code, "note": note, "raised_at": raised_at, "cleared_at": None})


class Builder:
    """Turns the planned calls into rows: applicants, content, compliance, experts, scores, results,
    agreements and their monitoring, all dated on the working-day calendar up to the demo's today."""

    def __init__(self, ctx: DemoContext, pools: Pools, days: Days, people: People, direction_names: dict):
        self.ctx = ctx
        self.today = ctx.today
        self.rng = ctx.rng("funding-applications")
        self.pools = pools
        self.days = days
        self.people = people
        self.direction_names = direction_names
        self.regions = {r.kato: r for r in Region.objects.all()}
        spec = mechanism("grant")
        self.criteria = spec.criteria
        self.weights = {c.code: c.weight for c in spec.criteria}
        self.per_application = config.get("funding.experts_per_application")
        self.threshold = Decimal(str(config.get("funding.disagreement_threshold")))

    # Applicants ------------------------------------------------------------------------------------------

    def required_years(self, call: CallPlan) -> set[int]:
        t = call.timeline
        years = {last_closed_report_year(t.closes_on + dt.timedelta(days=1), self.days),
                 last_closed_report_year(t.compliance_due_on, self.days)}
        return years & self.pools.report_years

    def eligible(self, org: Org, call: CallPlan, app: AppPlan, years: set[int]) -> bool:
        if org.registered_on > call.timeline.opens_on - dt.timedelta(days=30):
            return False
        if app.role == "admitted":
            return all(y in org.filed for y in years if org.registered_on.year <= y)
        return True

    def pick(self, candidates: list[Org], call: CallPlan, app: AppPlan, years: set[int], used: set) -> Org | None:
        rng = self.rng
        for _attempt in range(60):
            if not candidates:
                break
            org = candidates[rng.randrange(len(candidates))]
            if org.id in used or (not org.active and rng.random() > 0.3):
                continue
            if self.eligible(org, call, app, years):
                return org
        fit = [o for o in candidates if o.id not in used and self.eligible(o, call, app, years)]
        return rng.choice(fit) if fit else None

    def choose_orgs(self, call: CallPlan) -> None:
        years = self.required_years(call)
        used_in_lot: dict[int, set] = defaultdict(set)
        for app in call.apps:
            lot, used = app.lot, used_in_lot[app.lot.number]
            if app.org is not None:
                used.add(app.org.id)
                continue
            org = None
            if app.direction_mismatch:
                pool = [o for o in self.pools.orgs if lot.direction not in o.directions and
                        (o.region == lot.region if lot.region_bound else o.capital == app.capital)]
                org = self.pick(pool, call, app, years, used)
            if org is None:
                app.direction_mismatch = False
                if lot.region_bound:
                    org = self.pick(self.pools.candidates(lot.direction, region=lot.region), call, app, years, used) \
                        or self.pick(self.pools.candidates(lot.direction), call, app, years, used)
                else:
                    local = ([o for o in self.pools.candidates(lot.direction, region=lot.region)]
                             if lot.region and lot.region not in CAPITALS and not app.capital else [])
                    org = (self.pick(local, call, app, years, used) if local and self.rng.random() < 0.7 else None) \
                        or self.pick(self.pools.candidates(lot.direction, capital=app.capital), call, app, years, used) \
                        or self.pick(self.pools.candidates(lot.direction), call, app, years, used)
            if org is None:  # nobody fit: an organisation outside the direction, rejected automatically
                app.role, app.direction_mismatch = "rejected", True
                pool = [o for o in self.pools.orgs if lot.direction not in o.directions]
                org = self.pick(pool, call, app, years, used) or self.pick(self.pools.orgs, call, app, years, used)
            app.org = org
            app.capital = org.capital
            used.add(org.id)

    # Content ---------------------------------------------------------------------------------------------

    def amounts(self, call: CallPlan) -> None:
        """Requested amounts: the planned grants for the winners-to-be, near the lot's mean for the rest."""
        rng = self.rng
        for lot in call.lots:
            mean = lot.budget / len(lot.winners)
            for app in (a for a in call.apps if a.lot is lot):
                amount = Decimal(int(mean * Decimal(rng.uniform(0.55, 1.25)) / KZT) * KZT)
                app.requested = max(Decimal(500_000), min(amount, lot.budget))

    def content(self, call: CallPlan, app: AppPlan, *, partial: bool = False) -> dict:
        rng = self.rng
        kk = app.language == "kk"
        topics = TOPICS.get(app.lot.direction, (GENERIC_TOPIC,))
        topic = topics[rng.randrange(len(topics))]
        title, indicator, who = (topic[0], topic[2], topic[4]) if kk else (topic[1], topic[3], topic[5])
        region = app.lot.region or (app.org.region if rng.random() < 0.9 else rng.choice(sorted(geography.REGIONS)))
        geo = geography.REGIONS[region]
        if kk:
            summary = (f"{title}. Жоба {geo.kk_gen} аумағында жүзеге асырылады, мақсатты топ: {who}. Жобаның мақсаты — "
                       f"жергілікті қоғамдастықты өзекті әлеуметтік мәселені шешуге тарту.")
            goals = [f"Көрсеткішті арттыру: {indicator}", "Жергілікті серіктестермен тұрақты байланыс орнату"]
            result = f"Мақсатты топ қамтылды: {who}"
        else:
            summary = (f"{title}. Проект реализуется на территории {geo.ru_gen}, целевая группа: {who}. Цель проекта — "
                       f"вовлечь местное сообщество в решение актуальной социальной проблемы.")
            goals = [f"Увеличить показатель: {indicator}", "Выстроить устойчивое партнёрство с местными организациями"]
            result = f"Охвачена целевая группа: {who}"
        months = app.months
        names = ACTIVITIES[app.language]
        bounds = sorted(rng.sample(range(2, months), min(2, months - 2))) if months > 3 else []
        edges = [1, *bounds, months]
        activities = [{"name": names[i], "start_month": edges[i] if i == 0 else edges[i] + 1, "end_month": edges[i + 1]}
                      for i in range(len(edges) - 1)] + [{"name": names[-1], "start_month": months, "end_month": months}]
        items = rng.sample(BUDGET_ITEMS[app.language], rng.randint(3, 5))
        lines, left = [], int(app.requested)
        for i, item in enumerate(items):
            amount = left if i == len(items) - 1 else int(left * rng.uniform(0.2, 0.45)) // 1000 * 1000
            lines.append({"item": item, "amount": amount})
            left -= amount
        target = max(10, app.beneficiaries // rng.randint(20, 120))
        raw = {
            "summary": summary, "goals": goals, "activities": activities, "months": months, "budget_lines": lines,
            "requested_amount": int(app.requested), "results": [{"result": result, "indicator": indicator,
                                                                  "target": target}],
            "beneficiaries": app.beneficiaries, "beneficiaries_text": who, "region": region,
            "direction": app.lot.direction,
        }
        if partial:
            raw = {k: v for k, v in raw.items() if k in ("summary", "goals", "region", "direction", "months",
                                                          "budget_lines", "requested_amount")}
        content, errors = rules.normalise_application(raw)
        if errors:  # pragma: no cover - the generator's own content
            raise ValueError(f"generated application content is invalid: {errors}")
        app.title = f"{title} ({self.regions[region].name_kk if kk else self.regions[region].name_ru})"
        app.region = region
        return content

    # Experts and scores ------------------------------------------------------------------------------

    def staff(self, call: CallPlan, apps: list[AppPlan]) -> dict:
        """Experts for the admitted applications (`rules.assign`, conflicts excluded), with a few recusals
        reassigned (`rules.reassign`). Returns application → [(expert, recused)]."""
        experts = self.people.experts
        facts = [rules.ExpertFacts(e.id, e.directions, e.load) for e in experts]
        conflicts = {(e.id, a) for a in apps for e in experts if a.org.bin in e.declared_bins}
        plan = rules.assign([rules.ApplicationFacts(a, a.lot.direction) for a in apps], facts,
                            per_application=self.per_application, conflicts=conflicts)
        if plan.unstaffed:  # pragma: no cover - the pool is sized for the demo
            raise RuntimeError("the demo's expert pool cannot staff a call")
        by_id = {e.id: e for e in experts}
        staffed = {}
        for app in apps:
            chosen = [(by_id[i], False) for i in plan.assignments[app]]
            if self.rng.random() < 0.03 and call.live != "evaluation":
                facts = [rules.ExpertFacts(e.id, e.directions, e.load) for e in experts]
                extra = rules.reassign(rules.ApplicationFacts(app, app.lot.direction), facts,
                                       assigned={e.id for e, _r in chosen[1:]}, recused={e.id for e, _r in chosen},
                                       per_application=self.per_application, conflicts=conflicts)
                chosen = [(chosen[0][0], True), *chosen[1:], *((by_id[i], False) for i in extra)]
            for expert, recused in chosen:
                if not recused:
                    expert.load += 1
            staffed[app] = chosen
        demo = self.people.demo_expert
        if call.live == "evaluation" and demo is not None:
            for app, state in zip(apps, ("assigned", "declared"), strict=False):
                if app.org.bin in demo.declared_bins or any(e is demo for e, _r in staffed[app]):
                    continue
                staffed[app][-1] = (demo, False)
                app.demo_expert = state
        return staffed

    def scores(self, app: AppPlan, experts: list[ExpertPlan]) -> dict:
        rng = self.rng
        quality = app.quality
        result = {}
        for expert in experts:
            bias = rng.gauss(0, 0.5)
            result[expert] = {c.code: Decimal(max(0, min(10, round(quality + bias + rng.gauss(0, 0.8)))))
                              for c in self.criteria}
        return result

    def justification(self, code: str, value: Decimal, language: str) -> str:
        band = 0 if value >= 8 else 1 if value >= 5 else 2
        kk, ru = JUSTIFICATIONS.get(code, JUSTIFICATIONS["relevance"])[band]
        return kk if language == "kk" else ru

    # The course of a call up to the demo's today ------------------------------------------------------

    def submission_day(self, t: Timeline) -> dt.date:
        last = min(t.closes_on, self.today - dt.timedelta(days=1))
        span = max(0, (last - t.opens_on).days)
        return t.opens_on + dt.timedelta(days=round(span * self.rng.betavariate(2.2, 1.0)))

    def course(self, call: CallPlan) -> None:
        rng, t = self.rng, call.timeline
        stage = t.stage(self.today)
        for app in call.apps:
            app.quality = app.quality or rng.uniform(4.0, 9.3)
            day = self.submission_day(t)
            app.submitted_at = None if app.role == "draft" else _at(rng, day, 8, 23)
            app.created_at = _at(rng, max(t.opens_on, day - dt.timedelta(days=rng.randint(0, 12))), 8, 12)
            if app.submitted_at and app.created_at > app.submitted_at:
                app.created_at = app.submitted_at - dt.timedelta(hours=2)
            app.documents = ["project", "budget"] + (["letters"] if rng.random() < 0.3 else [])
            if app.role == "draft":
                app.status = S.DRAFT
                app.documents = app.documents[:rng.randint(0, 2)]
            elif app.role == "withdrawn":
                app.status = S.WITHDRAWN
                end = min(t.closes_on, self.today - dt.timedelta(days=1))
                app.withdrawn_at = _at(rng, min(end, app.submitted_at.date() + dt.timedelta(days=rng.randint(1, 6))))
                app.withdrawn_at = max(app.withdrawn_at, app.submitted_at + dt.timedelta(hours=1))
            else:
                app.status = S.SUBMITTED
        if stage in (C.PUBLISHED, C.OPEN):
            return
        for app in call.apps:
            if app.status == S.SUBMITTED:
                self.compliance(call, app)
        if stage == C.COMPLIANCE:
            return
        admitted = sorted((a for a in call.apps if a.status == S.ADMITTED), key=lambda a: (a.submitted_at, id(a)))
        staffed = self.staff(call, admitted) if admitted else {}
        for app in admitted:
            self.evaluate(call, app, staffed[app])
        if stage == C.EVALUATION:
            return
        self.decide(call)

    def compliance(self, call: CallPlan, app: AppPlan) -> None:
        rng, days, t = self.rng, self.days, call.timeline
        lang = 0 if app.language == "kk" else 1
        late = days.add(t.closes_on, rng.randint(1, config.get("funding.compliance_working_days")))
        checked_on = days.add(t.closes_on, rng.randint(1, 2)) if app.role == "rejected" else late
        check = {"due_on": t.compliance_due_on, "automatic": [], "checklist": {}, "outcome": "", "reasons": "",
                 "checked_by_id": None, "checked_at": None}
        app.check = check
        if app.direction_mismatch:
            with translation.override(app.language):
                check["automatic"] = [{"code": r.code, "message": str(r.message)} for r in rules.automatic_compliance(
                    direction=app.lot.direction, charter_directions=app.org.directions, is_ngo=True,
                    status="registered", registered_year=app.org.registered_on.year, report_years_filed=app.org.filed,
                    last_closed_year=None)]
        if checked_on > self.today:
            return
        checklist = {item: {"ok": True, "reason": ""} for item in CHECKLIST_ITEMS}
        reasons = ""
        if app.role == "rejected":
            if app.direction_mismatch:
                checklist["plan"] = {"ok": False, "reason": ("Жоба лоттың бағытына сәйкес келмейді.",
                                                             "Проект не соответствует направлению лота.")[lang]}
            else:
                item = rng.choice(sorted(CHECKLIST_FAILURES))
                checklist[item] = {"ok": False, "reason": CHECKLIST_FAILURES[item][lang]}
            reasons = "\n".join([a["message"] for a in check["automatic"]]
                                + [v["reason"] for v in checklist.values() if not v["ok"]])
        check.update(checklist=checklist, reasons=reasons, checked_by_id=self.people.operator.pk,
                     outcome="admitted" if app.role == "admitted" else "rejected", checked_at=_at(rng, checked_on, 10, 17))
        app.status = S.ADMITTED if app.role == "admitted" else S.REJECTED
        if app.status == S.REJECTED and t.stage(self.today) != C.COMPLIANCE and not app.direction_mismatch:
            roll = rng.random()
            if roll < 0.15:  # appealed in time and decided before the evaluation starts
                filed = days.add(checked_on, 1)
                decided = days.add(filed, 2)
                if decided < t.evaluation_start:
                    granted = roll < 0.10
                    app.appeal, app.appeal_status = "compliance", P.GRANTED if granted else P.UPHELD
                    app.appeal_filed_at, app.appeal_decided_at = _at(rng, filed), _at(rng, decided, 10, 17)
                    app.status = S.ADMITTED if granted else S.UPHELD

    def evaluate(self, call: CallPlan, app: AppPlan, staffed: list) -> None:
        rng, days, t = self.rng, self.days, call.timeline
        live = call.live == "evaluation"
        start = _at(rng, t.evaluation_start, 9, 11)
        experts = [e for e, recused in staffed if not recused]
        given = self.scores(app, experts)
        app.reviews = []
        for expert, recused in staffed:
            review = {"expert": expert, "assigned_at": start, "due_on": t.evaluation_due_on, "status": A.ASSIGNED,
                      "declared_at": None, "scored_at": None, "recusal_reason": "", "scores": {}, "declaration": ""}
            if recused:
                review.update(status=A.RECUSED, recusal_reason=("Өтініш берушімен бұрын бірге жұмыс істедім.",
                                                                "Ранее работал(а) вместе с заявителем.")[
                    app.language != "kk"])
                app.reviews.append(review)
                start = _at(rng, days.add(t.evaluation_start, 1), 9, 12)  # the replacement's assignment
                continue
            declared = days.add(t.evaluation_start, rng.randint(0, 3))
            scored = min(days.add(declared, rng.randint(1, 8)), t.evaluation_due_on)
            if live:
                scored = min(scored, days.back(self.today, 1))
                declared = min(declared, scored)
                if expert is self.people.demo_expert and app.demo_expert:
                    scored = None
                    declared = days.back(self.today, 1) if app.demo_expert == "declared" else None
            if declared and declared <= self.today:
                review.update(status=A.DECLARED, declared_at=_at(rng, declared, 9, 12), declaration=(
                    "Өтініш берушімен мүдделер қақтығысы жоқ екенін мәлімдеймін.",
                    "Заявляю об отсутствии конфликта интересов с заявителем.")[app.language != "kk"])
            if scored and scored <= self.today and review["declared_at"]:
                review.update(status=A.SCORED, scored_at=_at(rng, scored, 13, 19), scores={
                    code: (value, self.justification(code, value, app.language))
                    for code, value in given[expert].items()})
            app.reviews.append(review)
        done = [r for r in app.reviews if r["status"] != A.RECUSED]
        if all(r["status"] == A.SCORED for r in done):
            scores = {r["expert"]: {c: v for c, (v, _j) in r["scores"].items()} for r in done}
            app.total = rules.aggregate(scores, self.weights)
            app.disagreement = rules.disagreement(scores, 0, 10, self.threshold)
            app.status = S.SCORED

    def decide(self, call: CallPlan) -> None:
        rng, days, t = self.rng, self.days, call.timeline
        scored = [a for a in call.apps if a.status == S.SCORED]
        ranking = rules.rank(rules.Ranked(a, a.lot.number, a.total, a.submitted_at) for a in scored)
        for lot in call.lots:
            ordered = ranking.get(lot.number, [])
            # The planned grants go down the ranking (fewer only if fewer were admitted).
            lot.winners = sorted(lot.winners, reverse=True)[:len(ordered)]
            winners = [item.id for item in ordered[:len(lot.winners)]]
            for app, amount in zip(winners, lot.winners, strict=True):
                app.requested = amount
            for item in ordered:
                item.id.requested = min(item.id.requested, lot.budget)
            funded = rules.allocate([rules.Ranked(i.id, lot.number, i.total, i.submitted_at, i.id.requested)
                                     for i in ordered], lot.budget, skip_to_fit=bool(config.get("funding.skip_to_fit")),
                                    partial=bool(config.get("funding.partial_funding")))
            if [f.id for f in funded] != winners:  # pragma: no cover - the generator's own invariant
                raise RuntimeError(f"lot {lot.number}: the allocation does not fund the top of the ranking")
            for position, item in enumerate(ordered, start=1):
                app = item.id
                app.rank = position
                if app in winners:
                    app.status, app.awarded = S.FUNDED, app.requested
                else:
                    app.status = S.NOT_FUNDED
        call.decision = {"decided_on": t.decided_on, "recorded_at": _at(rng, t.decided_on, 15, 17)}
        losers = [a for a in call.apps if a.status == S.NOT_FUNDED]
        appealing = [a for a in losers if rng.random() < 0.05]
        if call.live == "decided" and losers and not appealing:
            appealing = [losers[-1]]
        for app in appealing:
            filed = days.add(t.decided_on, 1 if call.live else rng.randint(1, 4))
            if filed > self.today:
                continue
            app.appeal, app.appeal_filed_at = "result", _at(rng, filed, 9, 18)
            decided = days.add(filed, rng.randint(2, 6))
            if call.live or decided > self.today:
                app.appeal_status, app.status = P.FILED, S.APPEALED
            else:
                app.appeal_status, app.status = P.UPHELD, S.UPHELD
                app.appeal_decided_at = _at(rng, decided, 10, 17)

    # Agreements and monitoring -------------------------------------------------------------------------

    def agreements(self, call: CallPlan) -> list[dict]:
        """A draft agreement for each funded application (numbered as `call_decide` numbers them), signed
        by both sides some working days after the decision."""
        rng, days = self.rng, self.days
        decided = call.timeline.decided_on
        result = []
        for lot in call.lots:
            for app in sorted((a for a in call.apps if a.lot is lot and a.status == S.FUNDED), key=lambda a: a.rank):
                start, end = rules.agreement_period(decided, app.months)
                by_operator, by_ngo = days.add(decided, rng.randint(2, 6)), days.add(decided, rng.randint(1, 8))
                if call.live:  # decided days ago: one agreement signed at once, the others still to sign
                    first = not any(a["operator_on"] for a in result)
                    by_operator, by_ngo = days.add(decided, 1), days.add(decided, 2)
                    if app.org.id == getattr(self.people.ngo_org, "pk", None):
                        by_operator = by_ngo = None
                    elif not first:
                        by_operator = None
                result.append({
                    "call": call, "app": app, "index": len(result) + 1, "amount": app.awarded, "start_on": start,
                    "end_on": end, "operator_on": by_operator if by_operator and by_operator <= self.today else None,
                    "ngo_on": by_ngo if by_ngo and by_ngo <= self.today else None,
                    "created_at": call.decision["recorded_at"],
                    "terminated_on": None, "termination_reason": "", "refund": None, "closed_on": None,
                    "status": G.DRAFT, "tranches": [], "schedule": [], "visits": [], "flags": [], "overspend": False,
                    "low": False,
                })
        return result

    def report_content(self, app: AppPlan, *, final: bool, agreement: dict) -> tuple[dict, list]:
        rng = self.rng
        lines: dict[str, Decimal] = defaultdict(Decimal)
        for row in app.content["budget_lines"]:
            lines[row["item"]] += Decimal(row["amount"])
        share = (0.4, 0.6) if final else (0.35, 0.55)
        spending = {item: str(int(amount * Decimal(rng.uniform(*share))) // 1000 * 1000) for item, amount in lines.items()}
        if final and agreement["overspend"]:
            item = sorted(lines)[0]
            spending[item] = str(int(lines[item] * Decimal("1.3")) // 1000 * 1000)
        factor = rng.uniform(0.3, 0.45) if final and agreement["low"] else rng.uniform(0.88, 1.15) if final \
            else rng.uniform(0.4, 0.6)
        indicators = [{"indicator": row["indicator"], "target": int(row["target"]),
                       "achieved": max(0, round(int(row["target"]) * factor))} for row in app.content["results"]]
        beneficiaries = max(1, round(app.beneficiaries * (rng.uniform(0.9, 1.1) if final else rng.uniform(0.4, 0.6))))
        if app.language == "kk":
            narrative = ("Жоба толық аяқталды, барлық іс-шаралар өткізілді." if final else
                         "Іс-шаралар жоспар бойынша өткізілуде, аралық нәтижелерге қол жеткізілді.")
        else:
            narrative = ("Проект завершён, все мероприятия проведены." if final else
                         "Мероприятия проводятся по плану, промежуточные результаты достигнуты.")
        content = {"indicators": indicators, "beneficiaries": beneficiaries, "spending": spending,
                   "narrative": narrative}
        with translation.override(app.language):
            warnings = [{"code": w.code, "message": str(w.message)} for w in rules.spending_problems(
                dict(lines), {k: Decimal(v) for k, v in spending.items()},
                Decimal(config.get("funding.spending_tolerance_percent")))]
        return content, warnings

    def monitor(self, agreement: dict) -> None:
        """The agreement's course up to today: signature, activation, tranches, reports and their reviews,
        risk flags, site visits, and completion or termination, then closure."""
        rng, days, today = self.rng, self.days, self.today
        app = agreement["app"]
        start, end = agreement["start_on"], agreement["end_on"]
        tranches = rules.default_schedule(agreement["amount"], start, app.months)
        agreement["tranches"] = [{"number": i + 1, "due_on": d, "amount": a, "paid_on": None}
                                 for i, (d, a) in enumerate(tranches)]
        agreement["schedule"] = [{"kind": kind, "period_start": a, "period_end": b, "due_on": days.add(b, 10),
                                  "reports": []}
                                 for kind, a, b in rules.report_periods(start, end)]
        if not (agreement["operator_on"] and agreement["ngo_on"]):
            return
        signed_on = max(agreement["operator_on"], agreement["ngo_on"])
        agreement["status"] = G.SIGNED
        active_on = max(signed_on, start)
        if active_on > today:
            return
        agreement["status"] = G.ACTIVE
        stop = agreement["terminated_on"]
        for tranche in agreement["tranches"]:
            paid = days.on_or_after(max(tranche["due_on"], active_on))
            if paid <= today and (stop is None or paid <= stop):
                tranche["paid_on"] = paid
        final_accepted = None
        for due in agreement["schedule"]:
            final = due["kind"] == ReportSchedule.Kind.FINAL
            if stop is not None and due["due_on"] >= stop:
                break
            late = rng.random() < 0.1
            submitted = days.add(due["due_on"], rng.randint(1, 12)) if late else max(
                days.on_or_after(due["period_end"] + dt.timedelta(days=1)), days.back(due["due_on"], rng.randint(0, 5)))
            late = submitted > due["due_on"]
            if late and due["due_on"] < today:
                raised = _at(rng, due["due_on"] + dt.timedelta(days=1), 6, 7)
                with translation.override(app.language):
                    note = str(rules.risk_flags(today=today, report_due_on=due["due_on"], report_submitted_on=None,
                                                overspent=False, is_final=False)[0].message)
                flag(agreement, "late_report", note, raised)
            if submitted > today:
                break
            content, warnings = self.report_content(app, final=final, agreement=agreement)
            version = {"number": 1, "status": MonitoringReport.Status.SUBMITTED, "content": content,
                       "warnings": warnings, "submitted_at": _at(rng, submitted, 9, 20), "reviewed_at": None,
                       "review_note": ""}
            due["reports"].append(version)
            if any(w["code"] in ("line_overspent", "total_overspent") for w in warnings):
                with translation.override(app.language):
                    note = str(rules.risk_flags(today=today, report_due_on=None, report_submitted_on=None,
                                                overspent=True, is_final=False)[0].message)
                flag(agreement, "overspent", note, version["submitted_at"])
            reviewed = days.add(submitted, rng.randint(2, 10))
            if rng.random() < 0.07:
                if reviewed > today:
                    continue
                version.update(status=MonitoringReport.Status.RETURNED, reviewed_at=_at(rng, reviewed, 10, 17),
                               review_note=rng.choice(RETURN_NOTES))
                again = days.add(reviewed, rng.randint(1, 5))
                if again > today:
                    continue
                content, warnings = self.report_content(app, final=final, agreement=agreement)
                version = {"number": 2, "status": MonitoringReport.Status.SUBMITTED, "content": content,
                           "warnings": warnings, "submitted_at": _at(rng, again, 9, 20), "reviewed_at": None,
                           "review_note": ""}
                due["reports"].append(version)
                reviewed = days.add(again, rng.randint(2, 6))
            if reviewed > today:
                continue
            version.update(status=MonitoringReport.Status.ACCEPTED, reviewed_at=_at(rng, reviewed, 10, 17))
            for raised in agreement["flags"]:
                if raised["code"] == "late_report" and raised["cleared_at"] is None:
                    raised["cleared_at"] = version["reviewed_at"]
            if final:
                final_accepted = reviewed
                achieved = rules.indicator_achievement([(i["target"], i["achieved"]) for i in content["indicators"]])
                if achieved is not None and achieved < Decimal(str(config.get("funding.low_achievement"))):
                    with translation.override(app.language):
                        note = str(rules.risk_flags(today=reviewed, report_due_on=None, report_submitted_on=None,
                                                    overspent=False, is_final=True, indicators=[
                                                        (i["target"], i["achieved"]) for i in content["indicators"]])[0]
                                   .message)
                    flag(agreement, "low_achievement", note, version["reviewed_at"])
        last_day = min(today, stop or end)
        if rng.random() < 0.08 and last_day > start:
            visited = days.on_or_before(start + dt.timedelta(days=rng.randint(30, max(31, (last_day - start).days))))
            if start <= visited <= today:
                agreement["visits"].append({"visited_on": visited, "findings": rng.choice(VISIT_FINDINGS),
                                            "recorded_at": _at(rng, days.add(visited, 1), 10, 17)})
        if stop is not None:  # the refund is recorded; the operator's report counts it among the terminated
            agreement["status"] = G.TERMINATED
            return
        if final_accepted is not None:
            completed = days.add(final_accepted, rng.randint(0, 3))
            if completed <= today:
                agreement["status"] = G.COMPLETED
                closed = days.add(completed, rng.randint(5, 25))
                if closed <= today:
                    agreement["status"], agreement["closed_on"] = G.CLOSED, closed

    def terminate(self, agreements: list[dict], n: int) -> None:
        """Terminate `n` running agreements of the calibrated years, with a refund of part of what was paid."""
        rng, days = self.rng, self.days
        running = [a for a in agreements if a["call"].year in CALIBRATED_YEARS and a["operator_on"] and a["ngo_on"]
                   and a["start_on"] + dt.timedelta(days=150) < self.today]
        longer = [a for a in running if a["app"].months >= 18]
        chosen = weighted_sample(running, n, lambda a: 3.0 if a in longer else 1.0, rng)
        for agreement in chosen:
            start, end = agreement["start_on"], agreement["end_on"]
            last = min(end - dt.timedelta(days=30), self.today - dt.timedelta(days=20))
            first = max(start, agreement["operator_on"], agreement["ngo_on"]) + dt.timedelta(days=60)
            day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
            agreement["terminated_on"] = days.on_or_before(min(max(day, first), self.today))
            agreement["termination_reason"] = rng.choice(TERMINATION_REASONS)

    def refund(self, agreement: dict) -> None:
        paid = sum((t["amount"] for t in agreement["tranches"] if t["paid_on"]), Decimal(0))
        agreement["refund"] = Decimal(int(paid * Decimal(self.rng.uniform(0.1, 0.6)) / KZT) * KZT)
        if rules.refund_problem(agreement["refund"], paid):  # pragma: no cover - the generator's own invariant
            raise RuntimeError("generated refund is not acceptable")


# --- The one call that goes through the services ---------------------------------------------------------


@dataclass
class LifecyclePlan:
    timeline: Timeline
    direction: str
    orgs: dict  # A (funded), B (not funded, appeals the result), C (rejected, readmitted on appeal)
    reps: dict  # the representatives of A, B (also D, withdrawn) and C
    languages: dict
    amount: Decimal = Decimal(0)

    @property
    def year(self) -> int:
        return self.timeline.opens_on.year

    def filed(self) -> list[tuple[str, Org]]:
        """The applications the operator's figures count: all but the withdrawn one."""
        return [(self.languages[key], self.orgs[key]) for key in ("A", "B", "C")]


def lifecycle_timeline(today: dt.date, days: Days) -> Timeline:
    """The newest call whose 18-month agreement ends more than five weeks before `today`, so that its
    final report, completion and closure all fall before it."""
    end = (today - dt.timedelta(days=40)).replace(day=1) - dt.timedelta(days=1)
    start = rules.add_months(end + dt.timedelta(days=1), -LIFECYCLE_MONTHS)
    decided = days.back(start, 6)
    steps = (config.get("funding.compliance_working_days") + 1 + config.get("funding.evaluation_working_days") + 3)
    return Timeline.closing(days, days.back(decided, steps), decide_after=3)


def plan_lifecycle(ctx: DemoContext, pools: Pools, days: Days, people: People, builder: Builder) -> LifecyclePlan | None:
    timeline = lifecycle_timeline(ctx.today, days)
    probe = CallPlan(Funder("ministry", "lifecycle"), timeline.opens_on.year, timeline, [])
    years = builder.required_years(probe)
    admitted = AppPlan(LotPlan(1, "", None, []), "admitted")

    def fit(org: Org | None, direction: str) -> bool:
        return (org is not None and direction in org.directions
                and builder.eligible(org, probe, admitted, years))

    demo = next((o for o in pools.orgs if people.ngo_org is not None and o.id == people.ngo_org.pk), None)
    directions = sorted(demo.directions) if demo is not None else sorted(TOPICS)
    rng = ctx.rng("funding-lifecycle")
    for direction in sorted(directions, key=lambda d: -len(pools.candidates(d))):
        others = [o for o in pools.candidates(direction) if fit(o, direction) and (demo is None or o.id != demo.id)]
        capital = [o for o in others if o.capital]
        elsewhere = [o for o in others if not o.capital]
        a = demo if fit(demo, direction) else None
        if a is None:
            pick = rng.choice(capital or others) if others else None
            a, others = pick, [o for o in others if o is not pick]
            capital = [o for o in capital if o is not pick]
            elsewhere = [o for o in elsewhere if o is not pick]
        if a is None or len(others) < 2:
            continue
        b = rng.choice(capital or others)
        c = rng.choice([o for o in (elsewhere or others) if o is not b] or [o for o in others if o is not b])
        reps = {"A": people.ngo if a is demo else people.applicants[0], "B": people.applicants[0],
                "C": people.applicants[1]}
        return LifecyclePlan(timeline, direction, {"A": a, "B": b, "C": c}, reps,
                             {"A": "kk", "B": "ru", "C": "kk", "D": "ru"})
    return None


def _application_data(plan: LifecyclePlan, key: str, amount: Decimal, months: int) -> dict:
    kk = plan.languages[key] == "kk"
    topics = TOPICS.get(plan.direction, (GENERIC_TOPIC,))
    topic = topics[0 if key in ("A", "C") else -1]
    org = plan.orgs.get(key) or plan.orgs["B"]
    geo = geography.REGIONS[org.region]
    who, indicator = (topic[4], topic[2]) if kk else (topic[5], topic[3])
    items = BUDGET_ITEMS["kk" if kk else "ru"][:3]
    first, second = int(amount * Decimal("0.5")) // 1000 * 1000, int(amount * Decimal("0.3")) // 1000 * 1000
    activities = ACTIVITIES["kk" if kk else "ru"]
    return {
        "summary": (f"{topic[0]}. Жоба {geo.kk_gen} аумағында жүзеге асырылады, мақсатты топ: {who}." if kk else
                    f"{topic[1]}. Проект реализуется на территории {geo.ru_gen}, целевая группа: {who}."),
        "goals": [f"Көрсеткішті арттыру: {indicator}" if kk else f"Увеличить показатель: {indicator}"],
        "activities": [{"name": activities[0], "start_month": 1, "end_month": 3},
                       {"name": activities[1], "start_month": 4, "end_month": months - 1},
                       {"name": activities[3], "start_month": months, "end_month": months}],
        "months": months,
        "budget_lines": [{"item": items[0], "amount": first}, {"item": items[1], "amount": second},
                         {"item": items[2], "amount": int(amount) - first - second}],
        "requested_amount": int(amount),
        "results": [{"result": (f"Мақсатты топ қамтылды: {who}" if kk else f"Охвачена целевая группа: {who}"),
                     "indicator": indicator, "target": 400}],
        "beneficiaries": 2400 if key == "A" else 1500,
        "beneficiaries_text": who,
        "region": org.region,
        "direction": plan.direction,
    }


def run_lifecycle(ctx: DemoContext, plan: LifecyclePlan, days: Days, people: People, budget: Decimal,
                  directions: list[str], regions: list[str]) -> dict:
    """Programme → call → … → agreement closed, each step a service function on its own day."""
    from qogam.funding import services

    t = plan.timeline
    operator = mark_otp_verified(people.operator)
    committee = [mark_otp_verified(u) for u in [people.committee, *people.committee_pool[:2]]]
    chair = committee[0]
    reps = {key: mark_otp_verified(user) for key, user in plan.reps.items()}
    orgs = {key: Organisation.objects.get(pk=org.id) for key, org in plan.orgs.items()}
    body = ctx.objects["funding_bodies"]["mci.civil_society"]
    amount = plan.amount
    requested = {"A": amount, "B": Decimal(int(amount * Decimal("0.85")) // 1000 * 1000),
                 "C": Decimal(int(amount * Decimal("0.7")) // 1000 * 1000),
                 "D": Decimal(int(amount * Decimal("0.5")) // 1000 * 1000)}
    kk_direction, ru_direction = Direction.objects.filter(code=plan.direction).values_list("name_kk", "name_ru").get()
    with engine_clock(t.opens_on - dt.timedelta(days=12)) as clock:
        programme = services.programme_create(
            actor=operator, year=plan.year, title_kk=f"{plan.year} жылғы гранттар жоспары: {body.name_kk}",
            title_ru=f"План грантов на {plan.year} год: {body.name_ru}", budget=budget, funder_kind="ministry",
            funder_body=body, directions=directions, regions=regions)
        call = services.call_create(
            actor=operator, programme=programme, title_kk=f"{plan.year} жылғы гранттар конкурсы: {kk_direction}",
            title_ru=f"Конкурс грантов {plan.year} года: {ru_direction}",
            description=("Мемлекеттік гранттар «Азаматтық бастамаларды қолдау орталығы» КеАҚ арқылы беріледі. / "
                         "Государственные гранты предоставляются через НАО «Центр поддержки гражданских инициатив»."),
            opens_on=t.opens_on, closes_on=t.closes_on, committee=committee,
            lots=[{"title": f"{kk_direction}: республикалық жобалар", "direction": plan.direction, "region": None,
                   "budget": amount, "rationale": (
                       f"Лот «{kk_direction}» бағытындағы қажеттіліктерді талдау негізінде қалыптастырылды. / Лот "
                       f"сформирован по итогам анализа потребностей по направлению «{ru_direction}»."),
                   "max_months": 36}])
        services.call_publish(actor=operator, call=call)
        clock.set(t.opens_on)
        services.call_open(actor=operator, call=call)
        lot = call.lots.get()
        documents = list(call.required_documents.order_by("id"))
        applications = {}
        for offset, key in ((2, "A"), (5, "B"), (6, "D"), (9, "C")):
            clock.set(t.opens_on + dt.timedelta(days=offset))
            org_key = "B" if key == "D" else key
            rep = reps[org_key]
            months = LIFECYCLE_MONTHS if key == "A" else 12
            data = _application_data(plan, key, requested[key], months)
            topics = TOPICS.get(plan.direction, (GENERIC_TOPIC,))
            title = topics[0 if key in ("A", "C") else -1][0 if plan.languages[key] == "kk" else 1]
            application = services.application_create(actor=rep, call=call, lot=lot, organisation=orgs[org_key],
                                                       language=plan.languages[key], title=title, data=data)
            for document in documents:
                if document.mandatory or key == "A":
                    services.document_upload(actor=rep, application=application, required_document=document,
                                             upload=SimpleUploadedFile(f"{document.code}.pdf",
                                                                       document_bytes(document.code),
                                                                       "application/pdf"))
            application.refresh_from_db()
            services.application_submit(actor=rep, application=application)
            applications[key] = Application.objects.get(pk=application.pk)
        clock.set(t.opens_on + dt.timedelta(days=12))
        services.application_withdraw(actor=reps["B"], application=applications["D"],
                                      reason="Жоба басқа лотқа қайта жасалады. / Проект будет переработан.")
        clock.set(t.closes_on + dt.timedelta(days=1))
        services.call_close(actor=operator, call=call)
        ok = {item: {"ok": True, "reason": ""} for item in CHECKLIST_ITEMS}
        checked = days.add(t.closes_on, 2)
        clock.set(checked)
        for key in ("A", "B"):
            services.compliance_decide(actor=operator, application=applications[key], checklist=ok, outcome="admitted")
        services.compliance_decide(
            actor=operator, application=applications["C"], outcome="rejected",
            checklist={**ok, "documents": {"ok": False, "reason": CHECKLIST_FAILURES["documents"][0]}})
        clock.set(days.add(checked, 2))
        appeal = services.appeal_file(actor=reps["C"], application=applications["C"],
                                      grounds=APPEAL_GROUNDS["compliance"][0])
        clock.set(days.add(checked, 4))
        services.appeal_decide(actor=chair, appeal=appeal, grant=True, outcome=APPEAL_OUTCOMES[P.GRANTED])
        clock.set(t.evaluation_start)
        services.evaluation_start(actor=operator, call=call)
        values = {"A": (9, 8, 9, 8), "B": (7, 6, 7, 6), "C": (6, 5, 6, 5)}
        recused = False
        for step in range(2):
            for key in ("A", "B", "C"):
                for assignment in Assignment.objects.filter(application=applications[key]).order_by("pk"):
                    expert = mark_otp_verified(assignment.expert.user)
                    if step == 0 and assignment.status == A.ASSIGNED:
                        clock.set(days.add(t.evaluation_start, 1))
                        if key == "B" and not recused:
                            recused = True
                            services.assignment_declare(actor=expert, assignment=assignment, no_conflict=False, text=(
                                "Өтініш берушінің жобасына бұрын кеңес бергенмін. / Ранее консультировал(а) заявителя."))
                            continue
                        services.assignment_declare(actor=expert, assignment=assignment, no_conflict=True)
                    elif step == 1 and assignment.status in (A.ASSIGNED, A.DECLARED):
                        clock.set(days.add(t.evaluation_start, 6))
                        if assignment.status == A.ASSIGNED:
                            services.assignment_declare(actor=expert, assignment=assignment, no_conflict=True)
                            assignment.refresh_from_db()
                        language = plan.languages[key]
                        services.scores_submit(actor=expert, assignment=assignment, scores={
                            code: {"value": str(v), "justification": JUSTIFICATIONS[code][
                                0 if v >= 8 else 1 if v >= 5 else 2][0 if language == "kk" else 1]}
                            for code, v in zip(("relevance", "innovation", "feasibility", "cost"), values[key],
                                               strict=True)})
        clock.set(t.decided_on)
        services.call_decide(actor=chair, call=call, decided_on=t.decided_on, minutes=(
            "Конкурстық комиссияның отырысы. Қаралған өтінімдер: 3. Қаржыландыруға ұсынылғаны: 1. Шешім бірауыздан "
            "қабылданды. / Заседание конкурсной комиссии. Рассмотрено заявок: 3. Рекомендовано к финансированию: 1. "
            "Решение принято единогласно."))
        clock.set(days.add(t.decided_on, 2))
        appeal = services.appeal_file(actor=reps["B"], application=Application.objects.get(pk=applications["B"].pk),
                                      grounds=APPEAL_GROUNDS["result"][1])
        clock.set(days.add(t.decided_on, 5))
        services.appeal_decide(actor=chair, appeal=appeal, grant=False, outcome=APPEAL_OUTCOMES[P.UPHELD])
        agreement = Agreement.objects.get(application=applications["A"])
        clock.set(days.add(t.decided_on, 3))
        first = Decimal(int(amount * Decimal("0.6")) // 1000 * 1000)
        services.agreement_prepare(actor=operator, agreement=agreement, start_on=agreement.start_on,
                                   end_on=agreement.end_on, tranches=[
                                       (agreement.start_on, first),
                                       (rules.add_months(agreement.start_on, 12), amount - first)])
        services.agreement_sign(actor=operator, agreement=agreement)
        clock.set(days.add(t.decided_on, 4))
        services.agreement_sign(actor=reps["A"], agreement=agreement)
        agreement.refresh_from_db()
        clock.set(agreement.start_on)
        if agreement.status == G.SIGNED:
            services.agreement_activate(actor=operator, agreement=agreement)
        tranches = list(agreement.tranches.order_by("number"))
        services.tranche_pay(actor=operator, tranche=tranches[0], paid_on=days.on_or_after(tranches[0].due_on))
        visited = days.on_or_after(rules.add_months(agreement.start_on, 7))
        clock.set(visited)
        services.site_visit_record(actor=operator, agreement=agreement, visited_on=visited,
                                   findings=VISIT_FINDINGS[0], photos=[SimpleUploadedFile(
                                       "visit.png", png_bytes(), "image/png")])
        risk = services.risk_flag_raise(actor=operator, agreement=agreement, code="delays", note=VISIT_FINDINGS[2])
        clock.set(days.add(visited, 20))
        services.risk_flag_clear(actor=operator, flag=risk)
        interim, final = list(agreement.schedule.order_by("due_on"))
        content = {"indicators": [{"indicator": data_indicator(plan), "target": 400, "achieved": 190}],
                   "beneficiaries": 1150, "narrative": "Аралық кезеңнің іс-шаралары өткізілді.",
                   "spending": {row["item"]: str(int(Decimal(row["amount"]) * Decimal("0.45")) // 1000 * 1000)
                                for row in applications["A"].draft["budget_lines"]}}
        clock.set(days.back(interim.due_on, 3))
        report = services.monitoring_report_submit(actor=reps["A"], due=interim, content=content)
        clock.set(days.add(clock.today, 3))
        services.monitoring_report_review(actor=operator, report=report, accept=True)
        clock.set(days.on_or_after(tranches[1].due_on))
        services.tranche_pay(actor=operator, tranche=tranches[1], paid_on=clock.today)
        final_content = {**content, "indicators": [{"indicator": data_indicator(plan), "target": 400,
                                                    "achieved": 415}],
                         "beneficiaries": 2480, "narrative": "Жоба толық аяқталды, барлық іс-шаралар өткізілді.",
                         "spending": {row["item"]: str(int(Decimal(row["amount"]) * Decimal("0.55")) // 1000 * 1000)
                                      for row in applications["A"].draft["budget_lines"]}}
        clock.set(days.add(final.period_end, 4))
        report = services.monitoring_report_submit(actor=reps["A"], due=final, content={
            **final_content, "indicators": [{"indicator": data_indicator(plan), "target": 400, "achieved": 0}]})
        clock.set(days.add(clock.today, 2))
        services.monitoring_report_review(actor=operator, report=report, accept=False, note=RETURN_NOTES[1])
        clock.set(days.add(clock.today, 2))
        report = services.monitoring_report_submit(actor=reps["A"], due=final, content=final_content)
        clock.set(days.add(clock.today, 2))
        services.monitoring_report_review(actor=operator, report=report, accept=True)
        clock.set(days.add(clock.today, 1))
        services.agreement_complete(actor=operator, agreement=agreement)
        clock.set(days.add(clock.today, 3))
        if clock.today > ctx.today:  # pragma: no cover - lifecycle_timeline leaves weeks to spare
            raise RuntimeError("the service-driven call does not fit before the demo's today")
        services.agreement_close(actor=operator, agreement=agreement)
    agreement.refresh_from_db()
    return {"programme": programme, "call": Call.objects.get(pk=call.pk), "agreement": agreement,
            "applications": applications}


def data_indicator(plan: LifecyclePlan) -> str:
    topics = TOPICS.get(plan.direction, (GENERIC_TOPIC,))
    return topics[0][2]


# --- People: the committee, the expert pool and the applicants of the service-driven call --------------


def _user(username: str, role: str, rng: random.Random, encoded: str) -> User:
    female = rng.random() < 0.5
    surname, first_name, _patronymic = person_name(rng, female=female, russian=rng.random() < 0.2).split(" ")
    return User(username=username, email=f"{username}@demo.qogam.kz", role=role, first_name=first_name,
                last_name=surname, password=encoded)


def _people(ctx: DemoContext, pools: Pools) -> People:
    """The demo's committee members (TOTP, like every staff role), experts with their directions and
    IINs kept only as keyed hashes, and two more NGO users; all with the demo password."""
    rng = ctx.rng("funding-people")
    users = ctx.objects.setdefault("users", {})
    encoded = make_password(DEMO_PASSWORD)
    operator = users.get("demo-operator") or User.objects.filter(role=Role.OPERATOR).order_by("pk").first()
    if operator is None:
        operator = _user("demo-operator", Role.OPERATOR, rng, encoded)
        operator.save()
    created: list[User] = []
    for login in FUNDING_LOGINS:
        if login.username not in users:
            users[login.username] = _user(login.username, login.role, rng, encoded)
            created.append(users[login.username])
    committee_pool = [_user(f"demo-committee-{i:02d}", Role.COMMITTEE, rng, encoded)
                      for i in range(1, ctx.scaled(COMMITTEE, minimum=3) + 1)]
    expert_users = [_user(f"demo-expert-{i:03d}", Role.EXPERT, rng, encoded)
                    for i in range(1, ctx.scaled(EXPERTS, minimum=9) + 1)]
    fresh = created + committee_pool + expert_users
    User.objects.bulk_create(fresh, batch_size=500)
    fresh = list(User.objects.filter(username__in=[u.username for u in fresh]).order_by("pk"))
    by_name = {u.username: u for u in fresh}
    for login in FUNDING_LOGINS:
        users[login.username] = by_name.get(login.username, users[login.username])
    committee_pool = [by_name[u.username] for u in committee_pool]
    expert_users = [by_name[u.username] for u in expert_users]
    audit.record_many([
        audit.Change("accounts.user_create", "accounts.user", str(u.pk), None, {
            "username": u.username, "role": u.role, "first_name": u.first_name, "last_name": u.last_name,
            "email": u.email, "state_body": None, "source": "demo"})
        for u in fresh])
    for user in fresh:
        if user.role in STAFF_ROLES:
            totp_device_create(user=user, confirmed=True, name=DEMO_DEVICE_NAME)

    # The expert pool: the demo expert and the generated ones, every direction covered at least thrice.
    codes = sorted(TOPICS)
    demo_user = users.get("demo-expert")
    pool_users = ([demo_user] if demo_user is not None else []) + expert_users
    rows, direction_rows, plans = [], [], []
    for i, user in enumerate(pool_users):
        wanted = {codes[i % len(codes)], *rng.sample(codes, rng.randint(1, 3))}
        iin = make_iin(rng, born=birth_date(rng, ctx.today), female=rng.random() < 0.5)
        rows.append({"user_id": user.pk, "iin_hash": iin_hash(iin), "active": True})
        plans.append(ExpertPlan(0, user.pk, frozenset(wanted), frozenset()))
    ids = insert_rows(Expert, rows, returning=True)
    for plan, pk in zip(plans, ids, strict=True):
        plan.id = pk
        direction_rows.extend({"expert_id": pk, "direction_id": code} for code in sorted(plan.directions))
    insert_rows(Expert.directions.through, direction_rows)
    # A few experts declared their relations with organisations (issue 4: declared relations are conflicts).
    relations = []
    kinds = ExpertRelation.Kind.values
    for plan in plans[1:]:
        if rng.random() < 0.08 and pools.orgs:
            org = pools.orgs[rng.randrange(len(pools.orgs))]
            plan.declared_bins = frozenset({org.bin})
            relations.append({"expert_id": plan.id, "bin": org.bin, "kind": rng.choice(kinds),
                              "note": "", "declared_at": _at(rng, dt.date(2019, 12, 2))})
    insert_rows(ExpertRelation, relations)
    audit.record_many([
        audit.Change("funding.expert_enrol", "funding.expert", str(plan.id), None,
                     {"user": plan.user_id, "directions": sorted(plan.directions),
                      "declared_relations": sorted(plan.declared_bins), "source": "demo"})
        for plan in plans])

    # The applicants of the service-driven call represent their organisations.
    applicants = [users[login.username] for login in FUNDING_LOGINS if login.role == Role.NGO]
    return People(operator=operator, committee=users["demo-committee"], committee_pool=committee_pool,
                  experts=plans, demo_expert=plans[0] if demo_user is not None else None, applicants=applicants,
                  ngo=users.get("demo-ngo"), ngo_org=ctx.objects.get("ngo_user_organisation"))


def _represent(user: User, organisation_id: int, decided_by: User | None) -> None:
    if Representation.objects.filter(user=user, organisation_id=organisation_id).exists():
        return
    rep = Representation.objects.create(user=user, organisation_id=organisation_id, position="Директор",
                                        status=Representation.Status.APPROVED,
                                        decided_at=dt.datetime.now(dt.UTC), decided_by=decided_by)
    audit.record(action="accounts.representation_approve", obj=rep, actor=decided_by, after={
        "user_id": user.pk, "organisation_bin": rep.organisation.bin, "status": rep.status,
        "position": rep.position, "source": "demo"})


# --- Writing ----------------------------------------------------------------------------------------------


def call_titles(call: CallPlan) -> tuple[str, str]:
    funder, year, part = call.funder, call.year, call.part
    if funder.kind == "akimat":
        geo = geography.REGIONS[funder.region]
        kk, ru = f"{geo.kk_gen} әлеуметтік жобалары", f"социальные проекты {geo.ru_gen}"
    elif funder.kind == "non_state":
        kk, ru = f"{funder.short_kk} гранттары", f"гранты: {funder.name}"
    elif funder.key.endswith("youth_family"):
        kk, ru = "жастар және отбасы саясаты", "молодёжная и семейная политика"
    else:
        kk, ru = "азаматтық қоғамды дамыту", "развитие гражданского общества"
    if part > 1:
        kk, ru = f"{kk}, {part}-кезең", f"{ru}, этап {part}"
    return f"{year} жылғы гранттар конкурсы: {kk}", f"Конкурс грантов {year} года: {ru}"


def _description(call: CallPlan) -> str:
    if call.funder.kind == "non_state":
        return (f"Гранттарды {call.funder.short_kk} қаржыландырады, конкурсты «Азаматтық бастамаларды қолдау "
                f"орталығы» КеАҚ өткізеді. / Гранты финансирует {call.funder.name}, конкурс проводит НАО «Центр "
                f"поддержки гражданских инициатив».")
    return ("Мемлекеттік гранттар «Азаматтық бастамаларды қолдау орталығы» КеАҚ арқылы беріледі. / Государственные "
            "гранты предоставляются через НАО «Центр поддержки гражданских инициатив».")


def _minutes(call: CallPlan) -> str:
    scored = sum(1 for a in call.apps if a.rank is not None)
    funded = [a for a in call.apps if a.awarded]
    total = f"{int(sum((a.awarded for a in funded), Decimal(0))):,}".replace(",", " ")
    return (f"Конкурстық комиссияның отырысы. Қаралған өтінімдер: {scored}. Қаржыландыруға ұсынылғаны: {len(funded)}, "
            f"жалпы сомасы {total} теңге. Шешім бірауыздан қабылданды. / Заседание конкурсной комиссии. Рассмотрено "
            f"заявок: {scored}. Рекомендовано к финансированию: {len(funded)} на общую сумму {total} тенге. Решение "
            f"принято единогласно.")


def receipt(application_id: int, opens_on: dt.date, number: int) -> str:
    """The services' receipt number for a submission (`services.receipt_number`)."""
    from qogam.funding.services import receipt_number

    return receipt_number(SimpleNamespace(pk=application_id, call=SimpleNamespace(opens_on=opens_on)), number)


def _shared_documents() -> dict[str, dict]:
    """The three small files every bulk application's documents point to, stored once."""
    files = {}
    for code in ("project", "budget", "letters"):
        data = document_bytes(code)
        name = default_storage.save(f"funding/demo/{code}.pdf", ContentFile(data))
        files[code] = {"file": name, "original_name": f"{code}.pdf", "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest()}
    return files


def _call_codes(calls: list[CallPlan]) -> None:
    """GR-<year>-<nnn> in order of opening, after the codes already taken (as `_next_call_code`)."""
    prefix = mechanism("grant").agreement_prefix
    taken = set(Call.objects.values_list("code", flat=True))
    counters: dict[int, int] = {}
    for call in sorted(calls, key=lambda c: (c.year, c.timeline.opens_on, c.funder.key, c.part)):
        n = counters.get(call.year, 0) + 1
        while f"{prefix}-{call.year}-{n:03d}" in taken:
            n += 1
        counters[call.year] = n
        call.code = f"{prefix}-{call.year}-{n:03d}"


class Writer:
    """Inserts the built calls, level by level, and one audit entry per programme, call, application and
    agreement."""

    def __init__(self, ctx: DemoContext, builder: Builder, people: People):
        self.ctx = ctx
        self.builder = builder
        self.people = people
        self.rng = ctx.rng("funding-writer")
        self.changes: list[audit.Change] = []
        self.now = dt.datetime.now(dt.UTC)

    def programmes(self, calls: list[CallPlan], existing: dict) -> None:
        groups: dict[tuple[int, str], list[CallPlan]] = defaultdict(list)
        for call in calls:
            groups[(call.year, call.funder.key)].append(call)
        rows, keys = [], []
        for (year, key), members in sorted(groups.items()):
            if (year, key) in existing:
                for call in members:
                    call.programme_id = existing[(year, key)]
                continue
            funder = members[0].funder
            budget = sum((lot.budget for c in members for lot in c.lots), Decimal(0))
            budget = Decimal(math.ceil(budget * Decimal("1.02") / 1_000_000) * 1_000_000)
            first = min(c.timeline.opens_on for c in members)
            rows.append({
                "mechanism": "grant", "year": year, "title_kk": f"{year} жылғы гранттар жоспары: {funder.short_kk}",
                "title_ru": f"План грантов на {year} год: {funder.short_ru}", "budget": budget,
                "funder_kind": funder.kind, "funder_body_id": funder.body.pk if funder.body else None,
                "funder_name": funder.name if funder.kind == "non_state" else "",
                "funder_bin": funder.bin if funder.kind == "non_state" else "",
                "created_by_id": self.people.operator.pk, "created_at": _at(self.rng, first - dt.timedelta(days=40)),
            })
            keys.append((year, key))
        ids = insert_rows(Programme, rows, returning=True)
        directions, regions = [], []
        for (year, key), pk, row in zip(keys, ids, rows, strict=True):
            members = groups[(year, key)]
            for call in members:
                call.programme_id = pk
            directions.extend({"programme_id": pk, "direction_id": code}
                              for code in sorted({lot.direction for c in members for lot in c.lots}))
            regions.extend({"programme_id": pk, "region_id": kato}
                           for kato in sorted({lot.region for c in members for lot in c.lots if lot.region}))
            self.changes.append(audit.Change("funding.programme_create", "funding.programme", str(pk), None, {
                "year": year, "budget": row["budget"], "funder_kind": row["funder_kind"], "mechanism": "grant",
                "source": "demo"}))
        insert_rows(Programme.directions.through, directions)
        insert_rows(Programme.regions.through, regions)

    def calls(self, calls: list[CallPlan]) -> dict:
        rng, today = self.rng, self.ctx.today
        spec = mechanism("grant")
        rows = []
        for call in calls:
            stage = call.timeline.stage(today)
            kk, ru = call_titles(call)
            t = call.timeline
            rows.append({
                "programme_id": call.programme_id, "mechanism": "grant", "code": call.code, "title_kk": kk,
                "title_ru": ru, "description": _description(call), "opens_on": t.opens_on, "closes_on": t.closes_on,
                "status": stage, "eligibility": spec.eligibility, "scale_min": spec.scale_min,
                "scale_max": spec.scale_max,
                "compliance_due_on": t.compliance_due_on if stage not in (C.PUBLISHED, C.OPEN) else None,
                "evaluation_due_on": t.evaluation_due_on if stage in (C.EVALUATION, C.DECIDED) else None,
                "version": 1, "created_by_id": self.people.operator.pk,
                "created_at": _at(rng, t.opens_on - dt.timedelta(days=14)),
            })
        ids = insert_rows(Call, rows, returning=True)
        lot_rows, lots, criteria, documents, committee = [], [], [], [], []
        for call, pk in zip(calls, ids, strict=True):
            call.id = pk
            for lot in call.lots:
                lot_rows.append({"call_id": pk, "number": lot.number, "title": lot.title, "direction_id": lot.direction,
                                 "region_id": lot.region, "budget": lot.budget, "rationale": lot.rationale,
                                 "max_months": config.get("funding.duration_max_months")})
                lots.append(lot)
            criteria.extend({"call_id": pk, "code": c.code, "name_kk": c.name_kk, "name_ru": c.name_ru,
                             "name_en": c.name_en, "weight": c.weight, "position": i} for i, c in enumerate(spec.criteria))
            documents.extend({"call_id": pk, "code": d.code, "name": d.name, "mandatory": d.mandatory}
                             for d in spec.documents)
            members = list(call.committee)
            committee.extend({"call_id": pk, "user_id": u.pk} for u in members)
        for lot, pk in zip(lots, insert_rows(Lot, lot_rows, returning=True), strict=True):
            lot.id = pk
        criterion_ids = insert_rows(Criterion, criteria, returning=True)
        document_ids = insert_rows(RequiredDocument, documents, returning=True)
        insert_rows(Call.committee.through, committee)
        return {
            "criteria": {(row["call_id"], row["code"]): pk for row, pk in zip(criteria, criterion_ids, strict=True)},
            "documents": {(row["call_id"], row["code"]): pk for row, pk in zip(documents, document_ids, strict=True)},
        }

    def applications(self, calls: list[CallPlan], refs: dict, files: dict) -> None:
        owners = {self.people.ngo_org.pk: self.people.ngo.pk} if self.people.ngo_org and self.people.ngo else {}
        rows, apps = [], []
        for call in calls:
            for app in call.apps:
                rows.append({
                    "call_id": call.id, "lot_id": app.lot.id, "organisation_id": app.org.id, "status": app.status,
                    "language": app.language, "title": app.title, "requested_amount": app.requested,
                    "months": app.months, "region_id": app.region, "direction_id": app.lot.direction,
                    "draft": app.content, "version": 1 if app.status == S.DRAFT else 2, "latest_id": None,
                    "submitted_at": app.submitted_at, "total_score": app.total, "rank": app.rank,
                    "disagreement": app.disagreement, "awarded_amount": app.awarded,
                    "created_by_id": owners.get(app.org.id), "created_at": app.created_at,
                    "updated_at": app.submitted_at or app.created_at,
                })
                apps.append((call, app))
        for (_call, app), pk in zip(apps, insert_rows(Application, rows, returning=True), strict=True):
            app.id = pk
        documents, versions, checks, appeals = [], [], [], []
        for call, app in apps:
            uploaded = []
            for code in app.documents:
                shared = files[code]
                uploaded.append({"required": code, "name": shared["original_name"], "sha256": shared["sha256"],
                                 "size": shared["size"]})
                documents.append({"application_id": app.id, "required_document_id": refs["documents"][(call.id, code)],
                                  "file": shared["file"], "original_name": shared["original_name"],
                                  "content_type": "application/pdf", "size": shared["size"], "sha256": shared["sha256"],
                                  "uploaded_by_id": owners.get(app.org.id),
                                  "uploaded_at": app.created_at + dt.timedelta(minutes=20)})
            if app.submitted_at is not None:
                content = {"call": call.code, "lot": app.lot.number, "organisation": app.org.bin,
                           "language": app.language, "title": app.title, **app.content, "documents": uploaded}
                versions.append({"application_id": app.id, "number": 1, "content": content,
                                 "content_hash": content_hash(content),
                                 "receipt_number": receipt(app.id, call.timeline.opens_on, 1),
                                 "submitted_at": app.submitted_at, "submitted_by_id": owners.get(app.org.id)})
            if app.check is not None:
                checks.append({"application_id": app.id, **app.check})
            if app.appeal:
                grounds = APPEAL_GROUNDS[app.appeal][0 if app.language == "kk" else 1]
                decided = app.appeal_status != P.FILED
                appeals.append({"application_id": app.id, "kind": app.appeal, "grounds": grounds,
                                "filed_at": app.appeal_filed_at, "filed_by_id": owners.get(app.org.id),
                                "status": app.appeal_status,
                                "outcome": APPEAL_OUTCOMES[app.appeal_status] if decided else "",
                                "decided_by_id": call.committee[0].pk if decided else None,
                                "decided_at": app.appeal_decided_at})
        insert_rows(ApplicationDocument, documents)
        version_ids = insert_rows(ApplicationVersion, versions, returning=True)
        if version_ids:
            latest = ApplicationVersion.objects.filter(application=OuterRef("pk")).order_by("-number").values("pk")[:1]
            Application.objects.filter(pk__in=[row["application_id"] for row in versions]).update(
                latest=Subquery(latest))
        insert_rows(ComplianceCheck, checks)
        insert_rows(Appeal, appeals)
        receipts = {row["application_id"]: (row["receipt_number"], row["content_hash"]) for row in versions}
        for call, app in apps:
            receipt_number, digest = receipts.get(app.id, (None, None))
            self.changes.append(audit.Change("funding.application_generate", "funding.application", str(app.id), None, {
                "call": call.code, "lot": app.lot.number, "organisation": app.org.bin, "status": app.status,
                "receipt": receipt_number, "content_hash": digest,
                "compliance": (app.check or {}).get("outcome") or None, "total_score": app.total, "rank": app.rank,
                "awarded_amount": app.awarded, "appeal": app.appeal_status or None, "source": "demo"}))

    def reviews(self, calls: list[CallPlan], refs: dict) -> None:
        rows, scores_for = [], []
        for call in calls:
            for app in call.apps:
                for review in app.reviews:
                    rows.append({"application_id": app.id, "expert_id": review["expert"].id, "status": review["status"],
                                 "due_on": review["due_on"], "declaration": review["declaration"],
                                 "declared_at": review["declared_at"], "recusal_reason": review["recusal_reason"],
                                 "scored_at": review["scored_at"], "assigned_at": review["assigned_at"], "round": 1})
                    scores_for.append((call, review))
        ids = insert_rows(Assignment, rows, returning=True)
        scores = []
        for (call, review), pk in zip(scores_for, ids, strict=True):
            scores.extend({"assignment_id": pk, "criterion_id": refs["criteria"][(call.id, code)], "value": value,
                           "justification": text} for code, (value, text) in review["scores"].items())
        insert_rows(Score, scores)

    def decisions(self, calls: list[CallPlan]) -> None:
        rows = []
        for call in calls:
            if call.decision is None:
                continue
            rows.append({"call_id": call.id, "decided_on": call.decision["decided_on"], "minutes": _minutes(call),
                         "decided_by_id": call.committee[0].pk, "recorded_at": call.decision["recorded_at"]})
            self.changes.append(audit.Change("funding.call_generate", "funding.call", str(call.id), None, {
                "code": call.code, "status": C.DECIDED, "decided_on": call.decision["decided_on"],
                "funded": sum(1 for a in call.apps if a.awarded), "source": "demo"}))
        insert_rows(Decision, rows)
        for call in calls:
            if call.decision is None:
                self.changes.append(audit.Change("funding.call_generate", "funding.call", str(call.id), None, {
                    "code": call.code, "status": call.timeline.stage(self.ctx.today), "source": "demo"}))

    def agreements(self, agreements: list[dict]) -> None:
        operator = self.people.operator.pk
        rows = []
        for a in agreements:
            rows.append({
                "application_id": a["app"].id, "number": f"{a['call'].code}-{a['index']:03d}", "amount": a["amount"],
                "start_on": a["start_on"], "end_on": a["end_on"], "status": a["status"],
                "signed_by_ngo_at": _at(self.rng, a["ngo_on"]) if a["ngo_on"] else None, "signed_by_ngo_id": None,
                "signed_by_operator_at": _at(self.rng, a["operator_on"]) if a["operator_on"] else None,
                "signed_by_operator_id": operator if a["operator_on"] else None,
                "terminated_on": a["terminated_on"], "termination_reason": a["termination_reason"],
                "refund_amount": a["refund"], "closed_on": a["closed_on"], "version": 1, "created_at": a["created_at"],
            })
        ids = insert_rows(Agreement, rows, returning=True)
        tranches, schedule, dues, visits, flags = [], [], [], [], []
        for a, pk, row in zip(agreements, ids, rows, strict=True):
            a["id"], a["number"] = pk, row["number"]
            tranches.extend({"agreement_id": pk, **t} for t in a["tranches"])
            for due in a["schedule"]:
                schedule.append({"agreement_id": pk, "kind": due["kind"], "period_start": due["period_start"],
                                 "period_end": due["period_end"], "due_on": due["due_on"]})
                dues.append(due)
            visits.extend({"agreement_id": pk, "recorded_by_id": operator, **v} for v in a["visits"])
            flags.extend({"agreement_id": pk, **f} for f in a["flags"])
        insert_rows(Tranche, tranches)
        reports = []
        for due, pk in zip(dues, insert_rows(ReportSchedule, schedule, returning=True), strict=True):
            for v in due["reports"]:
                reports.append({"due_id": pk, "number": v["number"], "status": v["status"], "content": v["content"],
                                "content_hash": content_hash(v["content"]), "warnings": v["warnings"],
                                "submitted_at": v["submitted_at"], "submitted_by_id": None,
                                "review_note": v["review_note"], "reviewed_by_id": operator if v["reviewed_at"] else None,
                                "reviewed_at": v["reviewed_at"]})
        insert_rows(MonitoringReport, reports)
        insert_rows(SiteVisit, visits)
        insert_rows(RiskFlag, flags)
        for a in agreements:
            self.changes.append(audit.Change("funding.agreement_generate", "funding.agreement", str(a["id"]), None, {
                "number": a["number"], "amount": a["amount"], "status": a["status"], "start_on": a["start_on"],
                "end_on": a["end_on"], "paid": sum((t["amount"] for t in a["tranches"] if t["paid_on"]), Decimal(0)),
                "reports": sum(len(d["reports"]) for d in a["schedule"]), "refund": a["refund"], "source": "demo"}))


# --- The generator ----------------------------------------------------------------------------------------


def _bodies(ctx: DemoContext) -> dict:
    """The funding state bodies by the keys of `statebodies`: the ministry's committees and the akimats
    of the regions (read back from the register when this generator runs on its own)."""
    from qogam.registry.models import StateBody

    bodies = dict(ctx.objects.get("state_bodies") or {})
    if not bodies:
        for body in StateBody.objects.filter(kind=StateBody.Kind.AKIMAT, level=StateBody.Level.REGIONAL):
            bodies[f"akimat:{body.region_id}"] = body
        ministry = StateBody.objects.filter(kind=StateBody.Kind.MINISTRY).order_by("pk").first()
        committees = StateBody.objects.filter(kind=StateBody.Kind.COMMITTEE, parent=ministry).order_by("pk")
        bodies["mci"] = ministry
        for key, body in zip(("mci.civil_society", "mci.youth_family"), committees, strict=False):
            bodies[key] = body
    for key in ("mci.civil_society", "mci.youth_family"):
        bodies.setdefault(key, bodies.get("mci"))
    return bodies


def _beneficiaries(rng: random.Random, calls: list[CallPlan]) -> None:
    """Planned beneficiaries; those of the calibrated years' grants add up to the published 11 million
    (scaled by the number of grants)."""
    for call in calls:
        for app in call.apps:
            app.beneficiaries = max(40, int(500 * math.exp(rng.gauss(0, 1.2))))
    winners = [a for c in calls if c.year in CALIBRATED_YEARS for a in c.apps if a.awarded]
    if not winners:
        return
    target = BENEFICIARIES * len(winners) / sum(v[0] for v in CALIBRATION.values())
    weights = [math.exp(rng.gauss(0, 1.3)) for _ in winners]
    for app, weight in zip(winners, weights, strict=True):
        app.beneficiaries = max(100, round(target * weight / sum(weights)))


def _agreement_signs() -> int:
    """Agreements in force count toward the organisations' sign of activeness (DOMAIN §3), for each year
    of their period up to termination, as `services._recompute_signs` does: through
    `reporting.services.funding_agreements_active`, in bulk."""
    from qogam.reporting.models import ActivitySign
    from qogam.reporting.services import funding_agreements_active, store_signs

    keys = set()
    for org_id, start, end, terminated in (Agreement.objects.exclude(status=G.DRAFT)
                                           .values_list("application__organisation_id", "start_on", "end_on",
                                                        "terminated_on")):
        keys |= {(org_id, year) for year in range((start).year, (terminated or end).year + 1)}
    held = funding_agreements_active(keys)
    existing = set(ActivitySign.objects.filter(organisation_id__in=sorted({o for o, _y in held}))
                   .values_list("organisation_id", "year"))
    by_year: dict[int, list[int]] = defaultdict(list)
    for org_id, year in sorted(held & existing):
        by_year[year].append(org_id)
    for year, ids in sorted(by_year.items()):
        ActivitySign.objects.filter(year=year, organisation_id__in=ids).update(funding_agreement=True, active=True)
    store_signs([(org_id, year, None, None, None) for org_id, year in sorted(held - existing)])
    return len(held)


def _org(pools: Pools, organisation) -> Org | None:
    if organisation is None:
        return None
    return next((o for o in pools.orgs if o.id == organisation.pk), None)


def generate(ctx: DemoContext) -> None:
    days = Days(WorkingCalendar.load())
    bodies = _bodies(ctx)
    ctx.objects["funding_bodies"] = bodies
    pools = _pools(ctx)
    direction_names = {d.code: (d.name_kk, d.name_ru) for d in Direction.objects.all()}
    with transaction.atomic():
        people = _people(ctx, pools)
        planner = Planner(ctx, pools, days, bodies, direction_names)
        builder = Builder(ctx, pools, days, people, direction_names)
        targets = grant_targets(ctx.scale, later_years(ctx.today))
        life = plan_lifecycle(ctx, pools, days, people, builder)
        reserved = {(life.year, "ministry"): 1} if life and (life.year, "ministry") in targets else {}
        calls = planner.history(targets, reserved)
        demo_org = _org(pools, people.ngo_org)
        live = planner.live(demo_org)
        calls += live
        for call in calls:
            planner.applications(call)
            pool = people.committee_pool
            if call.live:
                call.committee = [people.committee, *pool[:2]]
            else:
                call.committee = planner.rng.sample(pool, min(3, len(pool)))
        rng = ctx.rng("funding-applications")
        if demo_org is not None:
            for call in live:
                if call.live in ("open", "decided") and call.lots:
                    app = AppPlan(call.lots[0], "draft" if call.live == "open" else "admitted", org=demo_org,
                                  quality=10.0 if call.live == "decided" else 0.0,
                                  months=12 if call.live == "decided" else 24)
                    if builder.eligible(demo_org, call, app, builder.required_years(call)) and \
                            call.lots[0].direction in demo_org.directions:
                        call.apps.append(app)
        for year in sorted({c.year for c in calls}):
            apps = [a for c in calls if c.year == year for a in c.apps]
            fixed = life.filed() if life and life.year == year else []
            assign_shares(rng, apps, year, fixed=len(fixed), fixed_kk=sum(1 for lang, _o in fixed if lang == "kk"),
                          fixed_capital=sum(1 for _l, org in fixed if org.capital))
        for call in calls:
            builder.choose_orgs(call)
            builder.amounts(call)
            builder.course(call)
        _beneficiaries(rng, calls)
        for call in calls:
            for app in call.apps:
                app.content = builder.content(call, app, partial=app.status == S.DRAFT)
        agreements = [a for call in calls if call.decision for a in builder.agreements(call)]
        builder.terminate(agreements, ctx.scaled(TERMINATIONS))
        for agreement in agreements:
            builder.monitor(agreement)
            if agreement["terminated_on"]:
                builder.refund(agreement)

        existing, result = {}, None
        if life is not None:
            life.amount = (planner.reserved_amounts.get((life.year, "ministry")) or [Decimal(18_500_000)])[0]
            for key, org in life.orgs.items():
                if life.reps[key] is not people.ngo or org.id != getattr(people.ngo_org, "pk", None):
                    _represent(life.reps[key], org.id, ctx.objects["users"].get("demo-analyst"))
            mine = [c for c in calls if c.year == life.year and c.funder.key == "mci.civil_society"]
            budget = life.amount + sum((lot.budget for c in mine for lot in c.lots), Decimal(0))
            result = run_lifecycle(
                ctx, life, days, people, Decimal(math.ceil(budget * Decimal("1.02") / 1_000_000) * 1_000_000),
                sorted({life.direction} | {lot.direction for c in mine for lot in c.lots}),
                sorted({lot.region for c in mine for lot in c.lots if lot.region}))
            existing[(life.year, "mci.civil_society")] = result["programme"].pk

        _call_codes(calls)
        writer = Writer(ctx, builder, people)
        writer.programmes(calls, existing)
        refs = writer.calls(calls)
        writer.applications(calls, refs, _shared_documents())
        writer.reviews(calls, refs)
        writer.decisions(calls)
        writer.agreements(agreements)
        audit.record_many(writer.changes)
        held = _agreement_signs()

    ctx.objects["funding"] = {"calls": calls, "lifecycle": result, "targets": targets, "people": people}
    applications = Application.objects.exclude(status=S.DRAFT).count()
    grants = Agreement.objects.exclude(status=G.DRAFT)
    calibrated = grants.filter(application__call__programme__year__in=CALIBRATED_YEARS)
    amount = sum(calibrated.values_list("amount", flat=True), Decimal(0))
    ctx.count("grant programmes", Programme.objects.count())
    ctx.count("grant calls", Call.objects.count())
    ctx.count("grant applications", applications)
    ctx.count("grants", grants.count())
    ctx.count("experts", Expert.objects.count())
    ctx.log(f"  {Programme.objects.count()} grant programmes, {Call.objects.count()} calls, {applications} "
            f"applications, {grants.count()} grants ({calibrated.count()} worth {amount / 1_000_000:,.1f} m KZT in "
            f"{CALIBRATED_YEARS[0]}–{CALIBRATED_YEARS[-1]}), {Expert.objects.count()} experts; "
            + (f"call {result['call'].code} run through the services to agreement {result['agreement'].number} "
               f"closed" if result else "no call run through the services")
            + f"; {held} organisation-years with an agreement in force")


def wipe() -> int:
    """Remove every row of the competition engine, children first, the files of its documents and photos,
    and the users this generator made (committee, expert pool, the extra applicants).

    Plain DELETE statements, like the reports' reset: the engine's rows protect one another.
    """
    count = Call.objects.count()
    names = set(ApplicationDocument.objects.values_list("file", flat=True)) | set(
        SiteVisitPhoto.objects.values_list("file", flat=True))
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(Application._meta.db_table)} SET {quote('latest_id')} = NULL")
        for model in (Score, Assignment, ExpertRelation, Expert.directions.through, Expert, Appeal, ComplianceCheck,
                      ApplicationDocument, ApplicationVersion, SiteVisitPhoto, SiteVisit, RiskFlag, MonitoringReport,
                      ReportSchedule, Tranche, Agreement, Decision, Application, Criterion, RequiredDocument, Lot,
                      Call.committee.through, Call, Programme.directions.through, Programme.regions.through,
                      Programme, Notice):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        from qogam.demo.users import USERNAMES

        usernames = [login.username for login in FUNDING_LOGINS if login.username not in USERNAMES]
        mine = User.objects.filter(username__in=usernames)
        for prefix in POOL_PREFIXES:
            mine = mine | User.objects.filter(username__startswith=prefix)
        mine.delete()
    for name in sorted(n for n in names if n):
        default_storage.delete(name)
    return count
