import Foundation

/// Adam with decoupled weight decay (Loshchilov & Hutter), matching `torch.optim.AdamW`.
///
/// Weight decay applies only to matrices (rank ≥ 2: projections and embeddings), never to biases
/// or LayerNorm parameters, as is standard for transformers.
public struct AdamW: Sendable {
    /// Hyper-parameters other than the learning rate (which the schedule supplies).
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var epsilon: Float = 1e-8
        public var weightDecay: Float = 0.01

        public init(
            beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01
        ) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public var hyperparameters: Hyperparameters
    /// First moments by parameter name.
    public var firstMoments: [String: Tensor] = [:]
    /// Second moments by parameter name.
    public var secondMoments: [String: Tensor] = [:]
    /// Number of updates applied (bias correction uses it).
    public var updateCount = 0

    public init(hyperparameters: Hyperparameters = Hyperparameters()) {
        self.hyperparameters = hyperparameters
    }

    /// Whether a parameter of this shape receives weight decay.
    public static func decays(shape: [Int]) -> Bool { shape.count >= 2 }

    /// Applies one update to every trainable parameter that has a gradient.
    public mutating func update(model: inout GPT2Model, gradients: [String: Tensor], learningRate: Float) {
        updateCount += 1
        let h = hyperparameters
        let correction1 = 1 - Float(pow(Double(h.beta1), Double(updateCount)))
        let correction2Root = Float((1 - pow(Double(h.beta2), Double(updateCount))).squareRoot())
        let stepSize = learningRate / correction1
        model.forEachParameter { name, parameter, requiresGrad in
            guard requiresGrad, let gradient = gradients[name] else { return }
            precondition(gradient.shape == parameter.shape, "gradient shape for \(name)")
            // Taken out of the dictionaries so the in-place update does not copy (copy-on-write).
            var m = firstMoments.removeValue(forKey: name) ?? Tensor(zeros: parameter.shape)
            var v = secondMoments.removeValue(forKey: name) ?? Tensor(zeros: parameter.shape)
            let decay: Float = Self.decays(shape: parameter.shape) ? 1 - learningRate * h.weightDecay : 1
            let count = parameter.count
            parameter.withUnsafeMutablePointer { p in
                gradient.withUnsafePointer { g in
                    m.withUnsafeMutablePointer { mb in
                        v.withUnsafeMutablePointer { vb in
                            // Element-wise, so any split gives the same floats.
                            ParallelChunks.forEachElementRange(count: count) { range in
                                for i in range {
                                    p[i] *= decay
                                    mb[i] = h.beta1 * mb[i] + (1 - h.beta1) * g[i]
                                    vb[i] = h.beta2 * vb[i] + (1 - h.beta2) * g[i] * g[i]
                                    let denominator = vb[i].squareRoot() / correction2Root + h.epsilon
                                    p[i] -= stepSize * mb[i] / denominator
                                }
                            }
                        }
                    }
                }
            }
            firstMoments[name] = m
            secondMoments[name] = v
        }
    }
}
