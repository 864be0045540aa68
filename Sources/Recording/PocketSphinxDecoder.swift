import CPocketSphinx

/// One pocketsphinx decoder (through the `CPocketSphinx` shim); 16 kHz 16-bit mono in, the
/// decoder's 1-best and its A* N-best paths out, scored in natural-log units.
///
/// Not thread-safe, like the decoder under it: a worker thread owns one instance.
public final class PocketSphinxDecoder {
    /// One decoded path, before deduplication.
    public struct Path: Sendable, Hashable {
        /// Words without fillers or pronunciation variants.
        public var text: String
        /// The decoder's best-path score of the path.
        public var totalScore: Double
        /// Sum of the acoustic scores of the path's lattice links.
        public var acousticScore: Double
        /// Unweighted trigram log-probability of the words (`<s>`, `</s>` included).
        public var lmScore: Double
        /// Whether this is the decoder's own 1-best (`ps_get_hyp`).
        public var isDecoderBest: Bool

        public init(
            text: String, totalScore: Double, acousticScore: Double, lmScore: Double, isDecoderBest: Bool
        ) {
            self.text = text
            self.totalScore = totalScore
            self.acousticScore = acousticScore
            self.lmScore = lmScore
            self.isDecoderBest = isDecoderBest
        }
    }

    /// Sample rate the models expect.
    public static let sampleRate = 16_000

    private let decoder: OpaquePointer

    /// Loads the models (about a second); throws `RecordingError(.decoderSetup)`.
    public init(models: DecoderModels = .debianEnglish) throws(RecordingError) {
        var error = [CChar](repeating: 0, count: 512)
        guard
            let decoder = sp_decoder_create(
                models.acousticModel, models.languageModel, models.dictionary, &error, error.count)
        else {
            throw RecordingError(.decoderSetup, Self.text(error))
        }
        self.decoder = decoder
    }

    deinit { sp_decoder_free(decoder) }

    /// A NUL-terminated message the shim wrote into `buffer`.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes one utterance: the decoder's 1-best first, then up to `nbest` A* paths (which may
    /// repeat the 1-best or each other: see `NBestMerger`).
    ///
    /// - Returns: no path when the decoder heard no words.
    /// - Throws: `RecordingError(.decoding)` when the decoder fails.
    public func decode(_ samples: [Int16], nbest: Int) throws(RecordingError) -> [Path] {
        var error = [CChar](repeating: 0, count: 512)
        var raw: UnsafeMutablePointer<sp_hypothesis>?
        let count = samples.withUnsafeBufferPointer {
            sp_decode(decoder, $0.baseAddress, $0.count, Int32(nbest), &raw, &error, error.count)
        }
        if count < 0 { throw RecordingError(.decoding, Self.text(error)) }
        defer { sp_hypotheses_free(raw, count) }
        guard let raw else { return [] }
        return (0..<Int(count)).map { index in
            let entry = raw[index]
            return Path(
                text: entry.text.map { String(cString: $0) } ?? "", totalScore: entry.total,
                acousticScore: entry.acoustic,
                lmScore: entry.lm, isDecoderBest: entry.is_best != 0)
        }
    }
}
