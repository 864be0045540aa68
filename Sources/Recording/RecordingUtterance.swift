import Foundation

/// One utterance to record: a sentence spoken by one voice, optionally with noise.
public struct RecordingUtterance: Sendable, Hashable {
    /// `<prefix>-<line, 6 digits>-<voice>[-snr<dB>]`: the sentence's 1-based line in its source
    /// file keeps the id stable across runs and sets (an Austen test sentence keeps its number).
    public var id: String
    public var reference: String
    public var voice: String
    /// Signal-to-noise ratio in dB, or nil for clean speech.
    public var snr: Double?
    /// A recording to decode instead of synthesized speech (16 kHz mono 16-bit WAV).
    public var audioPath: String?

    public init(id: String, reference: String, voice: String, snr: Double?, audioPath: String? = nil) {
        self.id = id
        self.reference = reference
        self.voice = voice
        self.snr = snr
        self.audioPath = audioPath
    }

    /// Every (sentence, voice) pair, sentence-major; `lines` are the source file's lines (blank
    /// ones keep their number so ids match line numbers, and become empty-transcript failures).
    ///
    /// - Parameters:
    ///   - words: when given, only lines with that many words are spoken (ids still number the
    ///     file's lines), e.g. the simulator's `4...24`, so real and simulated lists describe the
    ///     same sentences.
    ///   - limit: the first `limit` lines chosen (after the `words` filter).
    public static func plan(
        lines: [String], idPrefix: String, voices: [String], snr: Double?, words: ClosedRange<Int>? = nil,
        limit: Int? = nil
    ) -> [RecordingUtterance] {
        var chosen = Array(lines.enumerated())
        if let words {
            chosen = chosen.filter { words.contains($0.element.split(separator: " ").count) }
        }
        if let limit { chosen = Array(chosen.prefix(limit)) }
        let noise = snr.map { "-snr\(formatted($0))" } ?? ""
        return chosen.flatMap { index, line in
            voices.map { voice in
                RecordingUtterance(
                    id: "\(idPrefix)-\(String(format: "%06d", index + 1))-\(voice)\(noise)",
                    reference: line.split(separator: " ").joined(separator: " "), voice: voice, snr: snr)
            }
        }
    }

    private static func formatted(_ snr: Double) -> String {
        snr == snr.rounded() ? String(Int(snr)) : String(snr)
    }
}
