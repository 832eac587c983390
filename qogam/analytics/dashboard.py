"""The panels of the sector dashboards (issue 7), drawn from the saved snapshots: each panel is a chart
(inline SVG), the table of its figures, and the rows of its CSV/XLSX download. The page, the downloads
and the PDF sector report all take their panels from here, so they always show the same numbers.

Panels that break a figure down (by region, legal form, direction, age band) chart the chosen year and
download every year, so the download is the time series."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.analytics import rules, selectors
from qogam.core import charts

REGISTERED, ACTIVE, OTHER = "#5b8db8", "#2e7d4f", "#c9d6e3"
PALETTE = ("#5b8db8", "#2e7d4f", "#e0a030", "#c0392b", "#7b5ea7", "#3aa6a0", "#8c6d3f", "#d35f8d")
TAX_KEYS = ("cit", "vat", "social", "iit_withheld", "property", "other")


@dataclass
class Panel:
    key: str
    title: str
    header: list[str]
    rows: list[list]  # the download
    chart: SafeString | str = ""
    shown: list[list] | None = None  # the rows under the chart when they are not all the download's rows
    note: str = ""
    ministry: bool = False
    more: tuple[str, str] | None = None  # (address, text) of the page with the details
    codes: tuple[int, ...] = ()  # columns of machine codes: in the downloads, not on the page or in the PDF

    @property
    def table(self) -> list[list]:
        rows = self.rows if self.shown is None else self.shown
        return [[cell for i, cell in enumerate(row) if i not in self.codes] for row in rows]

    @property
    def columns(self) -> list[str]:
        return [name for i, name in enumerate(self.header) if i not in self.codes]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _per_thousand(part: int, whole: int) -> float | None:
    return round(1000 * part / whole, 1) if whole else None


@dataclass
class Board:
    """The snapshots one dashboard reads: the chosen year, the region (None for Kazakhstan) and the
    time series of the region."""

    year: int
    region: str | None
    series: list[tuple[int, dict]] = field(default_factory=list)
    _names: dict = field(default_factory=dict)

    @classmethod
    def load(cls, year: int, region: str | None) -> Board:
        """The snapshots of `region`, up to the last year whose reports are due (or the chosen year, if
        later): a year still being reported would show as a fall."""
        from qogam.core.calendar import today
        from qogam.reporting.selectors import last_closed_year

        last = max(year, last_closed_year(today()))
        return cls(year, region, [(y, d) for y, d in selectors.series(region) if y <= last])

    @property
    def current(self) -> dict | None:
        return dict(self.series).get(self.year)

    @property
    def reported(self) -> list[tuple[int, dict]]:
        """The series from the first year with reports to the NGO Database: the figures taken from
        reports are unknown, not zero, before it."""
        first = next((y for y, d in self.series if d.get("reports")), None)
        return [] if first is None else [(y, d) for y, d in self.series if y >= first]

    def names(self, kind: str) -> dict:
        """Names in the reader's language of legal forms, directions, regions or state bodies."""
        if kind not in self._names:
            from qogam.core.models import Direction, LegalForm, Region
            from qogam.registry.models import StateBody

            model = {"form": LegalForm, "direction": Direction, "region": Region, "body": StateBody}[kind]
            self._names[kind] = {str(obj.pk): obj.name for obj in model.objects.all()}
        return self._names[kind]

    def name(self, kind: str, key) -> str:
        return self.names(kind).get(str(key), str(key))


def mechanism_label(code: str) -> str:
    from qogam.funding.models import MECHANISM_CHOICES

    return str(dict(MECHANISM_CHOICES).get(code, code))


def level_label(code: str) -> str:
    from qogam.registry.models import StateBody

    return str(dict(StateBody.Level.choices).get(code, code))


# --- Panels ----------------------------------------------------------------------------------------


