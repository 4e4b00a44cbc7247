"""Who plays Meta: the embedded emulator (default) or the live Graph API."""
