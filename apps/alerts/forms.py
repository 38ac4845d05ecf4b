from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency, Language

KIND_CHOICES = [
    ("stance_changes", _("stance changes")),
    ("statements", _("new published statements")),
    ("model_status", _("model status changes")),
    ("dataset_changes", _("changes in the datasets")),
    ("policy_changes", _("policy changes")),
    ("commitments", _("commitments kept or broken")),
]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    lab = forms.SlugField(required=False, widget=forms.HiddenInput)
    model = forms.SlugField(required=False, widget=forms.HiddenInput)
    kinds = forms.MultipleChoiceField(
        label=_("Tell me about"),
        choices=KIND_CHOICES,
        initial=["stance_changes", "policy_changes"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of change.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.INSTANT,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of the mail"),
        choices=Language.choices,
        initial=Language.EN,
        widget=forms.RadioSelect,
    )


class SubscriptionForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Tell me about"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect
    )
