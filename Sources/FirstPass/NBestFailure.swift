import Foundation

/// An utterance a recorder could not turn into an N-best list, kept in the JSONL file as a line
/// with `"status": "failed"` so nothing is silently dropped (see `Docs/nbest-jsonl.md`).
public struct NBestFailure: Sendable, Hashable {
    public var utteranceID: String
    public var reference: String
    /// Why, e.g. `unreadable-audio: … is not a RIFF/WAVE file`.
    public var reason: String
    /// 1-based line in the file it was read from (0 when built in memory).
    public var lineNumber: Int

    public init(utteranceID: String, reference: String, reason: String, lineNumber: Int = 0) {
        self.utteranceID = utteranceID
        self.reference = reference
        self.reason = reason
        self.lineNumber = lineNumber
    }

    /// The value of `status` that marks a failure line.
    public static let status = "failed"

    /// One JSONL line (no newline), keys sorted.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try! encoder.encode(FailureJSON(self))  // encoding plain strings cannot fail
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses a failure line; nil when the line is not one (no `status` field).
    static func parse(_ line: String, lineNumber: Int) throws(NBestJSONLIssue) -> NBestFailure? {
        guard line.contains("\"status\"") else { return nil }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
            let fields = value.object, let status = fields["status"]
        else { return nil }
        guard status.string == NBestFailure.status else {
            throw NBestJSONLIssue(lineNumber: 0, message: "'status' must be \"\(NBestFailure.status)\"")
        }
        let known: Set<String> = ["utteranceID", "reference", "status", "reason"]
        if let unknown = fields.keys.filter({ !known.contains($0) }).sorted().first {
            throw NBestJSONLIssue(lineNumber: 0, message: "unknown field '\(unknown)' in a failure record")
        }
        guard let id = fields["utteranceID"]?.string, !id.isEmpty,
            let reference = fields["reference"]?.string,
            let reason = fields["reason"]?.string, !reason.isEmpty
        else {
            throw NBestJSONLIssue(
                lineNumber: 0,
                message: "a failure record needs 'utteranceID', 'reference' and a non-empty 'reason'")
        }
        return NBestFailure(utteranceID: id, reference: reference, reason: reason, lineNumber: lineNumber)
    }
}

private struct FailureJSON: Encodable {
    var utteranceID: String
    var reference: String
    var status: String
    var reason: String

    init(_ failure: NBestFailure) {
        utteranceID = failure.utteranceID
        reference = failure.reference
        status = NBestFailure.status
        reason = failure.reason
    }
}
