// Evaluation module: see Docs/architecture.md.
