import Foundation
import NBest

/// Reads and writes N-best JSONL: one JSON object per line holding an N-best list and the
/// reference transcript of its utterance (format in `Docs/nbest-jsonl.md`).
///
/// Every record is validated; problems are reported with their 1-based line numbers so a
/// converted decoder dump can be fixed in one pass.
public enum NBestJSONL {
    /// What to do with hypotheses that are not sorted best first by total score.
    public enum UnsortedPolicy: String, Sendable, Hashable, CaseIterable {
        /// Sort them (stable), counting the line in ``ReadReport/resortedLines``. Real decoders
        /// (pocketsphinx) emit nearly sorted lists.
        case sort
        /// Report the line as invalid.
        case reject
    }

    /// What to do with hypotheses whose text repeats within a list.
    public enum DuplicatePolicy: String, Sendable, Hashable, CaseIterable {
        /// Keep the best-scored copy, counting the line in ``ReadReport/dedupedLines``.
        case keepBest = "keep-best"
        /// Report the line as invalid.
        case reject
    }

    /// The records that validated and every problem found.
    public struct ReadReport: Sendable {
        public var records: [NBestRecord]
        public var issues: [NBestJSONLIssue]
        /// Lines whose hypotheses were re-sorted.
        public var resortedLines: [Int]
        /// Lines from which duplicate hypotheses were removed.
        public var dedupedLines: [Int]
        /// Utterances a recorder could not decode (`"status": "failed"` lines): not lists, but
        /// counted, so a set's size and failures stay visible to every reader.
        public var failures: [NBestFailure] = []
    }

