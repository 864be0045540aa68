/// Reads and writes the ARPA text format of backoff n-gram models (as SRILM, KenLM and the CMU
/// toolkit write it).
///
/// ```text
/// \data\
/// ngram 1=3
/// ngram 2=2
///
/// \1-grams:
/// -0.4771213	<s>	-0.30103
/// ...
/// \end\
/// ```
///
/// Each line of an `\N-grams:` section is a log10 probability, N words and, for n-grams of lower than
/// the highest order, an optional log10 backoff weight, separated by tabs (any whitespace is read).
/// Written values have seven decimals, well below the rounding that matters for rescoring.
public enum ARPAFormat {
    /// The ARPA text of `model`: n-grams of each order sorted by word ids (so the file is
    /// reproducible), `<s>` with probability −99.
    public static func write(_ model: BackoffNGramModel) -> String {
        var out = "\\data\\\n"
        for (index, count) in model.counts.enumerated() { out += "ngram \(index + 1)=\(count)\n" }
        for n in 1...model.order {
            out += "\n\\\(n)-grams:\n"
            for key in model.tables[n - 1].keys.sorted() {
                let entry = model.tables[n - 1][key]!
                let words = BackoffNGramModel.ids(of: key, order: n).map { model.vocabulary.words[Int($0)] }
                out += number(entry.log10Probability) + "\t" + words.joined(separator: " ")
                if n < model.order, model.hasContinuation(key, order: n) {
                    out += "\t" + number(entry.log10Backoff)
                }
                out += "\n"
            }
        }
        out += "\n\\end\\\n"
        return out
    }

    /// Parses ARPA text. The model must list `<s>`, `</s>` and `<unk>` as unigrams (a closed
    /// vocabulary: words outside it are scored as `<unk>`).
    ///
    /// - Throws: `NGramError` naming the line of the first malformed header, section or entry, a
    ///   count that differs from the header, a repeated n-gram, or a missing context.
    public static func read(_ text: String) throws(NGramError) -> BackoffNGramModel {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().lazy
            .map { (number: $0.offset + 1, text: $0.element.trimmingCharacters()) }
            .makeIterator()
        var header: [Int] = []
        var current: (number: Int, text: Substring)?
        // Anything before \data\ is a comment.
        repeat { current = lines.next() } while current.map({ $0.text != "\\data\\" }) ?? false
        guard current != nil else { throw NGramError("no \\data\\ header in the ARPA text") }
        while let line = lines.next() {
            current = line
            if line.text.isEmpty { continue }
            guard line.text.hasPrefix("ngram ") else { break }
            let parts = line.text.dropFirst(6).split(separator: "=")
            guard parts.count == 2, let n = Int(parts[0].trimmingCharacters()),
                let count = Int(parts[1].trimmingCharacters()), n == header.count + 1, count >= 0
            else {
                throw .arpa(
                    line: line.number, "expected \"ngram \(header.count + 1)=COUNT\", got \"\(line.text)\"")
            }
            header.append(count)
        }
        guard (1...BackoffNGramModel.maximumOrder).contains(header.count) else {
            throw NGramError("the ARPA header lists \(header.count) orders; SecondPass reads 1 to 3")
        }

        // Words in order of first appearance among the unigrams; the specials get their fixed ids.
        var parsed = [[(words: [Substring], entry: BackoffNGramModel.Entry, line: Int)]](
            repeating: [], count: header.count)
        for n in 1...header.count {
            while let line = current, line.text.isEmpty { current = lines.next() }
            guard let line = current else { throw NGramError("the ARPA text ends before \\\(n)-grams:") }
            guard line.text == "\\\(n)-grams:" else {
                throw .arpa(line: line.number, "expected \"\\\(n)-grams:\"")
            }
            while let next = lines.next() {
                current = next
                if next.text.isEmpty { continue }
                if next.text.hasPrefix("\\") { break }
                let fields = next.text.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count == n + 1 || (fields.count == n + 2 && n < header.count),
                    let probability = Double(fields[0]), probability.isFinite
                else {
                    throw .arpa(
                        line: next.number, "expected a log10 probability, \(n) words and an optional backoff")
                }
                var backoff = 0.0
                if fields.count == n + 2 {
                    guard let value = Double(fields[n + 1]), value.isFinite else {
                        throw .arpa(
                            line: next.number, "the backoff weight \"\(fields[n + 1])\" is not a number")
                    }
                    backoff = value
                }
                parsed[n - 1].append(
                    (
                        Array(fields[1...n]), .init(log10Probability: probability, log10Backoff: backoff),
                        next.number
                    ))
                current = nil
            }
            guard parsed[n - 1].count == header[n - 1] else {
                throw NGramError(
                    "the ARPA header announces \(header[n - 1]) \(n)-grams, the section holds \(parsed[n - 1].count)"
                )
            }
        }
        while let line = current, line.text.isEmpty { current = lines.next() }
        guard let end = current else { throw NGramError("the ARPA text ends before \\end\\") }
        guard end.text == "\\end\\" else { throw .arpa(line: end.number, "expected \"\\end\\\"") }

        for special in [NGramVocabulary.sentenceStart, NGramVocabulary.sentenceEnd, NGramVocabulary.unknown]
        where !parsed[0].contains(where: { $0.words[0] == special }) {
            throw NGramError(
                "the ARPA model has no \(special) unigram (a closed vocabulary with <unk> is needed)")
        }
        let vocabulary = try NGramVocabulary(words: parsed[0].map { $0.words[0] })
        var tables = [[UInt64: BackoffNGramModel.Entry]](repeating: [:], count: header.count)
        for n in 1...header.count {
            for item in parsed[n - 1] {
                var ids: [Int32] = []
                for word in item.words {
                    guard let id = vocabulary.id(of: word) else {
                        throw .arpa(line: item.line, "the word \"\(word)\" has no unigram")
                    }
                    ids.append(id)
                }
                let key = BackoffNGramModel.key(ids)
                guard tables[n - 1].updateValue(item.entry, forKey: key) == nil else {
                    throw .arpa(
                        line: item.line, "the \(n)-gram \"\(item.words.joined(separator: " "))\" repeats")
                }
            }
        }
        return try BackoffNGramModel(vocabulary: vocabulary, tables: tables)
    }

    /// Seven decimals, no exponent (every reader parses it), and no "-0.0000000".
    static func number(_ value: Double) -> String {
        let text = formatted(value)
        return text == "-0.0000000" ? "0.0000000" : text
    }

    private static func formatted(_ value: Double) -> String {
        let scaled = (value * 1e7).rounded()
        let negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        let whole = magnitude / 10_000_000
        let fraction = String(magnitude % 10_000_000)
        return (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: 7 - fraction.count)
            + fraction
    }
}

extension BackoffNGramModel {
    /// True when the n-gram `key` of order `order` is the context of a listed longer n-gram.
    func hasContinuation(_ key: UInt64, order n: Int) -> Bool {
        continuationContexts[n - 1].contains(key)
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns.
    fileprivate func trimmingCharacters() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
