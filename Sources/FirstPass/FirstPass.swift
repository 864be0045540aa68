// FirstPass module: see Docs/architecture.md.
