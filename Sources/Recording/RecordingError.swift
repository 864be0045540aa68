/// Why the recorder could not start or could not handle an utterance.
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is; an utterance-level problem becomes a failure record.
    public enum Code: String, Sendable {
        /// The decoder's models could not be loaded.
        case decoderSetup = "decoder-setup"
        /// The audio is missing, not a WAV file, or not 16-bit mono PCM.
        case unreadableAudio = "unreadable-audio"
        /// The reference transcript is empty, so there is nothing to say.
        case emptyTranscript = "empty-transcript"
        /// flite or sox failed.
        case synthesis
        /// The decoder failed or found no hypothesis.
        case decoding
        /// The output file could not be read or written.
        case io
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
