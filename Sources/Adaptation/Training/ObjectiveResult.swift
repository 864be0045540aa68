public import NeuralLM

/// What an objective computed for one optimizer step.
public struct ObjectiveResult: Sendable {
    /// The loss being minimised (mean over the batch's normaliser).
    public var loss: Double
    /// Gradients of `loss` by parameter name.
    public var gradients: [String: Tensor]
    /// Tokens the LM scored (for tokens/s).
    public var tokenCount: Int
    /// Named components (e.g. `mwer`, `clm`) for progress output.
    public var components: [String: Double]

    public init(
        loss: Double, gradients: [String: Tensor], tokenCount: Int, components: [String: Double] = [:]
    ) {
        self.loss = loss
        self.gradients = gradients
        self.tokenCount = tokenCount
        self.components = components
    }

    /// Adds `weight` times another result (losses, gradients, tokens, components).
    public mutating func accumulate(_ other: ObjectiveResult, weight: Double = 1) {
        loss += weight * other.loss
        tokenCount += other.tokenCount
        for (name, gradient) in other.gradients {
            if gradients[name] == nil {
                var scaled = gradient
                scaled.scale(by: Float(weight))
                gradients[name] = scaled
            } else {
                gradients[name]!.add(gradient, scale: Float(weight))
            }
        }
        for (name, value) in other.components { components[name, default: 0] += weight * value }
    }
}
