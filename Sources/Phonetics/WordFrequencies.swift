import Foundation

/// Word counts from a corpus, used to keep homophone groups to real, current words and to
/// prefer frequent words when simulating recognition errors.
///
/// Words are lower-cased runs of letters, digits and apostrophes (`don't`, `o'clock`).
public struct WordFrequencies: Sendable {
    /// Lower-cased word → count.
    public private(set) var counts: [String: Int]
    /// Sum of all counts.
    public private(set) var total: Int

    public init(counts: [String: Int] = [:]) {
        var lowered: [String: Int] = [:]
        for (word, count) in counts where count > 0 { lowered[word.lowercased(), default: 0] += count }
        self.counts = lowered
        self.total = lowered.values.reduce(0, +)
    }

    /// Counts the words of `text`.
    public init(countingWordsIn text: String) {
        self.init()
        add(countingWordsIn: text)
    }

    /// Adds the words of `text` to the counts.
    public mutating func add(countingWordsIn text: String) {
        for word in Self.words(in: text) {
            counts[word, default: 0] += 1
            total += 1
        }
    }

    /// Counts the words of several text files; files that do not exist are skipped and
    /// returned, so a caller can fall back when corpora have not been prepared.
    public static func counting(files paths: [String]) -> (frequencies: WordFrequencies, missing: [String]) {
        var frequencies = WordFrequencies()
        var missing: [String] = []
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                missing.append(path)
                continue
            }
            frequencies.add(countingWordsIn: text)
        }
        return (frequencies, missing)
    }

    /// The count of `word` (case-insensitive), 0 when unseen.
    public func count(of word: some StringProtocol) -> Int { counts[word.lowercased()] ?? 0 }

    /// Add-one smoothed natural-log unigram probability of `word`.
    public func logProbability(of word: some StringProtocol) -> Double {
        let vocabulary = Double(counts.count + 1)
        return Foundation.log(Double(count(of: word) + 1) / (Double(total) + vocabulary))
    }

    /// Splits text into lower-cased word tokens.
    public static func words(in text: some StringProtocol) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber || character == "'" {
                current.append(contentsOf: character.lowercased())
            } else if !current.isEmpty {
                result.append(Self.trimApostrophes(current))
                current = ""
            }
        }
        if !current.isEmpty { result.append(Self.trimApostrophes(current)) }
        return result.filter { !$0.isEmpty }
    }

    private static func trimApostrophes(_ word: String) -> String {
        var word = Substring(word)
        while word.first == "'" { word = word.dropFirst() }
        while word.last == "'" { word = word.dropLast() }
        return String(word)
    }
}
