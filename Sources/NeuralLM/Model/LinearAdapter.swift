/// An extension of a `Linear` projection that adds a learned delta to its output.
///
/// LoRA and its relatives implement this: the frozen base computes x·W + b and the adapter adds
/// `forward(input:)` (e.g. x·A·B·scale). The adapter sees only the rows it is given, so a batch
/// whose rows belong to different adapters can call each adapter on its own row range (see
/// `Linear.forward(_:routing:)`). Parameter names are local (`lora_A.weight`); the model prefixes
/// them with the projection's name (`transformer.h.0.attn.c_attn.`).
public protocol LinearAdapter: Sendable {
    /// Output delta `[rows, outFeatures]` for input `[rows, inFeatures]`.
    func forward(input: Tensor) -> Tensor

    /// Gradient contribution to the input, and gradients of the adapter's trainable parameters
    /// keyed by local name.
    func backward(input: Tensor, gradOutput: Tensor) -> (
        gradInput: Tensor, parameterGradients: [String: Tensor]
    )

    /// Trainable parameters by local name.
    var parameters: [(name: String, tensor: Tensor)] { get }

    /// Replaces a parameter by local name (optimizers and checkpoint loading).
    mutating func setParameter(named name: String, to tensor: Tensor) throws
}

/// Which adapter each contiguous block of rows of a batch uses.
///
/// The rescorer batches hypotheses from streams with different adapters; rows without an entry
/// use the base projection only.
public struct AdapterRouting: Sendable {
    /// Row ranges and the adapter name (key of `Linear.adapters`) applied to them.
    public var assignments: [(rows: Range<Int>, adapter: String)]

    public init(assignments: [(rows: Range<Int>, adapter: String)]) {
        self.assignments = assignments
    }
}
