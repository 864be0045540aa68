// NeuralLM module: see Docs/architecture.md.
