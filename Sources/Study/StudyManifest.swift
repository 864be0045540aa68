import Foundation

/// What a study folder was made from: a digest of every input and the settings.
///
/// Written when a folder is first used and compared on every later run: resuming with another
/// model, other lists or other settings would silently mix figures of two studies in one table,
/// so any difference is a `manifestMismatch` error that names it.
public struct StudyManifest: Sendable, Hashable, Codable {
    /// One input file: its path when hashed, size and 64-bit FNV-1a digest of its bytes.
    public struct Input: Sendable, Hashable, Codable {
        public var path: String
        public var bytes: Int
        public var digest: String
    }

    public var format: Int = 1
    /// By role (`base/model.safetensors`, `austen-real/dev-lists`, …).
    public var inputs: [String: Input]
    public var domains: [StudyDomain]
    public var settings: StudySettings

    public init(inputs: StudyInputs, settings: StudySettings) throws(StudyError) {
        var hashed: [String: Input] = [:]
        for (role, file) in inputs.roles {
            let data: Data
            do {
                data = try Data(contentsOf: file, options: .mappedIfSafe)
            } catch {
                throw StudyError(.invalidInput, "\(role): cannot read \(file.path)")
            }
            hashed[role] = Input(path: file.path, bytes: data.count, digest: Self.digest(data))
        }
        self.inputs = hashed
        self.domains = inputs.domains.map(\.domain)
        self.settings = settings
    }

    /// 64-bit FNV-1a of `data`, in hex: enough to tell two versions of a file apart.
    static func digest(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { buffer in
            for byte in buffer {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }

    /// The first difference between a stored manifest and this one, in words; `nil` when none.
    ///
    /// Paths are not compared (a folder may move between machines); sizes and digests are.
    public func difference(from stored: StudyManifest) -> String? {
        for role in Set(inputs.keys).union(stored.inputs.keys).sorted() {
            switch (stored.inputs[role], inputs[role]) {
            case (let old?, let new?) where old.digest != new.digest || old.bytes != new.bytes:
                return
                    "\(role) changed: the study was made from \(old.path) (\(old.bytes) bytes, digest \(old.digest)),"
                    + " now \(new.path) has \(new.bytes) bytes, digest \(new.digest)"
            case (nil, let new?):
                return "\(role) (\(new.path)) is new: the study was made without it"
            case (let old?, nil):
                return "\(role) (\(old.path)) is missing from this run's inputs"
            default: continue
            }
        }
        if stored.domains != domains {
            return
                "the domains differ: the study has \(stored.domains.map(\.name)), this run \(domains.map(\.name))"
        }
        if stored.settings != settings {
            return "the settings differ (steps, batch, rates, bootstrap or list limit): the study used "
                + "\(stored.settings.summary), this run \(settings.summary)"
        }
        return nil
    }
}

extension StudySettings {
    /// The settings in one line, for mismatch messages and reports.
    public var summary: String {
        "steps \(steps), batch \(batchSize), lr \(learningRate), lists \(listLimit == 0 ? "all" : String(listLimit)), "
            + "1-best p \(oneBestRate), N-best p \(nBestRates.map { String($0) }.joined(separator: "/")), "
            + "bootstrap \(bootstrap.resamples)"
    }
}
