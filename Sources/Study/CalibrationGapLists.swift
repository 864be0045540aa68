public import FirstPass
public import Foundation

/// The lists of the calibration gap: the real dev and test lists, and simulated lists of the
/// same sentences (same references, same utterance ids, same order).
public struct CalibrationGapLists: Sendable {
    public var dev: [NBestRecord]
    public var test: [NBestRecord]

    public init(dev: [NBestRecord], test: [NBestRecord]) {
        self.dev = dev
        self.test = test
    }

    /// The final lists of the real dev and test files, at most `limit` of each (0: all).
    ///
    /// Read before any model is loaded, so a wrong file fails in a moment. Dev and test must be
    /// different files with no utterance in common: fusion is tuned on dev, and a test list seen
    /// in tuning would flatter every WERR of the report.
    public static func real(dev: URL, test: URL, limit: Int) throws(StudyError) -> CalibrationGapLists {
        guard
            dev.standardizedFileURL.resolvingSymlinksInPath()
                != test.standardizedFileURL
                .resolvingSymlinksInPath()
        else {
            throw StudyError(
                .invalidInput, "the dev and test lists are the same file \(dev.path): give disjoint sets")
        }
        let lists: CalibrationGapLists
        do {
            lists = CalibrationGapLists(
                dev: try DomainData.lists(dev, role: "dev lists", limit: limit),
                test: try DomainData.lists(test, role: "test lists", limit: limit))
        } catch let error as StudyError {
            throw error
        } catch {
            throw StudyError(.invalidInput, "\(error)")
        }
        let devIDs = Set(lists.dev.map(\.list.utteranceID))
        let shared = lists.test.map(\.list.utteranceID).filter { devIDs.contains($0) }
        if let first = shared.first {
            throw StudyError(
                .invalidInput,
                "the dev lists \(dev.path) and test lists \(test.path) share \(shared.count) utterance id(s) "
                    + "(first: \(first)): give disjoint sets")
        }
        return lists
    }

    /// Lists of the same sentences from `simulator`: each record keeps its real reference and
    /// utterance id, with a list simulated from that reference (test lists use `seed` + 1, as
    /// `SimulatedLists.prepare` does, though the ids already make them independent).
    public func simulated(
        by simulator: SimulatedLists.Simulator, model: PhoneticConfusionModel, seed: UInt64
    ) throws(StudyError) -> CalibrationGapLists {
        func simulate(_ records: [NBestRecord], seed: UInt64) throws(StudyError) -> [NBestRecord] {
            let engine: NBestSimulator
            do {
                engine = try NBestSimulator(model: model, parameters: simulator.parameters, seed: seed)
            } catch {
                throw StudyError(.invalidInput, "\(simulator.label): \(error)")
            }
            return records.map {
                let simulated = engine.simulate(reference: $0.reference, utteranceID: $0.list.utteranceID)
                return NBestRecord(reference: $0.reference, list: simulated.list)
            }
        }
        return CalibrationGapLists(
            dev: try simulate(dev, seed: seed), test: try simulate(test, seed: seed &+ 1))
    }

    /// Writes the lists into `folder` (created) under the real files' names (`test-` before the
    /// test file's name if both are named alike), so a label naming the file names the real one.
    func write(to folder: URL, names: (dev: String, test: String)) throws(StudyError) -> (dev: URL, test: URL)
    {
        let files = (
            dev: folder.appendingPathComponent(names.dev),
            test: folder.appendingPathComponent(names.test == names.dev ? "test-\(names.test)" : names.test)
        )
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try NBestJSONL.write(dev, toFile: files.dev.path)
            try NBestJSONL.write(test, toFile: files.test.path)
        } catch {
            throw StudyError(.ioFailure, "cannot write the lists into \(folder.path): \(error)")
        }
        return files
    }
}
