"""Benchmark of the register search (issue 2 §5). A script, not a test.

    .venv/bin/python bench/registry_search.py                       # SQLite, 100,000 organisations
    .venv/bin/python bench/registry_search.py --database-url postgres://user:pw@localhost/qogam

It creates a scratch database (a temporary SQLite file, or `test_<name>` on PostgreSQL, dropped at
the end), bulk-inserts organisations with realistic Kazakh and Russian names, then for each query
measures, interleaved in one run:

  endpoint  GET /api/organisations/?q=… through Django's test client (the full API stack)
  raw       the SQL statements that request ran, replayed through the DB cursor
  bare      a bare Django view that runs the page's SQL and returns the rows as JSON

and prints p50/p95 in milliseconds with the ratio p95(endpoint) / (p95(raw) + p95(bare)).
The goal is a ratio ≤ 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- Realistic names ----------------------------------------------------------------------------

KK_WORDS = [
    "Жастар", "Болашақ", "Қамқор", "Шапағат", "Мейірім", "Ақ жол", "Жарқын", "Үміт", "Сенім", "Даму",
    "Ынтымақ", "Бірлік", "Құрмет", "Әділет", "Өркен", "Алтын көпір", "Ғасыр", "Ұлағат", "Нұр", "Самға",
    "Тұмар", "Аманат", "Жомарт", "Игілік", "Көмек", "Жанұя", "Балдәурен", "Шұғыла", "Азамат", "Ел үміті",
    "Ақниет", "Жасыл ел", "Таза әлем", "Саулық", "Ізгілік", "Зерде", "Білім", "Отбасы", "Ақбота", "Қазына",
    "Дала", "Арман", "Жігер", "Мұра", "Ырыс", "Кеңес", "Тірек", "Өмір", "Бақыт", "Атамекен",
]
RU_WORDS = [
    "Надежда", "Милосердие", "Доброе сердце", "Равные возможности", "Содружество", "Перспектива", "Развитие",
    "Поддержка", "Открытый мир", "Забота", "Истоки", "Гражданская инициатива", "Чистый город", "Здоровье",
    "Наследие", "Вектор", "Партнёрство", "Солнечный круг", "Право и закон", "Свет",
]
KK_PLACES = ["Астана", "Алматы", "Шымкент", "Қарағанды", "Ақтөбе", "Павлодар", "Өскемен", "Семей", "Тараз",
             "Қызылорда", "Атырау", "Ақтау", "Қостанай", "Петропавл", "Орал", "Түркістан", "Талдықорған"]
RU_TOPICS = [
    ("молодёжный центр", "жастар орталығы"),
    ("центр развития", "даму орталығы"),
    ("центр поддержки семьи", "отбасын қолдау орталығы"),
    ("клуб", "клубы"),
    ("школа лидерства", "көшбасшылық мектебі"),
    ("инклюзивный центр", "инклюзивті орталық"),
    ("экологический центр", "экологиялық орталық"),
]
FORMS = {
    # code: (weight, Russian prefix, Kazakh suffix)
    "public_association": (34, "Общественное объединение", "қоғамдық бірлестігі"),
    "public_fund": (30, "Общественный фонд", "қоғамдық қоры"),
    "private_institution": (12, "Частное учреждение", "жеке мекемесі"),
    "association_of_legal_entities": (8, "Объединение юридических лиц", "заңды тұлғалар бірлестігі"),
    "corporate_fund": (5, "Корпоративный фонд", "корпоративтік қоры"),
    "private_fund": (3, "Частный фонд", "жеке қоры"),
    "consumer_cooperative": (3, "Потребительский кооператив", "тұтыну кооперативі"),
    "apartment_owners_cooperative": (3, "Кооператив собственников квартир", "пәтер иелерінің кооперативі"),
    "religious_association": (2, "Религиозное объединение", "діни бірлестігі"),
}


def brand(rng: random.Random) -> tuple[str, str]:
    """The quoted part of a name, in Russian and Kazakh."""
    roll = rng.random()
    if roll < 0.45:
        word = rng.choice(KK_WORDS)
        return word, word
    if roll < 0.6:
        word = rng.choice(RU_WORDS)
        return word, word
    if roll < 0.8:
        word, place = rng.choice(KK_WORDS), rng.choice(KK_PLACES)
        return f"{word} {place}", f"{place} {word}"
    ru_topic, kk_topic = rng.choice(RU_TOPICS)
    word = rng.choice(KK_WORDS)
    return f"{word} {ru_topic}".capitalize(), f"{word} {kk_topic}"


def organisation_rows(count: int, seed: int, regions: list[str]):
    """Yield field dicts of `count` organisations, deterministic for a seed."""
    from qogam.core.rules import make_bin
    from qogam.registry.search_key import search_key

    rng = random.Random(seed)
    codes = list(FORMS)
    weights = [FORMS[c][0] for c in codes]
    used: set[str] = set()
    serial_by_month: dict[tuple[int, int], int] = {}
    for _ in range(count):
        form = rng.choices(codes, weights)[0]
        _, ru_prefix, kk_suffix = FORMS[form]
        ru_brand, kk_brand = brand(rng)
        registered_on = dt.date(2003, 1, 1) + dt.timedelta(days=int((rng.random() ** 0.7) * 8000))
        month = (registered_on.year, registered_on.month)
        while True:
            serial_by_month[month] = serial_by_month.get(month, 0) + rng.randint(1, 40)
            bin_ = make_bin(*month, serial_by_month[month])
            if bin_ not in used:
                used.add(bin_)
                break
        name_ru = f"{ru_prefix} «{ru_brand}»"
        name_kk = f"«{kk_brand}» {kk_suffix}" if rng.random() < 0.85 else ""
        status = rng.choices(["registered", "suspended", "in_liquidation", "liquidated"], [88, 2, 3, 7])[0]
        liquidated_on = None
        if status == "liquidated":
            liquidated_on = min(registered_on + dt.timedelta(days=rng.randint(200, 4000)), dt.date(2025, 12, 1))
        yield {
            "bin": bin_,
            "name_ru": name_ru,
            "name_kk": name_kk,
            "legal_form_id": form,
            "registered_on": registered_on,
            "status": status,
            "liquidated_on": liquidated_on,
            "region_id": rng.choice(regions),
            "territorial_level": rng.choice(["local", "regional", "national"]) if form == "public_association" else "",
            "leader_gender": rng.choice(["f", "m", ""]),
            "search_key": search_key(name_ru, name_kk),
        }


# --- Set-up ---------------------------------------------------------------------------------------


def configure(database_url: str | None, data_dir: Path) -> None:
    os.environ["QOGAM_DATA_DIR"] = str(data_dir)
    (data_dir / "staticfiles").mkdir(exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["QOGAM_TEST_SQLITE_NAME"] = str(data_dir / "bench.sqlite3")
    import django

    django.setup()


def populate(count: int, seed: int) -> float:
    from django.db import transaction

    from qogam.core.models import Direction, Region
    from qogam.registry.models import Organisation

    regions = list(Region.objects.values_list("kato", flat=True))
    directions = list(Direction.objects.values_list("code", flat=True))
    rng = random.Random(seed + 1)
    started = time.perf_counter()
    batch: list[Organisation] = []
    through = Organisation.directions.through
    with transaction.atomic():
        for row in organisation_rows(count, seed, regions):
            batch.append(Organisation(**row))
            if len(batch) == 5000:
                _flush(batch, through, directions, rng)
        _flush(batch, through, directions, rng)
    return time.perf_counter() - started


def _flush(batch, through, directions, rng) -> None:
    from qogam.registry.models import Organisation

    if not batch:
        return
    Organisation.objects.bulk_create(batch)
    bins = [o.bin for o in batch]
    ids = dict(Organisation.objects.filter(bin__in=bins).values_list("bin", "id"))
    links = [
        through(organisation_id=ids[b], direction_id=code)
        for b in bins
        for code in rng.sample(directions, rng.randint(1, 3))
    ]
    through.objects.bulk_create(links)
    batch.clear()


# --- Measurement ------------------------------------------------------------------------------------

QUERIES = [
    ("Cyrillic word", {"q": "Жастар"}),
    ("Latin transliteration", {"q": "zhastar"}),
    ("two words", {"q": "Болашақ Астана"}),
    ("Kazakh letters", {"q": "Ұлағат"}),
    ("Russian word", {"q": "милосердие"}),
    ("typo (fuzzy)", {"q": "Шапағт"}),
    ("BIN prefix", {"q": "1805"}),
    ("search + region", {"q": "Нұр", "region": "750000000"}),
    ("filters only", {"legal_form": "public_fund", "status": "registered", "ngo": "true"}),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def install_bare_view():
    """A URLconf with the project's URLs plus /bench/bare/: raw SQL in, JSON rows out."""
    from django.conf import settings
    from django.db import connection
    from django.http import JsonResponse
    from django.urls import clear_url_caches, path

    import qogam.urls

    state = {"sql": "", "params": ()}

    def bare(request):
        with connection.cursor() as cursor:
            cursor.execute(state["sql"], state["params"])
            columns = [c[0] for c in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return JsonResponse({"results": rows}, json_dumps_params={"default": str})

    module = types.ModuleType("qogam_bench_urls")
    module.urlpatterns = [path("bench/bare/", bare), *qogam.urls.urlpatterns]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()
    return state


def measure(repeat: int) -> list[dict]:
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    bare_state = install_bare_view()
    results = []
    for label, params in QUERIES:
        url = "/api/organisations/?" + urlencode(params)
        statements = []

        def record(execute, sql, sql_params, many, context, statements=statements):
            statements.append((sql, sql_params))
            return execute(sql, sql_params, many, context)

        with connection.execute_wrapper(record):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        count = response.json()["count"]
        page_sql = next((s for s in reversed(statements) if "LIMIT" in s[0].upper()), statements[-1])
        bare_state["sql"], bare_state["params"] = page_sql

        def run_raw(statements=statements):
            with connection.cursor() as cursor:
                for sql, sql_params in statements:
                    cursor.execute(sql, sql_params)
                    cursor.fetchall()

        timings = {"endpoint": [], "raw": [], "bare": []}
        actions = {
            "endpoint": lambda url=url: client.get(url),
            "raw": run_raw,
            "bare": lambda: client.get("/bench/bare/"),
        }
        for _ in range(3):
            for action in actions.values():
                action()
        for _ in range(repeat):
            for name, action in actions.items():
                started = time.perf_counter()
                action()
                timings[name].append((time.perf_counter() - started) * 1000)
        results.append({"label": label, "params": params, "count": count, "queries": len(statements), **timings})
    return results


def report(results: list[dict], vendor: str, count: int, populate_seconds: float) -> float:
    print(f"\n{vendor}: {count:,} organisations (inserted in {populate_seconds:.1f} s)")
    header = f"{'query':<24}{'hits':>8}{'SQL':>5}  {'endpoint p50/p95':>18}  {'raw p50/p95':>14}  {'bare p50/p95':>14}  {'ratio':>6}"
    print(header)
    print("-" * len(header))
    all_timings = {"endpoint": [], "raw": [], "bare": []}
    worst = 0.0
    for r in results:
        p = {name: (statistics.median(r[name]), percentile(r[name], 95)) for name in all_timings}
        ratio = p["endpoint"][1] / (p["raw"][1] + p["bare"][1])
        worst = max(worst, ratio)
        for name in all_timings:
            all_timings[name].extend(r[name])
        print(
            f"{r['label']:<24}{r['count']:>8}{r['queries']:>5}  "
            f"{p['endpoint'][0]:>8.2f}/{p['endpoint'][1]:<8.2f}  {p['raw'][0]:>6.2f}/{p['raw'][1]:<6.2f}  "
            f"{p['bare'][0]:>6.2f}/{p['bare'][1]:<6.2f}  {ratio:>6.2f}"
        )
    p95 = {name: percentile(values, 95) for name, values in all_timings.items()}
    p50 = {name: statistics.median(values) for name, values in all_timings.items()}
    overall = p95["endpoint"] / (p95["raw"] + p95["bare"])
    print("-" * len(header))
    print(
        f"{'all queries':<37}  {p50['endpoint']:>8.2f}/{p95['endpoint']:<8.2f}  {p50['raw']:>6.2f}/{p95['raw']:<6.2f}  "
        f"{p50['bare']:>6.2f}/{p95['bare']:<6.2f}  {overall:>6.2f}"
    )
    print(f"ratio p95_endpoint / (p95_raw + p95_bare): overall {overall:.2f}, worst query {worst:.2f} (goal ≤ 3)")
    return overall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="organisations to create (default 100000)")
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per query and variant")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database-url", help="PostgreSQL URL; a scratch database test_<name> is created")
    args = parser.parse_args(argv)
    if args.count < 1 or args.repeat < 1:
        parser.error("--count and --repeat must be positive")

    with tempfile.TemporaryDirectory(prefix="qogam-bench-") as tmp:
        configure(args.database_url, Path(tmp))
        from django.db import connection

        if connection.vendor not in ("sqlite", "postgresql"):
            parser.error("the benchmark runs on SQLite or PostgreSQL")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            seconds = populate(args.count, args.seed)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            results = measure(args.repeat)
            report(results, connection.vendor, args.count, seconds)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
