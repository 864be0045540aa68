import Adaptation
import Foundation
import Study
import Testing

/// The whole pipeline on tiny inputs: train → tune on dev → rescore test under every condition →
/// evaluate, then resumption: a finished cell is skipped, an interrupted one resumes from its
/// checkpoint, and the study files are written from every finished cell.
@Suite(.serialized) struct StudyRunTests {
    /// Lines logged by a run, for checking what it did.
    final class Log {
        var lines: [String] = []
    }

    @Test func aGridRunsEndToEndResumesAndWritesItsFiles() throws {
        let root = try StudyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = StudyFolder(root: root)
        let grid = StudyGrid(domains: ["tiny"], strategies: [.loraR4, .adalora], objectives: [.clm])
        let runner = StudyRunner(
            inputs: StudyFixtures.inputs(), settings: StudyFixtures.settings, grid: grid, folder: folder,
            command: "secondpass study (test)")

        // First run: stop during the second cell's training, after its first step.
        let stop = StopRequest()
        let first = Log()
        let interrupted = try #require(throws: StudyError.self) {
            try runner.run(stop: stop) { line in
                first.lines.append(line)
                if line.contains("tiny/adalora/clm step 1/3") { stop.request() }
            }
        }
        #expect(interrupted.code == .interrupted, "\(interrupted)")
        let lora = grid.cells[0]
        let adalora = grid.cells[1]
        #expect(FileManager.default.fileExists(atPath: folder.result(lora).path))
        #expect(!FileManager.default.fileExists(atPath: folder.result(adalora).path))
        let finished = try Data(contentsOf: folder.result(lora))

        // Second run: the finished cell is skipped, the interrupted one resumes at step 1.
        let second = Log()
        let results = try runner.run { second.lines.append($0) }
        #expect(second.lines.contains { $0.contains("1 already done, 1 to run") }, "\(second.lines)")
        #expect(
            second.lines.contains {
                $0.contains("tiny/adalora/clm: resuming from its checkpoint at step 1/3")
            })
        #expect(!second.lines.contains { $0.contains("cell") && $0.contains("tiny/lora-r4/clm") })
        #expect(try Data(contentsOf: folder.result(lora)) == finished)

        let domain = try #require(results.domains.first)
        #expect(domain.cells.map(\.cell) == grid.cells)
        for cell in domain.cells {
            #expect(cell.steps == 3)
            #expect(cell.trainableParameters > 0)
            #expect(cell.figures.test.utteranceCount == 5)
            #expect(cell.figures.versusTrigram != nil && cell.figures.versusBase != nil)
            let names = cell.figures.robustness.map(\.comparison.figureName)
            #expect(names == ["D1", "D1-twin", "NPRR"])
            #expect(cell.figures.devWER != nil)
        }
        #expect(domain.cells[1].trainingSeconds > 0)
        #expect(domain.baselines.base.versusTrigram != nil)
        #expect(domain.baselines.trigram.versusBase != nil)

        // study.json round-trips to the same figures; the report and the plots are written.
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let stored = try decoder.decode(StudyResults.self, from: Data(contentsOf: folder.studyJSON))
        #expect(stored == results)
        let report = try String(contentsOf: folder.report, encoding: .utf8)
        #expect(report.contains("secondpass study (test)"))
        #expect(report.contains("| tiny/adalora/clm |"))
        for sentence in results.answers[0].sentences { #expect(report.contains(sentence)) }
        let plot = try String(contentsOf: folder.werPlot, encoding: .utf8)
        #expect(plot.components(separatedBy: "<circle").count - 1 == 2)
        let robustness = try String(contentsOf: folder.robustnessPlot, encoding: .utf8)
        #expect(robustness.hasPrefix("<?xml") && robustness.hasSuffix("</svg>\n"))

        // A third run has nothing to do and changes no cell.
        let third = Log()
        _ = try runner.run { third.lines.append($0) }
        #expect(third.lines.contains { $0.contains("2 already done, 0 to run") })
    }
}
