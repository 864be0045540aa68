import RescoringMessages

/// A named message instance used as a test argument.
struct MessageSample: Sendable, CustomStringConvertible {
    let name: String
    let message: any ProtoMessage

    var description: String { name }
}

/// Instances of every message type: empty, typical, nested, repeated, oneof set and unset,
/// unknown enum numbers, unicode, extreme numbers and large lists.
enum MessageSamples {
    static let hypothesis = HypothesisMessage(
        text: "the quick brown fox", tokenIDs: [464, 2068, 7586, 21831, -1, Int32.max, Int32.min],
        totalScore: -12.375, acousticScore: -10.5, lmScore: -1.875, confidence: 0.875)
    static let unicodeHypothesis = HypothesisMessage(
        text: "naïve café 東京 🙂 עברית", totalScore: -.greatestFiniteMagnitude,
        acousticScore: .leastNonzeroMagnitude,
        lmScore: .infinity, confidence: 0)
    static let nbest = NBestListMessage(
        utteranceID: "utt-0001", sessionID: "session-7", sequenceNumber: UInt64.max, kind: .final,
        stability: 0.25,
        hypotheses: [hypothesis, unicodeHypothesis, HypothesisMessage(text: "", totalScore: -30)])
    static let fusion = FusionWeights(firstPassWeight: 1, lmWeight: 0.3, lengthBonus: -0.5)
    static let scored = ScoredHypothesis(
        originalIndex: 2, text: "the quick brown fox", firstPassScore: -12.375, lmScore: -40.25,
        fusedScore: -24.45,
        tokenCount: 6)
    static let rescoreResult = RescoreResult(
        utteranceID: "utt-0001", sessionID: "session-7", sequenceNumber: 41, kind: .partial,
        hypotheses: [scored, ScoredHypothesis(originalIndex: 0, text: "the quick brown box")], chosenIndex: 2,
        adapter: "lora-r8", modelID: "secondpass-gpt-small", queueTimeMicroseconds: 1250,
        computeTimeMicroseconds: 98_765, replicaID: "rescorer-2", fusion: fusion)
    static let adapter = AdapterInfo(
        name: "dylora", strategy: "dylora", rank: 16,
        targetModules: ["attn.c_attn", "attn.c_proj", "mlp.c_fc"],
        trainableParameters: 294_912, baseModelID: "secondpass-gpt-small", merged: true)
    static let interval = Interval(low: -0.0125, high: 0.0625)
    static let conditionReport = ConditionReport(
        condition: "clean", utterances: 2620, referenceWords: 52_576, substitutions: 1200, deletions: 150,
        insertions: 175, firstPassWER: 0.0301, rescoredWER: 0.029, werr: 0.0365, werrCI: interval,
        oracleWER: 0.012,
        sentenceErrorRate: 0.31, firstPassSubstitutions: 1250, firstPassDeletions: 160,
        firstPassInsertions: 173,
        firstPassSentenceErrorRate: 0.33)
    static let robustness = RobustnessReport(
        perturbedCondition: "homophone-1best:p=0.15", cleanCondition: "clean", degradation: 0.12,
        degradationCI: Interval(low: 0.08, high: 0.16), flipRate: 0.07, firstPassNormalised: 0.9,
        figure: "D1", matchedUtterances: 2620)

    static var large: NBestListMessage {
        let hypotheses = (0..<500).map { index in
            HypothesisMessage(
                text: String(repeating: "word\(index) ", count: 20),
                tokenIDs: (0..<64).map { Int32($0 * index) },
                totalScore: -Double(index + 1) / 7,
                confidence: index.isMultiple(of: 2) ? Double(index) / 500 : nil)
        }
        return NBestListMessage(utteranceID: "large", kind: .final, stability: 1, hypotheses: hypotheses)
    }

