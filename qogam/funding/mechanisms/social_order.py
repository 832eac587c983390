"""The state social order (Law of 12 April 2005 "On state social order, grants and awards for NGOs";
DOMAIN §4.1): topics formed bottom up, lots with terms of reference ordered by a customer body of any
level, a tender open to any NPO whose charter covers the lot's direction, a commission that scores the
admissible bids (the highest score wins; ties go to the lower price, then the earlier bid), bids more
than 20% below the planned amount refused as dumping, contracts of up to 3 years with yearly stages,
and the social effect evaluated by public experts. Published as OCDS."""

from decimal import Decimal

from qogam.funding.mechanisms import CriterionSpec, DocumentSpec, Mechanism, register

SOCIAL_ORDER = register(Mechanism(
    code="social_order",
    # Issue 5 "Tender": a commission scores the admissible bids on published criteria.
    criteria=(
        CriterionSpec("proposal", "Ұсыныстың техникалық ерекшелікке сәйкестігі мен сапасы",
                      "Соответствие и качество предложения техническому заданию",
                      "Quality of the proposal against the terms of reference", Decimal(35)),
        CriterionSpec("experience", "Тәжірибесі мен мамандары", "Опыт и кадры", "Experience and staff", Decimal(25)),
        CriterionSpec("results", "Күтілетін нәтижелер мен әлеуметтік әсер", "Ожидаемые результаты и социальный эффект",
                      "Expected results and social effect", Decimal(25)),
        CriterionSpec("cost", "Шығындардың негізділігі", "Обоснованность затрат", "Cost justification",
                      Decimal(15)),
    ),
    documents=(
        DocumentSpec("proposal", "Ұсыныс / Предложение"),
        DocumentSpec("budget", "Баға есебі / Расчёт цены"),
    ),
    agreement_prefix="SO",
    managed_by="customer",
    customer_levels=("central", "regional", "city", "district"),
    funder_kinds=("ministry", "akimat"),
    evaluators="committee",
    places_per_lot=1,
    rank_by_price=True,
    price_floor="sso_price_floor",
    months=(1, 36),
    effect_evaluation=True,
    publication="ocds",
))
