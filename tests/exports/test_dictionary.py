"""The one definition of the exported columns: complete, documented in both languages, and the
same in docs/data-dictionary.md."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from apps.exports.dictionary import FORMAT_NOTES, LICENCE_NOTES, TABLES, TABLES_BY_NAME
from apps.exports.markdown import dictionary_markdown
from apps.exports.selectors import ROWS


def test_docs_data_dictionary_is_what_the_dictionary_renders() -> None:
    document = Path(settings.BASE_DIR, "docs", "data-dictionary.md").read_text(encoding="utf-8")
    assert document == dictionary_markdown(), "run: manage.py write_data_dictionary"
    for table in TABLES:
        for column in table.columns:
            assert f"| `{column.name}` |" in document


def test_every_table_has_its_rows_and_no_column_twice() -> None:
    assert set(ROWS) == set(TABLES_BY_NAME)
    for table in TABLES:
        assert len(set(table.header)) == len(table.header), table.name
        assert set(table.key_columns) <= set(table.header), table.name
        for column in table.columns:
            assert (column.kind == "list") == (column.items is not None), column.name


def test_every_word_of_the_dictionary_has_its_japanese() -> None:
    texts = [*FORMAT_NOTES, *LICENCE_NOTES]
    for table in TABLES:
        texts += [table.title, table.description, table.licence]
        texts += [column.description for column in table.columns]
        texts += [
            label for column in table.columns if column.choices for label in column.choices.labels
        ]
    with translation.override("en"):
        english = [str(text) for text in texts]
    with translation.override("ja"):
        japanese = [str(text) for text in texts]
    untranslated = [
        en for en, ja in zip(english, japanese, strict=True) if en == ja and en != "CC BY 4.0"
    ]
    assert untranslated == []
