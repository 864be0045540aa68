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

    @Option(
        help: "Recordings to decode instead of speech: lines of <id> TAB <16 kHz mono WAV> TAB <transcript>.")
    var audioList: String?

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

    @Option(
        help: ArgumentHelp(
            "Speak only sentences of MIN-MAX words, e.g. 4-24 (the simulator's range).",
            discussion: "Ids keep numbering the file's lines; --limit counts the sentences kept."))
    var words: String?

    @Option(help: "Record only the first N sentences.")
    var limit: Int?

    @Option(help: "Seed of the noise generator.")
    var seed: UInt64 = 1

    @Option(help: "Prefix of utterance ids (default: the split with '-' for '/', or the text file's name).")
    var idPrefix: String?

    func validate() throws {
        guard [text, split, audioList].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --text, --split and --audio-list")
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
        if words != nil {
            _ = try wordRange()
            guard audioList == nil else {
                throw ValidationError("--words applies to --text and --split only")
            }
        }
        if let noiseSNR, !noiseSNR.isFinite { throw ValidationError("--noise-snr must be a finite number") }
    }

    private var voiceList: [String] {
        voices.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let utterances = try audioList.map(recordings) ?? spokenUtterances()
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

    /// `--words MIN-MAX` as a range.
    private func wordRange() throws -> ClosedRange<Int>? {
        guard let words else { return nil }
        let bounds = words.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard bounds.count == 2, let low = bounds[0], let high = bounds[1], 1 <= low, low <= high else {
            throw ValidationError("--words must be MIN-MAX with 1 <= MIN <= MAX, not '\(words)'")
        }
        return low...high
    }

    /// Sentences × voices from `--text` or `--split`; ids number the source file's lines.
    private func spokenUtterances() throws -> [RecordingUtterance] {
        let source = text ?? "\(data)/\(split!).txt"
        let contents = try readText(source)
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ValidationError("\(source) holds no sentence") }
        let prefix =
            idPrefix ?? split?.replacingOccurrences(of: "/", with: "-")
            ?? URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        return RecordingUtterance.plan(
            lines: lines, idPrefix: prefix, voices: voiceList, snr: noiseSNR, words: try wordRange(),
            limit: limit)
    }

    /// The utterances of an `--audio-list` file (noise, if asked for, is added to them too).
    private func recordings(_ path: String) throws -> [RecordingUtterance] {
        let lines = try readText(path).split(separator: "\n").filter { !$0.isEmpty }
        let entries = try lines.enumerated().map { index, line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw ValidationError("\(path):\(index + 1): expected <id> TAB <wav> TAB <transcript>")
            }
            return RecordingUtterance(
                id: fields[0], reference: fields[2].split(separator: " ").joined(separator: " "),
                voice: "recording",
                snr: noiseSNR, audioPath: fields[1])
        }
        return limit.map { Array(entries.prefix($0)) } ?? entries
    }
}
