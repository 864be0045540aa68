import FirstPass
import Foundation
public import NBest

/// Where a run's utterances come from, as given to `--source`.
///
/// - `text:FILE`: reference sentences, one per line, simulated through the confusion model;
/// - `split:CORPUS/SPLIT`: the same for a prepared data split (`Data/CORPUS/SPLIT.txt`);
/// - `replay:FILE.jsonl`: recorded N-best lists (real decoder output, Docs/nbest-jsonl.md), sent
///   as they are: partial records before the final one of each utterance.
public enum UtteranceSource: Sendable, Hashable, CustomStringConvertible {
    case text(path: String)
    case split(name: String)
    case replay(path: String)

    /// Parses `text:FILE`, `split:CORPUS/SPLIT` or `replay:FILE`.
    public init(parsing text: String) throws(SimulationSetupError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw SimulationSetupError(
                "--source '\(text)' must be text:FILE, split:CORPUS/SPLIT or replay:FILE.jsonl")
        }
        let kind = text[..<colon]
        let value = String(text[text.index(after: colon)...])
        guard !value.isEmpty else { throw SimulationSetupError("--source '\(text)' names no file or split") }
        switch kind {
        case "text": self = .text(path: value)
        case "split": self = .split(name: value)
        case "replay": self = .replay(path: value)
        default:
            throw SimulationSetupError(
                "--source kind '\(kind)' is unknown (known: text:FILE, split:CORPUS/SPLIT, replay:FILE.jsonl)"
            )
        }
    }

    public var description: String {
        switch self {
        case .text(let path): "text:\(path)"
        case .split(let name): "split:\(name)"
        case .replay(let path): "replay:\(path)"
        }
    }

    /// The sentences per utterance the simulator accepts: short enough for the rescorer's
    /// context, long enough to matter (the demo's rule).
    public static let wordsPerSentence = 4...24

    /// Reads at most `limit` utterances, in file order.
    ///
    /// - Parameter dataRoot: the folder splits are read from (`Data`).
    /// - Throws: `SimulationSetupError` naming the file that is missing, unreadable or empty.
    public func load(limit: Int?, dataRoot: String = "Data") throws(SimulationSetupError) -> [SourceUtterance]
    {
        switch self {
        case .text(let path):
            return try Self.sentences(path: path, idPrefix: Self.stem(path), limit: limit)
        case .split(let name):
            let path = "\(dataRoot)/\(name).txt"
            return try Self.sentences(
                path: path, idPrefix: name.replacingOccurrences(of: "/", with: "-"), limit: limit)
        case .replay(let path):
            return try Self.replayed(path: path, limit: limit)
        }
    }

    private static func stem(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    private static func sentences(path: String, idPrefix: String, limit: Int?) throws(SimulationSetupError)
        -> [SourceUtterance]
    {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SimulationSetupError("source file \(path) does not exist")
        }
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SimulationSetupError("cannot read \(path) as UTF-8 text")
        }
        let sentences = contents.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { wordsPerSentence.contains($0.split(separator: " ").count) }
        guard !sentences.isEmpty else {
            throw SimulationSetupError(
                "\(path) holds no sentence of \(wordsPerSentence.lowerBound) to \(wordsPerSentence.upperBound) words"
            )
        }
        return sentences.prefix(limit ?? sentences.count).enumerated().map { index, sentence in
            SourceUtterance(
                id: String(format: "%@-%04d", idPrefix, index + 1), reference: sentence, recorded: nil)
        }
    }

    private static func replayed(path: String, limit: Int?) throws(SimulationSetupError) -> [SourceUtterance]
    {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SimulationSetupError("replay file \(path) does not exist")
        }
        let records: [NBestRecord]
        do {
            records = try NBestJSONL.read(contentsOfFile: path).records
        } catch {
            throw SimulationSetupError("cannot read \(path): \(error)")
        }
        var order: [String] = []
        var grouped: [String: [NBestRecord]] = [:]
        for record in records {
            if grouped[record.list.utteranceID] == nil { order.append(record.list.utteranceID) }
            grouped[record.list.utteranceID, default: []].append(record)
        }
        let utterances = order.compactMap { id -> SourceUtterance? in
            guard let group = grouped[id],
                let last = group.last(where: { $0.list.kind == .final }) ?? group.last
            else { return nil }
            let partials = group.filter { $0.list.kind == .partial }.map(\.list)
            var final = last.list
            final.kind = .final
            return SourceUtterance(
                id: id, reference: last.reference, recorded: RecordedLists(partials: partials, final: final))
        }
        guard !utterances.isEmpty else { throw SimulationSetupError("\(path) holds no N-best list") }
        return Array(utterances.prefix(limit ?? utterances.count))
    }
}

/// One utterance of a source: a reference sentence to simulate, or recorded lists to replay.
public struct SourceUtterance: Sendable, Hashable {
    public var id: String
    public var reference: String
    /// Recorded lists (replay sources only).
    public var recorded: RecordedLists?

    public init(id: String, reference: String, recorded: RecordedLists?) {
        self.id = id
        self.reference = reference
        self.recorded = recorded
    }
}

/// The lists a real decoder produced for one utterance.
public struct RecordedLists: Sendable, Hashable {
    public var partials: [NBestList]
    public var final: NBestList

    public init(partials: [NBestList], final: NBestList) {
        self.partials = partials
        self.final = final
    }
}
