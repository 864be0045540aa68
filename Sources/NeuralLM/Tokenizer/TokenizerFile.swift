public import Foundation

/// Reads and writes BPE tokenizers as Hugging Face `tokenizer.json` files.
///
/// The file is what the Python `tokenizers` library (0.19) loads with `Tokenizer.from_file`: a BPE
/// model with `vocab` and `merges` ("left right" strings), a `ByteLevel` pre-tokenizer, a decoder
/// that is `ByteLevel` followed by `Strip` of one leading space, and the special tokens as added
/// tokens. Loading accepts the configurations this implementation reproduces exactly and rejects
/// anything else with `TokenizerError.unsupportedConfiguration`, so a file never silently encodes
/// differently in Swift and Python.
public enum TokenizerFile {
    /// The `tokenizer.json` text of a tokenizer (vocabulary in id order, merges in rank order).
    public static func json(of tokenizer: BPETokenizer) -> String {
        var out =
            "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [\n"
        let specials = tokenizer.specialTokens.sorted { $0.value < $1.value }
        out += specials.map { text, id in
            "    {\"id\": \(id), \"content\": \(quoted(text)), \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}"
        }.joined(separator: ",\n")
        let prefix = tokenizer.preTokenizer.addPrefixSpace ? "true" : "false"
        let byteLevel =
            "{\"type\": \"ByteLevel\", \"add_prefix_space\": \(prefix), \"trim_offsets\": true, \"use_regex\": true}"
        out +=
            "\n  ],\n  \"normalizer\": null,\n  \"pre_tokenizer\": \(byteLevel),\n  \"post_processor\": null,\n"
        out += "  \"decoder\": {\"type\": \"Sequence\", \"decoders\": [\(byteLevel), "
        out +=
            "{\"type\": \"Strip\", \"content\": \" \", \"start\": \(tokenizer.decoderStripsLeadingSpaces), \"stop\": 0}]},\n"
        out += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
        out +=
            "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n    \"fuse_unk\": false,\n"
        out += "    \"byte_fallback\": false,\n    \"ignore_merges\": false,\n    \"vocab\": {\n"
        out += tokenizer.tokens.enumerated().map { "      \(quoted($0.element)): \($0.offset)" }.joined(
            separator: ",\n")
        out += "\n    },\n    \"merges\": [\n"
        out += tokenizer.merges.map {
            "      " + quoted(tokenizer.tokens[$0.left] + " " + tokenizer.tokens[$0.right])
        }
        .joined(separator: ",\n")
        out += "\n    ]\n  }\n}\n"
        return out
    }

    /// Writes `tokenizer.json` atomically.
    public static func write(_ tokenizer: BPETokenizer, to url: URL) throws {
        do {
            try Data(json(of: tokenizer).utf8).write(to: url, options: .atomic)
        } catch {
            throw TokenizerError(.io, "cannot write \(url.path): \(error)")
        }
    }

