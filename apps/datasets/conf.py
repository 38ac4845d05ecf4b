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
    # An organisation no company answers to becomes a new company only when a dataset names it
    # as the developer of at least this many models. Measured on the Epoch snapshot (1,755 rows;
    # 577 organisations the seeded catalogue does not know): 5 made 119 companies, most of them
    # universities with a handful of papers; 20 makes 25 (Microsoft, NVIDIA, Alibaba, IBM, the
    # Allen Institute, EleutherAI, the large university labs, and lab units that want an alias
    # instead, such as Microsoft Research; the seed names Google Brain, Google Research and Facebook
    # AI Research as aliases of their labs, which leaves 22). MOT and OSAI name no unknown
    # organisation 20 times.
    new_company_models: int = setting("DATASETS_NEW_COMPANY_MODELS", 20)


def datasets_conf() -> DatasetsConf:
    return settings_read(DatasetsConf)
