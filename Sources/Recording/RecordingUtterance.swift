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
    public static func plan(
        lines: [String], idPrefix: String, voices: [String], snr: Double?, limit: Int? = nil
    ) -> [RecordingUtterance] {
        let chosen = limit.map { Array(lines.prefix($0)) } ?? lines
        let noise = snr.map { "-snr\(formatted($0))" } ?? ""
        return chosen.enumerated().flatMap { index, line in
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
