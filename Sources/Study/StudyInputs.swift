public import Foundation

/// The files one domain of the study reads.
public struct DomainInputs: Sendable, Hashable {
    public var domain: StudyDomain
    /// N-best JSONL: fusion tuning, MWER training and the dev WER of every cell.
    public var devLists: URL
    /// N-best JSONL: the test figures (never used for a choice).
    public var testLists: URL
    /// Domain text, one sentence per line: CLM training and the trigram.
    public var trainText: URL

    public init(domain: StudyDomain, devLists: URL, testLists: URL, trainText: URL) {
        self.domain = domain
        self.devLists = devLists
        self.testLists = testLists
        self.trainText = trainText
    }
}

/// Every file a study depends on: the base model, each domain's lists and text, and the
/// pronunciation lexicon and word counts behind the homophone perturbations.
public struct StudyInputs: Sendable, Hashable {
    /// Hugging Face GPT-2 directory with `tokenizer.json`.
    public var baseModel: URL
    public var domains: [DomainInputs]
    /// CMU dictionary of the homophone index.
    public var lexicon: URL
    /// Text whose word counts decide which words are real homophones.
    public var wordCounts: [URL]

    public init(baseModel: URL, domains: [DomainInputs], lexicon: URL, wordCounts: [URL]) {
        self.baseModel = baseModel
        self.domains = domains
        self.lexicon = lexicon
        self.wordCounts = wordCounts
    }

    /// Each input by the role it plays (stable across machines, unlike its path).
    public var roles: [(role: String, file: URL)] {
        var files: [(String, URL)] = ["config.json", "model.safetensors", "tokenizer.json"].map {
            ("base/\($0)", baseModel.appendingPathComponent($0))
        }
        for domain in domains {
            files += [
                ("\(domain.domain.name)/dev-lists", domain.devLists),
                ("\(domain.domain.name)/test-lists", domain.testLists),
                ("\(domain.domain.name)/train-text", domain.trainText),
            ]
        }
        files.append(("lexicon", lexicon))
        files += wordCounts.enumerated().map { ("word-counts/\($0.offset)", $0.element) }
        return files
    }
}
