"""The emulator's control plane over HTTP: ``/sim/…``, guarded by an admin token.

Success bodies are the resource itself (the same JSON ``wanumbers sim … --json`` prints); failures are
``{"error": {"code", "message"[, "field"]}}`` with a 4xx status. See docs/control-plane.md.
"""
