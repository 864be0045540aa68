public import Foundation
import NBest
public import NeuralLM

/// Readers for the training inputs of `secondpass train`.
public enum TrainingDataFiles {
    /// Token-id sequences, one per line as space-separated integers (blank lines skipped).
    ///
    /// Every id must be in the model's vocabulary and each line, framed by BOS/EOS, must fit the
    /// context; errors name the file and the 1-based line.
    public static func readTokenSequences(_ url: URL, config: GPT2Config) throws -> [[Int]] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot read \(url.path): \(error.localizedDescription)")
        }
        var result: [[Int]] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            var tokens: [Int] = []
            for field in fields {
                guard let id = Int(field), id >= 0, id < config.vocabSize else {
                    throw NeuralLMError(
                        .invalidData,
                        "\(url.lastPathComponent):\(index + 1): '\(field)' is not a token id below \(config.vocabSize)"
                    )
                }
                tokens.append(id)
            }
            guard tokens.count + 2 <= config.nPositions else {
                throw NeuralLMError(
                    .invalidData,
                    "\(url.lastPathComponent):\(index + 1): \(tokens.count) tokens do not fit the \(config.nPositions)-token context with BOS/EOS"
                )
            }
            result.append([config.bosTokenId] + tokens + [config.eosTokenId])
        }
        guard !result.isEmpty else {
            throw NeuralLMError(.invalidData, "\(url.lastPathComponent) holds no token sequences")
        }
        return result
    }

    /// Domain text, one sentence or paragraph per line, encoded by `encode` and framed BOS … EOS.
    ///
    /// A line longer than the context is cut into consecutive windows of `n_positions − 2`
    /// tokens, each framed, so no text is dropped. Ids outside the model's vocabulary are an error
    /// (the tokenizer does not belong to this model).
    public static func readTextSequences(
        _ url: URL, config: GPT2Config, encode: (String) throws -> [Int]
    ) throws -> [[Int]] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot read \(url.path): \(error.localizedDescription)")
        }
        let window = config.nPositions - 2
        guard window >= 1 else {
            throw NeuralLMError(
                .invalidConfiguration, "n_positions \(config.nPositions) leaves no room for text")
        }
        var result: [[Int]] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let sentence = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if sentence.isEmpty { continue }
            let tokens = try encode(sentence)
            if let bad = tokens.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
                throw NeuralLMError(
                    .invalidData,
                    "\(url.lastPathComponent):\(index + 1): token id \(bad) is outside the model's \(config.vocabSize)-token vocabulary"
                )
            }
            for start in stride(from: 0, to: tokens.count, by: window) {
                let chunk = tokens[start..<min(start + window, tokens.count)]
                result.append([config.bosTokenId] + chunk + [config.eosTokenId])
            }
        }
        guard !result.isEmpty else {
            throw NeuralLMError(.invalidData, "\(url.lastPathComponent) holds no text")
        }
        return result
    }

    /// One line of an N-best JSONL file as far as training needs it.
    struct NBestLine: Decodable {
        struct Candidate: Decodable {
            var text: String
            var totalScore: Double
            var tokenIDs: [Int32]?
        }
        var utteranceID: String
        var reference: String
        var hypotheses: [Candidate]
    }

    /// N-best JSONL (`utteranceID`, `reference`, `hypotheses` with `text`, `totalScore` and
    /// `tokenIDs`; other fields ignored) as MWER examples.
    public static func readNBestExamples(
        _ url: URL, config: GPT2Config, tokenize: ((String) throws -> [Int])? = nil
    ) throws -> [MWERExample] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot read \(url.path): \(error.localizedDescription)")
        }
        var examples: [MWERExample] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let where_ = "\(url.lastPathComponent):\(index + 1)"
            let record: NBestLine
            do {
                record = try JSONDecoder().decode(NBestLine.self, from: Data(line.utf8))
            } catch {
                throw NeuralLMError(.invalidData, "\(where_): not an N-best record: \(error)")
            }
            let list = NBestList(
                utteranceID: record.utteranceID,
                hypotheses: record.hypotheses.map {
                    Hypothesis(text: $0.text, tokenIDs: $0.tokenIDs ?? [], totalScore: $0.totalScore)
                })
            let example: MWERExample
            do {
                example = try MWERExample(list: list, reference: record.reference, tokenize: tokenize)
            } catch let error as NeuralLMError {
                throw NeuralLMError(error.code, "\(where_): \(error.message)")
            }
            for candidate in example.candidates {
                guard candidate.tokens.allSatisfy({ $0 >= 0 && $0 < config.vocabSize }),
                    candidate.tokens.count + 2 <= config.nPositions
                else {
                    throw NeuralLMError(
                        .invalidData,
                        "\(where_): a hypothesis has token ids outside the vocabulary or is too long")
                }
            }
            examples.append(example)
        }
        guard !examples.isEmpty else {
            throw NeuralLMError(.invalidData, "\(url.lastPathComponent) holds no N-best lists")
        }
        return examples
    }
}
