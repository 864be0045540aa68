/// An error raised by the evaluation library for input it cannot score.
///
/// Shaped like grpc-swift's `RPCError`: a nested extensible `Code` says what kind of problem it
/// is, `message` says precisely which input caused it, so the aggregator can map it to a status
/// and a researcher can fix the data.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem, extensible without breaking callers that switch over known codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String

        private init(_ name: String) { self.name = name }

        /// Two sequences that must be parallel (same utterances, same order) are not.
        public static let mismatchedLengths = Code("mismatchedLengths")
        /// An index points outside the list it indexes.
        public static let indexOutOfRange = Code("indexOutOfRange")
        /// The same (run, condition, utterance) key arrived twice with different content.
        public static let conflictingDuplicate = Code("conflictingDuplicate")
        /// The same utterance has different (normalised) references in two conditions or runs.
        public static let inconsistentReference = Code("inconsistentReference")
        /// Serialised input (e.g. a JSON Lines record) cannot be decoded.
        public static let malformedInput = Code("malformedInput")
        /// A required condition, run or utterance is absent.
        public static let missingData = Code("missingData")
        /// A parameter is outside its valid domain (e.g. k < 1, B < 1, confidence not in (0, 1)).
        public static let invalidParameter = Code("invalidParameter")
        /// A set of utterances is empty where at least one is needed.
        public static let emptyInput = Code("emptyInput")

        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "EvaluationError.\(code): \(message)" }
}
