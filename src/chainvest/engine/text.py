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
    # ISO 4217; amounts in 万美元 etc. stay in their own currency, never converted to 元.
    currency: str = "CNY"

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
        return Money(lo, hi, "", self.currency)

    def describe(self) -> str:
        """Chinese description in 亿元, keeping bounds and ranges for what they are."""
        if self.min_wan is None:
            return "-"
        lo = format_yi(self.min_wan)
        unit = "亿" + CURRENCY_NAMES.get(self.currency, self.currency)
        if self.is_exact:
            return f"{lo}{unit}"
        if self.max_wan is None:
            return f"{lo}{unit}以上"
        return f"{lo}–{format_yi(self.max_wan)}{unit}"


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
_BIG_UNITS = {"兆": Decimal(100_000_000), "亿": Decimal(10000), "万": Decimal(1)}  # in 万元

# Currency words as written → ISO code; longest first so 新加坡元 wins over 元.
CURRENCY_CODES = {
    "元人民币": "CNY",
    "新加坡元": "SGD",
    "美元": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
    "澳元": "AUD",
    "韩元": "KRW",
    "卢布": "RUB",
    "坚戈": "KZT",
    "元": "CNY",
}
CURRENCY_NAMES = {"CNY": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元", "JPY": "日元"}
CURRENCY_NAMES |= {"GBP": "英镑", "AUD": "澳元", "KRW": "韩元", "RUB": "卢布", "KZT": "坚戈"}
CURRENCY_NAMES["SGD"] = "新加坡元"

_NUM = (
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?[十百千]?"
    r"|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
)
_QTY = rf"(?:{_NUM})(?:余|多)?(?:[亿万](?:{_NUM})?)*[亿万]?"
# "达" (reached) states the figure itself, so it is not a bound; "数十亿" is at least 十亿.
_LOWER_PREFIX = r"超过|超出|逾|超|突破|不少于|不低于|多于|高于|数"
_APPROX_PREFIX = r"约|近|达到|达|计|共计|合计|总计|人民币"
_RANGE_SEP = r"到|至|-|–|—|~|～"
_LOWER_SUFFIX = r"以上|之多|有余"
_FILLER = re.compile(r"(?:达到|达|共计|合计|总计|计|人民币)*")
_CURRENCY = "|".join(CURRENCY_CODES)
MONEY_PATTERN = re.compile(
    rf"(?P<pre>(?:{_LOWER_PREFIX})?)(?:{_APPROX_PREFIX})?"
    rf"(?P<lo>{_QTY})(?:(?:{_RANGE_SEP})(?P<hi>{_QTY}))?"
    rf"(?P<cur>{_CURRENCY})(?P<suf>(?:{_LOWER_SUFFIX})?)"
)


class AmountError(ValueError):
    """Text that does not read as a money amount."""


def _small_number(text: str) -> Decimal:
    """A number below 万: Arabic (with separators) or Chinese numerals like 三百五十."""
    text = text.replace(",", "")
    if not text:
        return Decimal(1)
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return Decimal(text)
    if m := re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([十百千])", text):
        return Decimal(m.group(1)) * _SMALL_UNITS[m.group(2)]
    if "点" in text:
        whole, _, decimals = text.partition("点")
        fraction = "".join(str(_DIGITS[c]) for c in decimals if c in _DIGITS)
        return _small_number(whole) + Decimal("0." + (fraction or "0"))
    total, digit = Decimal(0), None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            total += (digit if digit is not None else 1) * _SMALL_UNITS[ch]
            digit = None
        else:
            raise AmountError(f"无法识别的数字：{text}")
    return total + (digit or 0)


def _amount_wan(body: str) -> Decimal:
    """'1亿8千万' → 18000; '1026亿' → 10260000; '300万' → 300; '1.49万亿' → 1.49e8 (万)."""
    body = body.replace("万亿", "兆")  # 万亿 is one unit, 10^4 亿
    parts = re.split(r"([亿万兆])", body)
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
        total += trailing if re.search("[亿兆]", body) else trailing / Decimal(10000)
    return total


def normalise_digits(text: str) -> str:
    """Full-width digits and punctuation inside numbers → ASCII; no other change of length."""
    text = text.translate({0xFF10 + i: 0x30 + i for i in range(10)})
    return text.translate({ord("．"): ".", ord("，"): ",", ord("　"): " "})


def _money_from_match(m: re.Match[str], raw: str) -> Money:
    lo_text, hi_text = m.group("lo"), m.group("hi")
    if not re.search(r"[亿万]", lo_text + (hi_text or "")):
        raise AmountError(f"无法识别的金额（需写明万元或亿元）：{raw}")
    lower = bool(m.group("pre") or m.group("suf")) or bool(re.search(r"[余多]", lo_text))
    if hi_text is not None:
        unit = re.search(r"[亿万]+$", hi_text)
        # '6到7亿元': the first number takes the unit written after the second.
        if not re.search(r"[亿万]", lo_text) and unit:
            lo_text += unit.group(0)
        lower = lower or bool(re.search(r"[余多]", hi_text))
    lo = _amount_wan(re.sub(r"[余多]", "", lo_text))
    hi = _amount_wan(re.sub(r"[余多]", "", hi_text)) if hi_text is not None else lo
    if lo > hi:
        raise AmountError(f"金额区间下限大于上限：{raw}")
    currency = CURRENCY_CODES[m.group("cur")]
    return Money(lo, None if lower else hi, raw, currency)


def parse_money(text: str) -> Money:
    """Read an amount as written: exact, lower bound ('超过…', '…以上') or range ('6到7亿元').

    The unit 元 may be left out of a bare figure ('5亿'); foreign currencies keep their code.
    """
    raw = text.strip()
    if not raw:
        raise AmountError("金额不能为空")
    s = normalise_digits(raw).replace(" ", "")
    s = s if re.search(rf"(?:{_CURRENCY})(?:{_LOWER_SUFFIX})?$", s) else _add_yuan(s)
    m = MONEY_PATTERN.fullmatch(s)
    if not m:
        raise AmountError(f"无法识别的金额（需写明万元或亿元）：{raw}")
    return _money_from_match(m, raw)


def _add_yuan(s: str) -> str:
    m = re.search(rf"(?:{_LOWER_SUFFIX})$", s)
    return s[: m.start()] + "元" + m.group(0) if m else s + "元"


def find_money(text: str) -> list[tuple[int, int, Money]]:
    """Every amount written in running text, with its span; figures without 万/亿 are skipped.

    Spans index into `text` itself (the normalisation keeps lengths)."""
    found = []
    for m in MONEY_PATTERN.finditer(normalise_digits(text)):
        # "总投资达1026亿元": the amount is "1026亿元"; 约/近/超过 stay, they say what it is.
        start = m.start() + len(_FILLER.match(m.group(0)).group(0))
        try:
            found.append((start, m.end(), _money_from_match(m, text[start : m.end()])))
        except AmountError:
            continue
    return found