    /// Parses JSONL text without throwing.
    public static func parse(
        _ text: String, unsorted: UnsortedPolicy = .sort, duplicates: DuplicatePolicy = .reject
    ) -> ReadReport {
        var report = ReadReport(records: [], issues: [], resortedLines: [], dedupedLines: [])
        var lineNumber = 0
        var seenIDs: [String: Int] = [:]
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            do {
                if let failure = try NBestFailure.parse(line, lineNumber: lineNumber) {
                    report.failures.append(failure)
                    continue
                }
                let (record, resorted, deduped) = try parseRecord(
                    line, unsorted: unsorted, duplicates: duplicates)
                let key =
                    "\(record.list.sessionID)\u{1}\(record.list.utteranceID)\u{1}\(record.list.sequenceNumber)"
                if let first = seenIDs[key] {
                    throw NBestJSONLIssue(
                        lineNumber: 0,
                        message:
                            "utterance '\(record.list.utteranceID)' (sequence \(record.list.sequenceNumber)) repeats line \(first)"
                    )
                }
                seenIDs[key] = lineNumber
                if resorted { report.resortedLines.append(lineNumber) }
                if deduped { report.dedupedLines.append(lineNumber) }
                report.records.append(record)
            } catch let issue as NBestJSONLIssue {
                report.issues.append(NBestJSONLIssue(lineNumber: lineNumber, message: issue.message))
            } catch {
                report.issues.append(NBestJSONLIssue(lineNumber: lineNumber, message: "\(error)"))
            }
        }
        return report
    }

    /// Reads a file, throwing if it cannot be read or any record is invalid.
    public static func read(
        contentsOfFile path: String, unsorted: UnsortedPolicy = .sort, duplicates: DuplicatePolicy = .reject
    ) throws(NBestJSONLError) -> ReadReport {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw NBestJSONLError(code: .io, message: "cannot read \(path): \(error)")
        }
        let report = parse(text, unsorted: unsorted, duplicates: duplicates)
        if !report.issues.isEmpty {
            let shown = report.issues.prefix(10).map(\.description).joined(separator: "; ")
            throw NBestJSONLError(
                code: .invalidRecords, message: "\(path): \(report.issues.count) invalid record(s): \(shown)",
                issues: report.issues)
        }
        return report
    }

    /// One JSONL line (no newline) for a record; keys sorted so output is byte-stable.
    public static func line(for record: NBestRecord) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try! encoder.encode(RecordJSON(record))  // encoding plain values cannot fail
        return String(decoding: data, as: UTF8.self)
    }

    /// The JSONL text of several records, one line each, newline-terminated.
    public static func text(for records: [NBestRecord]) -> String {
        records.map { line(for: $0) + "\n" }.joined()
    }

    /// Writes records to a file (replacing it).
    public static func write(_ records: [NBestRecord], toFile path: String) throws(NBestJSONLError) {
        do {
            try Data(text(for: records).utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw NBestJSONLError(code: .io, message: "cannot write \(path): \(error)")
        }
    }

    // MARK: - Validation

    private static func parseRecord(
        _ line: String, unsorted: UnsortedPolicy, duplicates: DuplicatePolicy
    ) throws -> (NBestRecord, resorted: Bool, deduped: Bool) {
        func issue(_ message: String) -> NBestJSONLIssue { NBestJSONLIssue(lineNumber: 0, message: message) }
        let object: JSONValue
        do {
            object = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        } catch {
            throw issue("not valid JSON")
        }
        guard let fields = object.object else { throw issue("a record must be a JSON object") }
        let known: Set<String> = [
            "utteranceID", "sessionID", "sequenceNumber", "kind", "stability", "reference", "hypotheses",
        ]
        if let unknown = fields.keys.filter({ !known.contains($0) }).sorted().first {
            throw issue("unknown field '\(unknown)'")
        }
        guard let utteranceID = fields["utteranceID"]?.string, !utteranceID.isEmpty else {
            throw issue("missing or empty string field 'utteranceID'")
        }
        guard let reference = fields["reference"]?.string else {
            throw issue("missing string field 'reference'")
        }
        let sessionID = try optionalString(fields, "sessionID", default: "", issue)
        let sequence = try optionalNumber(fields, "sequenceNumber", default: 0, issue)
        guard sequence >= 0, sequence == sequence.rounded(), sequence < 1.8e19 else {
            throw issue("'sequenceNumber' must be a non-negative integer")
        }
        let kindText = try optionalString(fields, "kind", default: "final", issue)
        guard let kind = NBestList.Kind(rawValue: kindText) else {
            throw issue("'kind' must be \"partial\" or \"final\", got \"\(kindText)\"")
        }
        let stability = try optionalNumber(fields, "stability", default: 1, issue)
        guard (0...1).contains(stability) else { throw issue("'stability' must be in [0, 1]") }
        guard let rawHypotheses = fields["hypotheses"]?.array else {
            throw issue("missing array field 'hypotheses'")
        }
        if rawHypotheses.isEmpty { throw issue("'hypotheses' is empty") }
        var hypotheses: [Hypothesis] = []
        for (index, raw) in rawHypotheses.enumerated() {
            hypotheses.append(try parseHypothesis(raw, index: index, issue))
        }
        var resorted = false
        if zip(hypotheses, hypotheses.dropFirst()).contains(where: { $0.totalScore < $1.totalScore }) {
            guard unsorted == .sort else {
                throw issue("hypotheses are not sorted by totalScore (best first)")
            }
            hypotheses = hypotheses.enumerated().sorted {
                $0.element.totalScore != $1.element.totalScore
                    ? $0.element.totalScore > $1.element.totalScore : $0.offset < $1.offset
            }.map(\.element)
            resorted = true
        }
        var seen: Set<String> = []
        var unique: [Hypothesis] = []
        for hypothesis in hypotheses {
            if seen.insert(hypothesis.text).inserted {
                unique.append(hypothesis)
            } else if duplicates == .reject {
                throw issue("duplicate hypothesis \"\(hypothesis.text)\"")
            }
        }
        let list = NBestList(
            utteranceID: utteranceID, sessionID: sessionID, sequenceNumber: UInt64(sequence), kind: kind,
            stability: Float(stability), hypotheses: unique)
        return (NBestRecord(reference: reference, list: list), resorted, unique.count != hypotheses.count)
    }

    private static func parseHypothesis(
        _ raw: JSONValue, index: Int, _ issue: (String) -> NBestJSONLIssue
    ) throws -> Hypothesis {
        let prefix = "hypotheses[\(index)]"
        guard let fields = raw.object else { throw issue("\(prefix) must be an object") }
        let known: Set<String> = ["text", "totalScore", "acousticScore", "lmScore", "confidence", "tokenIDs"]
        if let unknown = fields.keys.filter({ !known.contains($0) }).sorted().first {
            throw issue("\(prefix) has unknown field '\(unknown)'")
        }
        guard let text = fields["text"]?.string else {
            throw issue("\(prefix) is missing string field 'text'")
        }
        if text != text.split(separator: " ").joined(separator: " ") {
            throw issue("\(prefix).text must be words separated by single spaces")
        }
        func number(_ key: String, required: Bool) throws -> Double? {
            guard let value = fields[key] else {
                if required { throw issue("\(prefix) is missing number field '\(key)'") }
                return nil
            }
            guard let number = value.number, number.isFinite else {
                throw issue("\(prefix).\(key) must be a finite number")
            }
            return number
        }
        let total = try number("totalScore", required: true)!
        let acoustic = try number("acousticScore", required: false) ?? 0
        let lm = try number("lmScore", required: false) ?? 0
        let confidence = try number("confidence", required: false)
        if let confidence, !(0...1).contains(confidence) {
            throw issue("\(prefix).confidence must be in [0, 1]")
        }
        var tokenIDs: [Int32] = []
        if let rawIDs = fields["tokenIDs"] {
            guard let ids = rawIDs.array else {
                throw issue("\(prefix).tokenIDs must be an array of integers")
            }
            for id in ids {
                guard let number = id.number, let value = Int32(exactly: number) else {
                    throw issue("\(prefix).tokenIDs must be an array of 32-bit integers")
                }
                tokenIDs.append(value)
            }
        }
        return Hypothesis(
            text: text, tokenIDs: tokenIDs, totalScore: total, acousticScore: acoustic, lmScore: lm,
            confidence: confidence)
    }

    private static func optionalString(
        _ fields: [String: JSONValue], _ key: String, default value: String,
        _ issue: (String) -> NBestJSONLIssue
    ) throws -> String {
        guard let raw = fields[key] else { return value }
        guard let string = raw.string else { throw issue("'\(key)' must be a string") }
        return string
    }

    private static func optionalNumber(
        _ fields: [String: JSONValue], _ key: String, default value: Double,
        _ issue: (String) -> NBestJSONLIssue
    ) throws -> Double {
        guard let raw = fields[key] else { return value }
        guard let number = raw.number, number.isFinite else {
            throw issue("'\(key)' must be a finite number")
        }
        return number
    }
}

/// The JSON shape of a record (field names documented in `Docs/nbest-jsonl.md`).
private struct RecordJSON: Encodable {
    struct HypothesisJSON: Encodable {
        var text: String
        var totalScore: Double
        var acousticScore: Double
        var lmScore: Double
        var confidence: Double?
        var tokenIDs: [Int32]?
    }

    var utteranceID: String
    var sessionID: String
    var sequenceNumber: UInt64
    var kind: String
    var stability: Float
    var reference: String
    var hypotheses: [HypothesisJSON]

    init(_ record: NBestRecord) {
        utteranceID = record.list.utteranceID
        sessionID = record.list.sessionID
        sequenceNumber = record.list.sequenceNumber
        kind = record.list.kind.rawValue
        stability = record.list.stability
        reference = record.reference
        hypotheses = record.list.hypotheses.map {
            HypothesisJSON(
                text: $0.text, totalScore: $0.totalScore, acousticScore: $0.acousticScore,
                lmScore: $0.lmScore,
                confidence: $0.confidence, tokenIDs: $0.tokenIDs.isEmpty ? nil : $0.tokenIDs)
        }
    }
}