def summary(board: Board) -> Panel:
    f = board.current["indicators"]
    money = board.current["funding"]
    index = f["physical_volume_index"]
    rows = [
        [_("NGOs on the register"), f["registered_ngos"]["total"]],
        [_("Active NGOs"), f["active_ngos"]["total"]],
        [_("Share of active NGOs, %"), _share(f["active_ngos"]["total"], f["registered_ngos"]["total"])],
        [_("Women-led NGOs on the register"), f["women_led_ngos"]["registered"]],
        [_("Women-led active NGOs"), f["women_led_ngos"]["active"]],
        [_("Employees of active NGOs"), f["employees"]["total"]],
        [_("Payroll, KZT"), f["employees"]["payroll_kzt"]],
        [_("Volume of services, KZT"), f["services_volume_kzt"]["total"]],
        [_("Physical volume index of services, %"), None if index is None else round(index, 1)],
        [_("Charity and sponsorship received, KZT"), f["charity_sponsorship_kzt"]],
        [_("Foreign funds received, KZT"), f["foreign_funds_kzt"]],
        [_("Taxes paid, KZT"), f["taxes_kzt"]["total"]],
        [_("Volunteers"), f["volunteer_services"]["volunteers"]],
        [_("Volunteer hours"), f["volunteer_services"]["hours"]],
        [_("Applications for state funding"), money["applications"]],
        [_("Agreements won"), money["wins"]],
        [_("Amount of the agreements, KZT"), money["amount_kzt"]],
    ]
    return Panel("summary", _("The year in figures"), [_("Indicator"), _("Value")], rows,
                 note=_("Physical volume index: the volume of services divided by the year's consumer price index, "
                        "as a percentage of the previous year's volume; empty without the previous year's volume or "
                        "the year's price index."))


def registered_active(board: Board) -> Panel:
    rows = [[year, d["indicators"]["registered_ngos"]["total"], d["indicators"]["active_ngos"]["total"],
             _share(d["indicators"]["active_ngos"]["total"], d["indicators"]["registered_ngos"]["total"])]
            for year, d in board.series]
    chart = charts.lines([str(r[0]) for r in rows], [
        (_("on the register"), REGISTERED, [r[1] for r in rows]),
        (_("active"), ACTIVE, [r[2] for r in rows])], title=_("NGOs on the register and active, by year"))
    return Panel("registered-active", _("NGOs on the register and active, by year"),
                 [_("Year"), _("On the register"), _("Active"), _("Share active, %")], rows, chart,
                 note=_("Active: the organisation's report for the year shows employees, volunteers, services or "
                        "expenses, or it held a state funding agreement in the year."))


def _breakdown(board: Board, key: str, title: str, kind: str, label: str, field_name: str) -> Panel:
    """Registered and active NGOs by legal form or direction: the chosen year charted, every year downloaded."""
    rows = []
    for year, d in board.series:
        registered = d["indicators"]["registered_ngos"][field_name]
        active = d["indicators"]["active_ngos"][field_name]
        for code in sorted(set(registered) | set(active)):
            rows.append([year, code, board.name(kind, code), registered.get(code, 0), active.get(code, 0)])
    shown = sorted((r for r in rows if r[0] == board.year), key=lambda r: -r[3])
    chart = charts.stacked_bars([(r[2], [charts.Segment(_("active"), r[4], ACTIVE),
                                         charts.Segment(_("not active"), r[3] - r[4], OTHER)]) for r in shown],
                                title=title)
    return Panel(key, title, [_("Year"), _("Code"), label, _("On the register"), _("Active")], rows, chart, shown,
                 note=_("The chart shows the chosen year; the download holds every year."), codes=(1,))


def legal_forms(board: Board) -> Panel:
    return _breakdown(board, "legal-forms", _("NGOs by legal form"), "form", _("Legal form"), "by_legal_form")


def directions(board: Board) -> Panel:
    panel = _breakdown(board, "directions", _("NGOs by direction of activity"), "direction", _("Direction"),
                       "by_direction")
    panel.note = _("An organisation counts once under each of its charter directions. The chart shows the chosen "
                   "year; the download holds every year.")
    return panel


def regions(board: Board) -> Panel:
    rows = []
    for year, region, d in selectors.all_by_region():
        registered = d["indicators"]["registered_ngos"]["total"]
        active = d["indicators"]["active_ngos"]["total"]
        rows.append([year, region, board.name("region", region), registered, active, _share(active, registered)])
    shown = sorted((r for r in rows if r[0] == board.year), key=lambda r: -r[3])
    chart = charts.stacked_bars([(r[2], [charts.Segment(_("active"), r[4], ACTIVE),
                                         charts.Segment(_("not active"), r[3] - r[4], OTHER)]) for r in shown],
                                title=_("NGOs by region"))
    return Panel("regions", _("NGOs by region"), [_("Year"), _("KATO"), _("Region"), _("On the register"),
                                                  _("Active"), _("Share active, %")], rows, chart, shown,
                 note=_("Ranked by the number on the register. The chart shows the chosen year; the download holds "
                        "every year."))


