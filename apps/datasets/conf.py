"""Dataset import settings with their defaults, typed: ``datasets_conf().max_bytes``."""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.conf import setting, settings_read


@dataclass(frozen=True)
class DatasetsConf:
    epoch_url: str = setting("DATASETS_EPOCH_URL", "")
    mot_url: str = setting("DATASETS_MOT_URL", "")
    osai_url: str = setting("DATASETS_OSAI_URL", "")
    # The largest download (and, for an archive, the most it may unpack to).
    max_bytes: int = setting("DATASETS_MAX_BYTES", 50 * 1024 * 1024)
    # Records written per bulk query.
    batch_size: int = setting("DATASETS_BATCH_SIZE", 500)
    # An organisation no company answers to becomes a new company only when a dataset names
    # it as the developer of at least this many models.
    new_company_models: int = setting("DATASETS_NEW_COMPANY_MODELS", 5)


def datasets_conf() -> DatasetsConf:
    return settings_read(DatasetsConf)
