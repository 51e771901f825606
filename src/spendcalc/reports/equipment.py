"""`equipment`: each ally's share of defence spending on major equipment, against the 20% guideline."""

from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.equipment import EquipmentCheck, EquipmentRow
from spendcalc.domain.targets import format_pct
from spendcalc.reports.columns import Field, Table
from spendcalc.reports.common import metadata, source_notes
from spendcalc.reports.model import Kind, Report


def equipment_fields(check: EquipmentCheck) -> Table[EquipmentRow]:
    level = format_pct(check.guideline_pct)
    estimate = "e" if check.allies and check.allies[0].estimate else ""
    return Table(
        (
            Field("iso3", lambda r: r.iso3),
            Field("name", lambda r: r.name, "Ally"),
            Field("group", lambda r: r.iso3 is None, kind=Kind.BOOL),
            Field("year", lambda r: r.year, kind=Kind.INT),
            Field(
                "equipment_pct",
                lambda r: r.equipment_pct,
                "Equipment\n(% spending)",
                Kind.PCT,
                mark=lambda r: estimate if r.equipment_pct is not None else "",
            ),
            Field("personnel_pct", lambda r: r.personnel_pct, "Personnel\n(%)", Kind.PCT),
            Field("infrastructure_pct", lambda r: r.infrastructure_pct, "Infra-\nstructure (%)", Kind.PCT),
            Field("other_pct", lambda r: r.other_pct, "Other\n(%)", Kind.PCT),
            Field("estimate", lambda r: r.estimate, kind=Kind.BOOL),
            Field("guideline_pct", lambda r: r.guideline_pct, kind=Kind.PCT),
            Field("gap_pp", lambda r: r.gap_pp, f"Gap to {level}%\n(points)", Kind.GAP_PP),
            Field("spending_usd_bn", lambda r: r.spending_usd_bn, "Spending\n(US$ bn)", Kind.USD_BN),
            Field("gap_usd_bn", lambda r: r.gap_usd_bn, "To shift\n(US$ bn)", Kind.GAP_USD_BN),
            Field("meets_guideline", lambda r: r.meets, "Met", Kind.BOOL),
            Field("source", lambda r: check.edition),
        ),
        shown=(
            "name",
            "equipment_pct",
            "personnel_pct",
            "infrastructure_pct",
            "other_pct",
            "gap_pp",
            "spending_usd_bn",
            "gap_usd_bn",
            "meets_guideline",
        ),
    )


def equipment_report(dataset: Dataset, check: EquipmentCheck, generated: datetime | None = None) -> Report:
    table = equipment_fields(check)
    level = format_pct(check.guideline_pct)
    missing = [r.name for r in check.allies if r.equipment_pct is None]
    notes = [
        f"The {level}% guideline (Wales 2014) is a share of defence spending on major equipment and its "
        "R&D, not a share of GDP; the other columns are the rest of the split (NATO's Table 8).",
        "Gap: + is short of the guideline, − above it, in points of spending. To shift: what moving the "
        "split to the guideline would take within the same spending (NATO's own current US$).",
        "Totals are Σ equipment spending / Σ spending over the allies of that year with both figures.",
        *([f"e = NATO estimate ({check.year})."] if check.allies and check.allies[0].estimate else []),
        *(f"{name}: n/a, NATO gives no split for it." for name in missing),
        *source_notes(dataset, [check.edition]),
    ]
    return Report(
        title=f"Major equipment as a share of defence spending, against {level}%, {check.year}",
        columns=table.columns(),
        rows=table.rows(check.allies),
        footer=table.rows(check.groups),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records((*check.allies, *check.groups)),
        metadata=metadata(dataset, check.year, [], generated) | {"guideline_pct": check.guideline_pct},
    )