def age(board: Board) -> Panel:
    rows = [[year, band, d["indicators"]["active_ngos"]["by_age"].get(band, 0)]
            for year, d in board.reported for band in rules.AGE_BANDS]
    recent = [year for year, _d in board.reported][-12:]
    by = {(r[0], r[1]): r[2] for r in rows}
    chart = charts.stacked_bars([(str(year), [charts.Segment(_("%(band)s years") % {"band": band}, by[(year, band)],
                                                             PALETTE[i]) for i, band in enumerate(rules.AGE_BANDS)])
                                 for year in recent], title=_("Active NGOs by age"))
    return Panel("age", _("Active NGOs by age"), [_("Year"), _("Age, years"), _("Active NGOs")], rows, chart,
                 note=_("Age: the year minus the year of registration. Each bar is one year, its parts the shares "
                        "of the age bands."))


def employment(board: Board) -> Panel:
    rows = []
    for year, d in board.reported:
        e = d["indicators"]["employees"]
        wage = round(e["payroll_kzt"] / e["total"] / 12) if e["total"] else None
        rows.append([year, e["total"], e["women"], e["with_disability"], e["higher_education"], e["by_age"]["under_30"],
                     e["by_age"]["30_59"], e["by_age"]["60_plus"], e["payroll_kzt"], wage])
    chart = charts.lines([str(r[0]) for r in rows], [(_("employees"), REGISTERED, [r[1] for r in rows]),
                                                     (_("of them women"), PALETTE[3], [r[2] for r in rows])],
                         title=_("Employees of active NGOs"))
    return Panel("employment", _("Employment and wages"), [
        _("Year"), _("Employees"), _("Women"), _("With disability"), _("With higher education"), _("Under 30"),
        _("30–59"), _("60 and over"), _("Payroll, KZT"), _("Average monthly wage, KZT")], rows, chart,
        note=_("Sums over the reports of active NGOs. Average monthly wage: the payroll divided by the employees "
               "and by 12."))


def services(board: Board) -> Panel:
    rows = []
    for year, d in board.reported:
        f = d["indicators"]
        index = f["physical_volume_index"]
        rows.append([year, f["services_volume_kzt"]["total"], None if index is None else round(index, 1)])
    chart = charts.lines([str(r[0]) for r in rows], [(_("volume of services, KZT"), ACTIVE, [r[1] for r in rows])],
                         title=_("Volume of services of active NGOs, KZT"))
    return Panel("services", _("Volume of services"), [_("Year"), _("Volume of services, KZT"),
                                                      _("Physical volume index, %")], rows, chart)


def volunteers(board: Board) -> Panel:
    rows = [[year, d["indicators"]["volunteer_services"]["volunteers"], d["indicators"]["volunteer_services"]["hours"]]
            for year, d in board.reported]
    chart = charts.lines([str(r[0]) for r in rows], [(_("volunteers"), PALETTE[4], [r[1] for r in rows])],
                         title=_("Volunteers of active NGOs"))
    return Panel("volunteers", _("Volunteers"), [_("Year"), _("Volunteers"), _("Volunteer hours")], rows, chart)


def money_received(board: Board) -> Panel:
    rows = [[year, d["indicators"]["foreign_funds_kzt"], d["indicators"]["charity_sponsorship_kzt"]]
            for year, d in board.reported]
    chart = charts.lines([str(r[0]) for r in rows], [(_("foreign funds"), PALETTE[2], [r[1] for r in rows]),
                                                     (_("charity and sponsorship"), PALETTE[5], [r[2] for r in rows])],
                         title=_("Foreign funds and charity received, KZT"))
    return Panel("foreign-funds", _("Foreign funds and charity received"), [
        _("Year"), _("Foreign funds, KZT"), _("Charity and sponsorship, KZT")], rows, chart)


def _tax_labels() -> dict[str, str]:
    return {"cit": _("corporate income tax"), "vat": _("VAT"), "social": _("social tax"),
            "iit_withheld": _("individual income tax withheld"), "property": _("property tax"), "other": _("other")}


def taxes(board: Board) -> Panel:
    labels = _tax_labels()
    rows = [[year, *[d["indicators"]["taxes_kzt"][k] for k in TAX_KEYS], d["indicators"]["taxes_kzt"]["total"]]
            for year, d in board.reported]
    chart = charts.stacked_bars([(str(r[0]), [charts.Segment(labels[k], r[1 + i], PALETTE[i])
                                              for i, k in enumerate(TAX_KEYS)]) for r in rows[-12:]],
                                title=_("Taxes paid by active NGOs, KZT"))
    return Panel("taxes", _("Taxes paid"), [_("Year"), *[labels[k] for k in TAX_KEYS], _("Total, KZT")], rows, chart,
                 note=_("Amounts in KZT. Each bar is one year, its parts the shares of the kinds of tax."))


