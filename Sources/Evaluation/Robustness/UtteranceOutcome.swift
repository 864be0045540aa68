/// Everything the evaluation needs about one utterance in one run and condition.
///
/// The aggregator stores one outcome per (run, condition, utterance). `firstPassTexts` is the
/// N-best list exactly as the rescorer received it (perturbed texts in a perturbed condition),
/// best first; indices refer to positions in that list, which perturbations keep (a
/// perturbation rewrites texts in place, it does not reorder). A first pass with no output
/// sends one empty hypothesis, so the list is never empty.
public struct UtteranceOutcome: Sendable, Hashable, Codable {
    /// The system under test (e.g. a model and adapter), so several systems share one store.
    public var run: String
    /// The input condition, e.g. "clean", "homophone-1best", "nbest-p0.1".
    public var condition: String
    public var utteranceID: String
    public var reference: String
    /// First-pass N-best texts, best first.
    public var firstPassTexts: [String]
    /// Position of the first-pass 1-best in `firstPassTexts` (usually 0).
    public var firstPassBestIndex: Int
    /// Position in `firstPassTexts` of the hypothesis the rescorer chose.
    public var chosenIndex: Int
    /// The text the rescorer output (scored for the second-pass WER).
    public var chosenText: String

    public init(
        run: String, condition: String, utteranceID: String, reference: String, firstPassTexts: [String],
        firstPassBestIndex: Int = 0, chosenIndex: Int, chosenText: String
    ) {
        self.run = run
        self.condition = condition
        self.utteranceID = utteranceID
        self.reference = reference
        self.firstPassTexts = firstPassTexts
        self.firstPassBestIndex = firstPassBestIndex
        self.chosenIndex = chosenIndex
        self.chosenText = chosenText
    }

    /// The key under which the outcome is counted once.
    public var key: Key { Key(run: run, condition: condition, utteranceID: utteranceID) }

    /// The first-pass 1-best text.
    public var firstPassBestText: String { firstPassTexts[firstPassBestIndex] }

    /// (run, condition, utterance): the identity of an outcome.
    public struct Key: Sendable, Hashable, Codable, Comparable {
        public var run: String
        public var condition: String
        public var utteranceID: String

        public init(run: String, condition: String, utteranceID: String) {
            self.run = run
            self.condition = condition
            self.utteranceID = utteranceID
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.run, lhs.condition, lhs.utteranceID) < (rhs.run, rhs.condition, rhs.utteranceID)
        }
    }

    /// Throws if the list is empty or an index points outside it.
    public func validate() throws {
        let name = "\(run)/\(condition)/\(utteranceID)"
        guard !firstPassTexts.isEmpty else {
            throw EvaluationError(.missingData, "\(name): empty first-pass list (send one empty hypothesis)")
        }
        guard firstPassTexts.indices.contains(firstPassBestIndex) else {
            throw EvaluationError(
                .indexOutOfRange,
                "\(name): first-pass best index \(firstPassBestIndex) outside 0..<\(firstPassTexts.count)")
        }
        guard firstPassTexts.indices.contains(chosenIndex) else {
            throw EvaluationError(
                .indexOutOfRange, "\(name): chosen index \(chosenIndex) outside 0..<\(firstPassTexts.count)")
        }
    }
}
