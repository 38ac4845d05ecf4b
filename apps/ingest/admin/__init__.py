"""The ingestion desk: feeds and their errors, articles, and the suggestion review queue.

One module per subdomain; importing them here registers every ModelAdmin:

* :mod:`.feeds`: feeds, with their failure counts, pause and resume.
* :mod:`.articles`: articles, article URLs and the "Ingest URLs now" view (queued for a
  worker, followed on a progress page).
* :mod:`.sources`: "Add source from URL", fetched by a worker.
* :mod:`.suggestions`: the suggestion review queue and the classifiers it trains.
* :mod:`.fetches`: every fetch attempt, and the inline the feed and URL pages show.
"""

from . import articles, feeds, fetches, sources, suggestions

__all__ = ["articles", "feeds", "fetches", "sources", "suggestions"]