    /// Reads a tokenizer from a `tokenizer.json` file.
    public static func read(from url: URL) throws -> BPETokenizer {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError(.io, "cannot read \(url.path): \(error)")
        }
        return try parse(data, source: url.path)
    }

    /// Parses `tokenizer.json` bytes.
    public static func parse(_ data: Data, source: String = "tokenizer.json") throws -> BPETokenizer {
        let file: FileModel
        do {
            file = try JSONDecoder().decode(FileModel.self, from: data)
        } catch {
            throw TokenizerError(.invalidFile, "\(source) is not a tokenizer.json: \(error)")
        }
        func unsupported(_ what: String) -> TokenizerError {
            TokenizerError(.unsupportedConfiguration, "\(source): \(what)")
        }
        let model = file.model
        guard model.type == "BPE" else { throw unsupported("model type \(model.type) is not BPE") }
        guard model.dropout == nil else { throw unsupported("BPE dropout is not supported") }
        guard (model.continuingSubwordPrefix ?? "").isEmpty, (model.endOfWordSuffix ?? "").isEmpty else {
            throw unsupported("continuing_subword_prefix / end_of_word_suffix are not supported")
        }
        guard model.byteFallback != true else { throw unsupported("byte_fallback is not supported") }
        guard model.ignoreMerges != true else { throw unsupported("ignore_merges is not supported") }
        guard file.normalizer == nil else { throw unsupported("normalizers are not supported") }
        guard let pre = file.preTokenizer, pre.type == "ByteLevel", pre.useRegex ?? true else {
            throw unsupported("the pre-tokenizer must be ByteLevel with use_regex")
        }
        let stripped: Int
        switch file.decoder?.type {
        case "ByteLevel":
            stripped = 0
        case "Sequence":
            let parts = file.decoder?.decoders ?? []
            guard parts.first?.type == "ByteLevel",
                parts.dropFirst().allSatisfy({
                    $0.type == "Strip" && $0.content == " " && ($0.stop ?? 0) == 0
                })
            else {
                throw unsupported(
                    "the decoder must be ByteLevel, optionally followed by Strip of leading spaces")
            }
            stripped = parts.dropFirst().reduce(0) { $0 + ($1.start ?? 0) }
        default:
            throw unsupported("the decoder must be ByteLevel, optionally followed by Strip of leading spaces")
        }

        var tokens = [String?](repeating: nil, count: model.vocab.count)
        for (token, id) in model.vocab {
            guard tokens.indices.contains(id), tokens[id] == nil else {
                throw TokenizerError(
                    .invalidFile,
                    "\(source): vocabulary ids are not exactly 0..<\(model.vocab.count) (id \(id))")
            }
            tokens[id] = token
        }
        let vocabulary = tokens.map { $0! }
        var merges: [(left: Int, right: Int)] = []
        merges.reserveCapacity(model.merges.count)
        for (rank, pair) in model.merges.enumerated() {
            guard let left = model.vocab[pair.0], let right = model.vocab[pair.1] else {
                throw TokenizerError(
                    .invalidFile,
                    "\(source): merge \(rank) (\(pair.0) \(pair.1)) names a token outside the vocabulary")
            }
            merges.append((left, right))
        }
        var specials: [String: Int] = [:]
        for added in file.addedTokens {
            guard added.special, !added.lstrip, !added.rstrip, !added.singleWord else {
                throw unsupported(
                    "added token \(added.content) must be special without lstrip/rstrip/single_word")
            }
            specials[added.content] = added.id
        }
        do {
            return try BPETokenizer(
                tokens: vocabulary, merges: merges, specialTokens: specials,
                preTokenizer: ByteLevelPreTokenizer(addPrefixSpace: pre.addPrefixSpace ?? true),
                decoderStripsLeadingSpaces: stripped)
        } catch let error as TokenizerError {
            throw TokenizerError(.invalidFile, "\(source): \(error.message)")
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// The parts of `tokenizer.json` the loader reads.
private struct FileModel: Decodable {
    struct AddedToken: Decodable {
        let id: Int
        let content: String
        let singleWord: Bool
        let lstrip: Bool
        let rstrip: Bool
        let special: Bool

        enum CodingKeys: String, CodingKey {
            case id, content, lstrip, rstrip, special
            case singleWord = "single_word"
        }
    }

    struct Component: Decodable {
        let type: String
        let addPrefixSpace: Bool?
        let useRegex: Bool?
        let decoders: [Component]?
        let content: String?
        let start: Int?
        let stop: Int?

        enum CodingKeys: String, CodingKey {
            case type, decoders, content, start, stop
            case addPrefixSpace = "add_prefix_space"
            case useRegex = "use_regex"
        }
    }

    struct Model: Decodable {
        let type: String
        let dropout: Double?
        let continuingSubwordPrefix: String?
        let endOfWordSuffix: String?
        let byteFallback: Bool?
        let ignoreMerges: Bool?
        let vocab: [String: Int]
        let merges: [(String, String)]

        enum CodingKeys: String, CodingKey {
            case type, dropout, vocab, merges
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case endOfWordSuffix = "end_of_word_suffix"
            case byteFallback = "byte_fallback"
            case ignoreMerges = "ignore_merges"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            dropout = try container.decodeIfPresent(Double.self, forKey: .dropout)
            continuingSubwordPrefix = try container.decodeIfPresent(
                String.self, forKey: .continuingSubwordPrefix)
            endOfWordSuffix = try container.decodeIfPresent(String.self, forKey: .endOfWordSuffix)
            byteFallback = try container.decodeIfPresent(Bool.self, forKey: .byteFallback)
            ignoreMerges = try container.decodeIfPresent(Bool.self, forKey: .ignoreMerges)
            vocab = try container.decode([String: Int].self, forKey: .vocab)
            // Merges are "left right" strings (tokenizers <= 0.19) or [left, right] pairs (>= 0.20).
            if let strings = try? container.decode([String].self, forKey: .merges) {
                merges = try strings.enumerated().map { index, text in
                    let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2 else {
                        throw DecodingError.dataCorruptedError(
                            forKey: .merges, in: container,
                            debugDescription: "merge \(index) \"\(text)\" is not two tokens")
                    }
                    return (String(parts[0]), String(parts[1]))
                }
            } else {
                let pairs = try container.decode([[String]].self, forKey: .merges)
                merges = try pairs.enumerated().map { index, pair in
                    guard pair.count == 2 else {
                        throw DecodingError.dataCorruptedError(
                            forKey: .merges, in: container, debugDescription: "merge \(index) is not a pair")
                    }
                    return (pair[0], pair[1])
                }
            }
        }
    }

    struct Normalizer: Decodable {
        let type: String
    }

    let addedTokens: [AddedToken]
    let normalizer: Normalizer?
    let preTokenizer: Component?
    let decoder: Component?
    let model: Model

    enum CodingKeys: String, CodingKey {
        case normalizer, decoder, model
        case addedTokens = "added_tokens"
        case preTokenizer = "pre_tokenizer"
    }
}
