import Foundation
import H2RPC
import NBest
import Rescoring
import RescoringCore
import RescoringMessages
import RescoringRPC
import RescoringWire
import Testing

@testable import RescorerServer

/// The fusion-weight search, the tuning file, and the replica applying tuned weights per adapter.
@Suite struct FusionTuningTests {
    /// Two utterances where the first pass prefers a wrong hypothesis that the LM dislikes: the
    /// starting LM weight 0.1 keeps the errors, a weight of 0.25 or more removes them.
    private static let utterances = [
        FusionTuner.Utterance(
            hypotheses: [
                .init(firstPass: -1, lm: -10, words: 4, errors: 2),
                .init(firstPass: -2, lm: -5, words: 4, errors: 0),
            ], referenceWords: 4),
        FusionTuner.Utterance(
            hypotheses: [
                .init(firstPass: -1, lm: -9, words: 3, errors: 1),
                .init(firstPass: -1.5, lm: -6, words: 3, errors: 0),
                .init(firstPass: -3, lm: -4, words: 2, errors: 1),
            ], referenceWords: 3),
    ]
    private static let start = ScoreFusion(firstPassWeight: 1, lmWeight: 0.1, lengthBonus: 0)

    @Test(arguments: FusionTuner.Method.allCases)
    func theSearchFindsStrictlyBetterWeightsThanABadStart(method: FusionTuner.Method) {
        let outcome = FusionTuner.search(Self.utterances, start: Self.start, method: method)
        #expect(outcome.startErrors == 3)
        #expect(outcome.bestErrors == 0)
        #expect(outcome.startWER == 3.0 / 7.0 && outcome.bestWER == 0)
        #expect(FusionTuner.errors(of: outcome.best, on: Self.utterances) == 0)
        #expect(outcome.best.lmWeight >= 0.25)
    }

    @Test(arguments: FusionTuner.Method.allCases)
    func weightsThatAreAlreadyBestAreKept(method: FusionTuner.Method) {
        let good = ScoreFusion(firstPassWeight: 1, lmWeight: 0.5, lengthBonus: 0)
        let outcome = FusionTuner.search(Self.utterances, start: good, method: method)
        #expect(outcome.best == good && outcome.bestErrors == 0 && outcome.startErrors == 0)
    }

    @Test func rankingTiesGoToTheEarlierHypothesisAsInTheEngine() {
        let tie = [
            FusionTuner.Utterance(
                hypotheses: [
                    .init(firstPass: -1, lm: -1, words: 1, errors: 0),
                    .init(firstPass: -1, lm: -1, words: 1, errors: 1),
                ],
                referenceWords: 1)
        ]
        #expect(FusionTuner.errors(of: Self.start, on: tie) == 0)
    }

