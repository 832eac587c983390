"""State grants through the single operator (Law on NPOs art. 5-4; DOMAIN §4.2). Grants are 1–3 years;
the operator checks compliance in 10 working days and the experts score in 15."""

from decimal import Decimal

from qogam.funding.mechanisms import CriterionSpec, DocumentSpec, Mechanism, register

GRANTS = register(Mechanism(
    code="grant",
    # Issue 4 "Scoring": the grant criteria.
    criteria=(
        CriterionSpec("relevance", "Өзектілігі және әлеуметтік маңызы", "Актуальность и социальная значимость",
                      "Relevance and social significance", Decimal(30)),
        CriterionSpec("innovation", "Инновациялылығы және бірегейлігі", "Инновационность и уникальность",
                      "Innovation and uniqueness", Decimal(20)),
        CriterionSpec("feasibility", "Іске асырылуы", "Реализуемость", "Feasibility", Decimal(30)),
        CriterionSpec("cost", "Шығындардың негізділігі", "Обоснованность затрат", "Cost justification",
                      Decimal(20)),
    ),
    documents=(
        DocumentSpec("project", "Жоба сипаттамасы / Описание проекта"),
        DocumentSpec("budget", "Жоба сметасы / Смета проекта"),
        DocumentSpec("letters", "Серіктестердің хаттары / Письма партнёров", mandatory=False),
    ),
))
