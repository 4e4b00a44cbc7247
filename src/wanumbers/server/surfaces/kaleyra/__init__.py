"""Kaleyra's v2 WhatsApp phone-number API (seeds 000-003), reproduced byte for byte."""
