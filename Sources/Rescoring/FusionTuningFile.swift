public import Foundation
public import RescoringCore

/// The fusion weights `secondpass tune` chose, by adapter, as `lora-rescorer --fusion` reads them.
///
/// ```json
/// {
///   "base": {"first_pass_weight": 1, "lm_weight": 0.3, "length_bonus": 1.5,
///            "dev_wer_before": 0.21, "dev_wer_after": 0.19, "utterances": 200},
///   "adapters": {"austen-lora-r8": {"first_pass_weight": 1, "lm_weight": 0.45, ...}},
///   "dev_set": "Data/austen/dev.nbest.jsonl", "method": "grid"
/// }
/// ```
///
/// `base` (optional) holds the weights for requests without an adapter; each adapter's entry
/// holds its own. The development WER before (with the starting weights) and after are kept so
/// the file says what the tuning bought.
public struct FusionTuningFile: Sendable, Hashable, Codable {
    /// One tuned weighting and the development figures behind it.
    public struct Entry: Sendable, Hashable, Codable {
        public var firstPassWeight: Double
        public var lmWeight: Double
        public var lengthBonus: Double
        public var devWERBefore: Double?
        public var devWERAfter: Double?
        public var utterances: Int?

        public init(
            fusion: ScoreFusion, devWERBefore: Double? = nil, devWERAfter: Double? = nil,
            utterances: Int? = nil
        ) {
            firstPassWeight = fusion.firstPassWeight
            lmWeight = fusion.lmWeight
            lengthBonus = fusion.lengthBonus
            self.devWERBefore = devWERBefore
            self.devWERAfter = devWERAfter
            self.utterances = utterances
        }

        public var fusion: ScoreFusion {
            ScoreFusion(firstPassWeight: firstPassWeight, lmWeight: lmWeight, lengthBonus: lengthBonus)
        }

        enum CodingKeys: String, CodingKey {
            case firstPassWeight = "first_pass_weight"
            case lmWeight = "lm_weight"
            case lengthBonus = "length_bonus"
            case devWERBefore = "dev_wer_before"
            case devWERAfter = "dev_wer_after"
            case utterances
        }
    }

    public var base: Entry?
    public var adapters: [String: Entry]
    public var devSet: String?
    public var method: String?

    public init(
        base: Entry? = nil, adapters: [String: Entry] = [:], devSet: String? = nil, method: String? = nil
    ) {
        self.base = base
        self.adapters = adapters
        self.devSet = devSet
        self.method = method
    }

    enum CodingKeys: String, CodingKey {
        case base, adapters, method
        case devSet = "dev_set"
    }

    /// Why a tuning file was refused; the message names the file and the entry.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads and checks the file at `url`: every weight must be finite.
    public static func read(from url: URL) throws(Failure) -> FusionTuningFile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw Failure(message: "cannot read the fusion file \(url.path): \(error.localizedDescription)")
        }
        let file: FusionTuningFile
        do {
            file = try JSONDecoder().decode(FusionTuningFile.self, from: data)
        } catch {
            throw Failure(message: "the fusion file \(url.path) is not a tuning file: \(error)")
        }
        let entries = (file.base.map { [("base", $0)] } ?? []) + file.adapters.sorted { $0.key < $1.key }
        for (name, entry) in entries {
            let weights = [entry.firstPassWeight, entry.lmWeight, entry.lengthBonus]
            guard weights.allSatisfy(\.isFinite) else {
                throw Failure(message: "the fusion file \(url.path): entry '\(name)' has a non-finite weight")
            }
        }
        return file
    }

    /// Writes the file as sorted, indented JSON (stable under version control).
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// `engine` with the file's weights: `base` (if present) as its default, each adapter's entry
    /// as that adapter's weights.
    public func applied(to engine: RescoringEngine) -> RescoringEngine {
        var engine = engine
        if let base { engine.defaultFusion = base.fusion }
        for (name, entry) in adapters { engine.adapterFusion[name] = entry.fusion }
        return engine
    }
}
