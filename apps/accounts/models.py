"""Staff settings of our own (the login throttle and the second factor keep their packages')."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailLanguage(models.TextChoices):
    EN = "en", "English"
    JA = "ja", "日本語"


class ReviewMail(models.Model):
    """A reviewer who asked to be mailed while statements wait for review (accounts/reviews.py).

    ``last_sent_at`` is also the claim: a sender takes the row by moving it with a conditional
    UPDATE, so two workers never both mail one reviewer.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_mail"
    )
    language = models.CharField(
        _("language of the mail"),
        max_length=5,
        choices=MailLanguage.choices,
        default=MailLanguage.EN,
    )
    last_sent_at = models.DateTimeField(_("last mail"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review mail")
        verbose_name_plural = _("review mails")

    def __str__(self) -> str:
        return str(self.user)
