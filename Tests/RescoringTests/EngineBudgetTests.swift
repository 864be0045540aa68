import NBest
import NeuralLM
import RescoringCore
import Synchronization
import Testing

@testable import Rescoring

/// The engine stops when its caller gives up: before any LM work, and between batches of it.
@Suite struct EngineBudgetTests {
    /// Random hypotheses (about 20 tokens each) that diverge early: one trie wave holds more
    /// positions than a batch.
    static let wideList = TinyEngine.randomList("u1", count: 200, words: 9)

    @Test func aCancelledBudgetStopsBeforeAnyWork() throws {
        let engine = try TinyEngine.make()
        let checks = Counter()
        let budget = WorkBudget {
            checks.increment()
            return true
        }
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore([RescoringJob(list: TinyEngine.list("u1", ["the cat"]))], budget: budget)
        }
        #expect(error.code == .cancelled)
        #expect(checks.value == 1)
    }

    @Test func aPassedDeadlineIsReportedAsSuch() throws {
        let engine = try TinyEngine.make()
        let budget = WorkBudget(deadline: .now - .milliseconds(1))
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore([RescoringJob(list: TinyEngine.list("u1", ["the cat"]))], budget: budget)
        }
        #expect(error.code == .deadlineExceeded)
    }

    /// A list wide enough for several LM batches: the budget is consulted between them, and
    /// cancelling after a few stops the pass there.
    @Test func runningWorkStopsAtTheNextBatch() throws {
        let engine = try TinyEngine.make()
        let list = Self.wideList
        let sentences = list.hypotheses.map { engine.tokenizer.encode($0.text) }
        let batches = Counter()
        _ = try engine.model.sentenceLogProbabilitiesSharingPrefixes(sentences) { batches.increment() }
        let total = batches.value
        #expect(total >= 4, "enough batches to stop in the middle")

        // Checks: 1 on entry, 1 per 64 hypotheses while tokenizing, then 1 per batch.
        let tokenizingChecks = 1 + (list.hypotheses.count + 63) / 64
        let allowed = tokenizingChecks + 2
        let checks = Counter()
        let budget = WorkBudget { checks.increment() > allowed }
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore([RescoringJob(list: list)], limits: .unlimited, budget: budget)
        }
        #expect(error.code == .cancelled)
        #expect(checks.value == allowed + 1, "stopped after two batches of \(total)")
    }

    @Test func batchedScoresEqualThePlainSentenceScores() throws {
        let engine = try TinyEngine.make()
        let list = Self.wideList
        let sentences = list.hypotheses.map { engine.tokenizer.encode($0.text) }
        let batches = Counter()
        let (shared, statistics) = try engine.model.sentenceLogProbabilitiesSharingPrefixes(sentences) {
            batches.increment()
        }
        #expect(batches.value > statistics.waves, "a wave is split into batches")
        let plain = try engine.model.sentenceLogProbabilities(sentences)
        for (x, y) in zip(shared, plain) { #expect(abs(x - y) < 1e-3) }
        let rescored = try engine.rescore([RescoringJob(list: list)])[0]
        for hypothesis in rescored.ranking {
            #expect(abs(hypothesis.lmScore - Double(plain[hypothesis.originalIndex])) < 1e-3)
        }
    }
}

/// A thread-safe count, for closures that must be `Sendable`.
final class Counter: Sendable {
    private let count = Atomic(0)

    /// Adds one and returns the new count.
    @discardableResult func increment() -> Int { count.add(1, ordering: .relaxed).newValue }

    var value: Int { count.load(ordering: .relaxed) }
}
