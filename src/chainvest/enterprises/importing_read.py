"""Reading vendor exports: CSV (UTF-8 or GBK) and XLSX, the header row, and column mapping.

Commercial data services name their columns differently and often put a title line or two
above the header, so the header row is found by scoring rows against known column names.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

# Field key → the Chinese label used in reports and on the mapping page.
FIELDS: dict[str, str] = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "legal_representative": "法定代表人",
    "registered_capital": "注册资本",
    "paid_in_capital": "实缴资本",
    "established_date": "成立日期",
    "status": "登记状态",
    "province": "所属省份",
    "city": "所属城市",
    "county": "所属区县",
    "enterprise_type": "企业类型",
    "industry_section": "国标行业门类",
    "industry_division": "国标行业大类",
    "industry_group": "国标行业中类",
    "industry_class": "国标行业小类",
    "insured_count": "参保人数",
    "address": "注册地址",
    "business_scope": "经营范围",
    "former_names": "曾用名",
    "is_listed": "是否上市",
}
IGNORE = "ignore"  # a mapping target meaning "this column is not imported, on purpose"

_ALIASES = {
    "name": ["企业名称", "公司名称", "名称", "企业名", "单位名称"],
    "uscc": ["统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码"],
    "legal_representative": ["法定代表人", "法人代表", "法人", "法定代表人/负责人"],
    "registered_capital": ["注册资本", "注册资金", "注册资本(万元)"],
    "paid_in_capital": ["实缴资本", "实缴资金", "实缴资本(万元)"],
    "established_date": ["成立日期", "成立时间", "注册日期"],
    "status": ["登记状态", "经营状态", "企业状态"],
    "province": ["所属省份", "省份", "所在省份"],
    "city": ["所属城市", "城市", "所在城市"],
    "county": ["所属区县", "区县", "所在区县"],
    "enterprise_type": ["企业(机构)类型", "公司类型", "企业类型", "机构类型"],
    "industry_section": ["国标行业门类", "行业门类"],
    "industry_division": ["国标行业大类", "行业大类"],
    "industry_group": ["国标行业中类", "行业中类"],
    "industry_class": ["国标行业小类", "行业小类"],
    "insured_count": ["参保人数", "社保人数"],
    "address": ["注册地址", "企业地址", "地址"],
    "business_scope": ["经营范围"],
    "former_names": ["曾用名"],
    "is_listed": ["是否上市", "上市状态"],
}
HEADER_SCAN_ROWS = 30
MAX_CELL = 10_000  # longer cells are cut: no real vendor field is that long


def fold_header(text: str) -> str:
    """Full-width brackets and spaces do not change a column's meaning."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


ALIASES: dict[str, str] = {fold_header(a): key for key, names in _ALIASES.items() for a in names}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, no header row)."""

    row = 0
    column = ""
    value = ""


class FormulaCellError(ImportFileError):
    """A spreadsheet cell holds a formula: refused, since its value would be the file's word."""

    def __init__(self, row: int, column: str, formula: str) -> None:
        self.row, self.column, self.value = row, column, formula[:200]
        super().__init__(
            f"第 {row} 行第 {column} 列是公式，平台不计算公式也不采用文件里的计算结果；"
            "请在 Excel 中复制后“选择性粘贴 → 数值”，保存后再导入"
        )


@dataclass
class Columns:
    """How the file's columns map to fields; unknown columns are kept for the report."""

    headers: list[str]
    header_row: int
    index: dict[str, int] = field(default_factory=dict)  # field → column position
    unknown: list[str] = field(default_factory=list)  # neither recognised nor mapped
    ignored: list[str] = field(default_factory=list)  # mapped to "ignore" by the user

    def as_map(self) -> dict[str, str]:
        """header → field, "ignore" when left out on purpose, "" when unknown (as stored)."""
        by_pos = {pos: key for key, pos in self.index.items()}
        ignored = set(self.ignored)
        return {
            h: by_pos.get(i) or (IGNORE if h in ignored else "")
            for i, h in enumerate(self.headers)
            if h
        }


@dataclass
class Table:
    columns: Columns
    rows: Iterator[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)


