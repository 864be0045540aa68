/// Learned scale and shift of a layer normalisation.
public struct LayerNormParameters: Sendable {
    public var weight: Tensor
    public var bias: Tensor
    public var requiresGrad = true

    public init(width: Int) {
        weight = Tensor(repeating: 1, shape: [width])
        bias = Tensor(zeros: [width])
    }
}

/// One pre-LayerNorm transformer block: attention then MLP, each with a residual.
public struct GPT2Block: Sendable {
    public var ln1: LayerNormParameters
    /// `attn.c_attn`: `[C, 3C]`, columns are query, key, value.
    public var attention: Linear
    /// `attn.c_proj`: `[C, C]`.
    public var attentionProjection: Linear
    public var ln2: LayerNormParameters
    /// `mlp.c_fc`: `[C, inner]`.
    public var mlpExpand: Linear
    /// `mlp.c_proj`: `[inner, C]`.
    public var mlpProjection: Linear
}

/// A GPT-2 language model's parameters (decoder-only, pre-LN, learned positions, tied head).
///
/// A value type: a frozen model is `Sendable` and shared by every rescoring request; training
/// mutates it in place. Parameters are reachable by their Hugging Face names through
/// `forEachParameter`, which optimizers and checkpoint code use.
public struct GPT2Model: Sendable {
    public let config: GPT2Config
    /// `transformer.wte.weight` `[vocab, C]`, also the output projection (tied).
    public var tokenEmbedding: Tensor
    /// `transformer.wpe.weight` `[positions, C]`.
    public var positionEmbedding: Tensor
    public var embeddingsRequireGrad = true
    public var blocks: [GPT2Block]
    /// `transformer.ln_f`.
    public var finalNorm: LayerNormParameters

    /// A model with GPT-2's initialisation: normal(0, initializer_range) weights, zero biases,
    /// unit LayerNorm scales, and residual projections scaled by 1/√(2·n_layer).
    public init(config: GPT2Config, seed: UInt64) throws {
        try self.init(config: config, seed: Optional(seed))
    }

    /// GPT-2 initialisation from `seed`, or all-zero weights (unit LayerNorm scales) when `nil`,
    /// which loading uses to avoid drawing random numbers it would overwrite.
    init(config: GPT2Config, seed: UInt64?) throws {
        try config.validate()
        self.config = config
        var rng = SeededGenerator(seed: seed ?? 0)
        let c = config.nEmbd
        let std = config.initializerRange
        let projectionStd = std / (2 * Float(config.nLayer)).squareRoot()
        func normal(_ shape: [Int], _ sigma: Float) -> Tensor {
            let count = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            if seed != nil {
                for i in 0..<count { values[i] = rng.nextNormal() * sigma }
            }
            return Tensor(shape: shape, storage: values)
        }
        func linear(_ input: Int, _ output: Int, _ sigma: Float) -> Linear {
            Linear(weight: normal([input, output], sigma), bias: Tensor(zeros: [output]))
        }
        tokenEmbedding = normal([config.vocabSize, c], std)
        positionEmbedding = normal([config.nPositions, c], std)
        var blocks: [GPT2Block] = []
        for _ in 0..<config.nLayer {
            blocks.append(
                GPT2Block(
                    ln1: LayerNormParameters(width: c), attention: linear(c, 3 * c, std),
                    attentionProjection: linear(c, c, projectionStd), ln2: LayerNormParameters(width: c),
                    mlpExpand: linear(c, config.innerSize, std),
                    mlpProjection: linear(config.innerSize, c, projectionStd)))
        }
        self.blocks = blocks
        finalNorm = LayerNormParameters(width: c)
    }

