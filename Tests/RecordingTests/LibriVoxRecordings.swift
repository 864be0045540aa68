import Foundation
import Recording

/// The five read sentences of *Sense and Sensibility* in Debian `pocketsphinx-testdata`: real
/// speech, 16 kHz mono, with their transcripts.
enum LibriVoxRecordings {
    static let folder = "/usr/share/pocketsphinx/test/data/librivox"

    /// One utterance per recording, id `librivox-<number>`, reference from `transcription`.
    static func utterances() throws -> [RecordingUtterance] {
        let text = try String(contentsOfFile: "\(folder)/transcription", encoding: .utf8)
        return text.split(separator: "\n").map { line in
            // `<s> words </s> (file-id)`
            let open = line.lastIndex(of: "(")!
            let file = line[line.index(after: open)..<line.lastIndex(of: ")")!]
            let words = line[..<open].split(separator: " ").filter { $0 != "<s>" && $0 != "</s>" }
            return RecordingUtterance(
                id: "librivox-\(file.suffix(4))", reference: words.joined(separator: " "), voice: "librivox",
                snr: nil, audioPath: "\(folder)/\(file).wav")
        }
    }
}
