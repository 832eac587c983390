"""The reporting tables of the annual NGO Database report: one definition that the forms, the XLSX
template, the migration import, the API and the validation all read. DOMAIN.md §3; issue 3.

No table holds personal data of employees: employees are reported as aggregates only.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

COUNT = "count"  # a non-negative whole number
AMOUNT = "amount"  # whole KZT, non-negative
BINS = "bins"  # a list of BINs of legal-entity founders
BY_DIRECTION = "by_direction"  # {direction code: whole KZT}
RECEIPTS = "receipts"  # foreign-funding receipts
USES = "uses"  # uses of foreign funding


@dataclass(frozen=True)
class Field:
    key: str
    table: str
    kind: str
    label: object
    guidance: object = ""
    flat: bool = True  # a column of the migration import and of ReportVersion

    @property
    def is_number(self) -> bool:
        return self.kind in (COUNT, AMOUNT)


@dataclass(frozen=True)
class Table:
    code: str
    title: object
    guidance: object


TABLES = [
    Table("founders", _("Founders and members"), _(
        "How many individuals founded the organisation and how many members it has at the end of the year. "
        "Legal-entity founders are listed by BIN. Do not enter names or IINs of individuals.")),
    Table("property", _("Property"), _(
        "The book value of the organisation's property on 31 December of the reporting year, in whole tenge.")),
    Table("income", _("Income by source"), _(
        "All money received during the year, by source, in whole tenge. Foreign income must equal the total "
        "of the foreign-funding receipts listed in the foreign funding table.")),
    Table("spending", _("Spending"), _(
        "All money spent during the year. When you split it by charter direction, the parts must add up "
        "to the total.")),
    Table("employees", _("Employees (aggregates only)"), _(
        "Numbers of employees on 31 December. The three age bands must add up to the total; women, employees "
        "with disability and with higher education cannot exceed the total. No names or IINs.")),
    Table("payroll", _("Payroll"), _("The total wages paid to employees during the year, in whole tenge.")),
    Table("volunteers", _("Volunteers"), _(
        "People who worked for the organisation without pay during the year, and the hours they gave. "
        "With no volunteers the hours are 0.")),
    Table("beneficiaries", _("Beneficiaries"), _(
        "The number of people who received the organisation's services or help during the year.")),
    Table("services", _("Volume of services"), _(
        "The value of goods, works and services the organisation provided, in whole tenge. When you split it "
        "by type of activity, the parts must add up to the total.")),
    Table("taxes", _("Taxes paid"), _("Taxes and payments to the budget paid during the year, by type.")),
    Table("foreign", _("Foreign funding"), _(
        "Money received from foreign states, international and foreign organisations, foreigners and stateless "
        "persons, and how it was used. Recipients appear in the open register with their totals and source "
        "countries; names of individual donors are never collected.")),
]

FIELDS = [
    Field("founders_individuals", "founders", COUNT, _("Founders who are individuals"), flat=False),
    Field("founders_legal_entities", "founders", BINS, _("BINs of founders that are legal entities"), _(
        "One BIN per line. Each BIN is checked."), flat=False),
    Field("members", "founders", COUNT, _("Members at the end of the year"), flat=False),
    Field("property_real_estate_kzt", "property", AMOUNT, _("Land and buildings"), flat=False),
    Field("property_equipment_kzt", "property", AMOUNT, _("Equipment"), flat=False),
    Field("property_vehicles_kzt", "property", AMOUNT, _("Vehicles"), flat=False),
    Field("property_cash_kzt", "property", AMOUNT, _("Money in accounts and cash"), flat=False),
    Field("property_financial_assets_kzt", "property", AMOUNT, _("Deposits and financial assets"), flat=False),
    Field("property_other_kzt", "property", AMOUNT, _("Other property"), flat=False),
    Field("income_state_social_order_kzt", "income", AMOUNT, _("State social order")),
    Field("income_state_grants_kzt", "income", AMOUNT, _("State grants")),
    Field("income_awards_kzt", "income", AMOUNT, _("NGO awards")),
    Field("income_foreign_kzt", "income", AMOUNT, _("Foreign sources"), _(
        "Must equal the total of the foreign-funding receipts you list.")),
    Field("income_charity_sponsorship_kzt", "income", AMOUNT, _("Charity and sponsorship")),
    Field("income_membership_fees_kzt", "income", AMOUNT, _("Membership fees")),
    Field("income_commercial_kzt", "income", AMOUNT, _("Own commercial activity")),
    Field("income_deposit_interest_kzt", "income", AMOUNT, _("Deposit interest")),
    Field("income_other_kzt", "income", AMOUNT, _("Other income")),
    Field("expenses_kzt", "spending", AMOUNT, _("Total spending")),
    Field("spending_by_direction", "spending", BY_DIRECTION, _("Spending by charter direction"), _(
        "Optional. The parts must add up to the total spending."), flat=False),
    Field("employees", "employees", COUNT, _("Employees, total")),
    Field("employees_women", "employees", COUNT, _("of whom women")),
    Field("employees_with_disability", "employees", COUNT, _("of whom with disability")),
    Field("employees_age_under_30", "employees", COUNT, _("aged under 30")),
    Field("employees_age_30_59", "employees", COUNT, _("aged 30 to 59")),
    Field("employees_age_60_plus", "employees", COUNT, _("aged 60 and over")),
    Field("employees_higher_education", "employees", COUNT, _("with higher education")),
    Field("employees_managers", "employees", COUNT, _("by qualification: managers"), flat=False),
    Field("employees_specialists", "employees", COUNT, _("by qualification: specialists"), flat=False),
    Field("employees_support_staff", "employees", COUNT, _("by qualification: support staff"), _(
        "When you give the qualification split, managers, specialists and support staff add up to the total."),
        flat=False),
    Field("payroll_kzt", "payroll", AMOUNT, _("Total payroll")),
    Field("volunteers", "volunteers", COUNT, _("Volunteers")),
    Field("volunteer_hours", "volunteers", COUNT, _("Volunteer hours")),
    Field("beneficiaries", "beneficiaries", COUNT, _("Beneficiaries")),
    Field("services_volume_kzt", "services", AMOUNT, _("Volume of services, total")),
    Field("services_by_activity", "services", BY_DIRECTION, _("Volume of services by type of activity"), _(
        "Optional. The parts must add up to the total volume."), flat=False),
    Field("tax_cit_kzt", "taxes", AMOUNT, _("Corporate income tax")),
    Field("tax_vat_kzt", "taxes", AMOUNT, _("Value added tax")),
    Field("tax_social_kzt", "taxes", AMOUNT, _("Social tax")),
    Field("tax_iit_withheld_kzt", "taxes", AMOUNT, _("Individual income tax withheld")),
    Field("tax_property_kzt", "taxes", AMOUNT, _("Property tax")),
    Field("tax_other_kzt", "taxes", AMOUNT, _("Other taxes and payments")),
    Field("foreign_receipts", "foreign", RECEIPTS, _("Receipts of foreign funding"), _(
        "Each receipt: source type, country, amount in tenge, date and purpose."), flat=False),
    Field("foreign_uses", "foreign", USES, _("Uses of foreign funding"), _(
        "Each use: period, amount in tenge and charter direction."), flat=False),
]

FIELDS_BY_KEY = {f.key: f for f in FIELDS}

# The migration import's columns after `bin,year`, in order (issue 3).
IMPORT_COLUMNS = [
    "employees", "employees_women", "employees_with_disability", "employees_age_under_30",
    "employees_age_30_59", "employees_age_60_plus", "employees_higher_education", "payroll_kzt",
    "volunteers", "volunteer_hours", "beneficiaries", "services_volume_kzt",
    "income_state_social_order_kzt", "income_state_grants_kzt", "income_awards_kzt", "income_foreign_kzt",
    "income_charity_sponsorship_kzt", "income_membership_fees_kzt", "income_commercial_kzt",
    "income_deposit_interest_kzt", "income_other_kzt", "expenses_kzt", "tax_cit_kzt", "tax_vat_kzt",
    "tax_social_kzt", "tax_iit_withheld_kzt", "tax_property_kzt", "tax_other_kzt",
]
FLAT_FIELDS = [f for f in FIELDS if f.flat]
assert [f.key for f in FLAT_FIELDS] != [] and {f.key for f in FLAT_FIELDS} == set(IMPORT_COLUMNS)
COUNT_FIELDS = [k for k in IMPORT_COLUMNS if FIELDS_BY_KEY[k].kind == COUNT]
AMOUNT_FIELDS = [k for k in IMPORT_COLUMNS if FIELDS_BY_KEY[k].kind == AMOUNT]
INCOME_FIELDS = [f.key for f in FIELDS if f.table == "income"]
TAX_FIELDS = [f.key for f in FIELDS if f.table == "taxes"]


def empty_content() -> dict:
    """A blank report: zeros and empty lists, ready for the form."""
    blank = {COUNT: 0, AMOUNT: 0, BINS: [], BY_DIRECTION: {}, RECEIPTS: [], USES: []}
    return {f.key: (blank[f.kind].copy() if isinstance(blank[f.kind], list | dict) else blank[f.kind]) for f in FIELDS}
