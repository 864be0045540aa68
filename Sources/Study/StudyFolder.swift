public import Foundation

/// The layout of a study folder. Everything a run writes lives here, so a folder is a complete,
/// resumable record of one study:
///
/// ```
/// manifest.json                inputs' digests and the settings (checked on every run)
/// inputs/<domain>-{dev,test}.jsonl   the lists actually used (after --quick's limit)
/// baselines/<domain>.json      base model and trigram figures; .outcomes.jsonl their test outcomes
/// work/<cell>/                 training output (checkpoint, best, final, summary.json, timing.json)
/// cells/<cell>.json            a finished cell (never redone)
/// study.json  report.md  wer-vs-parameters.svg  robustness.svg
/// ```
public struct StudyFolder: Sendable, Hashable {
    public var root: URL

    public init(root: URL) { self.root = root }

    public var manifest: URL { root.appendingPathComponent("manifest.json") }
    public var studyJSON: URL { root.appendingPathComponent("study.json") }
    public var report: URL { root.appendingPathComponent("report.md") }
    public var werPlot: URL { root.appendingPathComponent("wer-vs-parameters.svg") }
    public var robustnessPlot: URL { root.appendingPathComponent("robustness.svg") }

    public func lists(_ domain: String, _ split: String) -> URL {
        root.appendingPathComponent("inputs/\(domain)-\(split).jsonl")
    }
    public func baseline(_ domain: String) -> URL { root.appendingPathComponent("baselines/\(domain).json") }
    public func baselineOutcomes(_ domain: String) -> URL {
        root.appendingPathComponent("baselines/\(domain).outcomes.jsonl")
    }
    public func work(_ cell: StudyCell) -> URL { root.appendingPathComponent("work/\(cell.fileName)") }
    public func result(_ cell: StudyCell) -> URL {
        root.appendingPathComponent("cells/\(cell.fileName).json")
    }

    /// Creates the folder and writes `manifest`, or checks it against the stored one.
    ///
    /// - Throws: `StudyError.manifestMismatch` naming the first difference.
    public func open(with manifest: StudyManifest) throws(StudyError) {
        if FileManager.default.fileExists(atPath: self.manifest.path) {
            let stored = try StudyJSON.read(StudyManifest.self, from: self.manifest)
            if let difference = manifest.difference(from: stored) {
                throw StudyError(
                    .manifestMismatch,
                    "\(root.path) holds another study: \(difference). Use a new --output folder, or restore the inputs."
                )
            }
        } else {
            try StudyJSON.write(manifest, to: self.manifest)
        }
    }
}
