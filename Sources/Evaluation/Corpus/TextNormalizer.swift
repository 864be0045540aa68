/// Normalises transcripts before scoring so WER measures recognition, not formatting.
///
/// The settings are a `Codable` value recorded with every result: a WER figure is only
/// comparable with another computed under the same normalisation. Steps, in order:
/// 1. typographic apostrophes (U+2019, U+2018, U+02BC) become `'` (`unifyApostrophes`);
/// 2. lower-casing (`lowercase`);
/// 3. hyphens and dashes become spaces (`splitHyphens`), so "ice-cream" scores as two words;
/// 4. every other Unicode punctuation or symbol character is deleted (`removePunctuation`),
///    except `'` when `keepApostrophes` is set ("don't" stays one word);
/// 5. whitespace runs (spaces, tabs, newlines) collapse to one space, and the ends are trimmed.
public struct TextNormalizer: Sendable, Hashable, Codable {
    public var lowercase: Bool
    public var removePunctuation: Bool
    public var keepApostrophes: Bool
    public var splitHyphens: Bool
    public var unifyApostrophes: Bool

    public init(
        lowercase: Bool = true,
        removePunctuation: Bool = true,
        keepApostrophes: Bool = true,
        splitHyphens: Bool = true,
        unifyApostrophes: Bool = true
    ) {
        self.lowercase = lowercase
        self.removePunctuation = removePunctuation
        self.keepApostrophes = keepApostrophes
        self.splitHyphens = splitHyphens
        self.unifyApostrophes = unifyApostrophes
    }

    /// The project default: lower case, punctuation stripped except apostrophes, spaces collapsed.
    public static let standard = TextNormalizer()

    /// Only collapses whitespace: texts are scored exactly as given (jiwer's default transform).
    public static let identity = TextNormalizer(
        lowercase: false, removePunctuation: false, keepApostrophes: true, splitHyphens: false,
        unifyApostrophes: false)

    /// The normalised text: words separated by single spaces, no leading or trailing space.
    public func normalize(_ text: String) -> String {
        if let ascii = normalizeASCII(text) { return ascii }
        return normalizeScalars(text)
    }

    /// The general path over Unicode scalars.
    func normalizeScalars(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        let source = lowercase ? text.lowercased() : text
        for scalar in source.unicodeScalars {
            var scalar = scalar
            if unifyApostrophes, Self.apostropheVariants.contains(scalar.value) { scalar = "'" }
            let properties = scalar.properties
            if properties.isWhitespace || (splitHyphens && properties.isDash) {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if removePunctuation, Self.isPunctuationOrSymbol(scalar), !(keepApostrophes && scalar == "'") {
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// The same steps on bytes for pure-ASCII text (the common case), or `nil` for other text.
    ///
    /// Scoring a corpus normalises every transcript; working on bytes avoids per-scalar property
    /// lookups. In ASCII the dashes are `-`, whitespace is HT, LF, VT, FF, CR and space, and every
    /// printable character that is not a letter, digit or space is punctuation or a symbol.
    func normalizeASCII(_ text: String) -> String? {
        let result = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var output = [UInt8]()
            output.reserveCapacity(bytes.count)
            var pendingSpace = false
            for byte in bytes {
                if byte >= 0x80 { return nil }
                var byte = byte
                if lowercase, byte >= 0x41, byte <= 0x5A { byte += 0x20 }
                let isWhitespace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
                if isWhitespace || (splitHyphens && byte == 0x2D) {
                    pendingSpace = !output.isEmpty
                    continue
                }
                if removePunctuation, Self.isASCIIPunctuationOrSymbol(byte),
                    !(keepApostrophes && byte == 0x27)
                {
                    continue
                }
                if pendingSpace {
                    output.append(0x20)
                    pendingSpace = false
                }
                output.append(byte)
            }
            return String(decoding: output, as: UTF8.self)
        }
        // Non-contiguous storage (e.g. a bridged string) takes the general path.
        return result ?? nil
    }

    @inline(__always)
    private static func isASCIIPunctuationOrSymbol(_ byte: UInt8) -> Bool {
        (byte >= 0x21 && byte <= 0x2F) || (byte >= 0x3A && byte <= 0x40) || (byte >= 0x5B && byte <= 0x60)
            || (byte >= 0x7B && byte <= 0x7E)
    }

    private static let apostropheVariants: Set<UInt32> = [0x2019, 0x2018, 0x02BC]

    private static func isPunctuationOrSymbol(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol,
            .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
