"""Strategic partnership (since July 2022; DOMAIN §4.4): a central state body runs a competition and
selects ONE NGO partner for 3 years to solve a set of problems, with a multi-year plan and yearly
reports. National level only: the customer must be a central state body."""

from decimal import Decimal

from qogam.funding.mechanisms import CriterionSpec, DocumentSpec, Mechanism, register

PARTNERSHIP = register(Mechanism(
    code="partnership",
    criteria=(
        CriterionSpec("plan", "Үш жылдық жоспардың сапасы", "Качество трёхлетнего плана",
                      "Quality of the three-year plan", Decimal(30)),
        CriterionSpec("capacity", "Ұйымның әлеуеті мен тәжірибесі", "Потенциал и опыт организации",
                      "Capacity and experience", Decimal(30)),
        CriterionSpec("results", "Күтілетін нәтижелер", "Ожидаемые результаты", "Expected results", Decimal(25)),
        CriterionSpec("cost", "Шығындардың негізділігі", "Обоснованность затрат", "Cost justification",
                      Decimal(15)),
    ),
    documents=(
        DocumentSpec("plan", "Көпжылдық жоспар / Многолетний план"),
        DocumentSpec("budget", "Жоба сметасы / Смета"),
    ),
    agreement_prefix="SP",
    managed_by="customer",
    customer_levels=("central",),
    funder_kinds=("ministry",),
    evaluators="pool",
    places_per_lot=1,
    lots_max=1,
    months=(36, 36),
))
