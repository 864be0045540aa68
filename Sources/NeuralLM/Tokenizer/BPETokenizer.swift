/// A byte-level BPE tokenizer: GPT-2 pre-tokenization, ranked merges, special tokens.
///
/// Encodes exactly as Hugging Face `tokenizers` 0.19 does for the `tokenizer.json` it is saved as
/// (see `TokenizerFile`): special tokens are matched first, each remaining segment is pre-tokenized
/// by `ByteLevelPreTokenizer`, and within a piece the adjacent pair with the lowest merge rank is
/// merged until none applies. Decoding maps tokens back to bytes and removes the one prefix space that
/// encoding added, so `decode(encode(s)) == s` for every `s` that does not start with whitespace.
public struct BPETokenizer: Sendable {
    /// Token strings by id (byte-level spelling; special tokens verbatim).
    public let tokens: [String]
    /// Merges in rank order: rank 0 is applied first.
    public let merges: [(left: Int, right: Int)]
    /// Special tokens by id (a subset of `tokens`).
    public let specialTokens: [String: Int]
    /// The pre-tokenizer that splits text into pieces merges never cross.
    public let preTokenizer: ByteLevelPreTokenizer
    /// How many leading spaces decoding strips (the Hugging Face `Strip` decoder's `start`).
    public let decoderStripsLeadingSpaces: Int

    private let ids: [String: Int]
    private let byteIDs: [Int]
    private let mergeTable: [UInt64: (rank: Int32, merged: Int32)]
    private let specialIDs: Set<Int>
    private let specialScalars: [(scalars: [Unicode.Scalar], id: Int)]

    /// Builds a tokenizer from its vocabulary and merges.
    ///
    /// - Parameters:
    ///   - tokens: token strings by id; must contain all 256 byte symbols of `ByteLevelAlphabet`.
    ///   - merges: pairs of token ids in rank order; each pair's concatenation must be a token.
    ///   - specialTokens: added tokens matched verbatim in text before pre-tokenization.
    /// - Throws: `TokenizerError.invalidArgument` when the vocabulary and merges are inconsistent.
    public init(
        tokens: [String], merges: [(left: Int, right: Int)], specialTokens: [String: Int],
        preTokenizer: ByteLevelPreTokenizer = ByteLevelPreTokenizer(), decoderStripsLeadingSpaces: Int = 1
    ) throws {
        var ids: [String: Int] = [:]
        for (id, token) in tokens.enumerated() {
            if ids[token] != nil {
                throw TokenizerError(
                    .invalidArgument, "token \"\(token)\" appears twice (ids \(ids[token]!) and \(id))")
            }
            ids[token] = id
        }
        var byteIDs: [Int] = []
        for (byte, character) in ByteLevelAlphabet.characters.enumerated() {
            guard let id = ids[String(character)] else {
                throw TokenizerError(.invalidArgument, "the vocabulary lacks the symbol of byte \(byte)")
            }
            byteIDs.append(id)
        }
        var table: [UInt64: (rank: Int32, merged: Int32)] = [:]
        for (rank, pair) in merges.enumerated() {
            guard tokens.indices.contains(pair.left), tokens.indices.contains(pair.right) else {
                throw TokenizerError(.invalidArgument, "merge \(rank) names an id outside the vocabulary")
            }
            let text = tokens[pair.left] + tokens[pair.right]
            guard let merged = ids[text] else {
                throw TokenizerError(
                    .invalidArgument, "merge \(rank) produces \"\(text)\", which is not in the vocabulary")
            }
            let key = Self.pairKey(pair.left, pair.right)
            if table[key] == nil {
                table[key] = (Int32(rank), Int32(merged))
            }
        }
        for (text, id) in specialTokens {
            guard tokens.indices.contains(id), tokens[id] == text else {
                throw TokenizerError(
                    .invalidArgument, "special token \"\(text)\" does not have id \(id) in the vocabulary")
            }
        }
        self.tokens = tokens
        self.merges = merges
        self.specialTokens = specialTokens
        self.preTokenizer = preTokenizer
        self.decoderStripsLeadingSpaces = decoderStripsLeadingSpaces
        self.ids = ids
        self.byteIDs = byteIDs
        self.mergeTable = table
        self.specialIDs = Set(specialTokens.values)
        self.specialScalars = specialTokens.sorted {
            ($0.key.unicodeScalars.count, $1.key) > ($1.key.unicodeScalars.count, $0.key)
        }.map { (Array($0.key.unicodeScalars), $0.value) }
    }

    /// The number of tokens (ids are `0..<vocabularySize`).
    public var vocabularySize: Int { tokens.count }

    /// The id of a token string, if it is in the vocabulary.
    public func id(of token: String) -> Int? { ids[token] }

