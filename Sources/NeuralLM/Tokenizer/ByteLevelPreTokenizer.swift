/// Splits text into the pieces BPE merges never cross, exactly like GPT-2's pattern.
///
/// Reproduces the Hugging Face `ByteLevel` pre-tokenizer (`use_regex: true`): the regular expression
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, written as a scanner
/// over Unicode scalars so it needs no regex engine and runs in linear time. With `addPrefixSpace`, a
/// non-empty text that does not start with a space gets one, so a sentence's first word is spelled like
/// every other word (`Ġthe`).
public struct ByteLevelPreTokenizer: Sendable, Hashable {
    /// Whether a space is prepended to text that does not start with one.
    public var addPrefixSpace: Bool

    public init(addPrefixSpace: Bool = true) {
        self.addPrefixSpace = addPrefixSpace
    }

    /// The pieces of `text`, each as its UTF-8 bytes, in order; their concatenation is the input
    /// (plus the prefix space, when added).
    public func split<Scalars: Collection<Unicode.Scalar>>(_ text: Scalars) -> [[UInt8]] {
        if text.isEmpty { return [] }
        var scalars = Array(text)
        if addPrefixSpace && scalars.first != " " {
            scalars.insert(" ", at: 0)
        }
        var pieces: [[UInt8]] = []
        var start = 0
        while start < scalars.count {
            let end = Self.matchEnd(scalars, from: start)
            var bytes: [UInt8] = []
            for scalar in scalars[start..<end] {
                bytes.append(contentsOf: UTF8.encode(scalar)!)
            }
            pieces.append(bytes)
            start = end
        }
        return pieces
    }

    /// Convenience for whole strings.
    public func split(_ text: String) -> [[UInt8]] { split(text.unicodeScalars) }

    private static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map {
        Array($0.unicodeScalars)
    }

    /// The end (exclusive) of the pattern's leftmost-first match starting at `start`.
    static func matchEnd(_ s: [Unicode.Scalar], from start: Int) -> Int {
        let count = s.count
        // 's 't 're 've 'm 'll 'd (case-sensitive).
        if s[start] == "'" {
            for contraction in contractions {
                let end = start + 1 + contraction.count
                if end <= count && s[(start + 1)..<end].elementsEqual(contraction) { return end }
            }
        }
        // ` ?\p{L}+`, then ` ?\p{N}+`, then ` ?[^\s\p{L}\p{N}]+` (a space is never in these classes).
        for kind in [ScalarKind.letter, .number, .other] {
            var first: Int?
            if kind.contains(s[start]) {
                first = start
            } else if s[start] == " " && start + 1 < count && kind.contains(s[start + 1]) {
                first = start + 1
            }
            if let first {
                var end = first + 1
                while end < count && kind.contains(s[end]) { end += 1 }
                return end
            }
        }
        // `\s+(?!\S)` then `\s+`.
        var end = start
        while end < count && s[end].properties.isWhitespace { end += 1 }
        if end == count { return end }
        if end - start >= 2 { return end - 1 }
        return start + 1
    }
}

/// The character classes of GPT-2's pattern.
enum ScalarKind {
    case letter, number, other

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .letter: return Self.isLetter(scalar)
        case .number: return Self.isNumber(scalar)
        case .other:
            return !scalar.properties.isWhitespace && !Self.isLetter(scalar) && !Self.isNumber(scalar)
        }
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
