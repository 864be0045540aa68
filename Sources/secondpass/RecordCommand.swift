import ArgumentParser
import Foundation
import Recording

/// `secondpass record`: sentences → flite speech (noise optional) → pocketsphinx → N-best JSONL.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract:
            "Record real first-pass N-best lists: flite speech decoded by pocketsphinx (see Docs/data.md).",
        discussion: """
            Resumable: utterances already in --output are skipped (a cut last line is redone). \
            Utterances that cannot be recorded are written as failure records, never dropped.
            """)

    @Option(help: "Sentences to speak, one per line (ids: <id-prefix>-<line>-<voice>).")
    var text: String?

    @Option(help: "A prepared split such as austen/dev or austen/test (reads <data>/<split>.txt).")
    var split: String?

    @Option(help: "Folder of the prepared corpora.")
    var data: String = "Data"

    @Option(help: "Comma-separated flite voices (\(SpeechSynthesizer.knownVoices.joined(separator: ", "))).")
    var voices: String = "slt"

    @Option(help: "Add white noise at this signal-to-noise ratio in dB (default: clean speech).")
    var noiseSNR: Double?

    @Option(help: "Hypotheses kept per list after merging duplicates.")
    var nbest: Int = 10

    @Option(name: .shortAndLong, help: "Output N-best JSONL file (appended to; resumable).")
    var output: String

    @Option(help: "Worker threads, one decoder each.")
    var jobs: Int = 2

    @Option(help: "Record only the first N sentences.")
    var limit: Int?

    @Option(help: "Seed of the noise generator.")
    var seed: UInt64 = 1

    @Option(help: "Prefix of utterance ids (default: the split with '-' for '/', or the text file's name).")
    var idPrefix: String?

    func validate() throws {
        guard (text == nil) != (split == nil) else {
            throw ValidationError("give exactly one of --text and --split")
        }
        let names = voiceList
        guard !names.isEmpty else { throw ValidationError("--voices names no voice") }
        if let unknown = names.first(where: { !SpeechSynthesizer.knownVoices.contains($0) }) {
            throw ValidationError(
                "unknown voice '\(unknown)' (flite voices: \(SpeechSynthesizer.knownVoices.joined(separator: ", ")))"
            )
        }
        guard nbest >= 1 else { throw ValidationError("--nbest must be at least 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let noiseSNR, !noiseSNR.isFinite { throw ValidationError("--noise-snr must be a finite number") }
    }

    private var voiceList: [String] {
        voices.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let source = text ?? "\(data)/\(split!).txt"
        let contents = try readText(source)
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ValidationError("\(source) holds no sentence") }
        let prefix =
            idPrefix ?? split?.replacingOccurrences(of: "/", with: "-")
            ?? URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        let utterances = RecordingUtterance.plan(
            lines: lines, idPrefix: prefix, voices: voiceList, snr: noiseSNR, limit: limit)
        let recorder = Recorder(options: .init(nbest: nbest, jobs: jobs, seed: seed))
        let terminal = isatty(STDOUT_FILENO) != 0
        let final = try recorder.record(utterances, output: output) { progress in
            let done = progress.recorded + progress.failed
            let rate = progress.seconds > 0 ? Double(done) / progress.seconds : 0
            let status = String(
                format: "%d/%d recorded, %d failed, %.2f utt/s", done, progress.total, progress.failed, rate)
            if let failure = progress.lastFailure {
                Console.line(
                    (terminal ? "\r\u{1B}[K" : "") + "failed \(failure.utteranceID): \(failure.reason)")
            }
            if terminal {
                FileHandle.standardOutput.write(Data("\r\u{1B}[K\(status)".utf8))
            } else {
                Console.line(status)
            }
        }
        if terminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
        let rate = final.seconds > 0 ? Double(final.recorded + final.failed) / final.seconds : 0
        Console.line(
            String(
                format: "record: %d lists, %d failures, %d already done, %.1f s (%.2f utt/s) -> %@",
                final.recorded, final.failed, final.skipped, final.seconds, rate, output))
    }
}
