"""The password rules, with their messages in Chinese whatever language the browser asks for.

Django's own validators do the checking; these subclasses only reword them, and add the one
rule Django lacks: a mix of character kinds (等保 asks for three of the four).
"""

from __future__ import annotations

import string

from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError


class LengthValidator(django_rules.MinimumLengthValidator):
    def __init__(self, min_length: int = 10) -> None:
        super().__init__(min_length)

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符"

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符"


class NotLikeUserValidator(django_rules.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "密码与账号的%(verbose_name)s过于相似"

    def get_help_text(self) -> str:
        return "密码不能与账号、姓名等个人信息相似"


class NotCommonValidator(django_rules.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "密码过于常见，容易被猜中"

    def get_help_text(self) -> str:
        return "不能使用常见密码"


class NotNumericValidator(django_rules.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "密码不能全是数字"

    def get_help_text(self) -> str:
        return "密码不能全是数字"


CLASSES = {
    "小写字母": set(string.ascii_lowercase),
    "大写字母": set(string.ascii_uppercase),
    "数字": set(string.digits),
}


def character_kinds(password: str) -> set[str]:
    """Which of the four kinds the password uses; anything not a letter or digit is a symbol."""
    kinds = {name for name, chars in CLASSES.items() if chars.intersection(password)}
    if any(not (c.isascii() and c.isalnum()) for c in password):
        kinds.add("符号")
    return kinds


class CharacterClassValidator:
    """At least `min_classes` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(character_kinds(password)) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 种",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 种"
