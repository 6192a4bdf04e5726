"""The Content Security Policy is sent on every page, and the pages satisfy it: no template
holds an inline script, an event-handler attribute, a style attribute or a <style> element,
and our own scripts never evaluate strings."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

import chainvest

PACKAGE = Path(chainvest.__file__).resolve().parent
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
SCRIPTS = sorted((PACKAGE / "web" / "static" / "web").glob("*.js"))
DATA_TYPES = {"application/json", "application/ld+json"}  # data blocks never run


class _Inline(HTMLParser):
    """What a CSP without 'unsafe-inline' would block, found in a template's markup."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src") and named.get("type") not in DATA_TYPES:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name.startswith("hx-on"):
                self.found.append(f"{name}= at line {self.getpos()[0]}")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL at line {self.getpos()[0]}")


def inline_code(markup: str) -> list[str]:
    # Template comments and tags would confuse the HTML parser; their text is not sent.
    markup = re.sub(r"{#.*?#}", "", markup, flags=re.S)
    markup = re.sub(r"{%.*?%}", "T", markup, flags=re.S)  # src="{% static … %}" stays a src
    parser = _Inline()
    parser.feed(markup)
    return parser.found


def test_the_walk_finds_the_templates_and_would_catch_inline_code():
    assert len(TEMPLATES) > 30
    bad = '<script>alert(1)</script><a onclick="x()" style="color:red">a</a><style></style>'
    assert len(inline_code(bad)) == 4
    assert inline_code('<script id="d" type="application/json">{"a": 1}</script>') == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_has_no_inline_script_handler_or_style(template):
    assert inline_code(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_our_scripts_never_evaluate_strings(script):
    code = script.read_text(encoding="utf-8")
    assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['\"]", code)


def test_policy_forbids_inline_and_eval_scripts(client):
    policy = client.get(reverse("web:login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["script-src"] + directives["style-src"]


@pytest.mark.parametrize("page", ["dashboard", "chains", "projects", "events", "tokens"])
def test_signed_in_pages_carry_the_policy(client, cast, page):
    client.force_login(cast["analyst"])
    response = client.get(reverse(f"web:{page}"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert inline_code(response.content.decode()) == []
