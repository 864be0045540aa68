import Testing

@testable import NeuralLM
