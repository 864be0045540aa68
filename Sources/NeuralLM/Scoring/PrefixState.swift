/// The model's state after a BOS-framed token prefix: what a later call needs to continue
/// scoring from the prefix, or from any shorter prefix of it, without recomputing it.
///
/// Holds every layer's keys and values for the prefix, the final hidden row of every position
/// (so the log-probability of whatever follows the prefix, or any shorter prefix of it, costs one
/// row of the output head) and the running log-probability after every position. Produced by
/// `sentenceLogProbabilitiesSharingPrefixes(_:adapters:cache:uses:checkpoint:)` for the sentences
/// it is asked to keep, and kept between calls by a `PrefixStateCache`.
///
/// Every position is kept, not only the last, because live partial hypotheses are revised: the
/// next list often agrees with a kept hypothesis only up to its last word or two, and a state cut
/// back to that common prefix (`truncated(to:)`) saves all of the agreeing positions.
public struct PrefixState: Sendable {
    /// Keys and values of every layer, `[positions, C]` each.
    public let keyValues: KeyValueCache
    /// ln_f output at every position, `[positions, C]` row-major.
    let hiddenRows: [Float]
    /// Σ log p(xⱼ | x<ⱼ) over j = 1 … i, for every position i (0 at BOS).
    let prefixLogProbabilities: [Float]

    /// Positions of the prefix, BOS included.
    public var positions: Int { keyValues.length }

    /// Σ log p(xᵢ | x<ᵢ) over the prefix after BOS (natural log; 0 for BOS alone).
    public var logProbability: Float { prefixLogProbabilities[positions - 1] }

    /// ln_f output at the last position: what the next token's log-probability is computed from.
    var finalHidden: ArraySlice<Float> {
        let width = hiddenRows.count / positions
        return hiddenRows[(positions - 1) * width..<(positions * width)]
    }

    init(keyValues: KeyValueCache, hiddenRows: [Float], prefixLogProbabilities: [Float]) {
        precondition(keyValues.length > 0, "a state covers at least BOS")
        precondition(prefixLogProbabilities.count == keyValues.length, "one log-probability per position")
        precondition(hiddenRows.count % keyValues.length == 0, "one hidden row per position")
        self.keyValues = keyValues
        self.hiddenRows = hiddenRows
        self.prefixLogProbabilities = prefixLogProbabilities
    }

    /// The state after the first `length` positions (1 … `positions`): the same values the
    /// model computes for that prefix alone, since attention is causal.
    public func truncated(to length: Int) -> PrefixState {
        precondition((1...positions).contains(length), "a truncation keeps 1 … positions positions")
        guard length < positions else { return self }
        let width = hiddenRows.count / positions
        let cut = { (tensor: Tensor) in
            Tensor(
                shape: [length, tensor.shape[1]],
                storage: Array(tensor.storage[0..<(length * tensor.shape[1])]))
        }
        return PrefixState(
            keyValues: KeyValueCache(
                keys: keyValues.keys.map(cut), values: keyValues.values.map(cut), length: length),
            hiddenRows: Array(hiddenRows[0..<(length * width)]),
            prefixLogProbabilities: Array(prefixLogProbabilities[0..<length]))
    }

    /// Bytes held by the state's tensors: keys and values of every layer, the hidden rows and
    /// the running log-probabilities.
    public var tensorBytes: Int {
        let floats = keyValues.keys.reduce(0) { $0 + $1.count } + keyValues.values.reduce(0) { $0 + $1.count }
        return (floats + hiddenRows.count + prefixLogProbabilities.count) * MemoryLayout<Float>.stride
    }
}
