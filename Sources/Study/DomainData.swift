import Adaptation
import FirstPass
import Foundation
import NeuralLM
import Phonetics

/// One domain's inputs read and prepared once per run: the dev and test lists actually used
/// (written into the study folder), the tokenised training text, the dev lists as MWER examples,
/// and the test lists under every condition.
struct DomainData {
    var inputs: DomainInputs
    var dev: [NBestRecord]
    var devExamples: [MWERExample]
    var trainSequences: [[Int]]
    var trainLines: [String]
    var conditions: TestConditions

    init(
        _ inputs: DomainInputs, folder: StudyFolder, settings: StudySettings, config: GPT2Config,
        tokenizer: BPETokenizer, homophones: HomophoneIndex
    ) throws {
        self.inputs = inputs
        let name = inputs.domain.name
        dev = try Self.lists(inputs.devLists, role: "\(name) dev lists", limit: settings.listLimit)
        let test = try Self.lists(inputs.testLists, role: "\(name) test lists", limit: settings.listLimit)
        let devFile = folder.lists(name, "dev")
        do {
            try FileManager.default.createDirectory(
                at: devFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try NBestJSONL.write(dev, toFile: devFile.path)
            try NBestJSONL.write(test, toFile: folder.lists(name, "test").path)
        } catch {
            throw StudyError(
                .ioFailure, "cannot write the lists of \(name) into \(folder.root.path): \(error)")
        }
        let encode: @Sendable (String) throws -> [Int] = { tokenizer.encode($0) }
        devExamples = try TrainingDataFiles.readNBestExamples(devFile, config: config, tokenize: encode)
        let text: String
        do {
            text = try String(contentsOf: inputs.trainText, encoding: .utf8)
        } catch {
            throw StudyError(.invalidInput, "\(name) training text: cannot read \(inputs.trainText.path)")
        }
        trainLines = text.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        guard !trainLines.isEmpty else {
            throw StudyError(
                .invalidInput, "\(name) training text \(inputs.trainText.path) holds no sentence")
        }
        trainSequences = try TrainingDataFiles.readTextSequences(
            inputs.trainText, config: config, encode: encode)
        conditions = TestConditions(clean: test, homophones: homophones, settings: settings)
    }

    /// The final lists of an N-best file (failure lines skipped, repeated strings merged), at most
    /// `limit` of them (0: all).
    static func lists(_ url: URL, role: String, limit: Int) throws -> [NBestRecord] {
        let records: [NBestRecord]
        do {
            records = try NBestJSONL.read(contentsOfFile: url.path, duplicates: .keepBest).records.filter {
                $0.list.kind == .final
            }
        } catch {
            throw StudyError(.invalidInput, "\(role): \(error)")
        }
        guard !records.isEmpty else {
            throw StudyError(.invalidInput, "\(role): \(url.path) holds no final list")
        }
        return limit > 0 ? Array(records.prefix(limit)) : records
    }
}