    static let all: [MessageSample] = [
        MessageSample(name: "Hypothesis empty", message: HypothesisMessage()),
        MessageSample(name: "Hypothesis typical", message: hypothesis),
        MessageSample(name: "Hypothesis unicode, extremes, confidence 0", message: unicodeHypothesis),
        MessageSample(
            name: "Hypothesis confidence absent", message: HypothesisMessage(text: "a", totalScore: -1)),
        MessageSample(name: "NBestList empty", message: NBestListMessage()),
        MessageSample(name: "NBestList nested", message: nbest),
        MessageSample(
            name: "NBestList unknown kind",
            message: NBestListMessage(utteranceID: "u", kind: .unrecognized(7))),
        MessageSample(name: "NBestList large", message: large),
        MessageSample(name: "FusionWeights", message: fusion),
        MessageSample(name: "RescoringConfig empty", message: RescoringConfig()),
        MessageSample(
            name: "RescoringConfig full",
            message: RescoringConfig(adapter: "lora-r8", fusion: fusion, maxHypotheses: 10)),
        MessageSample(name: "RescoreRequest empty", message: RescoreRequest()),
        MessageSample(
            name: "RescoreRequest full",
            message: RescoreRequest(nbest: nbest, config: RescoringConfig(adapter: "x"))),
        MessageSample(
            name: "RescoreRequest empty sub-messages present",
            message: RescoreRequest(nbest: NBestListMessage(), config: RescoringConfig())),
        MessageSample(name: "ScoredHypothesis", message: scored),
        MessageSample(name: "RescoreResult empty", message: RescoreResult()),
        MessageSample(name: "RescoreResult full", message: rescoreResult),
        MessageSample(name: "AdapterInfo", message: adapter),
        MessageSample(name: "ListAdaptersRequest", message: ListAdaptersRequest()),
        MessageSample(name: "ListAdaptersResponse empty", message: ListAdaptersResponse()),
        MessageSample(
            name: "ListAdaptersResponse two",
            message: ListAdaptersResponse(adapters: [adapter, AdapterInfo(name: "base")])),
        MessageSample(
            name: "LoadAdapterRequest", message: LoadAdapterRequest(name: "lora", path: "/models/lora-r8")),
        MessageSample(name: "LoadAdapterResponse", message: LoadAdapterResponse(adapter: adapter)),
        MessageSample(name: "UnloadAdapterRequest", message: UnloadAdapterRequest(name: "lora")),
        MessageSample(name: "UnloadAdapterResponse", message: UnloadAdapterResponse()),
        MessageSample(
            name: "EvaluationRecord",
            message: EvaluationRecord(
                runID: "run-1", utteranceID: "utt-0001", condition: "nbest:p=0.1",
                reference: "the quick brown fox",
                firstPass: nbest, rescored: rescoreResult)),
        MessageSample(
            name: "RecordSummary",
            message: RecordSummary(
                accepted: 10, duplicates: 2, rejected: 1,
                errors: ["utt-9: empty reference", "ünïcödé reason"])),
        MessageSample(name: "ReportRequest", message: ReportRequest(runID: "run-1", cleanCondition: "clean")),
        MessageSample(name: "Interval", message: interval),
        MessageSample(name: "ConditionReport", message: conditionReport),
        MessageSample(name: "RobustnessReport", message: robustness),
        MessageSample(name: "Report empty", message: Report()),
        MessageSample(
            name: "Report full",
            message: Report(
                runID: "run-1", conditions: [conditionReport, ConditionReport(condition: "nbest:p=0.1")],
                robustness: [robustness], records: 5240, generatedAtUnixMilliseconds: -1_700_000_000_123)),
        MessageSample(
            name: "HealthCheckRequest",
            message: HealthCheckRequest(service: "secondpass.rescoring.v1.Rescorer")),
        MessageSample(name: "HealthCheckResponse serving", message: HealthCheckResponse(status: .serving)),
        MessageSample(
            name: "HealthCheckResponse unknown status",
            message: HealthCheckResponse(status: .unrecognized(42))),
    ]

    /// One sample type per message type, for tests that need the type rather than an instance.
    static let messageTypes: [any ProtoMessage.Type] = [
        HypothesisMessage.self, NBestListMessage.self, FusionWeights.self, RescoringConfig.self,
        RescoreRequest.self,
        ScoredHypothesis.self, RescoreResult.self, AdapterInfo.self, ListAdaptersRequest.self,
        ListAdaptersResponse.self, LoadAdapterRequest.self, LoadAdapterResponse.self,
        UnloadAdapterRequest.self,
        UnloadAdapterResponse.self, EvaluationRecord.self, RecordSummary.self, ReportRequest.self,
        Interval.self,
        ConditionReport.self, RobustnessReport.self, Report.self, HealthCheckRequest.self,
        HealthCheckResponse.self,
    ]
}