def parse_mapping(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    """'原列名=field' pairs (or a dict) → {folded header: field}; the field must exist."""
    pairs = items.items() if isinstance(items, dict) else [_split_pair(i) for i in items or []]
    mapping = {}
    for header, target in pairs:
        target = target.strip()
        if target and target not in FIELDS and target != IGNORE:
            raise ImportFileError(
                f"列映射「{header}={target}」中的字段不存在，可用字段：{field_list()}"
            )
        if target:
            mapping[fold_header(header)] = target
    return mapping


def _split_pair(item: str) -> tuple[str, str]:
    if "=" not in item:
        raise ImportFileError(f"列映射「{item}」应写成 原列名=字段")
    header, target = item.rsplit("=", 1)
    return header, target


def field_list() -> str:
    return "、".join(f"{key}({label})" for key, label in FIELDS.items()) + f"、{IGNORE}(不导入)"


def open_table(
    path: Path, mapping: dict[str, str] | None = None, *, require_name: bool = True
) -> Table:
    """Read the file's rows lazily, find the header row and map its columns."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in {".xlsx", ".xlsm"}:
        rows = _xlsx_rows(path)
    elif suffix == ".xls":
        raise ImportFileError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入")
    else:
        raise ImportFileError(f"仅允许导入 csv、xlsx 格式文件，收到的是「{path.name}」")
    return _with_header(rows, mapping or {}, require_name)


def _with_header(
    rows: Iterator[tuple[int, list[str]]], mapping: dict[str, str], require_name: bool
) -> Table:
    head = list(islice(rows, HEADER_SCAN_ROWS))
    best, best_score = None, 0
    for pos, (_, cells) in enumerate(head):
        score = _header_score(cells, mapping)
        if score > best_score:
            best, best_score = pos, score
    if best is None or best_score < (2 if require_name else 1):
        raise ImportFileError(
            f"前 {HEADER_SCAN_ROWS} 行中没有找到表头行（应含“企业名称”“统一社会信用代码”等列名）"
        )
    columns = map_columns(head[best][1], head[best][0], mapping)
    if require_name and "name" not in columns.index:
        raise ImportFileError("表头中没有“企业名称”（或“公司名称”）列，请在列映射中指定")
    return Table(columns, chain(head[best + 1 :], rows))


def _header_score(cells: list[str], mapping: dict[str, str]) -> int:
    folded = [fold_header(c) for c in cells]
    return len({ALIASES.get(f) or mapping.get(f) for f in folded} - {None, IGNORE})


def map_columns(headers: list[str], header_row: int, mapping: dict[str, str]) -> Columns:
    """The user's mapping wins over the aliases; the first column of a field is the one used."""
    # A NUL cannot be stored by PostgreSQL (the column map is kept on the batch).
    columns = Columns([h.strip().replace("\x00", "\u2400") for h in headers], header_row)
    for pos, header in enumerate(columns.headers):
        folded = fold_header(header)
        target = mapping.get(folded) or ALIASES.get(folded)
        if target == IGNORE:
            columns.ignored.append(header)
        elif target and target not in columns.index:
            columns.index[target] = pos
        elif header:
            columns.unknown.append(header)
    return columns


# --- what an upload must be -----------------------------------------------------------------

SNIFF_BYTES = 64 * 1024
XLSX_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}


def too_large_message(limit: int) -> str:
    return f"文件超过大小上限 {limit // (1024 * 1024)} MB，未导入；请拆分成多个文件后分别导入"


def check_content(path: Path) -> None:
    """The content must be what the extension says: an .xlsx a real workbook (a zip package
    with a workbook part), a .csv text (no NUL bytes, UTF-8 or GB18030)."""
    if path.suffix.lower() == ".xlsx":
        _check_xlsx(path)
    else:
        _check_csv(path)


def _check_xlsx(path: Path) -> None:
    import zipfile

    message = f"「{path.name}」不是有效的 xlsx 文件（内容与扩展名不符），请用 Excel 另存为 .xlsx"
    if not zipfile.is_zipfile(path):
        raise ImportFileError(message)
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(message) from exc
    if not XLSX_PARTS <= names:
        raise ImportFileError(message)


def _check_csv(path: Path) -> None:
    with path.open("rb") as fh:
        start = fh.read(SNIFF_BYTES)
    if b"\x00" in start or start.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "文件内容不是文本格式的 CSV（内容与扩展名不符），请另存为 CSV 后再导入"
        )
    try:
        start.decode("gb18030" if sniff_encoding(path) == "gb18030" else "utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(start) < SNIFF_BYTES or exc.start < len(start) - 4:  # not a character cut in two
            raise ImportFileError("CSV 文件编码无法识别，请另存为 UTF-8 或 GBK 编码") from exc


# --- CSV -----------------------------------------------------------------------------------


def sniff_encoding(path: Path) -> str:
    """utf-8-sig (BOM), else utf-8 if the start decodes, else gb18030 (a superset of GBK)."""
    with path.open("rb") as fh:
        start = fh.read(1 << 20)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    encoding = sniff_encoding(path)
    csv.field_size_limit(1 << 24)

    def rows() -> Iterator[tuple[int, list[str]]]:
        with path.open(encoding=encoding, newline="") as fh:
            try:
                yield from enumerate(csv.reader(fh), start=1)
            except UnicodeDecodeError as exc:
                raise ImportFileError(f"文件编码无法识别（按 {encoding} 读取失败）") from exc
            except csv.Error as exc:
                raise ImportFileError(f"CSV 格式错误：{exc}") from exc

    return rows()


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """First sheet, streamed; links to other workbooks are never followed (keep_links=False).

    Formulas are read as formulas (data_only=False), not as the result the file caches: the
    platform never evaluates one, and a cached result is whatever the file's author wrote
    there. A formula cell refuses the whole file (FormulaCellError), naming the cell.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or fake .xlsx
        raise ImportFileError(f"无法读取 xlsx 文件：{exc}") from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_cell(number, col, v) for col, v in enumerate(values)]
        finally:
            book.close()

    return rows()


_PLAIN = (str, int, float, dt.date, type(None))


def _xlsx_cell(row: int, col: int, value: object) -> str:
    # Read this way, a formula is its text with a leading "=" (or an array-formula object).
    if (isinstance(value, str) and value.startswith("=")) or (
        not isinstance(value, _PLAIN) and _is_formula_object(value)
    ):
        from openpyxl.utils import get_column_letter

        formula = getattr(value, "text", value)
        raise FormulaCellError(row, get_column_letter(col + 1), str(formula))
    return cell_text(value)


def _is_formula_object(value: object) -> bool:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return isinstance(value, (ArrayFormula, DataTableFormula))


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a user sees (dates as YYYY-MM-DD, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)[:MAX_CELL]
