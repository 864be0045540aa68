/// Activations of one block kept by a training forward pass for the backward pass.
struct BlockTrace: Sendable {
    var input: Tensor
    var ln1Output: Tensor
    var ln1Mean: [Float]
    var ln1Rstd: [Float]
    var qkv: Tensor
    var probabilities: [[Float]]
    /// Attention-probability dropout masks per segment, when training with `attn_pdrop`.
    var probabilityDropout: [[Float]]?
    var attentionOutput: Tensor
    var attentionDropout: [Float]?
    var middle: Tensor
    var ln2Output: Tensor
    var ln2Mean: [Float]
    var ln2Rstd: [Float]
    var expanded: Tensor
    var activated: Tensor
    var mlpDropout: [Float]?
}

/// Everything a backward pass needs from the forward pass of a packed batch.
struct ForwardTrace: Sendable {
    var tokens: [Int]
    var positions: [Int]
    var segments: [PackedSegment]
    var embeddingDropout: [Float]?
    var blocks: [BlockTrace]
    var finalInput: Tensor
    var finalMean: [Float]
    var finalRstd: [Float]
}

/// Keys and values of every layer for a token prefix, `[length, C]` each.
///
/// A prefix-trie node keeps one; its children continue from it instead of recomputing the prefix.
public struct KeyValueCache: Sendable {
    public var keys: [Tensor]
    public var values: [Tensor]
    /// Number of cached positions.
    public var length: Int
}

/// Inverted dropout: a mask of 0 or 1/(1−p), applied in place.
enum Dropout {
    static func mask(count: Int, probability: Float, rng: inout SeededGenerator) -> [Float] {
        let keep = 1 / (1 - probability)
        var mask = [Float](repeating: 0, count: count)
        for index in 0..<count where rng.nextUniform() >= probability { mask[index] = keep }
        return mask
    }

    /// Multiplies by the mask element-wise, in parallel element ranges.
    ///
    /// Drawing the mask stays sequential: it consumes the xoshiro stream in a fixed order that
    /// checkpoints and batched MWER rely on.
    static func apply(_ mask: [Float], to tensor: inout Tensor) {
        precondition(mask.count == tensor.count, "dropout mask size")
        let count = mask.count
        mask.withUnsafePointer { m in
            tensor.withUnsafeMutablePointer { target in
                ParallelChunks.forEachElementRange(count: count) { range in
                    for index in range { target[index] *= m[index] }
                }
            }
        }
    }
}
