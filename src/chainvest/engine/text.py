"""Text rules that need no database: the USCC check character and money amounts as written.

Pure Python so a batch job can reuse it without Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# GB 32100-2015: the 31 characters a USCC may use (no I, O, S, V, Z), in value order.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


class USCCError(ValueError):
    """A code that is not a valid 统一社会信用代码; the message says why, in Chinese."""


def uscc_check_char(first17: str) -> str:
    """The 18th character GB 32100-2015 requires after these 17."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(code: str) -> str:
    # Exports often carry full-width characters and lower case; neither changes the code.
    code = code.strip().translate({0xFF10 + i: 0x30 + i for i in range(10)})
    code = "".join(chr(ord(c) - 0xFEE0) if "Ａ" <= c <= "Ｚ" else c for c in code)
    return code.upper()


def validate_uscc(code: str) -> str:
    """Return the normalised code, or raise USCCError naming what is wrong."""
    code = normalise_uscc(code)
    if len(code) != 18:
        raise USCCError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        raise USCCError(f"统一社会信用代码含有非法字符：{''.join(dict.fromkeys(bad))}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise USCCError(f"统一社会信用代码校验位错误：应为 {expected}，实际为 {code[17]}")
    return code


@dataclass(frozen=True)
class Money:
    """An amount in 万元 as written: exact (min == max), a lower bound (max None) or a range."""

    min_wan: Decimal | None
    max_wan: Decimal | None
    text: str = ""

    @property
    def is_exact(self) -> bool:
        return self.min_wan is not None and self.min_wan == self.max_wan

    @property
    def is_lower_bound(self) -> bool:
        return self.min_wan is not None and self.max_wan is None

    def __add__(self, other: Money) -> Money:
        lo = (self.min_wan or Decimal(0)) + (other.min_wan or Decimal(0))
        # One open-ended term makes the whole sum open-ended.
        hi = None
        if self.max_wan is not None and other.max_wan is not None:
            hi = self.max_wan + other.max_wan
        return Money(lo, hi, "")

    def describe(self) -> str:
        """Chinese description in 亿元, keeping bounds and ranges for what they are."""
        if self.min_wan is None:
            return "-"
        lo = format_yi(self.min_wan)
        if self.is_exact:
            return f"{lo}亿元"
        if self.max_wan is None:
            return f"{lo}亿元以上"
        return f"{lo}–{format_yi(self.max_wan)}亿元"


ZERO = Money(Decimal(0), Decimal(0), "")


def format_yi(wan: Decimal | int | None) -> str:
    """万元 → 亿元 with up to two decimals and thousands separators (1,026 / 5.5 / 0.35)."""
    if wan is None:
        return "-"
    yi = (Decimal(wan) / Decimal(10000)).quantize(Decimal("0.01"))
    text = f"{yi:,.2f}".rstrip("0").rstrip(".")
    return text


_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"亿": Decimal(10000), "万": Decimal(1)}  # in 万元
_NUMBER = r"[0-9０-９.．,，零〇一二两三四五六七八九十百千]+"
_AMOUNT = rf"{_NUMBER}(?:[亿万]{_NUMBER}?)*(?:[亿万])?元?"
_LOWER_PREFIX = ("超过", "逾", "超", "达", "不少于", "不低于")
_LOWER_SUFFIX = ("以上", "余", "多")


class AmountError(ValueError):
    """Text that does not read as a money amount."""


def _small_number(text: str) -> Decimal:
    """A number below 万: Arabic (with separators) or Chinese numerals like 三百五十."""
    text = text.translate({0xFF10 + i: 0x30 + i for i in range(10)}).replace("．", ".")
    text = text.replace(",", "").replace("，", "")
    if not text:
        return Decimal(1)
    if re.fullmatch(r"[0-9.]+", text):
        return Decimal(text)
    total, digit = Decimal(0), None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            total += (digit if digit is not None else 1) * _SMALL_UNITS[ch]
            digit = None
        elif ch.isdigit():
            digit = int(ch)
        else:
            raise AmountError(f"无法识别的数字：{text}")
    return total + (digit or 0)


def _amount_wan(text: str) -> Decimal:
    """'1亿8千万元' → 18000; '1026亿元' → 10260000; '300万元' → 300 (all in 万元)."""
    body = text.rstrip("元").replace("人民币", "")
    parts = re.split(r"([亿万])", body)
    total = Decimal(0)
    pending = ""
    for part in parts:
        if part in _BIG_UNITS:
            total += _small_number(pending) * _BIG_UNITS[part]
            pending = ""
        else:
            pending += part
    if pending:
        # '1亿8千万' leaves nothing here; '1亿8千' means 8千万 after 亿 (a common short form).
        trailing = _small_number(pending)
        total += trailing / Decimal(10000) if "亿" not in body else trailing
    return total


def parse_money(text: str) -> Money:
    """Read an amount as written: exact, lower bound ('超过…', '…以上') or range ('6到7亿元')."""
    raw = text.strip()
    if not raw:
        raise AmountError("金额不能为空")
    s = raw.replace(" ", "")
    m = re.fullmatch(rf"({_NUMBER})(?:亿|万)?元?(?:到|至|-|–|~|～)({_AMOUNT})", s)
    if m:
        unit = re.search(r"[亿万]", m.group(2))
        suffix = unit.group(0) + "元" if unit and not re.search(r"[亿万]", m.group(1)) else ""
        lo, hi = _amount_wan(m.group(1) + suffix), _amount_wan(m.group(2))
        if lo > hi:
            raise AmountError(f"金额区间下限大于上限：{raw}")
        return Money(lo, hi, raw)
    lower = False
    for p in _LOWER_PREFIX:
        if s.startswith(p):
            s, lower = s[len(p) :], True
            break
    for suf in _LOWER_SUFFIX:
        if s.endswith(suf):
            s, lower = s[: -len(suf)], True
            break
    s = s.replace("余", "").replace("多", "")
    if not re.fullmatch(_AMOUNT, s) or not re.search(r"[亿万]", s):
        raise AmountError(f"无法识别的金额（需写明万元或亿元）：{raw}")
    value = _amount_wan(s)
    return Money(value, None if lower else value, raw)
