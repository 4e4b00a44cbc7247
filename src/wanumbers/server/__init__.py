"""The wanumbers service: one domain core behind the Kaleyra BSP contract, the Graph contract and the
emulator's control plane. See ``app.create_app``."""
