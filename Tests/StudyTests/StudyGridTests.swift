import Adaptation
import Study
import Testing

/// The grid's cells and the `--cells` filter.
@Suite struct StudyGridTests {
    let grid = StudyGrid(domains: ["austen-real", "conversation-simulated"])

    @Test func theFullGridIsEveryStrategyObjectiveAndDomain() {
        #expect(grid.cells.count == 8 * 3 * 2)
        #expect(Set(grid.cells.map(\.id)).count == grid.cells.count)
        #expect(grid.cells.contains { $0.id == "austen-real/lora-r16/clm-then-mwer" })
    }

    @Test func patternsSelectByPartWithWildcards() throws {
        #expect(try grid.filtered(by: ["*/lora-r8"]).cells.count == 6)
        #expect(try grid.filtered(by: ["austen-real/*/mwer"]).cells.count == 8)
        #expect(try grid.filtered(by: ["austen-real/full/clm", "austen-real/full/clm"]).cells.count == 1)
        #expect(try grid.filtered(by: []).cells == grid.cells)
    }

    @Test func aPatternMatchingNothingIsAnErrorNotAnEmptyStudy() {
        #expect(throws: StudyError.self) { try grid.filtered(by: ["austen-real/lora-r7"]) }
        #expect(throws: StudyError.self) { try grid.filtered(by: ["a/b/c/d"]) }
    }

    @Test func eachStrategyTrainsWhatItsNameSays() {
        #expect(StudyStrategy.loraR32.settings(steps: 100).lora.rank == 32)
        #expect(StudyStrategy.full.settings(steps: 100).strategy == .full)
        #expect(StudyStrategy.adalora.settings(steps: 100).strategy.adaLoRA?.targetRank == 4)
        #expect(StudyStrategy.adalora.family == .dynamicRank)
    }
}
