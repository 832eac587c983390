"""Migration import of the register from UTF-8 CSV or XLSX (issue 2 §3 "Migration import").

All-or-nothing: every row is validated first and every problem is reported as
`row N: column: reason` (N is the row number a spreadsheet shows; the header is row 1). Only when
no row is rejected is anything written, in one transaction with its audit entries. Rows are
upserted by BIN; rows that would change nothing are not written and get no audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.accounts.permissions import can_create_organisation
from qogam.core import audit
from qogam.core.errors import Conflict, PermissionDeniedError
from qogam.core.tabular import XLSX_MAGIC, ImportFileError, ImportOutcome, Problem, read_rows  # noqa: F401 (re-exported)
from qogam.core.tabular import cell_text as _cell
from qogam.registry import rules
from qogam.registry.models import Organisation
from qogam.registry.services import OBJECT_TYPE, organisation_model_fields
from qogam.registry.validation import Reference, clean_organisation

COLUMNS = (
    "bin",
    "name_ru",
    "name_kk",
    "legal_form",
    "registered_on",
    "liquidated_on",
    "status",
    "region_kato",
    "territorial_level",
    "branch_regions",
    "directions",
    "leader_gender",
)
# The export leaves out leader_gender (personal data), so its header is accepted too: then every
# organisation keeps the leader's gender it has.
EXPORT_COLUMNS = COLUMNS[:-1]
FIELD_OF_COLUMN = {column: ("region" if column == "region_kato" else column) for column in COLUMNS}
COLUMN_OF_FIELD = {f: c for c, f in FIELD_OF_COLUMN.items()}

_CHUNK = 500


@dataclass
class ImportResult(ImportOutcome):
    columns = COLUMNS
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "rows": self.rows}
        if not self.ok:
            return self.rejected_summary()
        if self.dry_run:
            return _(
                "Dry run, nothing was written: %(rows)d rows are valid; %(created)d would be created, "
                "%(updated)d updated, %(unchanged)d unchanged."
            ) % counts
        return _("Imported %(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % counts


# --- Reading the file -------------------------------------------------------------------------


def _check_header(cells) -> tuple[str, ...]:
    header = [_cell(c)[0] for c in cells]
    while header and not header[-1]:
        header.pop()
    if tuple(header) in (COLUMNS, EXPORT_COLUMNS):
        return tuple(header)
    found = ",".join(header)
    message = _(
        "The first row must be the header, exactly: %(header)s (leader_gender may be left out). Found: %(found)s."
    ) % {"header": ",".join(COLUMNS), "found": found or _("an empty row")}
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if len(header) == 1 and ";" in header[0]:
        message += " " + _("The columns seem to be separated by “;”. Separate columns with commas; “;” separates "
                           "the items of a list.")
    elif unknown:
        message += " " + _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}
    elif missing and missing != ["leader_gender"]:
        message += " " + _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
    else:
        message += " " + _("Put the columns in the order shown.")
    raise ImportFileError(message)


# --- Validation -------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict


def _parse(content: bytes, result: ImportResult, reference: Reference) -> tuple[tuple[str, ...], list[_Row]]:
    rows = read_rows(content, header=COLUMNS)
    try:
        first = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty. Its first row must be the header: %(header)s.")
                              % {"header": ",".join(COLUMNS)}) from None
    header = _check_header(first)
    width = len(header)
    first_row_of_bin: dict[str, int] = {}
    parsed: list[_Row] = []

    for number, cells in enumerate(rows, start=2):
        texts = [_cell(c) for c in cells]
        if not any(text for text, _number in texts):
            continue
        result.rows += 1
        row_errors: list[Problem] = []
        if len(texts) > width and any(text for text, _number in texts[width:]):
            row_errors.append(Problem(number, header[-1], _(
                "this row has %(found)d values but the header has %(width)d columns. Remove the extra values, or "
                "put quotes around a value that contains a comma."
            ) % {"found": len(texts), "width": width}))
        texts += [("", False)] * (width - len(texts))
        raw = {column: texts[i][0] for i, column in enumerate(header)}

        bin_, bin_is_number = texts[0]
        if bin_is_number and bin_.isdigit() and len(bin_) < 12:
            raw["bin"] = bin_.zfill(12)
            result.warnings.append(Problem(number, "bin", _(
                "the BIN was stored as a number, which drops leading zeros; read as %(bin)s. Format the column as "
                "text."
            ) % {"bin": raw["bin"]}, warning=True))

        data = {FIELD_OF_COLUMN[column]: raw[column] for column in header}
        data["liquidated_on"] = data["liquidated_on"] or None
        data["registered_on"] = data["registered_on"] or None
        data["branch_regions"] = rules.parse_list(raw["branch_regions"])
        data["directions"] = rules.parse_list(raw["directions"])
        cleaned = clean_organisation(data, reference=reference, strict=False, check_bin_unique=False)

        for name, messages in cleaned.errors.items():
            row_errors.extend(Problem(number, COLUMN_OF_FIELD.get(name, name), m) for m in messages)
        for name, messages in cleaned.warnings.items():
            result.warnings.extend(Problem(number, COLUMN_OF_FIELD.get(name, name), m, warning=True) for m in messages)
        if "bin" not in cleaned.errors:
            bin_ = cleaned.values["bin"]
            if bin_ in first_row_of_bin:
                row_errors.append(Problem(number, "bin", _("duplicate of row %(row)d") % {"row": first_row_of_bin[bin_]}))
            else:
                first_row_of_bin[bin_] = number
        result.errors.extend(row_errors)
        if not row_errors:
            parsed.append(_Row(number, cleaned.values))
    return header, parsed


# --- Writing ----------------------------------------------------------------------------------


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


_VALUE_FIELDS = (
    "id", "version", "bin", "name_ru", "name_kk", "legal_form_id", "registered_on", "status", "liquidated_on",
    "region_id", "address", "territorial_level", "leader_gender", "email", "phone", "website",
)


def _existing(bins: list[str]) -> dict[str, dict]:
    """Current values of the organisations with these BINs, typed as validation.organisation_values."""
    found: dict[str, dict] = {}
    by_id: dict[int, dict] = {}
    for chunk in _chunks(bins):
        for row in Organisation.objects.filter(bin__in=chunk).values(*_VALUE_FIELDS):
            row["legal_form"] = row.pop("legal_form_id")
            row["region"] = row.pop("region_id")
            row["branch_regions"] = []
            row["directions"] = []
            found[row["bin"]] = row
            by_id[row["id"]] = row
    ids = list(by_id)
    branches = Organisation.branch_regions.through.objects
    directions = Organisation.directions.through.objects
    for chunk in _chunks(ids):
        for org_id, kato in branches.filter(organisation_id__in=chunk).values_list("organisation_id", "region_id"):
            by_id[org_id]["branch_regions"].append(kato)
        for org_id, code in directions.filter(organisation_id__in=chunk).values_list("organisation_id",
                                                                                     "direction_id"):
            by_id[org_id]["directions"].append(code)
    for row in by_id.values():
        row["branch_regions"].sort()
        row["directions"].sort()
    return found


def _public(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in ("id", "version")}


_CHANGED_DURING_IMPORT = gettext_lazy(
    "The register changed while the file was being imported. Nothing was written; run the import again."
)


def _update_rows(objects: list[Organisation], field_names: list[str]) -> None:
    """One parameterised UPDATE per row, sent with executemany (QuerySet.bulk_update builds a CASE per
    field and row, which is far too slow for a migration of tens of thousands of rows)."""
    meta = Organisation._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objects
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, 1000):
            cursor.executemany(sql, chunk)


def _write(creates: list[dict], updates: list[tuple[dict, dict]], *, actor) -> None:
    """Create and update in one transaction, with one audit entry per organisation written."""
    now = timezone.now()
    with transaction.atomic():
        for chunk in _chunks(updates):
            ids = [before["id"] for before, _after in chunk]
            current = dict(Organisation.objects.select_for_update().filter(pk__in=ids).values_list("pk", "version"))
            if any(current.get(before["id"]) != before["version"] for before, _after in chunk):
                raise Conflict(_CHANGED_DURING_IMPORT)
        for chunk in _chunks([v["bin"] for v in creates]):
            if Organisation.objects.filter(bin__in=chunk).exists():
                raise Conflict(_CHANGED_DURING_IMPORT)

        Organisation.objects.bulk_create(
            [Organisation(bin=v["bin"], version=1, **organisation_model_fields(v)) for v in creates], batch_size=500
        )
        created_ids: dict[str, int] = {}
        for chunk in _chunks([v["bin"] for v in creates]):
            created_ids.update(Organisation.objects.filter(bin__in=chunk).values_list("bin", "id"))

        update_objects = []
        for before, after in updates:
            obj = Organisation(pk=before["id"], version=before["version"] + 1, updated_at=now,
                               **organisation_model_fields(after))
            update_objects.append(obj)
        if update_objects:
            fields = [name.removesuffix("_id") for name in organisation_model_fields(updates[0][1])]
            _update_rows(update_objects, [*fields, "version", "updated_at"])

        branch_through = Organisation.branch_regions.through
        direction_through = Organisation.directions.through
        branch_rows, direction_rows = [], []
        reset_branches, reset_directions = [], []
        for values in creates:
            org_id = created_ids[values["bin"]]
            branch_rows += [branch_through(organisation_id=org_id, region_id=k) for k in values["branch_regions"]]
            direction_rows += [direction_through(organisation_id=org_id, direction_id=c) for c in values["directions"]]
        for before, after in updates:
            org_id = before["id"]
            if after["branch_regions"] != before["branch_regions"]:
                reset_branches.append(org_id)
                branch_rows += [branch_through(organisation_id=org_id, region_id=k) for k in after["branch_regions"]]
            if after["directions"] != before["directions"]:
                reset_directions.append(org_id)
                direction_rows += [direction_through(organisation_id=org_id, direction_id=c)
                                   for c in after["directions"]]
        for chunk in _chunks(reset_branches):
            branch_through.objects.filter(organisation_id__in=chunk).delete()
        for chunk in _chunks(reset_directions):
            direction_through.objects.filter(organisation_id__in=chunk).delete()
        branch_through.objects.bulk_create(branch_rows, batch_size=500)
        direction_through.objects.bulk_create(direction_rows, batch_size=500)

        changes = [
            audit.Change("organisation_import_create", OBJECT_TYPE, str(created_ids[v["bin"]]), None, v)
            for v in creates
        ]
        changes += [
            audit.Change("organisation_import_update", OBJECT_TYPE, str(before["id"]), _public(before), _public(after))
            for before, after in updates
        ]
        audit.record_many(changes, actor=actor)


def import_registry(content: bytes, *, actor=None, dry_run: bool = False) -> ImportResult:
    """Validate every row of `content` and, when none is rejected and not `dry_run`, upsert them all.

    `actor=None` is the system (the command line); from the admin it is the signed-in user, who must
    be allowed to create organisations. Raises ImportFileError when the file as a whole is unreadable.
    """
    if actor is not None and not can_create_organisation(actor):
        raise PermissionDeniedError(_("Only the authorised body can import the register."))
    result = ImportResult(dry_run=dry_run)
    reference = Reference.load()
    header, rows = _parse(content, result, reference)
    if not result.ok:
        return result

    existing = _existing([row.values["bin"] for row in rows])
    imported_fields = [FIELD_OF_COLUMN[c] for c in header]
    creates: list[dict] = []
    updates: list[tuple[dict, dict]] = []
    for row in rows:
        before = existing.get(row.values["bin"])
        if before is None:
            creates.append(row.values)
            continue
        imported = {name: row.values[name] for name in imported_fields}
        if all(before[name] == value for name, value in imported.items()):
            result.unchanged += 1
            continue
        updates.append((before, {**before, **imported}))
    result.created, result.updated = len(creates), len(updates)
    if not dry_run and (creates or updates):
        _write(creates, updates, actor=actor)
    return result
