public import Foundation

extension OutcomeSet {
    /// Reads outcomes from JSON Lines (one `UtteranceOutcome` object per line, blank lines skipped).
    ///
    /// This is the file form of the aggregator's records, used by `secondpass eval-report` and the
    /// study; errors name the 1-based line so a bad record can be found in a large file.
    public init(jsonLines data: Data) throws {
        self.init()
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let outcome: UtteranceOutcome
            do {
                outcome = try decoder.decode(UtteranceOutcome.self, from: Data(line))
            } catch {
                throw EvaluationError(
                    .malformedInput, "line \(lineNumber): not an utterance outcome: \(error)")
            }
            do {
                try insert(outcome)
            } catch let error as EvaluationError {
                throw EvaluationError(error.code, "line \(lineNumber): \(error.message)")
            }
        }
    }

    /// Every outcome as JSON Lines, sorted by (run, condition, utterance).
    public func jsonLines() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data()
        for run in runs {
            for condition in conditions(run: run) {
                for outcome in outcomes(run: run, condition: condition) {
                    data.append(try encoder.encode(outcome))
                    data.append(UInt8(ascii: "\n"))
                }
            }
        }
        return data
    }
}
