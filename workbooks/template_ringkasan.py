"""The Ringkasan sheet of a template: a Tabel 4 style summary whose green cells kinerja fills on every Hitung.

Layout, top to bottom: one grey row per eselon, under it one row per sasaran (its capaian) and one row per
indicator (satuan, target from the rules, realisasi, capaian, status, derivasi); then the composite indices
(sub-indices indented) and the named values grouped by ``bagian``. Every output cell gets the defined name of
:func:`kinerja.workbooks.layout.output_name`; this module only returns name → cell, the caller creates the
names through :func:`kinerja.workbooks.writer.write_back` so that they are recorded as kinerja's own.

Targets are printed as plain numbers (not outputs): they come from the rules' ``target`` block, and a template
made from other rules carries other targets.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.protection import SheetProtection

from ..engine import CheckedRules, Inputs, evaluate
from ..engine import model as m
from . import layout
from . import template_style as S
from .layout import FIELDS, SUMMARY_SHEET, output_name
from .refs import Ref, col_letters

# columns
NO, URAIAN, ID, SATUAN, TARGET, NILAI, CAPAIAN, STATUS, DERIVASI = range(1, 10)
HEADINGS = ("No", "Sasaran / Indikator Kinerja", "Id (kinerja jelaskan ID)", "Satuan", "Target",
            "Realisasi / Nilai", "Capaian (%)", "Status", "Derivasi (cara hitung)")
# No fits the bold "Temuan" link above it (6 printed "Temua"); Realisasi / Nilai fits 999.999.999.999,99
WIDTHS = (8, 60, 26, 11, 16, 20, 13, 24, 76)
WHOLE_KINDS = ("rupiah", "cacah")  # shown without decimals
_COLUMN_OF = {"realisasi": NILAI, "nilai": NILAI, "capaian": CAPAIAN, "status": STATUS, "derivasi": DERIVASI}


def write_ringkasan(wb: Workbook, checked: CheckedRules) -> dict[str, str]:
    """Add the Ringkasan sheet; return output name → absolute reference (``Ringkasan!$F$8``)."""
    return _Summary(wb, checked).build()


class _Summary:
    def __init__(self, wb: Workbook, checked: CheckedRules):
        self.rs = checked.rules
        self.kinds = checked.kinds
        self.ws = wb.create_sheet(SUMMARY_SHEET)
        self.names: dict[str, str] = {}
        empty = evaluate(checked, Inputs())  # targets only: evaluating without data is cheap and pure
        self.targets = {**{k: o.target for k, o in empty.indicators.items()},
                        **{k: o.target for k, o in empty.indices.items()}}
        self.scales = {k: o.meta.get("skala") for k, o in empty.indices.items()}
        self.row = 0

    def build(self) -> dict[str, str]:
        rs, ws = self.rs, self.ws
        lines = [(rs.title or rs.name, S.TITLE_FONT)]
        if rs.unit:
            lines.append((rs.unit, S.SUBTITLE_FONT))
        lines.append(("Ringkasan capaian kinerja (format Tabel 4) — sel hijau diisi kinerja setiap kali Hitung "
                      "dijalankan; sheet dikunci tanpa kata sandi.", S.NOTE_FONT))
        self.row = S.title_block(ws, lines, len(HEADINGS))
        self._count_row()
        header = self.row
        for c, text in enumerate(HEADINGS, start=1):
            S.header_cell(ws, header, c, text)
        self.row += 1
        self._kinerja()
        self._indices()
        self._values()
        last = self.row - 1
        for c, w in enumerate(WIDTHS, start=1):
            ws.column_dimensions[col_letters(c)].width = w
        S.fit_rows(ws)
        self._colours(header + 1, last)
        ws.freeze_panes = f"A{header + 1}"
        S.print_setup(ws, last_col=col_letters(len(HEADINGS)), last_row=last, header_rows=f"{header}:{header}",
                      landscape=True)
        # locked without a password: outputs are protected from accidental typing, not from the operator
        ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, formatCells=False)
        return self.names

    def _count_row(self) -> None:
        """The count of findings and input problems of the last Hitung, linked to the Temuan sheet."""
        ws, r = self.ws, self.row - 1  # the blank row under the title
        label = ws.cell(r, NO, layout.TEMUAN_SHEET)  # a link to the sheet (on the label: the count cell stays empty)
        label.hyperlink = Hyperlink(ref=label.coordinate, location=f"{layout.TEMUAN_SHEET}!A1",
                                    display=layout.TEMUAN_SHEET)
        label.font = Font(name="Calibri", bold=True, underline="single", color="FF0563C1")
        label.alignment = Alignment(vertical="center")
        cell = S.output_cell(ws, r, URAIAN, text=True)
        S.merge(ws, r, URAIAN, r, len(HEADINGS))
        cell.font = Font(name="Calibri", bold=True, color="FFC00000")
        self.names[layout.TEMUAN_COUNT] = Ref(SUMMARY_SHEET, r, URAIAN, r, URAIAN).formula()
        self.row += 1

    def _colours(self, first: int, last: int) -> None:
        """Capaian green at or above 100, red below; status words coloured by their first word."""
        if last < first:
            return
        ws = self.ws
        cap, st = col_letters(CAPAIAN), col_letters(STATUS)
        green, red = PatternFill("solid", bgColor="FFC6EFCE"), PatternFill("solid", bgColor="FFFFC7CE")
        grey = PatternFill("solid", bgColor="FFEDEDED")
        rng = f"{cap}{first}:{cap}{last}"
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f"AND(ISNUMBER({cap}{first}),{cap}{first}>=100)"],
                                                       fill=green, font=Font(name="Calibri", color="FF006100")))
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f"AND(ISNUMBER({cap}{first}),{cap}{first}<100)"],
                                                       fill=red, font=Font(name="Calibri", color="FF9C0006")))
        rng = f"{st}{first}:{st}{last}"
        for word, fill, colour in ((layout.TERCAPAI, green, "FF006100"), (layout.BELUM, red, "FF9C0006"),
                                   (layout.GALAT, red, "FF9C0006"), (layout.TANPA_DATA, grey, "FF595959")):
            ws.conditional_formatting.add(rng, FormulaRule(
                formula=[f'LEFT({st}{first},{len(word)})="{word}"'], fill=fill, font=Font(name="Calibri", color=colour),
                stopIfTrue=True))

    # -- rows -------------------------------------------------------------------------------------------------

    def group_row(self, text: str) -> None:
        ws = self.ws
        for c in range(1, len(HEADINGS) + 1):
            S.body_cell(ws, self.row, c, fill=S.GROUP_FILL)
        ws.cell(self.row, NO, text).font = S.BOLD
        ws.cell(self.row, NO).alignment = Alignment(vertical="center")
        S.merge(ws, self.row, NO, self.row, len(HEADINGS))
        self.row += 1

    def object_row(self, kind: str, ident: str, no: str, name: str, *, satuan: str = "",
                   target: Decimal | None = None, indent: int = 0, bold: bool = False, fill=None) -> None:
        ws, r = self.ws, self.row
        S.body_cell(ws, r, NO, no, align=S.CENTER_TOP, fill=fill, font=S.BOLD if bold else None)
        S.body_cell(ws, r, URAIAN, name, align=Alignment(wrap_text=True, vertical="top", indent=indent),
                    font=S.BOLD if bold else None, fill=fill)
        S.body_cell(ws, r, ID, ident, font=S.NAME_FONT, fill=fill)
        S.body_cell(ws, r, SATUAN, satuan, fill=fill)
        t = S.body_cell(ws, r, TARGET, target, fill=fill)
        t.number_format = "#,##0.00" if target is not None and target != target.to_integral_value() else "#,##0"
        for c in (NILAI, CAPAIAN, STATUS, DERIVASI):
            S.body_cell(ws, r, c, fill=fill)
        for field in FIELDS[kind]:
            c = _COLUMN_OF[field]
            cell = S.output_cell(ws, r, c, text=field in ("status", "derivasi"), shrink=field == "derivasi")
            if c == NILAI and satuan in WHOLE_KINDS:
                cell.number_format = "#,##0"
            self.names[output_name(field, ident)] = Ref(SUMMARY_SHEET, r, c, r, c).formula()
        self.row += 1

    # -- blocks -----------------------------------------------------------------------------------------------

    def _kinerja(self) -> None:
        rs = self.rs
        groups: list[tuple[str, list[m.Sasaran]]] = []
        for e in rs.eselons.values():
            sas = [s for s in rs.sasaran.values() if s.group == e.id]
            if sas:
                groups.append((f"{e.name} — {e.division}" if e.division else e.name, sas))
        loose = [s for s in rs.sasaran.values() if s.group not in rs.eselons]
        if loose:
            groups.append(("Sasaran tanpa eselon", loose))
        n = 0
        for heading, sasaran in groups:
            self.group_row(heading)
            for s in sasaran:
                n += 1
                self.object_row("sasaran", s.id, str(n), s.name, bold=True, fill=S.SASARAN_FILL)
                for j, ind_id in enumerate(s.indicators, start=1):
                    ind = rs.indicators.get(ind_id)
                    if ind is not None:
                        self.indicator_row(ind, f"{n}.{j}")
        orphans = [i for i in rs.indicators.values() if i.sasaran not in rs.sasaran]
        if orphans:
            self.group_row("Indikator tanpa sasaran")
            for j, ind in enumerate(orphans, start=1):
                self.indicator_row(ind, str(j))

    def indicator_row(self, ind: m.Indicator, no: str) -> None:
        self.object_row("indikator", ind.id, no, ind.name, satuan=ind.unit, target=self.targets.get(ind.id),
                        indent=1)

    def _indices(self) -> None:
        rs = self.rs
        if not rs.indices:
            return
        self.group_row("Indeks komposit")
        children: dict[str, list[m.Index]] = {}
        for idx in rs.indices.values():
            children.setdefault(idx.parent, []).append(idx)

        def walk(parent: str, prefix: str, depth: int) -> None:
            for k, idx in enumerate(children.get(parent, []), start=1):
                no = f"{prefix}{k}"
                scale = self.scales.get(idx.id)
                satuan = f"indeks 0–{scale.normalize():f}" if isinstance(scale, Decimal) else "indeks"
                self.object_row("indeks", idx.id, no, idx.name, satuan=satuan, target=self.targets.get(idx.id),
                                indent=depth, bold=depth == 0)
                walk(idx.id, f"{no}.", depth + 1)

        walk("", "", 0)

    def _values(self) -> None:
        sections: dict[str, list[m.Value]] = {}
        for v in self.rs.values.values():
            sections.setdefault(v.section, []).append(v)
        for section, values in sorted(sections.items(), key=lambda kv: kv[0] == ""):  # unsectioned last
            self.group_row(f"Nilai turunan — bagian {section}" if section else "Nilai turunan lain")
            for k, v in enumerate(values, start=1):
                kind = v.kind or self.kinds.get(v.name, "")
                self.object_row("nilai", v.name, str(k), v.label or v.name, satuan=kind, indent=1)
