public import NBest
import Rescoring
public import RescoringCore

/// One line of `secondpass rescore --output`: a rescored N-best list, shaped like the service's
/// `RescoreResult` plus the utterance's reference, so offline and service results compare field
/// by field.
public struct RescoredRecord: Sendable, Hashable, Codable {
    public var utteranceID: String
    public var sessionID: String
    public var sequenceNumber: UInt64
    public var kind: NBestList.Kind
    public var reference: String
    /// The adapter that scored the list; empty for the base model.
    public var adapter: String
    public var modelID: String
    public var fusion: ScoreFusion
    /// Position in the first-pass list of the chosen hypothesis.
    public var chosenIndex: Int
    public var chosenText: String
    /// Hypotheses in the new ranking, best first.
    public var hypotheses: [RescoredHypothesis]

    public init(_ rescored: RescoredList, reference: String, modelID: String) {
        utteranceID = rescored.list.utteranceID
        sessionID = rescored.list.sessionID
        sequenceNumber = rescored.list.sequenceNumber
        kind = rescored.list.kind
        self.reference = reference
        adapter = rescored.adapter ?? ""
        self.modelID = modelID
        fusion = rescored.fusion
        chosenIndex = rescored.chosenIndex ?? 0
        chosenText = rescored.chosenText
        hypotheses = rescored.ranking
    }
}
