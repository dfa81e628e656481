"""The zh_Hans catalogue is complete: every source string has a translation."""

from pathlib import Path

import polib
from django.conf import settings
from django.test import Client
from django.utils import translation


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    )
    assert len(po) > 300
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_chinese_is_the_default_language(db):
    assert settings.LANGUAGE_CODE == "zh-hans"
    page = Client().get("/accounts/login/").content.decode()
    assert "登录" in page and "Log in" not in page
    with translation.override("zh-hans"):
        assert translation.gettext("My tasks") == "我的任务"