    @Test func theTuningFileRoundTripsAndRefusesNonFiniteWeights() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "fusion-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let file = FusionTuningFile(
            base: .init(fusion: ScoreFusion(firstPassWeight: 1, lmWeight: 0.2, lengthBonus: 1)),
            adapters: [
                "a": .init(
                    fusion: ScoreFusion(firstPassWeight: 1, lmWeight: 0.9, lengthBonus: -0.5),
                    devWERBefore: 0.2, devWERAfter: 0.1, utterances: 10)
            ],
            devSet: "dev.jsonl", method: "grid")
        try file.write(to: url)
        #expect(try FusionTuningFile.read(from: url) == file)

        try Data(
            #"{"adapters": {"a": {"first_pass_weight": 1, "lm_weight": 1e999, "length_bonus": 0}}}"#.utf8
        ).write(to: url)
        #expect(throws: FusionTuningFile.Failure.self) { try FusionTuningFile.read(from: url) }
        try Data("not json".utf8).write(to: url)
        #expect(throws: FusionTuningFile.Failure.self) { try FusionTuningFile.read(from: url) }
    }

    @Test func theReplicaUsesEachAdaptersTunedWeightsUnlessTheRequestSendsItsOwn() async throws {
        let base = try TinyEngine.make()
        try await TestAdapters.withTemporaryRoot { root in
            try TestAdapters.save(for: base, seed: 1, to: root.appendingPathComponent("a"))
            let tuned = ScoreFusion(firstPassWeight: 0.8, lmWeight: 0.9, lengthBonus: 0.25)
            let baseTuned = ScoreFusion(firstPassWeight: 1, lmWeight: 0.2, lengthBonus: 1)
            let file = FusionTuningFile(
                base: .init(fusion: baseTuned),
                adapters: ["a": .init(fusion: tuned), "later": .init(fusion: tuned)])
            let registry = AdapterRegistry(engine: file.applied(to: base), allowedRoot: root)
            try registry.load(
                name: "a", directory: root.appendingPathComponent("a").path, checkingRoot: false)
            let rescorer = LanguageModelRescorer(registry: registry, replicaID: "r0")
            try await RescorerHarness.withServer(rescorer: rescorer) { connection, _ in
                let client = RescorerClient(connection)
                let list = TinyEngine.list("u", ["the cat sat", "a hat sat on the mat"])
                func fusion(_ result: RescoreResult) -> ScoreFusion? {
                    result.fusion.map {
                        ScoreFusion(
                            firstPassWeight: $0.firstPassWeight, lmWeight: $0.lmWeight,
                            lengthBonus: $0.lengthBonus)
                    }
                }
                let withAdapter = try await client.rescoreOne(RescorerHarness.request(list, adapter: "a"))
                #expect(fusion(withAdapter) == tuned)
                let scored = try #require(withAdapter.hypotheses.first)
                let words = Double(scored.text.split(separator: " ").count)
                #expect(
                    abs(
                        scored.fusedScore
                            - (0.8 * scored.firstPassScore + 0.9 * scored.lmScore + 0.25 * words)) < 1e-9)

                let withBase = try await client.rescoreOne(RescorerHarness.request(list))
                #expect(fusion(withBase) == baseTuned)

                let own = FusionWeights(firstPassWeight: 1, lmWeight: 0.1, lengthBonus: 0)
                let overridden = try await client.rescoreOne(
                    RescoreRequest(
                        nbest: NBestListMessage(list), config: RescoringConfig(adapter: "a", fusion: own)))
                #expect(overridden.fusion == own)

                // An adapter loaded later finds its tuned weights.
                _ = try await client.loadAdapter(LoadAdapterRequest(name: "later", path: "a"))
                let later = try await client.rescoreOne(RescorerHarness.request(list, adapter: "later"))
                #expect(fusion(later) == tuned)
            }
        }
    }

    @Test("the wide space spans the standard one and finds an LM weight that lies beyond it")
    func wideSpace() {
        let standard = FusionTuner.SearchSpace.standard
        let wide = FusionTuner.SearchSpace.wide
        #expect(wide.lmWeights.count * wide.lengthBonuses.count == 19_497)
        #expect(wide.lmWeights.min()! <= standard.lmWeights.min()!)
        #expect(wide.lmWeights.max()! > standard.lmWeights.max()!)
        #expect(wide.lengthBonuses.min()! < standard.lengthBonuses.min()!)
        #expect(wide.lengthBonuses.max()! > standard.lengthBonuses.max()!)
        // Acoustic-scale first-pass totals: only an LM weight above 2.5 lets the LM's 10-nat
        // preference outweigh the first pass's 25-unit one (the shape of real decoder lists).
        let utterances = (0..<4).map { _ in
            FusionTuner.Utterance(
                hypotheses: [
                    FusionTuner.Hypothesis(firstPass: -100, lm: -30, words: 5, errors: 1),
                    FusionTuner.Hypothesis(firstPass: -125, lm: -20, words: 5, errors: 0),
                ], referenceWords: 5)
        }
        let start = ScoreFusion(firstPassWeight: 1, lmWeight: 0.3, lengthBonus: 1.5)
        let narrow = FusionTuner.search(utterances, start: start, space: standard, method: .grid)
        #expect(narrow.bestErrors == 4)
        let found = FusionTuner.search(utterances, start: start, space: wide, method: .grid)
        #expect(found.bestErrors == 0)
        #expect(found.best.lmWeight > 2.5)
    }

    @Test(
        "a best point on an outer candidate is reported per dimension; a lone candidate and an LM weight of 0 never are"
    )
    func gridEdges() {
        let space = FusionTuner.SearchSpace(
            firstPassWeights: [1], lmWeights: [0, 0.5, 1], lengthBonuses: [-1, 0, 1])
        let inside = ScoreFusion(firstPassWeight: 1, lmWeight: 0.5, lengthBonus: 0)
        #expect(space.edges(of: inside).isEmpty)
        let floor = ScoreFusion(firstPassWeight: 1, lmWeight: 0, lengthBonus: 0)
        #expect(space.edges(of: floor).isEmpty)
        let corner = ScoreFusion(firstPassWeight: 1, lmWeight: 1, lengthBonus: -1)
        let edges = space.edges(of: corner)
        #expect(edges.map(\.dimension) == ["lm-weights", "length-bonuses"])
        #expect(edges.map(\.value) == [1, -1])
        let top = ScoreFusion(firstPassWeight: 1, lmWeight: 0.5, lengthBonus: 1)
        #expect(space.edges(of: top).map(\.dimension) == ["length-bonuses"])
    }
}
