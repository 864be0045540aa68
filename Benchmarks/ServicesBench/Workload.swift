import FirstPass
import Foundation
import NBest
import Phonetics
import RescoringMessages
import RescoringWire
import Simulation

/// The lists every figure is measured on, the same in every run (fixed seed).
///
/// They are the lists the suite sends: each utterance of `--source` (the Austen test split by
/// default) goes through the seeded first-pass simulator with the options `nbest-simulator run`
/// and the demo use (CMU dictionary, their default corpora and minimum count, target WER 0.1,
/// `--hypotheses` per list, `NBestSimulator.stream`), so utterance IDs, seed and lists equal
/// those of `nbest-simulator run --source split:austen/test --seed S -n N --partials`. Every
/// figure uses the final lists; the after-partials figures send the `PartialsMode` partials first.
struct Workload: Sendable {
    struct Utterance: Sendable {
        let id: String
        /// The final list, best first-pass score first.
        let final: NBestList
        /// The simulator's streaming partials, in the order they are sent.
        let livePartials: [NBestList]
    }

    let utterances: [Utterance]
    let adapter: String
    let partials: PartialsMode

    /// Simulates the first `count` utterances of `source` (`split:CORPUS/SPLIT`, `text:FILE` or
    /// `replay:FILE.jsonl`, as `nbest-simulator run --source` takes them; `dataRoot` holds splits).
    ///
    /// - Throws: `BenchError` naming the source, dictionary or setting at fault, or when the
    ///   source holds fewer than `count` utterances.
    init(
        source: String, dataRoot: String, count: Int, hypotheses: Int, partials: PartialsMode,
        adapter: String, seed: UInt64
    ) throws {
        var parameters = SimulatorParameters()
        parameters.listSize = hypotheses
        let plans: [UtterancePlan]
        do {
            let sourceUtterances = try UtteranceSource(parsing: source).load(limit: count, dataRoot: dataRoot)
            guard sourceUtterances.count >= count else {
                throw SimulationSetupError(
                    "\(source) holds \(sourceUtterances.count) usable utterances, fewer than --lists \(count)"
                )
            }
            let models = try FirstPassModels.load(
                dictionary: Lexicon.pocketsphinxDictionaryPath, corpora: FirstPassModels.defaultCorpora,
                minimumCount: FirstPassModels.defaultMinimumCount,
                fallbackText: sourceUtterances.map(\.reference).joined(separator: "\n"),
                parameters: parameters
            ) { note in FileHandle.standardError.write(Data("services-bench: note: \(note)\n".utf8)) }
            let simulator: NBestSimulator
            do throws(SimulationError) {
                simulator = try NBestSimulator(model: models.confusion, parameters: parameters, seed: seed)
            } catch {
                throw SimulationSetupError("bad simulator settings: \(error.message)")
            }
            plans = try PlanBuilder(simulator: simulator, homophones: nil, partials: true, seed: seed)
                .plans(for: sourceUtterances, conditions: [.clean])
        } catch {
            throw BenchError("cannot build the lists: \(error)")
        }
        utterances = plans.map {
            Utterance(id: $0.key.utteranceID, final: $0.final, livePartials: $0.partials)
        }
        self.adapter = adapter
        self.partials = partials
    }

    private init(utterances: [Utterance], adapter: String, partials: PartialsMode) {
        self.utterances = utterances
        self.adapter = adapter
        self.partials = partials
    }

    /// The first `count` utterances (warm-up passes).
    func prefix(_ count: Int) -> Workload {
        Workload(utterances: Array(utterances.prefix(count)), adapter: adapter, partials: partials)
    }

    var hypothesisCount: Int { utterances.reduce(0) { $0 + $1.final.hypotheses.count } }

    /// The final list of `utterance` as a request.
    func finalRequest(_ utterance: Utterance, session: String, sequence: UInt64) -> RescoreRequest {
        request(utterance.final, session: session, sequence: sequence)
    }

    /// The partial lists of `utterance` as requests, in order, with consecutive sequence numbers.
    func partialRequests(_ utterance: Utterance, session: String, firstSequence: UInt64) -> [RescoreRequest] {
        let lists =
            switch partials {
            case .live: utterance.livePartials
            case .thirds: [1, 2].map { Self.cut(utterance.final, thirds: $0) }
            }
        return lists.enumerated().map { offset, list in
            request(list, session: session, sequence: firstSequence + UInt64(offset))
        }
    }

    /// `final` with every hypothesis cut to its first `thirds`/3 of words (at least one), scores
    /// scaled by the share of words kept, duplicates after the cut dropped (the better rank stays).
    private static func cut(_ final: NBestList, thirds: Int) -> NBestList {
        var list = final
        list.kind = .partial
        list.stability = Float(thirds) / 3
        var seen: Set<String> = []
        list.hypotheses = final.hypotheses.compactMap { hypothesis in
            let words = hypothesis.words
            let kept = words.prefix(max(1, words.count * thirds / 3))
            let text = kept.joined(separator: " ")
            guard seen.insert(text).inserted else { return nil }
            let share = Double(kept.count) / Double(max(1, words.count))
            return Hypothesis(
                text: text, totalScore: hypothesis.totalScore * share,
                acousticScore: hypothesis.acousticScore * share, lmScore: hypothesis.lmScore * share)
        }
        return list
    }

    private func request(_ list: NBestList, session: String, sequence: UInt64) -> RescoreRequest {
        var list = list
        list.sessionID = session
        list.sequenceNumber = sequence
        return RescoreRequest(nbest: NBestListMessage(list), config: RescoringConfig(adapter: adapter))
    }
}
