"""The indexes statement search reads (apps/claims/search.py, docs/search.md), on PostgreSQL.

* ``statement_search_trgm``: pg_trgm on ``search_text``, for substrings of three characters or
  more and for trigram word similarity;
* ``statement_search_bigrams``: ``aperture_bigrams(search_text)``, every pair of neighbouring
  characters within a run of non-ASCII text, for two-character (Japanese) queries.

``aperture_bigrams`` is PL/pgSQL: the plain-SQL version (generate_series over every character)
built the index some fifteen times slower. It is IMMUTABLE, as an index expression must be: its
result depends on its argument alone. On SQLite (the first run) nothing happens.
"""

from django.db import migrations

BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION aperture_bigrams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  run text;
  pairs text[] := '{}';
BEGIN
  FOREACH run IN ARRAY regexp_split_to_array(t, '[\x01-\x7f]+') LOOP
    FOR i IN 1 .. char_length(run) - 1 LOOP
      pairs := pairs || substr(run, i, 2);
    END LOOP;
  END LOOP;
  RETURN pairs;
END
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # site/0001 made it already, unless this database migrates claims first; kept on the way
    # back, since other indexes use it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(BIGRAMS_FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS statement_search_trgm ON claims_statement "
        "USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS statement_search_bigrams ON claims_statement "
        "USING gin (aperture_bigrams(search_text))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS statement_search_bigrams")
    schema_editor.execute("DROP INDEX IF EXISTS statement_search_trgm")
    schema_editor.execute("DROP FUNCTION IF EXISTS aperture_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_bilingual_summary_and_search_text"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