    /// The id of a reserved token, if this vocabulary has it.
    public func id(of special: SpecialToken) -> Int? { specialTokens[special.rawValue] }

    /// Encodes text to token ids (no BOS/EOS are added; see `encodeSentence`).
    public func encode(_ text: String) -> [Int] {
        var result: [Int] = []
        for segment in splitOnSpecialTokens(text) {
            switch segment {
            case .special(let id):
                result.append(id)
            case .text(let substring):
                for piece in preTokenizer.split(substring) {
                    result.append(contentsOf: encodePiece(piece))
                }
            }
        }
        return result
    }

    /// Encodes one sentence for language modelling: `<|bos|>`, its tokens, `<|eos|>`.
    ///
    /// - Throws: `TokenizerError.unsupportedConfiguration` when the vocabulary has no BOS or EOS token.
    public func encodeSentence(_ text: String) throws -> [Int] {
        guard let bos = id(of: .bos), let eos = id(of: .eos) else {
            throw TokenizerError(
                .unsupportedConfiguration,
                "the vocabulary has no \(SpecialToken.bos.rawValue)/\(SpecialToken.eos.rawValue) tokens")
        }
        return [bos] + encode(text) + [eos]
    }

    /// Decodes ids to text, like `tokenizers`' `decode` (special tokens skipped unless asked for).
    ///
    /// - Throws: `TokenizerError.unknownTokenID` for an id outside the vocabulary.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) throws -> String {
        var bytes: [UInt8] = []
        for id in ids {
            guard tokens.indices.contains(id) else {
                throw TokenizerError(
                    .unknownTokenID, "token id \(id) is outside the vocabulary of \(tokens.count)")
            }
            if skipSpecialTokens && specialIDs.contains(id) { continue }
            bytes.append(contentsOf: ByteLevelAlphabet.decode(tokens[id]))
        }
        // Strip on scalars, not Characters: a space followed by a combining mark is one Character.
        var scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars[...]
        var stripped = 0
        while stripped < decoderStripsLeadingSpaces && scalars.first == " " {
            scalars.removeFirst()
            stripped += 1
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The number of tokens one pre-tokenized piece encodes to (for corpus statistics).
    public func encodePieceCount(_ bytes: [UInt8]) -> Int { encodePiece(bytes).count }

    /// Applies the merges to one pre-tokenized piece.
    func encodePiece(_ bytes: [UInt8]) -> [Int] {
        var symbols = bytes.map { Int32(byteIDs[Int($0)]) }
        while symbols.count > 1 {
            var bestRank = Int32.max
            var bestIndex = -1
            var bestMerged: Int32 = 0
            for index in 0..<(symbols.count - 1) {
                if let entry = mergeTable[Self.pairKey(Int(symbols[index]), Int(symbols[index + 1]))],
                    entry.rank < bestRank
                {
                    bestRank = entry.rank
                    bestIndex = index
                    bestMerged = entry.merged
                }
            }
            if bestIndex < 0 { break }
            // Merge every occurrence of the best pair, left to right, without overlaps.
            let left = symbols[bestIndex]
            let right = symbols[bestIndex + 1]
            var merged: [Int32] = []
            merged.reserveCapacity(symbols.count)
            var index = 0
            while index < symbols.count {
                if index + 1 < symbols.count && symbols[index] == left && symbols[index + 1] == right {
                    merged.append(bestMerged)
                    index += 2
                } else {
                    merged.append(symbols[index])
                    index += 1
                }
            }
            symbols = merged
        }
        return symbols.map(Int.init)
    }

    static func pairKey(_ left: Int, _ right: Int) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: left)) << 32 | UInt64(UInt32(truncatingIfNeeded: right))
    }

    private enum Segment {
        case text(ArraySlice<Unicode.Scalar>)
        case special(Int)
    }

    /// Splits text at verbatim occurrences of special tokens (leftmost; longest first on ties).
    ///
    /// Works on Unicode scalars, not `Character`s, so a combining mark after a special token stays
    /// in the following text segment, as in `tokenizers`.
    private func splitOnSpecialTokens(_ text: String) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        var segments: [Segment] = []
        var segmentStart = 0
        var index = 0
        outer: while index < scalars.count {
            for special in specialScalars where scalars[index...].starts(with: special.scalars) {
                if segmentStart < index {
                    segments.append(.text(scalars[segmentStart..<index]))
                }
                segments.append(.special(special.id))
                index += special.scalars.count
                segmentStart = index
                continue outer
            }
            index += 1
        }
        if segmentStart < scalars.count {
            segments.append(.text(scalars[segmentStart...]))
        }
        return segments
    }
}
