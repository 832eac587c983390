"""Reads of the register. Public reads return only public fields."""

from qogam.registry.models import Organisation, StateBody


def public_register_stats() -> dict:
    return {
        "organisations": Organisation.objects.count(),
        "ngos": Organisation.objects.filter(legal_form__is_ngo=True).count(),
        "state_bodies": StateBody.objects.count(),
    }
