// Phonetics module: see Docs/architecture.md.
