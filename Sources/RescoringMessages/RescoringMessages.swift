// RescoringMessages module: see Docs/architecture.md.
