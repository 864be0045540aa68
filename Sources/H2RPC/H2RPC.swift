// H2RPC module: see Docs/architecture.md.
