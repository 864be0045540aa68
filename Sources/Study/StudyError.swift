/// Why a study cannot run or continue; `message` is one line naming the file, cell or flag.
public struct StudyError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The study folder was made from other inputs or settings than this run's.
        public static let manifestMismatch = Code(rawValue: "manifest-mismatch")
        /// An input file is missing, unreadable or holds nothing usable.
        public static let invalidInput = Code(rawValue: "invalid-input")
        /// A `--cells` pattern is malformed or matches nothing.
        public static let invalidFilter = Code(rawValue: "invalid-filter")
        /// A stored cell or study file cannot be read back.
        public static let corruptResult = Code(rawValue: "corrupt-result")
        /// Writing to the study folder failed.
        public static let ioFailure = Code(rawValue: "io-failure")
        /// The run was interrupted; finished cells are kept.
        public static let interrupted = Code(rawValue: "interrupted")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