def funding_mechanisms(board: Board) -> Panel:
    rows = []
    mechanisms = sorted({m for _y, d in board.series for m in d["funding"]["by_mechanism"]})
    for year, d in board.series:
        for m in mechanisms:
            line = d["funding"]["by_mechanism"].get(m, {"applications": 0, "wins": 0, "amount_kzt": 0})
            rows.append([year, m, mechanism_label(m), line["applications"], line["wins"], line["amount_kzt"]])
    years = [str(year) for year, _d in board.series]
    by = {(r[0], r[1]): r[5] for r in rows}
    chart = charts.lines(years, [(mechanism_label(m), PALETTE[i % len(PALETTE)],
                                  [by[(int(y), m)] for y in years]) for i, m in enumerate(mechanisms)],
                         title=_("Amount of state funding agreements by mechanism, KZT"))
    return Panel("funding", _("Funding flows by mechanism"), [
        _("Year"), _("Code"), _("Mechanism"), _("Applications"), _("Agreements won"), _("Amount, KZT")], rows, chart,
        codes=(1,), note=_("By the year of the funding programme. Applications: those filed and not withdrawn. Agreements "
               "won: signed by both parties. The region is the applicant organisation's region."))


def funders(board: Board) -> Panel:
    from qogam.funding.models import Programme

    kinds = dict(Programme.FunderKind.choices)
    rows = []
    for f in board.current["funding"]["by_funder"]:
        name = board.name("body", f["body"]) if f["body"] else f["name"]
        rows.append([name, str(kinds.get(f["kind"], f["kind"])), f["wins"], f["amount_kzt"]])
    top = rows[:10]
    chart = charts.value_bars([(r[0], r[3]) for r in top], title=_("The ten largest funders of the year, KZT"),
                              unit="", maximum=float(max([r[3] for r in top] or [0]) or 1), colour=REGISTERED)
    return Panel("funders", _("Funders of the year"), [_("Funder"), _("Kind"), _("Agreements"), _("Amount, KZT")],
                 rows, chart, note=_("The chart shows the ten largest; the table and the download every funder."))


def equity(board: Board) -> Panel:
    rows = []
    for region, d in sorted(selectors.year_by_region(board.year).items()):
        ngos = d["indicators"]["registered_ngos"]["total"]
        money = d["funding"]
        rows.append([region, board.name("region", region), ngos, money["applications"], money["wins"],
                     money["amount_kzt"], _per_thousand(money["applications"], ngos),
                     _per_thousand(money["wins"], ngos),
                     round(money["amount_kzt"] / ngos) if ngos else None])
    rows.sort(key=lambda r: -(r[7] or 0))
    chart = charts.value_bars([(r[1], r[7]) for r in rows], title=_("Agreements won per 1,000 NGOs, by region"),
                              unit="", maximum=float(max([r[7] or 0 for r in rows] or [0]) or 1), colour=ACTIVE)
    return Panel("equity", _("Regional equity of state funding"), [
        _("KATO"), _("Region"), _("NGOs on the register"), _("Applications"), _("Agreements won"), _("Amount, KZT"),
        _("Applications per 1,000 NGOs"), _("Agreements per 1,000 NGOs"), _("Amount per NGO, KZT")], rows, chart,
        note=_("Per 1,000 NGOs on the register of the region in the year. Ranked by agreements per 1,000 NGOs."))


def responsiveness(board: Board) -> Panel:
    from qogam.core.charts import LATE, ON_TIME, UNANSWERED

    r = board.current["responsiveness"]
    rows = [[level_label(level), s["received"], s["answered_on_time"], s["answered_late"], s["unanswered"],
             s["overdue"], s["on_time_percent"]] for level, s in r["by_level"].items()]
    total = r["total"]
    rows.append([_("All levels"), total["received"], total["answered_on_time"], total["answered_late"],
                 total["unanswered"], total["overdue"], total["on_time_percent"]])
    chart = charts.stacked_bars([(row[0], [charts.Segment(_("answered on time"), row[2], ON_TIME),
                                           charts.Segment(_("answered late"), row[3], LATE),
                                           charts.Segment(_("unanswered"), row[4], UNANSWERED)]) for row in rows],
                                title=_("Answers of state bodies to recommendations, by level"))
    return Panel("responsiveness", _("Responsiveness of state bodies"), [
        _("Level"), _("Received"), _("Answered on time"), _("Answered late"), _("Unanswered"), _("Overdue"),
        _("On time, %")], rows, chart,
        note=_("Recommendations of public councils, the Civil Forum and petitions sent in the year, by the level of "
               "the addressee body, as counted when the indicators were computed."),
        more=(reverse("recommendations:scoreboard") + f"?year={board.year}" + (f"&region={board.region}" if board.region
                                                                               else ""),
              _("The scoreboard of every state body")))


