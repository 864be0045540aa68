public import FirstPass
import NBest
public import Phonetics

/// Turns source utterances and conditions into the plans a run sends.
///
/// Simulated utterances get their lists from the seeded `NBestSimulator` (the same seed gives the
/// same lists), replayed ones keep theirs. A perturbed condition rewrites the final list with the
/// seeded `HomophonePerturber` (the definitions `secondpass perturb` and Docs/metrics.md use);
/// partials stay as the first pass heard them. Every list carries the condition as its session
/// ID and consecutive sequence numbers within its utterance.
public struct PlanBuilder: Sendable {
    public var simulator: NBestSimulator?
    public var homophones: HomophoneIndex?
    public var partials: Bool
    public var seed: UInt64

    public init(simulator: NBestSimulator?, homophones: HomophoneIndex?, partials: Bool, seed: UInt64) {
        self.simulator = simulator
        self.homophones = homophones
        self.partials = partials
        self.seed = seed
    }

    /// One plan per utterance and condition, utterance-major (every condition of an utterance
    /// is sent before the next utterance, so a run cut short still has matched conditions).
    ///
    /// - Throws: `SimulationSetupError` when a sentence needs simulating but no simulator was
    ///   given, or a perturbed condition but no homophone index.
    public func plans(for utterances: [SourceUtterance], conditions: [SimulationCondition])
        throws(SimulationSetupError) -> [UtterancePlan]
    {
        var plans: [UtterancePlan] = []
        plans.reserveCapacity(utterances.count * conditions.count)
        for utterance in utterances {
            let (reference, heardPartials, heardFinal) = try firstPass(of: utterance)
            for condition in conditions {
                var final = heardFinal
                if let perturbation = condition.perturbation {
                    guard let homophones else {
                        throw SimulationSetupError("condition \(condition.name) needs a homophone index")
                    }
                    let perturber = HomophonePerturber(
                        homophones: homophones, rate: perturbation.rate, seed: seed)
                    final = perturber.perturb(final, mode: perturbation.mode).list
                }
                var lists = (partials ? heardPartials : []) + [final]
                for index in lists.indices {
                    lists[index].sessionID = condition.name
                    lists[index].utteranceID = utterance.id
                    lists[index].sequenceNumber = UInt64(index)
                }
                let sentFinal = lists.removeLast()
                plans.append(
                    UtterancePlan(
                        key: UtteranceKey(condition: condition.name, utteranceID: utterance.id),
                        reference: reference, partials: lists, final: sentFinal))
            }
        }
        return plans
    }

    private func firstPass(of utterance: SourceUtterance) throws(SimulationSetupError)
        -> (String, [NBestList], NBestList)
    {
        if let recorded = utterance.recorded {
            return (utterance.reference, recorded.partials, recorded.final)
        }
        guard let simulator else {
            throw SimulationSetupError("utterance \(utterance.id) needs the first-pass simulator")
        }
        let stream = simulator.stream(reference: utterance.reference, utteranceID: utterance.id)
        var lists = stream.lists
        guard let final = lists.popLast() else {
            throw SimulationSetupError("the simulator produced no list for \(utterance.id)")
        }
        return (stream.reference, lists, final)
    }
}
