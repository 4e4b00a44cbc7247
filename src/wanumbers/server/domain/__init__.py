"""Pure rules of the number lifecycle: no HTTP, no SQL. Every surface renders these in its own envelope."""