    /// Expected shape of every base parameter by Hugging Face name, in a stable order.
    public var parameterShapes: [(name: String, shape: [Int])] {
        let c = config.nEmbd
        var result: [(String, [Int])] = [
            ("transformer.wte.weight", [config.vocabSize, c]),
            ("transformer.wpe.weight", [config.nPositions, c]),
        ]
        for layer in 0..<config.nLayer {
            let p = "transformer.h.\(layer)."
            result += [
                (p + "ln_1.weight", [c]), (p + "ln_1.bias", [c]),
                (p + "attn.c_attn.weight", [c, 3 * c]), (p + "attn.c_attn.bias", [3 * c]),
                (p + "attn.c_proj.weight", [c, c]), (p + "attn.c_proj.bias", [c]),
                (p + "ln_2.weight", [c]), (p + "ln_2.bias", [c]),
                (p + "mlp.c_fc.weight", [c, config.innerSize]), (p + "mlp.c_fc.bias", [config.innerSize]),
                (p + "mlp.c_proj.weight", [config.innerSize, c]), (p + "mlp.c_proj.bias", [c]),
            ]
        }
        result += [("transformer.ln_f.weight", [c]), ("transformer.ln_f.bias", [c])]
        return result
    }

    /// Visits every parameter (base and attached adapters) with its stable name, in a fixed order.
    ///
    /// The closure may modify the tensor in place (same shape); `requiresGrad` tells optimizers
    /// which parameters are trainable. Adapter parameters are named
    /// `<projection name>.<adapter local name>`.
    public mutating func forEachParameter(
        _ body: (_ name: String, _ tensor: inout Tensor, _ requiresGrad: Bool) throws -> Void
    ) rethrows {
        try body("transformer.wte.weight", &tokenEmbedding, embeddingsRequireGrad)
        try body("transformer.wpe.weight", &positionEmbedding, embeddingsRequireGrad)
        for layer in blocks.indices {
            let p = "transformer.h.\(layer)."
            try Self.visit(&blocks[layer].ln1, p + "ln_1", body)
            try Self.visit(&blocks[layer].attention, p + "attn.c_attn", body)
            try Self.visit(&blocks[layer].attentionProjection, p + "attn.c_proj", body)
            try Self.visit(&blocks[layer].ln2, p + "ln_2", body)
            try Self.visit(&blocks[layer].mlpExpand, p + "mlp.c_fc", body)
            try Self.visit(&blocks[layer].mlpProjection, p + "mlp.c_proj", body)
        }
        try Self.visit(&finalNorm, "transformer.ln_f", body)
    }

    /// Read-only list of `(name, tensor, requiresGrad)` in registry order.
    public var namedParameters: [(name: String, tensor: Tensor, requiresGrad: Bool)] {
        var copy = self
        var result: [(String, Tensor, Bool)] = []
        copy.forEachParameter { name, tensor, requiresGrad in result.append((name, tensor, requiresGrad)) }
        return result
    }

    /// Total number of base and adapter parameters.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Marks every base parameter frozen (adapter training) or trainable (full fine-tuning).
    public mutating func setBaseRequiresGrad(_ value: Bool) {
        embeddingsRequireGrad = value
        finalNorm.requiresGrad = value
        for layer in blocks.indices {
            blocks[layer].ln1.requiresGrad = value
            blocks[layer].ln2.requiresGrad = value
            for keyPath in [\GPT2Block.attention, \.attentionProjection, \.mlpExpand, \.mlpProjection] {
                blocks[layer][keyPath: keyPath].weightRequiresGrad = value
                blocks[layer][keyPath: keyPath].biasRequiresGrad = value
            }
        }
    }

    private static func visit(
        _ norm: inout LayerNormParameters, _ prefix: String,
        _ body: (String, inout Tensor, Bool) throws -> Void
    ) rethrows {
        try body(prefix + ".weight", &norm.weight, norm.requiresGrad)
        try body(prefix + ".bias", &norm.bias, norm.requiresGrad)
    }

    private static func visit(
        _ linear: inout Linear, _ prefix: String, _ body: (String, inout Tensor, Bool) throws -> Void
    ) rethrows {
        try body(prefix + ".weight", &linear.weight, linear.weightRequiresGrad)
        try body(prefix + ".bias", &linear.bias, linear.biasRequiresGrad)
        if var adapter = linear.adapter {
            for (local, tensor) in adapter.parameters {
                var updated = tensor
                try body(prefix + "." + local, &updated, true)
                if updated != tensor {
                    // A shape-preserving update of the adapter's own parameter; cannot fail.
                    try! adapter.setParameter(named: local, to: updated)
                }
            }
            linear.adapter = adapter
        }
    }
}
