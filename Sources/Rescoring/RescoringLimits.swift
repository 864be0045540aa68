/// Bounds on the work one job may ask for, checked before any LM work.
///
/// An N-best list's cost grows with its hypotheses and tokens; without a bound, one request can
/// hold a core for seconds and the transformer's activations and key/value caches for hundreds of
/// megabytes. The defaults are far above real first-pass lists (tens of hypotheses of tens of
/// tokens) and keep the worst single request of the released base model (256 wide, 4 layers,
/// vocabulary 6000) near 300 GFLOP and 300 MB.
public struct RescoringLimits: Sendable, Hashable, Codable {
    /// Hypotheses a list may have after the job's own `maxHypotheses` cut.
    public var maxHypothesesPerList: Int
    /// Tokens (under the engine's tokenizer, BOS and EOS not counted) of all scored hypotheses of
    /// one list.
    public var maxTokensPerList: Int

    /// - Parameters:
    ///   - maxHypothesesPerList: default 1,000.
    ///   - maxTokensPerList: default 32,768.
    public init(maxHypothesesPerList: Int = 1_000, maxTokensPerList: Int = 32_768) {
        self.maxHypothesesPerList = maxHypothesesPerList
        self.maxTokensPerList = maxTokensPerList
    }

    /// No bound: for offline tools that score lists they built themselves.
    public static let unlimited = RescoringLimits(maxHypothesesPerList: .max, maxTokensPerList: .max)

    /// Throws `.limitExceeded` when a list of `count` hypotheses (after any `maxHypotheses` cut)
    /// is longer than `maxHypothesesPerList`; callers holding only a count (e.g. an undecoded wire
    /// message) can refuse it before converting it.
    public func checkHypothesisCount(_ count: Int, utteranceID: String) throws(RescoringError) {
        guard count > maxHypothesesPerList else { return }
        throw RescoringError(
            .limitExceeded,
            "utterance \(utteranceID): \(count) hypotheses exceed the limit of \(maxHypothesesPerList)"
                + " hypotheses per list (set max_hypotheses to rescore only the first ones)")
    }
}
