/// The model's state after a BOS-framed token prefix: what a later call needs to continue
/// scoring from the prefix without recomputing it.
///
/// Holds every layer's keys and values for the prefix, the final hidden row of its last position
/// (so the next token's log-probability, or EOS's, costs one row of the output head) and the
/// prefix's own log-probability. Produced by
/// `sentenceLogProbabilitiesSharingPrefixes(_:adapters:cache:uses:checkpoint:)` for the sentences
/// it is asked to keep, and kept between calls by a `PrefixStateCache`.
public struct PrefixState: Sendable {
    /// Keys and values of every layer, `[positions, C]` each.
    public let keyValues: KeyValueCache
    /// ln_f output at the last position, `C` floats.
    let finalHidden: [Float]
    /// Σ log p(xᵢ | x<ᵢ) over the prefix after BOS (natural log; 0 for BOS alone).
    public let logProbability: Float

    /// Positions of the prefix, BOS included.
    public var positions: Int { keyValues.length }

    /// Bytes held by the state's tensors: keys and values of every layer and the hidden row.
    public var tensorBytes: Int {
        let floats = keyValues.keys.reduce(0) { $0 + $1.count } + keyValues.values.reduce(0) { $0 + $1.count }
        return (floats + finalHidden.count) * MemoryLayout<Float>.stride
    }
}
