/// Where the pocketsphinx models live: Debian `pocketsphinx-en-us` by default.
public struct DecoderModels: Sendable, Hashable {
    /// Acoustic model folder (`-hmm`).
    public var acousticModel: String
    /// Binary or ARPA n-gram LM (`-lm`).
    public var languageModel: String
    /// Pronunciation dictionary (`-dict`).
    public var dictionary: String

    public init(acousticModel: String, languageModel: String, dictionary: String) {
        self.acousticModel = acousticModel
        self.languageModel = languageModel
        self.dictionary = dictionary
    }

    /// The US English models of Debian's `pocketsphinx-en-us`.
    public static let debianEnglish = DecoderModels(
        acousticModel: "/usr/share/pocketsphinx/model/en-us/en-us",
        languageModel: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin",
        dictionary: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")
}
