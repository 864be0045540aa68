import Foundation
public import NeuralLM

/// Windows over a token sequence longer than the model's context, so every token is scored once.
///
/// A model with context `C` cannot see a whole 5,000-word line. Truncating it scores only the
/// first `C` tokens, and dividing that log-likelihood over all the line's words gives an absurdly
/// low per-word perplexity. Instead the sequence is cut into windows of `C` tokens that start every
/// `stride` tokens (`stride` = `C / 2`, so each token after the first window is predicted from at
/// least `C − stride` tokens of context). Token `i` (for `i ≥ 1`; the first token is given, not
/// predicted) is scored in the first window that holds it, and in no other.
public struct ScoringWindow: Sendable, Equatable {
    /// The tokens the model sees.
    public var tokens: [Int]
    /// The first prediction of this window that counts: index into the model's next-token
    /// log-probabilities (entry `j` predicts `tokens[j + 1]`); earlier entries were scored by the
    /// previous window and are only context here.
    public var firstScored: Int

    /// The stride of `windows(of:context:)` for a model of context `context`.
    public static func stride(context: Int) -> Int { max(1, context / 2) }

    /// The windows covering `sequence` for a model of context `context` (at least 2).
    ///
    /// A sequence that fits is one window scored in full. Predictions across windows cover
    /// tokens `1 ..< sequence.count` exactly once, in order.
    public static func windows(of sequence: [Int], context: Int) -> [ScoringWindow] {
        precondition(context >= 2, "a context of \(context) tokens predicts nothing")
        guard sequence.count > context else { return [ScoringWindow(tokens: sequence, firstScored: 0)] }
        let stride = stride(context: context)
        var windows: [ScoringWindow] = []
        var scoredEnd = 1  // tokens before this index are given or already scored
        var start = 0
        while scoredEnd < sequence.count {
            let end = min(start + context, sequence.count)
            windows.append(
                ScoringWindow(tokens: Array(sequence[start..<end]), firstScored: scoredEnd - start - 1))
            scoredEnd = end
            start += stride
        }
        return windows
    }
}

/// Mean negative log-likelihood per predicted token over framed sentences (no dropout, no update).
///
/// Sentences longer than the model's context are scored in `ScoringWindow`s, so every predicted
/// token of every sentence counts exactly once.
public func evaluatePerplexity(model: GPT2Model, sentences: [[Int]], batchSize: Int = 64) throws -> (
    perplexity: Double, tokens: Int
) {
    let windows = sentences.flatMap { ScoringWindow.windows(of: $0, context: model.config.nPositions) }
    var total = 0.0
    var tokens = 0
    for start in Swift.stride(from: 0, to: windows.count, by: batchSize) {
        let batch = windows[start..<min(start + batchSize, windows.count)]
        let rows = try model.nextTokenLogProbabilities(TokenBatch(sequences: batch.map(\.tokens)))
        for (window, row) in zip(batch, rows) {
            let scored = row[window.firstScored...]
            total -= scored.reduce(0.0) { $0 + Double($1) }
            tokens += scored.count
        }
    }
    guard tokens > 0 else { throw PretrainError("no tokens to evaluate") }
    return (exp(total / Double(tokens)), tokens)
}
