"""What the catalogue's models share: text limits and the Japanese-version help."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: The longest description of a lab or a model: a few paragraphs (see apps/lib/text.py).
DESCRIPTION_MAX = 4000
#: What an editor reads beside a text's Japanese version (apps/lib/bilingual.py).
JAPANESE_HELP = _(
    "Shown on the Japanese pages. Left empty, they show the English text and say so; an "
    "English page shows this one, and says so, when the English text is empty."
)
