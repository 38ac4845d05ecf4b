"""Export settings with their defaults, typed: ``exports_conf().debounce_seconds``.

Any of them can be set in config/settings.py (or the tests' ``settings`` fixture); see
apps/lib/conf.py for the style.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from apps.lib.conf import setting, settings_read


@dataclass(frozen=True)
class ExportsConf:
    # Where the files are written and served from: the maintenance worker writes, the web
    # process reads (docker-compose.yml shares one volume between them). settings.py defaults it
    # to var/exports.
    dir: str = setting("EXPORTS_DIR", "var/exports")
    # A rebuild waits this long after the first change the files do not hold, so that a burst of
    # edits (an editor's session, a dataset import's batches) makes one rebuild; and two
    # rebuilds start at least this far apart.
    debounce_seconds: float = setting("EXPORTS_DEBOUNCE_SECONDS", 300.0)
    # Rows read from the database per round trip and held in memory at once: what bounds the
    # builder's memory, whatever the size of the record.
    chunk_size: int = setting("EXPORTS_CHUNK_SIZE", 2000)
    # A build claimed longer ago than this belongs to a worker that died; the next tick takes
    # over. Above the rebuild task's hard time limit (tasks.py), so a slow build is never
    # started twice.
    claim_timeout_seconds: float = setting("EXPORTS_CLAIM_TIMEOUT_SECONDS", 4000.0)
    # gzip level of the .gz copies: 6 compresses nearly as well as 9 in half the time
    # (bench/bench_exports.py).
    gzip_level: int = setting("EXPORTS_GZIP_LEVEL", 6)

    @property
    def directory(self) -> Path:
        return Path(self.dir)


def exports_conf() -> ExportsConf:
    return settings_read(ExportsConf)
