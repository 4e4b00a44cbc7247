"""The console: ``/console/``, server-rendered pages over the fleet, one number and the emulator's
controls (docs/console.md). Outside the contracts' pipeline, with its own sign-in and session."""
