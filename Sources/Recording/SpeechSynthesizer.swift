public import Foundation

/// Text to 16 kHz speech with Debian's `flite` (and `sox` to resample voices of another rate).
///
/// flite runs as a process rather than linked: a voice is a separate shared library per name,
/// and a crash inside the synthesizer then fails one utterance instead of the recorder.
public struct SpeechSynthesizer: Sendable {
    /// flite voices shipped by the Debian package (`flite -lv`).
    public static let knownVoices = ["slt", "awb", "rms", "kal", "kal16"]

    public var flite: String
    public var sox: String

    public init(flite: String = "/usr/bin/flite", sox: String = "/usr/bin/sox") {
        self.flite = flite
        self.sox = sox
    }

    /// Speaks `text` with `voice` into 16 kHz mono samples; `scratch` is a folder for the WAV files.
    ///
    /// - Throws: `RecordingError(.synthesis)` with the tool's own error text.
    public func synthesize(_ text: String, voice: String, scratch: URL) throws(RecordingError) -> [Int16] {
        let name = UUID().uuidString
        let spoken = scratch.appendingPathComponent("\(name).wav").path
        defer { try? FileManager.default.removeItem(atPath: spoken) }
        try run(flite, ["-voice", voice, "-t", text, "-o", spoken], what: "flite (voice \(voice))")
        var audio: WAVAudio
        do {
            audio = try WAVAudio.read(contentsOf: spoken)
        } catch {
            throw RecordingError(.synthesis, "flite wrote unusable audio: \(error.message)")
        }
        if audio.sampleRate != PocketSphinxDecoder.sampleRate {
            let resampled = scratch.appendingPathComponent("\(name)-16k.wav").path
            defer { try? FileManager.default.removeItem(atPath: resampled) }
            try run(
                sox, [spoken, "-r", "\(PocketSphinxDecoder.sampleRate)", resampled], what: "sox (resampling)")
            do {
                audio = try WAVAudio.read(contentsOf: resampled)
            } catch {
                throw RecordingError(.synthesis, "sox wrote unusable audio: \(error.message)")
            }
        }
        return audio.samples
    }

    private func run(_ executable: String, _ arguments: [String], what: String) throws(RecordingError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw RecordingError(.synthesis, "cannot start \(executable): \(error.localizedDescription)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let detail = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "no message"
            throw RecordingError(.synthesis, "\(what) exited with \(process.terminationStatus): \(detail)")
        }
    }
}