def signs(board: Board) -> Panel:
    s = board.current["indicators"]["activity_signs"]
    labels = {"employees": _("employees"), "volunteers": _("volunteers"), "services": _("services"),
              "expenses": _("expenses"), "funding_agreement": _("a state funding agreement")}
    rows = [[labels[k], s[k]] for k in labels]
    active = board.current["indicators"]["active_ngos"]["total"]
    chart = charts.value_bars([(r[0], _share(r[1], active)) for r in rows], title=_("Signs of activity"),
                              colour=ACTIVE)
    return Panel("signs", _("Signs of activity"), [_("Sign"), _("Active NGOs showing it")], rows, chart,
                 note=_("Share of the active NGOs showing each sign; an organisation may show several."))


def region_matrix(board: Board) -> Panel:
    rows = []
    for region, d in sorted(selectors.year_by_region(board.year).items()):
        f = d["indicators"]
        rows.append([region, board.name("region", region), f["registered_ngos"]["total"], f["active_ngos"]["total"],
                     f["employees"]["total"], f["employees"]["payroll_kzt"], f["services_volume_kzt"]["total"],
                     None if f["physical_volume_index"] is None else round(f["physical_volume_index"], 1),
                     f["volunteer_services"]["volunteers"], f["foreign_funds_kzt"], f["taxes_kzt"]["total"],
                     f["women_led_ngos"]["active"]])
    rows.sort(key=lambda r: -r[6])
    chart = charts.value_bars([(r[1], r[6]) for r in rows], title=_("Volume of services by region, KZT"), unit="",
                              maximum=float(max([r[6] for r in rows] or [0]) or 1), colour=REGISTERED)
    return Panel("region-matrix", _("The indicators of each region"), [
        _("KATO"), _("Region"), _("On the register"), _("Active"), _("Employees"), _("Payroll, KZT"),
        _("Volume of services, KZT"), _("Physical volume index, %"), _("Volunteers"), _("Foreign funds, KZT"),
        _("Taxes paid, KZT"), _("Women-led active NGOs")], rows, chart)


# key: (builder, for Kazakhstan only, for the ministry only)
PANELS: dict[str, tuple[Callable[[Board], Panel], bool, bool]] = {
    "summary": (summary, False, False),
    "registered-active": (registered_active, False, False),
    "regions": (regions, True, False),
    "legal-forms": (legal_forms, False, False),
    "directions": (directions, False, False),
    "age": (age, False, False),
    "funding": (funding_mechanisms, False, False),
    "funders": (funders, False, False),
    "equity": (equity, True, False),
    "employment": (employment, False, False),
    "services": (services, False, False),
    "volunteers": (volunteers, False, False),
    "foreign-funds": (money_received, False, False),
    "taxes": (taxes, False, False),
    "responsiveness": (responsiveness, False, False),
    "signs": (signs, False, True),
    "region-matrix": (region_matrix, True, True),
}
SECTIONS = (
    (gettext_lazy("The register"), ("summary", "registered-active", "regions", "legal-forms", "directions", "age")),
    (gettext_lazy("Funding"), ("funding", "funders", "equity")),
    (gettext_lazy("Economic contribution"), ("employment", "services", "volunteers", "foreign-funds", "taxes")),
    (gettext_lazy("Responsiveness of state bodies"), ("responsiveness",)),
    (gettext_lazy("For the ministry"), ("signs", "region-matrix")),
)


def applies(key: str, board: Board, *, ministry: bool) -> bool:
    _builder, country_only, ministry_only = PANELS[key]
    return not (country_only and board.region) and (ministry or not ministry_only)


def panel(key: str, board: Board, *, ministry: bool) -> Panel | None:
    if key not in PANELS or board.current is None or not applies(key, board, ministry=ministry):
        return None
    built = PANELS[key][0](board)
    built.ministry = PANELS[key][2]
    return built


def sections(board: Board, *, ministry: bool) -> list[tuple[str, list[Panel]]]:
    out = []
    for title, keys in SECTIONS:
        panels = [p for p in (panel(key, board, ministry=ministry) for key in keys) if p is not None]
        if panels:
            out.append((str(title), panels))
    return out
