/// A right-padded batch of token sequences with their lengths.
///
/// The engine packs sequences internally (no padded rows are computed); this type is the
/// boundary with callers that hold padded matrices and attention masks, as Hugging Face does.
public struct TokenBatch: Sendable, Equatable {
    /// The unpadded sequences.
    public var sequences: [[Int]]

    public init(sequences: [[Int]]) {
        self.sequences = sequences
    }

    /// Builds a batch from a padded matrix and a 0/1 attention mask that must be right-padded.
    public init(padded: [[Int]], attentionMask: [[Int]]) throws {
        guard padded.count == attentionMask.count else {
            throw NeuralLMError(
                .invalidInput, "\(padded.count) rows of tokens but \(attentionMask.count) mask rows")
        }
        var sequences: [[Int]] = []
        for (row, (tokens, mask)) in zip(padded, attentionMask).enumerated() {
            guard tokens.count == mask.count else {
                throw NeuralLMError(
                    .invalidInput, "row \(row): \(tokens.count) tokens but \(mask.count) mask entries")
            }
            let length = mask.prefix { $0 == 1 }.count
            guard mask.dropFirst(length).allSatisfy({ $0 == 0 }) else {
                throw NeuralLMError(.invalidInput, "row \(row): attention mask is not right-padded 1…1 0…0")
            }
            sequences.append(Array(tokens.prefix(length)))
        }
        self.sequences = sequences
    }

    /// Sequence lengths.
    public var lengths: [Int] { sequences.map(\.count) }

    /// The padded matrix (with `padToken`) and its attention mask.
    public func padded(with padToken: Int) -> (tokens: [[Int]], attentionMask: [[Int]]) {
        let width = lengths.max() ?? 0
        let tokens = sequences.map { $0 + Array(repeating: padToken, count: width - $0.count) }
        let mask = sequences.map {
            Array(repeating: 1, count: $0.count) + Array(repeating: 0, count: width - $0.count)
        }
        return (tokens, mask)
    }
}
